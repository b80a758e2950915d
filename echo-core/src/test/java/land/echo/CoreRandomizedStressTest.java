package land.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Randomized, reproducible stress of the whole runtime: random effect trees (deep nesting of
 * timeout, all, race, flatMap and retry; tracked {@code ensuring} finalizers; every kind of leaf,
 * including async stages of every kind) submitted from several threads with random priorities and
 * budgets, cancelled at random from another thread, while the runtime is shut down from yet
 * another thread in the middle of the load.
 *
 * <p>The seed is {@code -Decho.stress.seed=<n>} if given, else {@code System.nanoTime()}; it is
 * printed and named in every assertion message. The tree shapes and body parameters follow from
 * the seed; thread interleavings do not, so a replay reproduces the load, not the exact schedule.
 *
 * <p>Invariants: every handle completes exactly once and its outcome never changes; every
 * outcome is one the effects can legitimately produce; every finalizer whose protected section
 * started runs exactly once (never twice), and before the shutdown hooks; no finalizer runs after
 * {@code shutdown} returned; nothing is still unwinding; the runtime's counters reconcile.
 */
class CoreRandomizedStressTest {
  /** Rounds per run; {@code -Decho.stress.rounds=<n>} runs more (to hunt with many seeds locally). */
  private static final int ROUNDS = Integer.getInteger("echo.stress.rounds", 4);
  private static final int ROOTS_PER_ROUND = 2_500;
  private static final int SUBMITTERS = 2;
  private static final int MAX_IN_FLIGHT = 192;
  /** Deep roots nest between MIN_DEEP and MAX_DEEP levels. */
  private static final int MIN_DEEP = 300;
  private static final int MAX_DEEP = 3_000;
  private static final int FINALIZER_CAPACITY = 1 << 20;
  private static final Duration LONG = Duration.ofHours(1);
  private static final int LEAF_KINDS = 22;

  /** The only exception our bodies throw on purpose; cheap (no stack trace). */
  static final class Boom extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Boom(String message) {
      super(message, null, false, false);
    }
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void randomTreesUnderRandomCancellationAndAShutdownInTheMiddle() throws Exception {
    long seed = TestThreads.stressSeed("CoreRandomizedStressTest");
    long started = System.nanoTime();
    for (int round = 0; round < ROUNDS; round++) {
      new Round(seed, round).run();
      System.gc(); // each round's arrays are garbage now
    }
    System.out.println("CoreRandomizedStressTest seed=" + seed + " passed " + ROUNDS + " rounds in "
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
  }

  /** One runtime, one load, one shutdown. */
  private static final class Round {
    final long seed;
    final int round;
    final String tag;

    final AtomicIntegerArray finalizerStarted = new AtomicIntegerArray(FINALIZER_CAPACITY);
    final AtomicIntegerArray finalizerRan = new AtomicIntegerArray(FINALIZER_CAPACITY);
    final AtomicInteger nextFinalizerId = new AtomicInteger();
    final AtomicInteger untrackedFinalizers = new AtomicInteger();
    final AtomicInteger finalizerRunsAfterShutdownReturned = new AtomicInteger();
    volatile boolean shutdownReturned;

    final AtomicReferenceArray<EffectHandle<String, Integer>> handles = new AtomicReferenceArray<>(ROOTS_PER_ROUND);
    final AtomicReferenceArray<Outcome<String, Integer>> firstSeen = new AtomicReferenceArray<>(ROOTS_PER_ROUND);
    final AtomicIntegerArray completions = new AtomicIntegerArray(ROOTS_PER_ROUND);
    final AtomicInteger totalCompletions = new AtomicInteger();
    final AtomicInteger submittedSoFar = new AtomicInteger();
    final AtomicLong cancelActionsRun = new AtomicLong();
    final AtomicIntegerArray leavesBuilt = new AtomicIntegerArray(LEAF_KINDS);
    final AtomicInteger deepRoots = new AtomicInteger();
    final AtomicInteger deepestRoot = new AtomicInteger();
    final AtomicInteger hookRuns = new AtomicInteger();
    final AtomicReference<String> hookViolation = new AtomicReference<>();
    final AtomicReference<ShutdownReport> report = new AtomicReference<>();
    final AtomicReference<Throwable> threadFailure = new AtomicReference<>();
    final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    final CountDownLatch shutdownPoint = new CountDownLatch(1);
    final LinkedBlockingQueue<Integer> toCancel = new LinkedBlockingQueue<>();
    final int shutdownAfter;
    final Duration shutdownDeadline;
    final ApplicationRuntime runtime;

    Round(long seed, int round) {
      this.seed = seed;
      this.round = round;
      this.tag = "seed " + seed + ", round " + round;
      SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (round + 1)));
      this.shutdownAfter = ROOTS_PER_ROUND / 4 + random.nextInt(ROOTS_PER_ROUND / 2);
      this.shutdownDeadline = Duration.ofMillis(random.nextInt(4) == 0 ? 0 : random.nextInt(300));
      this.runtime = ApplicationRuntime.builder()
          .scheduler(TestRuntimes.scheduler(1 + random.nextInt(3)))
          .shutdownHook("check-finalizers", Duration.ofSeconds(30), () -> {
            hookRuns.incrementAndGet();
            String violation = finalizerViolation();
            if (violation != null) {
              hookViolation.compareAndSet(null, "when the hook ran: " + violation);
            }
          })
          .build();
    }

    void run() throws Exception {
      long startedAt = System.nanoTime();
      Thread[] submitters = new Thread[SUBMITTERS];
      int quota = ROOTS_PER_ROUND / SUBMITTERS;
      for (int s = 0; s < SUBMITTERS; s++) {
        int first = s * quota;
        int last = s == SUBMITTERS - 1 ? ROOTS_PER_ROUND : first + quota;
        Generator generator = new Generator(new SplittableRandom(seed + 31L * round + s));
        submitters[s] = Thread.ofPlatform().name("stress-submitter-" + s).start(guard(() -> {
          for (int i = first; i < last; i++) {
            submitOne(generator, i);
          }
        }));
      }
      Thread canceller = Thread.ofPlatform().name("stress-canceller").start(guard(() -> {
        while (true) {
          int index = toCancel.take();
          if (index < 0) {
            return;
          }
          EffectHandle<String, Integer> handle = handles.get(index);
          switch (index % 3) {
            case 0 -> handle.cancel("cancelled at random by the stress test");
            case 1 -> handle.cancel();
            default -> handle.outcome().toCompletableFuture().cancel(true);
          }
        }
      }));
      Thread shutdowner = Thread.ofPlatform().name("stress-shutdown").start(guard(() -> {
        shutdownPoint.await();
        report.set(runtime.shutdown(shutdownDeadline));
        shutdownReturned = true;
      }));

      for (Thread submitter : submitters) {
        assertThat(submitter.join(Duration.ofSeconds(60))).as("submitter finished (%s)", tag).isTrue();
      }
      toCancel.put(-1);
      assertThat(canceller.join(Duration.ofSeconds(60))).as("canceller finished (%s)", tag).isTrue();
      assertThat(shutdowner.join(Duration.ofSeconds(60))).as("shutdown returned (%s)", tag).isTrue();
      assertThat(threadFailure.get()).as("no helper thread failed (%s)", tag).isNull();
      ShutdownReport shutdownReport = report.get();
      assertThat(shutdownReport).as("shutdown report (%s)", tag).isNotNull();

      // Every handle completed by now: those in flight by shutdown, later ones at submission.
      for (int i = 0; i < ROOTS_PER_ROUND; i++) {
        EffectHandle<String, Integer> handle = handles.get(i);
        assertThat(handle).as("handle %d was submitted (%s)", i, tag).isNotNull();
        assertThat(handle.isDone()).as("handle %d %s is done after shutdown returned (%s)", i, handle, tag).isTrue();
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> totalCompletions.get() >= ROOTS_PER_ROUND);
      for (int i = 0; i < ROOTS_PER_ROUND; i++) {
        EffectHandle<String, Integer> handle = handles.get(i);
        assertThat(completions.get(i)).as("completions of handle %d (%s)", i, tag).isEqualTo(1);
        Outcome<String, Integer> once = handle.join();
        Outcome<String, Integer> twice = handle.outcome().toCompletableFuture().join();
        assertThat(twice).as("outcome of handle %d read twice (%s)", i, tag).isSameAs(once);
        assertThat(firstSeen.get(i)).as("outcome of handle %d seen by its dependent (%s)", i, tag).isSameAs(once);
        String invalid = invalidOutcome(once);
        assertThat(invalid).as("outcome %s of handle %d is legitimate (%s)", once, i, tag).isNull();
      }
      assertThat(totalCompletions.get()).as("dependents run in total (%s)", tag).isEqualTo(ROOTS_PER_ROUND);

      assertThat(shutdownReport.stillUnwinding()).as("still unwinding at shutdown (%s)", tag).isEmpty();
      assertThat(hookRuns.get()).as("hook runs (%s)", tag).isEqualTo(1);
      assertThat(shutdownReport.hooks()).as("hook results (%s)", tag)
          .extracting(HookResult::status).containsExactly(HookResult.Status.COMPLETED);
      assertThat(hookViolation.get()).as("finalizers all ran before the hooks (%s)", tag).isNull();
      assertThat(finalizerViolation()).as("finalizer runs after the load (%s)", tag).isNull();
      assertThat(finalizerRunsAfterShutdownReturned.get())
          .as("finalizers that ran after shutdown returned (%s)", tag).isZero();
      assertThat(untrackedFinalizers.get()).as("finalizer ids beyond capacity (%s)", tag).isZero();

      RuntimeStats stats = runtime.stats();
      assertThat(stats.submitted()).as("submitted (%s)", tag).isEqualTo(ROOTS_PER_ROUND);
      assertThat(stats.inFlight()).as("in flight after shutdown (%s)", tag).isZero();
      assertThat(stats.succeeded() + stats.failed() + stats.faulted()).as("outcomes counted (%s)", tag)
          .isEqualTo(ROOTS_PER_ROUND);
      assertThat(runtime.scheduler().isShutdown()).as("scheduler shut down (%s)", tag).isTrue();
      System.out.println("  " + tag + ": " + stats + "; shutdown after " + shutdownAfter + " roots, deadline "
          + shutdownDeadline + ", report completed=" + shutdownReport.completed() + " cancelled="
          + shutdownReport.cancelled() + "; tracked finalizers=" + nextFinalizerId.get() + ", cancel actions run="
          + cancelActionsRun.get() + "; deep roots=" + deepRoots.get() + " (deepest " + deepestRoot.get()
          + " levels); leaves built per kind=" + leavesBuilt + "; " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt) + " ms");
    }

    private Runnable guard(ThrowingRunnable body) {
      return () -> {
        try {
          body.run();
        } catch (Throwable t) {
          threadFailure.compareAndSet(null, t);
          t.printStackTrace();
        }
      };
    }

    private void submitOne(Generator generator, int index) throws InterruptedException {
      ActionEffect<String, Integer> effect = generator.root();
      Priority priority = Priority.ofOrdinal(generator.random.nextInt(Priority.COUNT));
      int how = generator.random.nextInt(10);
      // Pacing only (not an assertion): keeps a realistic number in flight, never blocks for long.
      boolean permit = inFlight.tryAcquire(20, TimeUnit.MILLISECONDS);
      EffectHandle<String, Integer> handle;
      if (how < 2) {
        Duration budget = generator.random.nextInt(8) == 0
            ? Duration.ZERO : micros(generator.random.nextInt(10_000));
        handle = runtime.submitWithTimeout(effect, budget, priority);
      } else if (how == 2) {
        handle = runtime.submit(effect);
      } else {
        handle = runtime.submit(effect, priority);
      }
      handles.set(index, handle);
      handle.outcome().whenComplete((outcome, error) -> {
        firstSeen.compareAndSet(index, null, outcome);
        completions.incrementAndGet(index);
        totalCompletions.incrementAndGet();
        if (permit) {
          inFlight.release();
        }
      });
      if (generator.random.nextInt(6) == 0) {
        toCancel.put(index);
      }
      if (submittedSoFar.incrementAndGet() == shutdownAfter) {
        shutdownPoint.countDown();
      }
    }

    /** Returns null if every started finalizer ran exactly once and none ran twice, else the first violation. */
    String finalizerViolation() {
      int ids = Math.min(nextFinalizerId.get(), FINALIZER_CAPACITY);
      for (int id = 0; id < ids; id++) {
        int ran = finalizerRan.get(id);
        if (ran > 1) {
          return "finalizer " + id + " ran " + ran + " times";
        }
        if (finalizerStarted.get(id) == 1 && ran != 1) {
          return "finalizer " + id + " started its protected section but ran " + ran + " times";
        }
      }
      return null;
    }

    /** Wraps {@code inner} in a tracked {@code ensuring}; each execution gets a fresh id. */
    ActionEffect<String, Integer> tracked(ActionEffect<String, Integer> inner, boolean finalizerThrows) {
      return ActionEffect.<String, Integer>suspend(() -> {
        int id = nextFinalizerId.getAndIncrement();
        if (id >= FINALIZER_CAPACITY) {
          untrackedFinalizers.incrementAndGet();
          return inner;
        }
        return ActionEffect.<String, Integer>compute(token -> {
              finalizerStarted.set(id, 1);
              return 0;
            })
            .flatMap(x -> inner)
            .ensuring(() -> {
              finalizerRan.incrementAndGet(id);
              if (shutdownReturned) {
                finalizerRunsAfterShutdownReturned.incrementAndGet();
              }
              if (finalizerThrows) {
                throw new Boom("finalizer " + id);
              }
            });
      });
    }

    /** Builds random effects; one per submitter thread (SplittableRandom is not thread-safe). */
    private final class Generator {
      final SplittableRandom random;

      Generator(SplittableRandom random) {
        this.random = random;
      }

      ActionEffect<String, Integer> root() {
        int r = random.nextInt(100);
        if (r < 3) {
          int levels = MIN_DEEP + random.nextInt(MAX_DEEP - MIN_DEEP + 1);
          deepRoots.incrementAndGet();
          deepestRoot.accumulateAndGet(levels, Math::max);
          return deep(levels, tree(3, 1));
        }
        return tree(1 + random.nextInt(24), 8);
      }

      /** A random tree of about {@code size} nodes; retries inside may re-run it at most {@code retryRoom} times. */
      ActionEffect<String, Integer> tree(int size, int retryRoom) {
        if (size <= 1 || random.nextInt(5) == 0) {
          return leaf();
        }
        int rest = size - 1;
        return switch (random.nextInt(11)) {
          case 0 -> tree(rest, retryRoom).timeout(smallOrLong());
          case 1 -> {
            int n = 1 + random.nextInt(3);
            List<ActionEffect<String, Integer>> children = new ArrayList<>();
            for (int i = 0; i < n; i++) {
              children.add(tree(rest / n, retryRoom));
            }
            yield ActionEffect.<String, Integer>all(children).map(list -> list.get(list.size() - 1));
          }
          case 2 -> {
            int n = 1 + random.nextInt(3);
            List<ActionEffect<String, Integer>> children = new ArrayList<>();
            for (int i = 0; i < n; i++) {
              children.add(tree(rest / n, retryRoom));
            }
            yield ActionEffect.<String, Integer>race(children);
          }
          case 3 -> {
            ActionEffect<String, Integer> next = tree(rest / 2, retryRoom);
            yield tree(rest - rest / 2, retryRoom).flatMap(x -> next);
          }
          case 4 -> tree(rest, retryRoom).map(x -> x + 1);
          case 5 -> {
            int retries = retryRoom <= 1 ? 0 : random.nextInt(Math.min(3, retryRoom));
            RetryPolicy policy = RetryPolicy.builder()
                .maxRetries(retries)
                .initialDelay(micros(random.nextInt(3) == 0 ? 0 : random.nextInt(2_000)))
                .multiplier(1)
                .build();
            yield tree(rest, retryRoom / (retries + 1)).retry(policy);
          }
          case 6, 7 -> tracked(tree(rest, retryRoom), random.nextInt(20) == 0);
          case 8 -> tree(rest, retryRoom).recover(error -> -1);
          case 9 -> tree(rest, retryRoom).catching(Boom.class, boom -> "caught " + boom.getMessage());
          default -> {
            ActionEffect<String, Integer> inner = tree(rest, retryRoom);
            yield ActionEffect.<String, Integer>suspend(() -> inner);
          }
        };
      }

      /** Nests {@code inner} {@code levels} deep in random operators (that never re-run it). */
      ActionEffect<String, Integer> deep(int levels, ActionEffect<String, Integer> inner) {
        ActionEffect<String, Integer> effect = inner;
        RetryPolicy passThrough = RetryPolicy.builder().maxRetries(1).initialDelay(Duration.ZERO)
            .retryOn(outcome -> false).build();
        for (int level = 0; level < levels; level++) {
          ActionEffect<String, Integer> e = effect;
          effect = switch (random.nextInt(12)) {
            case 0, 1 -> e.timeout(random.nextInt(50) == 0 ? smallOrLong() : LONG);
            case 2, 3 -> ActionEffect.<String, Integer>all(List.of(e)).map(list -> list.get(0));
            case 4 -> ActionEffect.<String, Integer>all(List.of(e, ActionEffect.succeed(level))).map(list -> list.get(0));
            case 5, 6 -> ActionEffect.<String, Integer>race(e, loser());
            case 7 -> e.flatMap(x -> ActionEffect.succeed(x + 1));
            case 8 -> e.flatMap(x -> ActionEffect.<String, Integer>compute(token -> x));
            case 9 -> e.retry(passThrough);
            case 10 -> random.nextInt(4) == 0 ? tracked(e, false) : e.map(x -> x);
            default -> e.recover(error -> 0);
          };
        }
        return effect;
      }

      /** A race sibling that never wins on its own: only cancellation ends it. */
      ActionEffect<String, Integer> loser() {
        return switch (random.nextInt(3)) {
          case 0 -> ActionEffect.<String>sleep(LONG).map(x -> -1);
          case 1 -> ActionEffect.<String, Integer>async(token -> new CompletableFuture<Integer>());
          default -> ActionEffect.<String, Integer>async(token -> new ForeignStage<>(new CompletableFuture<>()));
        };
      }

      Duration smallOrLong() {
        return switch (random.nextInt(6)) {
          case 0 -> Duration.ZERO;
          case 1 -> LONG;
          default -> micros(random.nextInt(5_000));
        };
      }

      ActionEffect<String, Integer> leaf() {
        int value = random.nextInt(1000);
        int kind = random.nextInt(LEAF_KINDS);
        leavesBuilt.incrementAndGet(kind);
        long micros = random.nextInt(3_000);
        int spins = random.nextInt(50_000);
        boolean register = random.nextBoolean();
        boolean close = random.nextBoolean();
        return switch (kind) {
          case 0 -> ActionEffect.succeed(value);
          case 1 -> ActionEffect.fail("failure " + value);
          case 2 -> ActionEffect.<String, Integer>compute(token -> value);
          case 3 -> ActionEffect.<String, Integer>compute(token -> {
            throw new Boom("compute " + value);
          });
          case 4 -> ActionEffect.<String, Integer>compute(token -> {
            // Polls its token while it works (bounded).
            for (int i = 0; i < spins; i++) {
              if (token.isCancelled()) {
                break;
              }
            }
            if (close) {
              token.throwIfCancelled();
            }
            return value;
          });
          case 5 -> ActionEffect.<String, Integer>compute(token -> withRegistration(token, register, close, value));
          case 6 -> ActionEffect.<String, Integer>blocking(token -> {
            LockSupport.parkNanos(micros * 1_000);
            return value;
          });
          case 7 -> ActionEffect.<String, Integer>blocking(token -> {
            // Waits until interrupted: only cancellation (a timeout, a caller, shutdown) ends it.
            CountDownLatch never = new CountDownLatch(1);
            CancellationToken.Registration registration = token.onCancel(cancelActionsRun::incrementAndGet);
            try {
              never.await();
            } finally {
              registration.close();
            }
            return value;
          });
          case 8 -> ActionEffect.<String, Integer>blocking(token -> {
            CountDownLatch latch = new CountDownLatch(1);
            CancellationToken.Registration r = token.onCancel(() -> {
              cancelActionsRun.incrementAndGet();
              latch.countDown();
            });
            if (close) {
              r.close();
            }
            boolean released = latch.await(micros, TimeUnit.MICROSECONDS);
            return released ? -value : value;
          });
          case 9 -> ActionEffect.<String>sleep(micros(random.nextInt(5_000))).map(x -> value);
          case 10 -> ActionEffect.<String, Integer>async(token -> CompletableFuture.completedFuture(value));
          case 11 -> ActionEffect.<String, Integer>async(token -> CompletableFuture.completedStage(value));
          case 12 -> ActionEffect.<String, Integer>async(token -> CompletableFuture.failedStage(new Boom("failedStage")));
          case 13 -> ActionEffect.<String, Integer>async(token -> {
            CompletableFuture<Integer> future = new CompletableFuture<>();
            CompletionStage<Integer> minimal = future.minimalCompletionStage();
            later(micros).execute(() -> future.complete(value));
            return minimal;
          });
          case 14 -> ActionEffect.<String, Integer>async(token -> CompletableFuture.failedFuture(new Boom("failedFuture")));
          case 15 -> ActionEffect.<String, Integer>async(token -> {
            CompletableFuture<Integer> future = new CompletableFuture<>();
            later(micros).execute(() -> future.completeExceptionally(new Boom("later")));
            return future;
          });
          case 16 -> ActionEffect.<String, Integer>async(token -> {
            // Never completes on its own.
            CompletableFuture<Integer> never = new CompletableFuture<>();
            if (register) {
              CancellationToken.Registration r = token.onCancel(() -> {
                cancelActionsRun.incrementAndGet();
                never.completeExceptionally(new java.util.concurrent.CancellationException("onCancel"));
              });
              if (close) {
                r.close();
              }
            }
            return never;
          });
          case 17 -> ActionEffect.<String, Integer>async(token -> {
            CompletableFuture<Integer> future = new CompletableFuture<>();
            later(micros).execute(() -> future.complete(value));
            return new ForeignStage<>(future);
          });
          case 18 -> ActionEffect.<String, Integer>async(token -> new ForeignStage<>(CompletableFuture.completedFuture(value)));
          case 19 -> ActionEffect.<String, Integer>async(token -> new ForeignStage<>(new CompletableFuture<>()));
          case 20 -> ActionEffect.<String, Integer>async(token -> {
            CompletableFuture<Integer> future = new CompletableFuture<>();
            later(micros).execute(() -> future.complete(value));
            return future;
          });
          default -> ActionEffect.<String, Integer>blocking(token -> withRegistration(token, register, close, value));
        };
      }

      private Integer withRegistration(CancellationToken token, boolean register, boolean close, int value) {
        if (register) {
          CancellationToken.Registration r = token.onCancel(cancelActionsRun::incrementAndGet);
          if (close) {
            r.close();
            r.close(); // idempotent
          }
        }
        return value;
      }
    }
  }

  private static Duration micros(long micros) {
    return Duration.ofNanos(micros * 1_000);
  }

  private static Executor later(long micros) {
    return micros == 0
        ? command -> Thread.ofVirtual().start(command)
        : CompletableFuture.delayedExecutor(micros, TimeUnit.MICROSECONDS);
  }

  /** Returns null if {@code outcome} is one the generated effects can produce, else why not. */
  static String invalidOutcome(Outcome<?, ?> outcome) {
    return switch (outcome) {
      case Outcome.Success<?, ?> s -> s.value() instanceof Integer ? null : "success value " + s.value();
      case Outcome.Failure<?, ?> f -> f.error() instanceof String ? null : "domain error " + f.error();
      case Outcome.Faulted<?, ?> f -> switch (f.fault()) {
        case Fault.Cancelled c -> null;
        case Fault.TimedOut t -> null;
        case Fault.Rejected r -> null;
        case Fault.Panic p -> p.cause() instanceof Boom ? null : "panic " + p.cause();
        default -> "fault " + f.fault();
      };
    };
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
