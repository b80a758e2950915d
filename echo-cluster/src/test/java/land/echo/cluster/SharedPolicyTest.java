package land.echo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import land.echo.ActionEffect;
import land.echo.CommonError;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.resilience.CircuitBreaker;
import land.echo.resilience.CircuitOpen;
import land.echo.resilience.RateLimit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Breakers and rate limits whose state the members share. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SharedPolicyTest {
  private Members members;

  @AfterEach
  void close() {
    if (members != null) {
      members.close();
    }
  }

  private static CircuitBreaker breaker(EchoCluster member) {
    return CircuitBreaker.builder("payments").countWindow(4).minimumCalls(4).failureRateThreshold(50)
        .waitInOpenState(Duration.ofMinutes(5)).sharedState(member.policyState()).build();
  }

  @Test
  void aBreakerTrippedOnOneMemberOpensOnEvery() {
    members = Members.start(3, 1, r -> {}, c -> {});
    await().atMost(Duration.ofSeconds(30)).until(() -> members.get(0).members().size() == 3);
    CircuitBreaker a = breaker(members.get(0));
    CircuitBreaker b = breaker(members.get(1));
    CircuitBreaker c = breaker(members.get(2));
    ActionEffect<CommonError, String> failing = ActionEffect.fail(new CommonError.ExternalService("pay", "down"));
    for (int i = 0; i < 4; i++) {
      members.runtimes.get(0).run(failing.via(a.policy()));
    }
    assertThat(a.state()).isEqualTo(CircuitBreaker.State.OPEN);
    await().atMost(Duration.ofSeconds(10)).until(() -> b.state() == CircuitBreaker.State.OPEN
        && c.state() == CircuitBreaker.State.OPEN);
    // Member b refuses without having seen a single failure of its own.
    Outcome<CommonError, String> refused = members.runtimes.get(1).run(ActionEffect.<CommonError, String>succeed("ok")
        .via(b.policy()));
    assertThat(refused).isInstanceOfSatisfying(Outcome.Faulted.class, f ->
        assertThat(((Fault.Rejected) f.fault()).detail()).get().isInstanceOf(CircuitOpen.class));
    // A breaker created later starts open: the state lives in the cluster.
    assertThat(breaker(members.get(1)).state()).isEqualTo(CircuitBreaker.State.OPEN);
    // Closing it by hand on one member closes it on all.
    c.reset();
    await().atMost(Duration.ofSeconds(10)).until(() -> a.state() == CircuitBreaker.State.CLOSED
        && b.state() == CircuitBreaker.State.CLOSED);
  }

  @Test
  void aRateLimitHoldsItsRateAcrossMembers() {
    members = Members.start(2, 1, r -> {}, c -> {});
    await().atMost(Duration.ofSeconds(30)).until(() -> members.get(0).members().size() == 2);
    RateLimit[] limits = new RateLimit[2];
    for (int i = 0; i < 2; i++) {
      limits[i] = RateLimit.builder("search").capacity(20).refillGreedy(20, Duration.ofSeconds(1))
          .onLimit(RateLimit.OnLimit.FAIL).sharedState(members.get(i).policyState()).build();
    }
    ActionEffect<CommonError, String> call = ActionEffect.succeed("hit");
    long start = System.nanoTime();
    long permitted = 0;
    long refused = 0;
    // Both members call as fast as they can, alternately, for about 1.5 s of real time.
    while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(1_500)) {
      for (int i = 0; i < 2; i++) {
        Outcome<CommonError, String> outcome = members.runtimes.get(i).run(call.via(limits[i].policy()));
        if (outcome instanceof Outcome.Success<?, ?>) {
          permitted++;
        } else {
          refused++;
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // One bucket: its capacity plus what refilled in the time, shared by both members (each alone
    // would have had as much again).
    assertThat(permitted).isLessThanOrEqualTo(20 + (long) Math.ceil(20 * seconds) + 1);
    assertThat(permitted).isGreaterThanOrEqualTo(20);
    assertThat(refused).isPositive();
  }
}
