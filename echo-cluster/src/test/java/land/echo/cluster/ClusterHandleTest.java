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
}
