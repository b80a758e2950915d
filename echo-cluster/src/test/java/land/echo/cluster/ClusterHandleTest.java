package land.echo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import land.echo.CommonError;
import land.echo.Fault;
import land.echo.Outcome;
import org.junit.jupiter.api.Test;

class ClusterHandleTest {
  @Test
  void completesOnceAndItsFutureIsReadOnly() {
    List<String> cancelled = new ArrayList<>();
    ClusterHandle<CommonError, String> handle = new ClusterHandle<>(cancelled::add);
    assertThatThrownBy(() -> handle.outcome().complete(Outcome.success("x")))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> handle.outcome().completeExceptionally(new RuntimeException()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> handle.outcome().obtrudeValue(Outcome.success("x")))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> handle.outcome().obtrudeException(new RuntimeException()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(handle.isDone()).isFalse();
    assertThat(handle.finish(Outcome.success("first"))).isTrue();
    assertThat(handle.finish(Outcome.success("second"))).isFalse();
    assertThat(handle.join()).isEqualTo(Outcome.success("first"));
    assertThat(handle.cancel()).isFalse();
    assertThat(cancelled).isEmpty();
    // A dependent stage is a plain future.
    assertThat(handle.outcome().thenApply(o -> o).complete(Outcome.success("y"))).isFalse();
  }

  @Test
  void cancellingThroughTheFutureCancelsTheEffect() {
    List<String> cancelled = new ArrayList<>();
    ClusterHandle<CommonError, String> handle = new ClusterHandle<>(cancelled::add);
    assertThat(handle.outcome().cancel(true)).isFalse(); // a normal completion, as EffectHandle says
    assertThat(handle.join()).isEqualTo(Outcome.faulted(new Fault.Cancelled("cancelled through its future")));
    assertThat(cancelled).containsExactly("cancelled through its future");
    assertThat(handle.outcome().isCancelled()).isFalse();
  }

  @Test
  void refusedAndFaultedHandlesAreCompleteAtOnce() {
    assertThat(ClusterHandle.refused(new CommonError.InvalidArgument("name", "x")).join())
        .isEqualTo(Outcome.failure(new CommonError.InvalidArgument("name", "x")));
    assertThat(ClusterHandle.faulted(new Fault.Rejected("closing")).join())
        .isEqualTo(Outcome.faulted(new Fault.Rejected("closing")));
  }

  @Test
  void whatTheFinisherRecordsIsDoneBeforeAnyWaiterWakes() {
    ClusterHandle<CommonError, String> handle = new ClusterHandle<>(reason -> {});
    List<String> seen = new ArrayList<>();
    // The interleaving that failed CI: a caller's join() returned before the delivery was counted.
    // Here the waiter is a dependent stage that runs the moment the future completes.
    handle.outcome().thenRun(() -> seen.add("waiter woke"));
    assertThat(handle.finish(Outcome.success("x"), () -> {
      seen.add("counted, done=" + handle.isDone());
      // A racing finisher (the timeout, a cancel) loses while the first one is still recording.
      assertThat(handle.finish(Outcome.success("late"))).isFalse();
      assertThat(handle.cancel()).isFalse();
    })).isTrue();
    assertThat(seen).containsExactly("counted, done=false", "waiter woke");
    assertThat(handle.join()).isEqualTo(Outcome.success("x"));
    assertThat(handle.finish(Outcome.success("y"), () -> seen.add("never"))).isFalse();
    assertThat(seen).doesNotContain("never");
  }
}
