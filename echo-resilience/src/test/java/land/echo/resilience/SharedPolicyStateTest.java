package land.echo.resilience;

import static land.echo.resilience.Runtimes.APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.Outcome;
import land.echo.resilience.CircuitBreaker.State;
import land.echo.time.VirtualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Policies built with {@code sharedState}: two breakers (or limits) of one name standing for two
 * processes, sharing an in-memory {@link SharedPolicyState} that delivers each publication to the
 * other "processes" at once, as a cluster would a moment later.
 */
@Timeout(30)
class SharedPolicyStateTest {
  private final VirtualTime time = new VirtualTime();
  private final ApplicationRuntime runtime = Runtimes.onVirtualTime(time);

  @AfterEach
  void stop() {
    Runtimes.stop(runtime);
  }

  /** The shared state of one "cluster"; each breaker registers as its own process. */
  static final class InMemoryState implements SharedPolicyState {
    final Map<String, State> states = new ConcurrentHashMap<>();
    final List<String> published = new CopyOnWriteArrayList<>();
    final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final List<Consumer<State>> listeners = new CopyOnWriteArrayList<>();

    /** A view for one process: its own publications are not delivered back to it. */
    SharedPolicyState process() {
      return new SharedPolicyState() {
        private final List<Consumer<State>> mine = new ArrayList<>();

        @Override
        public Bucket bucket(String name, BucketConfiguration configuration) {
          return InMemoryState.this.bucket(name, configuration);
        }

        @Override
        public Optional<State> breakerState(String name) {
          return InMemoryState.this.breakerState(name);
        }

        @Override
        public void publishBreakerState(String name, State state) {
          states.put(name, state);
          published.add(state.name());
          for (Consumer<State> listener : listeners) {
            if (!mine.contains(listener)) {
              listener.accept(state);
            }
          }
        }

        @Override
        public Subscription onBreakerState(String name, Consumer<State> listener) {
          mine.add(listener);
          listeners.add(listener);
          return () -> listeners.remove(listener);
        }
      };
    }

    @Override
    public Bucket bucket(String name, BucketConfiguration configuration) {
      return buckets.computeIfAbsent(name, n -> Bucket.builder().addLimit(configuration.getBandwidths()[0]).build());
    }

    @Override
    public Optional<State> breakerState(String name) {
      return Optional.ofNullable(states.get(name));
    }

    @Override
    public void publishBreakerState(String name, State state) {
      throw new UnsupportedOperationException("use a process view");
    }

    @Override
    public Subscription onBreakerState(String name, Consumer<State> listener) {
      throw new UnsupportedOperationException("use a process view");
    }
  }

  private final InMemoryState cluster = new InMemoryState();

  private CircuitBreaker breaker() {
    return CircuitBreaker.builder("payments").countWindow(4).minimumCalls(4).failureRateThreshold(50)
        .waitInOpenState(Duration.ofSeconds(60)).halfOpenPermits(1).clock(time).sharedState(cluster.process())
        .build(); // the clock given: b opens on a publication, before any call tells it the runtime's
  }

  private static final ActionEffect<String, Integer> FAILING = APP.fail("down");
  private static final ActionEffect<String, Integer> WORKING = APP.succeed(1);

  @Test
  void anOpeningInOneProcessOpensTheOthersAndIsPublishedOnce() {
    CircuitBreaker a = breaker();
    CircuitBreaker b = breaker();
    for (int i = 0; i < 4; i++) {
      runtime.run(FAILING.via(a.policy()));
    }
    assertThat(a.state()).isEqualTo(State.OPEN);
    assertThat(b.state()).isEqualTo(State.OPEN);
    assertThat(cluster.published).containsExactly("OPEN");
    // b refuses at once, and its refusal says when it lets calls through: it opened just now.
    assertThat(Runtimes.rejectionOf(runtime.run(WORKING.via(b.policy()))))
        .isEqualTo(new CircuitOpen("payments", State.OPEN, Duration.ofSeconds(60)));
    // Applying the shared state did not publish it back.
    assertThat(cluster.published).containsExactly("OPEN");
  }

  @Test
  void aProcessThatJoinsLaterStartsInTheSharedState() {
    CircuitBreaker a = breaker();
    a.forceOpen();
    assertThat(cluster.published).containsExactly("FORCED_OPEN");
    assertThat(breaker().state()).isEqualTo(State.FORCED_OPEN);
  }

  @Test
  void aClosingDecidedByHalfOpenCallsClosesTheOthers() {
    CircuitBreaker a = breaker();
    CircuitBreaker b = breaker();
    for (int i = 0; i < 4; i++) {
      runtime.run(FAILING.via(a.policy()));
    }
    time.advance(Duration.ofSeconds(61));
    assertThat(runtime.run(WORKING.via(b.policy()))).isEqualTo(Outcome.success(1));
    assertThat(b.state()).isEqualTo(State.CLOSED);
    assertThat(a.state()).isEqualTo(State.CLOSED);
    assertThat(cluster.published).containsExactly("OPEN", "CLOSED");
  }

  @Test
  void aFailedHalfOpenTrialOpensTheOthersAgain() {
    CircuitBreaker a = breaker();
    CircuitBreaker b = breaker();
    for (int i = 0; i < 4; i++) {
      runtime.run(FAILING.via(a.policy()));
    }
    time.advance(Duration.ofSeconds(61));
    runtime.run(FAILING.via(b.policy())); // b half-opens and its trial fails
    assertThat(b.state()).isEqualTo(State.OPEN);
    assertThat(cluster.published).containsExactly("OPEN", "OPEN");
    // a had not half-opened (no call since its wait ended): it is open, for a new full wait.
    assertThat(a.state()).isEqualTo(State.OPEN);
  }

  @Test
  void resetDisableAndForceOpenActOnEveryProcess() {
    CircuitBreaker a = breaker();
    CircuitBreaker b = breaker();
    a.disable();
    assertThat(b.state()).isEqualTo(State.DISABLED);
    b.forceOpen();
    assertThat(a.state()).isEqualTo(State.FORCED_OPEN);
    a.reset();
    assertThat(b.state()).isEqualTo(State.CLOSED);
    assertThat(cluster.published).containsExactly("DISABLED", "FORCED_OPEN", "CLOSED");
  }

  @Test
  void aBreakerOfItsOwnNeverPublishes() {
    CircuitBreaker alone = CircuitBreaker.builder("payments").countWindow(4).minimumCalls(4).build();
    for (int i = 0; i < 4; i++) {
      runtime.run(FAILING.via(alone.policy()));
    }
    alone.reset();
    assertThat(alone.state()).isEqualTo(State.CLOSED);
    assertThat(cluster.published).isEmpty();
  }

  @Test
  void rateLimitsOfOneNameTakeFromOneSharedBucket() {
    RateLimit a = RateLimit.builder("search").capacity(3).refillIntervally(3, Duration.ofHours(1))
        .onLimit(RateLimit.OnLimit.FAIL).sharedState(cluster.process()).build();
    RateLimit b = RateLimit.builder("search").capacity(3).refillIntervally(3, Duration.ofHours(1))
        .onLimit(RateLimit.OnLimit.FAIL).sharedState(cluster.process()).build();
    assertThat(runtime.run(WORKING.via(a.policy()))).isEqualTo(Outcome.success(1));
    assertThat(runtime.run(WORKING.via(b.policy()))).isEqualTo(Outcome.success(1));
    assertThat(runtime.run(WORKING.via(a.policy()))).isEqualTo(Outcome.success(1));
    assertThat(Runtimes.rejectionOf(runtime.run(WORKING.via(b.policy())))).isInstanceOf(RateLimited.class);
    assertThat(a.snapshot().availableTokens()).isZero();
    assertThat(cluster.buckets).containsOnlyKeys("search");
  }

  @Test
  void sharedStateMustNotBeNull() {
    assertThatThrownBy(() -> CircuitBreaker.builder("x").sharedState(null))
        .isInstanceOf(NullPointerException.class).hasMessage("sharedState");
    assertThatThrownBy(() -> RateLimit.builder("x").sharedState(null))
        .isInstanceOf(NullPointerException.class).hasMessage("sharedState");
  }
}
