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
 * <p>Echo runs {@code runtime.run(compute(token -> supplier.get()).via(policy))}: a round trip
 * through the runtime. The anchors are measured the same way ({@code
 * CompletableFuture.supplyAsync(decorated, commonPool()).join()}, the round trip the "overhead"
 * benchmark uses), and also called directly on the caller ({@code decorated.get()}), which shows
 * the policy's own cost without a hand-off. Allocation per call comes from JMH's GC profiler.
 *
 * <p>Target: Echo with a policy at most 1.1x the anchor's round trip with the same policy.
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

  private ApplicationRuntime runtime;
  private ActionEffect<Void, Integer> echo;
  private Supplier<Integer> r4j;
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
    FailsafeExecutor<Integer> ex = executor;
    failsafe = () -> ex.get(supplier::get);
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

  /** The table rows of this benchmark: round-trip ratios, the policies' own cost, and bytes per call. */
  static List<Row> rows(Results r) {
    String m = "ResilienceBenchmark.";
    List<Row> rows = new ArrayList<>();
    OptionalDouble echoBare = r.median(m + "echo", Map.of("kind", "bare"));
    OptionalDouble r4jBare = r.median(m + "r4jDirect", Map.of("kind", "bare"));
    OptionalDouble fsBare = r.median(m + "failsafeDirect", Map.of("kind", "bare"));
    for (String kind : List.of("breaker", "ratelimit", "retry+breaker")) {
      Map<String, String> p = Map.of("kind", kind);
      String unit = r.unit(m + "echo", p);
      OptionalDouble echo = r.median(m + "echo", p);
      rows.add(new Row("resilience", kind + " round trip", unit, echo, "r4j supplyAsync.join",
          r.median(m + "r4jAsync", p), Row.Target.ratioAtMost(1.1, "<= 1.10x R4j")));
      rows.add(new Row("resilience", kind + " round trip", unit, echo, "failsafe supplyAsync.join",
          r.median(m + "failsafeAsync", p), Row.Target.ratioAtMost(1.1, "<= 1.10x Failsafe")));
      rows.add(new Row("resilience", kind + " cost over bare", unit, minus(echo, echoBare), "r4j direct",
          minus(r.median(m + "r4jDirect", p), r4jBare), null));
      rows.add(new Row("resilience", kind + " cost over bare", unit, minus(echo, echoBare), "failsafe direct",
          minus(r.median(m + "failsafeDirect", p), fsBare), null));
      String norm = "gc.alloc.rate.norm";
      rows.add(new Row("resilience", kind + " bytes per call", "B/op", r.secondaryMedian(m + "echo", p, norm),
          "r4j supplyAsync.join", r.secondaryMedian(m + "r4jAsync", p, norm), null));
      rows.add(new Row("resilience", kind + " bytes per call", "B/op", r.secondaryMedian(m + "echo", p, norm),
          "failsafe supplyAsync.join", r.secondaryMedian(m + "failsafeAsync", p, norm), null));
    }
    return rows;
  }

  private static OptionalDouble minus(OptionalDouble a, OptionalDouble b) {
    return a.isPresent() && b.isPresent() ? OptionalDouble.of(a.getAsDouble() - b.getAsDouble()) : OptionalDouble.empty();
  }
}
