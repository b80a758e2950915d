package land.echo.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import land.echo.testing.TestThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SubmissionGateTest {

  @Test
  void hasTwiceAsManyStripesAsProcessorsRoundedUpToAPowerOfTwo() {
    assertThat(new SubmissionGate(1).stripes()).isEqualTo(2);
    assertThat(new SubmissionGate(2).stripes()).isEqualTo(4);
    assertThat(new SubmissionGate(3).stripes()).isEqualTo(8);
    assertThat(new SubmissionGate(4).stripes()).isEqualTo(8);
    assertThat(new SubmissionGate(5).stripes()).isEqualTo(16);
    assertThat(new SubmissionGate(0).stripes()).as("no processors reported: one is assumed").isEqualTo(2);
  }

  @Test
  void isQuiescentOnlyWhileNoSubmissionIsBetweenEnterAndExit() {
    SubmissionGate gate = new SubmissionGate(2);
    assertThat(gate.isQuiescent()).isTrue();

    int first = gate.enter();
    assertThat(gate.isQuiescent()).isFalse();
    int second = gate.enter();
    gate.exit(first);
    assertThat(gate.isQuiescent()).as("one submission still in flight").isFalse();
    gate.exit(second);

    assertThat(gate.isQuiescent()).isTrue();
  }

  @Test
  void aSubmissionInFlightOnAnyStripeKeepsTheGateBusy() throws Exception {
    SubmissionGate gate = new SubmissionGate(4);
    int threads = gate.stripes() * 2;
    CountDownLatch entered = new CountDownLatch(threads);
    CountDownLatch leave = new CountDownLatch(1);
    AtomicInteger outside = new AtomicInteger();
    Thread[] all = new Thread[threads];
    for (int i = 0; i < threads; i++) {
      all[i] = Thread.ofPlatform().start(() -> {
        int stripe = gate.enter();
        entered.countDown();
        TestThreads.awaitUninterruptibly(leave);
        gate.exit(stripe);
        outside.incrementAndGet();
      });
    }
    TestThreads.awaitPromptly(entered, "every thread entering the gate");

    assertThat(gate.isQuiescent()).isFalse();
    leave.countDown();
    for (Thread t : all) {
      TestThreads.joinPromptly(t, "a submitting thread leaving the gate");
    }
    assertThat(outside.get()).isEqualTo(threads);
    assertThat(gate.isQuiescent()).isTrue();
  }

  @Test
  void aThreadAlwaysUsesTheSameStripe() {
    SubmissionGate gate = new SubmissionGate(2);
    int stripe = gate.enter();
    gate.exit(stripe);
    assertThat(gate.enter()).isEqualTo(stripe);
    assertThat(stripe).isBetween(0, gate.stripes() - 1);
  }
}
