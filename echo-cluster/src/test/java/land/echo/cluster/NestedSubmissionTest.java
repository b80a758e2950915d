package land.echo.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import land.echo.ActionEffect;
import land.echo.CommonError;
import land.echo.Outcome;
import land.echo.Priority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A cluster effect that submits another cluster effect and waits for it, on a member with one
 * worker: waiting in a {@code blocking} step leaves the worker free for the inner effect (the
 * stranger's-hour probe; waiting in a {@code compute} step instead holds the only worker, and the
 * outer effect times out, as docs/cluster.md says under Limits).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NestedSubmissionTest {
  static volatile EchoCluster self;
  static ClusterEffect<String, CommonError, Integer> inner;

  @Test
  void anEffectThatSubmitsAnotherAndWaitsInABlockingStepCompletes() {
    try (Members members = Members.start(1, 1, r -> {
      inner = r.register("inner", String.class, s -> ActionEffect.succeed(s.length()));
      r.register("outer", String.class, Integer.class, CommonError.class,
          s -> ActionEffect.<CommonError, Integer>blocking(token -> {
            Outcome<CommonError, Integer> o = self.submit(inner, s + s, Priority.NORMAL).join();
            return ((Outcome.Success<CommonError, Integer>) o).value();
          }));
    }, c -> {})) {
      self = members.get(0);
      Outcome<Object, Object> out = self.submit("outer", "abc", Priority.NORMAL,
          SubmitOptions.defaults().withTimeout(Duration.ofSeconds(20))).join();
      assertThat(out).isEqualTo(Outcome.success(6));
    }
  }
}
