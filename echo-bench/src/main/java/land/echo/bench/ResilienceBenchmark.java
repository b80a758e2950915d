package land.echo.bench;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.decorators.Decorators;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.Effects;
import land.echo.Environment;
import land.echo.RetryPolicy;
import land.echo.resilience.CircuitBreaker;
import land.echo.resilience.RateLimit;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.SchedulerConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Overhead of resilience policies, Echo against Resilience4j's {@code Decorators} and Failsafe, in
 * the same run, with the same cheap supplier ({@code () -> value}) behind every policy: a circuit
 * breaker (closed, defaults), a rate limit that never limits (10^9 permits a second), and a retry
 * (3 retries, never needed) around a breaker. {@code kind=bare} is the supplier alone.
 *
 * <p>Echo runs {@code compute(token -> supplier.get()).via(policy)} two ways: a chain of {@value
 * #CHAIN} such calls in one {@code runtime.run} ({@code echoChain}, per call: the policy's cost in
 * the interpreter, the hand-off spread over the chain), and one call per {@code runtime.run}
 * ({@code echo}, a round trip). The anchors are called directly on the caller ({@code
 * decorated.get()}) and through {@code CompletableFuture.supplyAsync(decorated, commonPool()).join()},
 * the round trip the "overhead" benchmark uses. Each side's policy cost is its time with the
 * policy minus its time with the bare supplier. Allocation per call comes from JMH's GC profiler.
 * Round trips are dominated by two thread wake-ups (tens of microseconds on a shared machine), so
 * they are reported without a target.
 *
 * <p>Target: Echo's policy cost per call at most 1.1x the anchor's. A third row per policy, without
 * a target, sets it against Resilience4j's decorated supplier called inside the same chain ({@link
 * #r4jInEchoChain()}): both then run in the interpreter, and the difference is Echo's shell alone.
 *
 * <p>Run: {@code ./echoctl bench resilience} (JMH directly needs {@code -prof gc}). Thread-safety:
 * JMH state.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ResilienceBenchmark {

  /** The policy under test. */
  @Param({"bare", "breaker", "ratelimit", "retry+breaker"})
  public String kind;

  private static final Effects<Void> EFFECTS = Effects.failingWith(Void.class);
  private static final long NEVER_LIMITING = 1_000_000_000L;

  /** Calls per {@link #echoChain} invocation. */
  static final int CHAIN = 1_000;

  private ApplicationRuntime runtime;
  private ActionEffect<Void, Integer> echo;
  private ActionEffect<Void, Integer> echoChain;
  private ActionEffect<Void, Integer> r4jInEchoChain;
  private Supplier<Integer> r4j;
  private ActionEffect<Void, Integer> r4jInEcho;
  private Supplier<Integer> failsafe;

  /** Builds the three sides' guarded calls for {@link #kind}. */
  @Setup(Level.Trial)
  public void setUp() {
    Integer value = 42;
    Supplier<Integer> supplier = () -> value;
    EchoScheduler scheduler = EchoScheduler.create(SchedulerConfig.builder().workers(Kinds.workers()).build());
    runtime = ApplicationRuntime.create(Environment.empty(), scheduler);
    ActionEffect<Void, Integer> call = EFFECTS.compute(token -> supplier.get());
    Decorators.DecorateSupplier<Integer> decorators = Decorators.ofSupplier(supplier);
    FailsafeExecutor<Integer> executor;
    switch (kind) {
      case "bare" -> {
        echo = call;
        r4jInEcho = call;
        r4j = supplier;
        failsafe = supplier;
        return;
      }
      case "breaker" -> {
        echo = call.via(CircuitBreaker.ofDefaults("bench").policy());
        decorators.withCircuitBreaker(io.github.resilience4j.circuitbreaker.CircuitBreaker.ofDefaults("bench"));
        executor = Failsafe.with(dev.failsafe.CircuitBreaker.<Integer>ofDefaults());
      }
      case "ratelimit" -> {
        echo = call.via(RateLimit.of("bench", NEVER_LIMITING, Duration.ofSeconds(1)).policy());
        decorators.withRateLimiter(io.github.resilience4j.ratelimiter.RateLimiter.of("bench", RateLimiterConfig.custom()
            .limitForPeriod((int) NEVER_LIMITING).limitRefreshPeriod(Duration.ofSeconds(1)).build()));
        executor = Failsafe.with(dev.failsafe.RateLimiter.<Integer>burstyBuilder(NEVER_LIMITING, Duration.ofSeconds(1)).build());
      }
      case "retry+breaker" -> {
        echo = call.via(CircuitBreaker.ofDefaults("bench").policy()).retry(RetryPolicy.of(3, Duration.ofMillis(10)));
        decorators.withCircuitBreaker(io.github.resilience4j.circuitbreaker.CircuitBreaker.ofDefaults("bench"))
            .withRetry(io.github.resilience4j.retry.Retry.of("bench",
                RetryConfig.custom().maxAttempts(4).waitDuration(Duration.ofMillis(10)).build()));
        executor = Failsafe.with(
            dev.failsafe.RetryPolicy.<Integer>builder().withMaxRetries(3).withDelay(Duration.ofMillis(10)).build(),
            dev.failsafe.CircuitBreaker.<Integer>ofDefaults());
      }
      default -> throw new IllegalArgumentException("kind " + kind);
    }
    r4j = decorators.decorate();
    Supplier<Integer> decorated = r4j;
    r4jInEcho = EFFECTS.compute(token -> decorated.get());
    FailsafeExecutor<Integer> ex = executor;
    failsafe = () -> ex.get(supplier::get);
  }

  /** Builds the chain of {@link #CHAIN} guarded calls, one after the other in one effect. */
  @Setup(Level.Trial)
  public void setUpChain() {
    ActionEffect<Void, Integer> one = echo;
    ActionEffect<Void, Integer> chain = one;
    for (int i = 1; i < CHAIN; i++) {
      chain = chain.flatMap(x -> one);
    }
    echoChain = chain;
    ActionEffect<Void, Integer> byHand = r4jInEcho;
    ActionEffect<Void, Integer> handChain = byHand;
    for (int i = 1; i < CHAIN; i++) {
      handChain = handChain.flatMap(x -> byHand);
    }
    r4jInEchoChain = handChain;
  }

  /** Stops Echo's runtime. */
  @TearDown(Level.Trial)
  public void tearDown() {
    runtime.close();
  }

  /**
   * Echo: {@code runtime.run(compute(token -> supplier.get()).via(policy))}.
   *
   * @return the value
   */
  @Benchmark
  public Integer echo() {
    return runtime.run(echo).getOrThrow();
  }

  /**
   * Echo, per call: {@value #CHAIN} guarded calls in sequence inside one {@code runtime.run}, so the
   * hand-off to a worker and back is spread over them; compare with the anchors' direct calls.
   *
   * @return the last call's value
   */
  @Benchmark
  @OperationsPerInvocation(CHAIN)
  public Integer echoChain() {
    return runtime.run(echoChain).getOrThrow();
  }

  /**
   * Resilience4j by hand inside Echo: the same chain as {@link #echoChain()}, each call {@code
   * compute(token -> decorated.get())} with Resilience4j's decorated supplier, what a user without
   * Echo's policies would write. Echo's policy cost over this one is what its effect-aware shell
   * costs (the gate's frame, the boxed start time, the clock it follows); over {@link #r4jDirect()},
   * it also carries Resilience4j's own work run inside an interpreter instead of a tight loop.
   *
   * @return the last call's value
   */
  @Benchmark
  @OperationsPerInvocation(CHAIN)
  public Integer r4jInEchoChain() {
    return runtime.run(r4jInEchoChain).getOrThrow();
  }

  /**
   * Resilience4j's decorated supplier, run through {@code supplyAsync(..).join()}.
   *
   * @return the value
   */
  @Benchmark
  public Integer r4jAsync() {
    return CompletableFuture.supplyAsync(r4j, ForkJoinPool.commonPool()).join();
  }

  /**
   * Failsafe's executor, run through {@code supplyAsync(..).join()}.
   *
   * @return the value
   */
  @Benchmark
  public Integer failsafeAsync() {
    return CompletableFuture.supplyAsync(failsafe, ForkJoinPool.commonPool()).join();
  }

  /**
   * Resilience4j's decorated supplier called on the caller's thread.
   *
   * @return the value
   */
  @Benchmark
  public Integer r4jDirect() {
    return r4j.get();
  }

  /**
   * Failsafe's executor called on the caller's thread.
   *
   * @return the value
   */
  @Benchmark
  public Integer failsafeDirect() {
    return failsafe.get();
  }

  /**
   * The table rows of this benchmark: per-call time in a chain (no hand-off) against the anchors'
   * direct calls, the policy's own cost (its time minus the bare supplier's, on each side), the
   * round trips, and bytes per call.
   */
  static List<Row> rows(Results r) {
    String m = "ResilienceBenchmark.";
    List<Row> rows = new ArrayList<>();
    Map<String, String> bare = Map.of("kind", "bare");
    OptionalDouble chainBare = r.median(m + "echoChain", bare);
    OptionalDouble r4jBare = r.median(m + "r4jDirect", bare);
    OptionalDouble fsBare = r.median(m + "failsafeDirect", bare);
    String norm = "gc.alloc.rate.norm";
    for (String kind : List.of("breaker", "ratelimit", "retry+breaker")) {
      Map<String, String> p = Map.of("kind", kind);
      String unit = r.unit(m + "echoChain", p);
      OptionalDouble chain = r.median(m + "echoChain", p);
      OptionalDouble r4j = r.median(m + "r4jDirect", p);
      OptionalDouble fs = r.median(m + "failsafeDirect", p);
      rows.add(new Row("resilience", kind + ": policy cost per call", unit, minus(chain, chainBare),
          "r4j Decorators", minus(r4j, r4jBare), Row.Target.ratioAtMost(1.1, "<= 1.10x R4j")));
      rows.add(new Row("resilience", kind + ": policy cost per call", unit, minus(chain, chainBare),
          "failsafe", minus(fs, fsBare), Row.Target.ratioAtMost(1.1, "<= 1.10x Failsafe")));
      rows.add(new Row("resilience", kind + ": policy cost per call, both in Echo", unit, minus(chain, chainBare),
          "r4j in compute", minus(r.median(m + "r4jInEchoChain", p), chainBare), null));
      rows.add(new Row("resilience", kind + ": call in a chain vs direct call", unit, chain, "r4j Decorators", r4j, null));
      rows.add(new Row("resilience", kind + ": call in a chain vs direct call", unit, chain, "failsafe", fs, null));
      OptionalDouble echo = r.median(m + "echo", p);
      rows.add(new Row("resilience", kind + ": round trip", r.unit(m + "echo", p), echo, "r4j supplyAsync.join",
          r.median(m + "r4jAsync", p), null));
      rows.add(new Row("resilience", kind + ": round trip", r.unit(m + "echo", p), echo, "failsafe supplyAsync.join",
          r.median(m + "failsafeAsync", p), null));
      OptionalDouble echoBytes = minus(r.secondaryMedian(m + "echoChain", p, norm), r.secondaryMedian(m + "echoChain", bare, norm));
      rows.add(new Row("resilience", kind + ": policy bytes per call", "B/op", echoBytes, "r4j Decorators",
          r.secondaryMedian(m + "r4jDirect", p, norm), null));
      rows.add(new Row("resilience", kind + ": policy bytes per call", "B/op", echoBytes, "failsafe",
          r.secondaryMedian(m + "failsafeDirect", p, norm), null));
    }
    return rows;
  }

  private static OptionalDouble minus(OptionalDouble a, OptionalDouble b) {
    return a.isPresent() && b.isPresent() ? OptionalDouble.of(a.getAsDouble() - b.getAsDouble()) : OptionalDouble.empty();
  }
}
