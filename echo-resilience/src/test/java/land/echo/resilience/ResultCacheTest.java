package land.echo.resilience;

import static land.echo.resilience.Runtimes.APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.EffectHandle;
import land.echo.Outcome;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ResultCacheTest {
  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = Runtimes.onVirtualTime(time, 4);
  private final AtomicInteger loads = new AtomicInteger();

  @AfterEach
  void stop() {
    Runtimes.stop(runtime);
  }

  private ResultCache cache() {
    return ResultCache.builder("users", runtime).ttl(Duration.ofMinutes(5)).maximumSize(100).build();
  }

  private ActionEffect<String, String> user(String id) {
    return APP.suspend(() -> APP.succeed(id + "#" + loads.incrementAndGet())).named("user");
  }

  @Test
  void aSecondCallWithTheSameKeyIsAnsweredFromTheCache() {
    ResultCache cache = cache();
    assertThat(runtime.run(user("ada").via(cache.keyed("ada")))).isEqualTo(Outcome.success("ada#1"));
    assertThat(runtime.run(user("ada").via(cache.keyed("ada")))).isEqualTo(Outcome.success("ada#1"));
    assertThat(runtime.run(user("bob").via(cache.keyed("bob")))).isEqualTo(Outcome.success("bob#2"));
    assertThat(loads).hasValue(2);
    assertThat(cache.snapshot()).isEqualTo(new ResultCache.Snapshot(2, 1, 2, 0));
  }

  @Test
  void theEffectNameIsPartOfTheKey() {
    ResultCache cache = cache();
    runtime.run(user("ada").via(cache.keyed(1)));
    runtime.run(user("ada").named("other").via(cache.keyed(1)));
    assertThat(loads).hasValue(2);
  }

  @Test
  void entriesExpireAfterTheTtlOnVirtualTime() {
    ResultCache cache = cache();
    runtime.run(user("ada").via(cache.keyed("ada")));
    time.advance(Duration.ofMinutes(4));
    runtime.run(user("ada").via(cache.keyed("ada")));
    assertThat(loads).hasValue(1);
    time.advance(Duration.ofMinutes(1));
    assertThat(runtime.run(user("ada").via(cache.keyed("ada")))).isEqualTo(Outcome.success("ada#2"));
  }

  @Test
  void failuresAreNotCachedUnlessConfigured() {
    ActionEffect<String, String> failing = APP.<String>suspend(() -> {
      loads.incrementAndGet();
      return APP.fail("down");
    }).named("user");
    ResultCache plain = cache();
    runtime.run(failing.via(plain.keyed("x")));
    runtime.run(failing.via(plain.keyed("x")));
    assertThat(loads).hasValue(2);

    ResultCache caching = ResultCache.builder("users", runtime).cacheFailures(true).build();
    runtime.run(failing.via(caching.keyed("x")));
    assertThat(runtime.run(failing.via(caching.keyed("x")))).isEqualTo(Outcome.failure("down"));
    assertThat(loads).hasValue(3);
  }

  @Test
  @Timeout(10) // the bug it guards against was a hang
  void anExecutionThatIsOverBeforeTheCacheHasStoredItIsStillHandled() {
    ResultCache cache = cache();
    // fail() ends at once on a worker, possibly before Caffeine's compute has returned: its
    // removal from the cache must wait until then.
    for (int i = 0; i < 200; i++) {
      assertThat(runtime.run(APP.<String>fail("down").named("user").via(cache.keyed(i)))).isEqualTo(Outcome.failure("down"));
    }
    assertThat(cache.snapshot().size()).isZero();
  }

  @Test
  void concurrentIdenticalCallsShareOneExecution() throws Exception {
    ResultCache cache = cache();
    CountDownLatch release = new CountDownLatch(1);
    ActionEffect<String, String> slow = APP.suspend(() -> {
      loads.incrementAndGet();
      return Runtimes.gated(release, "value");
    }).named("user");
    List<EffectHandle<String, String>> callers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    List<EffectHandle<String, String>> shared = java.util.Collections.synchronizedList(callers);
    for (int t = 0; t < 8; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 5; i++) {
          shared.add(runtime.submit(slow.via(cache.keyed("k"))));
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join(5_000);
    }
    await().until(() -> loads.get() == 1);
    release.countDown();
    assertThat(shared).hasSize(40).allSatisfy(h -> assertThat(h.join()).isEqualTo(Outcome.success("value")));
    assertThat(loads).hasValue(1);
  }

  /** An effect named "user" that counts its load, blocks until {@code release}, and returns "value N" for the Nth load. */
  private ActionEffect<String, String> slowUser(CountDownLatch release, AtomicInteger interrupted) {
    return APP.<String>blocking(token -> {
      int load = loads.incrementAndGet();
      try {
        release.await();
      } catch (InterruptedException e) {
        interrupted.incrementAndGet();
        throw e;
      }
      return "value " + load;
    }).named("user");
  }

  @Test
  void oneWaiterCancellingLeavesTheSharedExecutionRunningForTheOthers() {
    ResultCache cache = cache();
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger interrupted = new AtomicInteger();
    ActionEffect<String, String> slow = slowUser(release, interrupted);
    EffectHandle<String, String> first = runtime.submit(slow.via(cache.keyed("k")));
    EffectHandle<String, String> second = runtime.submit(slow.via(cache.keyed("k")));
    // Both callers wait for the one execution before the first gives up.
    await().atMost(Duration.ofSeconds(2)).until(() -> loads.get() == 1 && cache.waiting("user", "k") == 2);

    first.cancel();

    assertThat(first.join()).isInstanceOf(Outcome.Faulted.class);
    release.countDown();
    assertThat(second.join()).isEqualTo(Outcome.success("value 1"));
    assertThat(interrupted).hasValue(0);
    assertThat(loads).hasValue(1);
  }

  /**
   * Race guard: a caller finds the execution just as its only other caller gives up. It must not
   * inherit that cancellation: it starts a fresh execution and gets its value. Forced through the
   * package-private hook between finding the execution and counting in. Mutation: counting in at
   * the wait instead of at the lookup, or joining an execution that is being cancelled.
   */
  @Test
  void aCallerFindingTheExecutionAsItsLastCallerGivesUpStartsAFreshOne() {
    ResultCache cache = cache();
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger interrupted = new AtomicInteger();
    ActionEffect<String, String> slow = slowUser(release, interrupted);
    EffectHandle<String, String> first = runtime.submit(slow.via(cache.keyed("k")));
    await().atMost(Duration.ofSeconds(2)).until(() -> loads.get() == 1 && cache.waiting("user", "k") == 1);
    ResultCache.beforeJoin = () -> {
      ResultCache.beforeJoin = null;
      // The late caller found the execution; before it counts in, the first caller gives up.
      first.cancel();
      await().atMost(Duration.ofSeconds(2)).until(() -> interrupted.get() == 1);
    };
    try {
      EffectHandle<String, String> second = runtime.submit(slow.via(cache.keyed("k")));
      await().atMost(Duration.ofSeconds(2)).until(() -> loads.get() == 2);
      release.countDown();

      assertThat(Runtimes.done(second, "the late caller's outcome")).isEqualTo(Outcome.success("value 2"));
      assertThat(Runtimes.done(first, "the first caller's outcome")).isInstanceOf(Outcome.Faulted.class);
    } finally {
      ResultCache.beforeJoin = null;
    }
  }

  @Test
  void whenEveryWaiterGivesUpTheSharedExecutionIsCancelledAndForgotten() {
    ResultCache cache = cache();
    CountDownLatch interrupted = new CountDownLatch(1);
    ActionEffect<String, String> stuck = APP.<String>blocking(token -> {
      loads.incrementAndGet();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw e;
      }
      return "never";
    }).named("user");
    EffectHandle<String, String> a = runtime.submit(stuck.via(cache.keyed("k")));
    EffectHandle<String, String> b = runtime.submit(stuck.via(cache.keyed("k")));
    await().until(() -> loads.get() == 1);
    a.cancel();
    b.cancel();
    await().atMost(Duration.ofSeconds(5)).until(() -> interrupted.getCount() == 0);
    await().until(() -> cache.snapshot().size() == 0);
    assertThat(runtime.run(user("k").via(cache.keyed("k")))).isEqualTo(Outcome.success("k#2"));
  }

  @Test
  void badConfigurationIsRejectedNamingTheField() {
    assertThatThrownBy(() -> ResultCache.builder("c", runtime).ttl(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
    assertThatThrownBy(() -> ResultCache.builder("c", runtime).maximumSize(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maximumSize");
    assertThatThrownBy(() -> ResultCache.builder("c", null).build())
        .isInstanceOf(NullPointerException.class).hasMessageContaining("runtime");
  }

  // ---- Pinned for issue 13: every call below is awaited for at most 2 s, so that an execution
  // never completed fails by assertion instead of hanging.

  private <T> Outcome<String, T> run(ActionEffect<String, T> effect) {
    return Runtimes.done(runtime.submit(effect), "the call");
  }



  /** The defaults, the text and the checks of a result cache. */
  @Test
  void aResultCachesDefaultsAndChecks() {
    ResultCache cache = ResultCache.builder("users", runtime).build();
    assertThat(cache.config()).isEqualTo(new ResultCache.Config("users", Duration.ofMinutes(1), 10_000, false));
    assertThat(cache.toString()).isEqualTo("ResultCache[users, Snapshot[size=0, hits=0, misses=0, evictions=0]]");
    assertThat(ResultCache.builder("c", runtime).maximumSize(1).cacheFailures(true).build().config())
        .isEqualTo(new ResultCache.Config("c", Duration.ofMinutes(1), 1, true));
    assertThatThrownBy(() -> ResultCache.builder("c", runtime).maximumSize(0).build())
        .hasMessage("maximumSize must be at least 1, was 0");
    assertThatThrownBy(() -> cache.keyed(null)).hasMessage("argumentKey");
    assertThatThrownBy(() -> ResultCache.builder("c", runtime).clock(null)).hasMessage("clock");
  }

  /** invalidateAll drops the cached entries: the next call loads again. */
  @Test
  void invalidateAllDropsTheEntries() {
    ResultCache cache = ResultCache.builder("users", runtime).build();
    assertThat(run(user("ada").via(cache.keyed("ada")))).isEqualTo(Outcome.success("ada#1"));
    cache.invalidateAll();
    assertThat(cache.snapshot().size()).isZero();
    assertThat(run(user("ada").via(cache.keyed("ada")))).isEqualTo(Outcome.success("ada#2"));
  }

  /** Faults are never cached, even when failures are. */
  @Test
  void faultsAreNeverCachedEvenWithCacheFailures() {
    ResultCache cache = ResultCache.builder("users", runtime).cacheFailures(true).build();
    ActionEffect<String, String> panicking = APP.<String>suspend(() -> {
      loads.incrementAndGet();
      throw new IllegalStateException("boom");
    }).named("user");
    assertThat(run(panicking.via(cache.keyed("k")))).isInstanceOf(Outcome.Faulted.class);
    assertThat(run(panicking.via(cache.keyed("k")))).isInstanceOf(Outcome.Faulted.class);
    assertThat(loads).hasValue(2);
  }

  /** A clock given to the builder decides expiry, not the runtime's. */
  @Test
  void aGivenClockDecidesExpiry() {
    VirtualTime own = new VirtualTime();
    ResultCache cache = ResultCache.builder("users", runtime).ttl(Duration.ofMinutes(1)).clock(own).build();
    run(user("ada").via(cache.keyed("ada")));
    time.advance(Duration.ofMinutes(10));
    assertThat(run(user("ada").via(cache.keyed("ada")))).isEqualTo(Outcome.success("ada#1"));
    own.advance(Duration.ofMinutes(1));
    assertThat(run(user("ada").via(cache.keyed("ada")))).isEqualTo(Outcome.success("ada#2"));
  }
}
