package land.echo.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * JFR event: one root effect's execution, committed by {@link JfrListener} when the effect
 * completes. Not thread-safe; each instance belongs to one thread.
 */
@Name(JfrListener.EFFECT_EXECUTED)
@Label("Effect Executed")
@Category({"Echo", "Effects"})
@Description("One root effect of an Echo runtime, from submission to its outcome")
@StackTrace(false)
final class EffectExecuted extends Event {

  @Label("Effect Id")
  long effectId;

  @Label("Name")
  String name;

  @Label("Priority")
  String priority;

  @Label("Time Queued")
  @Description("From submission until its fiber first ran (until completion if it never ran)")
  @Timespan(Timespan.NANOSECONDS)
  long queued;

  @Label("Time Running")
  @Description("From its fiber's first run until completion; 0 if it never ran")
  @Timespan(Timespan.NANOSECONDS)
  long running;

  @Label("Outcome")
  @Description("success, failure, timed_out, cancelled, rejected, capability_missing, panic or shutdown_failed")
  String outcome;

  @Label("Attempt")
  @Description("Attempts made by a retry at the root of the effect, 1 when it has none")
  int attempt;
}
