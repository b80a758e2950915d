package land.echo.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.AbstractMap;
import java.util.Map;
import land.echo.Outcome;
import org.junit.jupiter.api.Test;

/** The task entry's transitions, as the partition's owner (and its backups) apply them. */
class TaskProcessorTest {
  private static Map.Entry<String, Task> entry(Task task) {
    return new AbstractMap.SimpleEntry<>("id@key", task);
  }

  private static Task queued() {
    return Task.queued("id", "work", "args", 1, "submitter", "", 0, 0, 0, 0);
  }

  private static TaskResult result(Task task, String member) {
    return TaskResult.of(task, member, Outcome.success("done by " + member));
  }

  @Test
  void aClaimTakesAQueuedTaskAndCountsARun() {
    Map.Entry<String, Task> entry = entry(queued());
    Object answer = TaskProcessor.claim("a", "").process(entry);
    assertThat(answer).isEqualTo(entry.getValue());
    assertThat(entry.getValue().state()).isEqualTo(Task.RUNNING);
    assertThat(entry.getValue().owner()).isEqualTo("a");
    assertThat(entry.getValue().runs()).isEqualTo(1);
  }

  @Test
  void aClaimOnATaskAnotherMemberRunsNamesThatMemberAndChangesNothing() {
    Map.Entry<String, Task> entry = entry(queued());
    TaskProcessor.claim("a", "").process(entry);
    Task before = entry.getValue();
    assertThat(TaskProcessor.claim("b", "").process(entry)).isEqualTo("a");
    assertThat(TaskProcessor.claim("b", "c").process(entry)).as("replacing a member that does not run it").isEqualTo("a");
    assertThat(entry.getValue()).isSameAs(before);
  }

  @Test
  void aClaimReplacingTheDepartedRunnerCountsASecondRun() {
    Map.Entry<String, Task> entry = entry(queued());
    TaskProcessor.claim("a", "").process(entry);
    Object answer = TaskProcessor.claim("b", "a").process(entry);
    assertThat(answer).isInstanceOf(Task.class);
    assertThat(entry.getValue().owner()).isEqualTo("b");
    assertThat(entry.getValue().runs()).isEqualTo(2);
    // A third member that also saw "a" leave loses: the task is b's now.
    assertThat(TaskProcessor.claim("c", "a").process(entry)).isEqualTo("b");
  }

  @Test
  void nothingClaimsATaskThatIsGoneCancelledOrDone() {
    assertThat(TaskProcessor.claim("a", "").process(new AbstractMap.SimpleEntry<>("k", null))).isNull();
    Task q = queued();
    Task cancelled = new Task(q.id(), q.name(), q.args(), q.priority(), Task.QUEUED, "", q.submitter(), "", 0, 0, 0,
        0, 0, true, null);
    assertThat(TaskProcessor.claim("a", "").process(entry(cancelled))).isNull();
    Map.Entry<String, Task> done = entry(queued());
    TaskProcessor.claim("a", "").process(done);
    TaskProcessor.complete(result(done.getValue(), "a")).process(done);
    assertThat(TaskProcessor.claim("b", "a").process(done)).isNull();
    assertThat(done.getValue().state()).isEqualTo(Task.DONE);
  }

  @Test
  void theFirstResultStaysAndCarriesTheRunsCounted() {
    Map.Entry<String, Task> entry = entry(queued());
    TaskProcessor.claim("a", "").process(entry);
    Task firstRun = entry.getValue();
    TaskProcessor.claim("b", "a").process(entry); // a was thought gone; b runs it again
    assertThat(TaskProcessor.complete(result(firstRun, "a")).process(entry)).isEqualTo(Boolean.TRUE);
    assertThat(entry.getValue().state()).isEqualTo(Task.DONE);
    assertThat(entry.getValue().result().member()).isEqualTo("a");
    assertThat(entry.getValue().result().runs()).as("the runs the entry counted").isEqualTo(2);
    assertThat(TaskProcessor.complete(result(firstRun, "b")).process(entry)).isEqualTo(Boolean.FALSE);
    assertThat(entry.getValue().result().member()).isEqualTo("a");
  }

  @Test
  void aCompletionOfACancelledTaskStoresNothing() {
    Map.Entry<String, Task> gone = new AbstractMap.SimpleEntry<>("k", null);
    assertThat(TaskProcessor.complete(result(queued(), "a")).process(gone)).isEqualTo(Boolean.FALSE);
    assertThat(gone.getValue()).isNull();
  }

  @Test
  void aReleaseQueuesTheTaskAgainWithoutCountingTheRunAndOnlyByItsRunner() {
    Map.Entry<String, Task> entry = entry(queued());
    TaskProcessor.claim("a", "").process(entry);
    assertThat(TaskProcessor.release("b").process(entry)).isEqualTo(Boolean.FALSE);
    assertThat(entry.getValue().owner()).isEqualTo("a");
    assertThat(TaskProcessor.release("a").process(entry)).isEqualTo(Boolean.TRUE);
    assertThat(entry.getValue().state()).isEqualTo(Task.QUEUED);
    assertThat(entry.getValue().owner()).isEmpty();
    assertThat(entry.getValue().runs()).isZero();
    assertThat(TaskProcessor.release("a").process(entry)).as("already queued").isEqualTo(Boolean.FALSE);
    assertThat(TaskProcessor.release("a").process(new AbstractMap.SimpleEntry<>("k", null))).isEqualTo(Boolean.FALSE);
  }

  @Test
  void aPeekAnswersWithTheResultOrAMarkerAndChangesNothing() {
    TaskPeek peek = new TaskPeek();
    assertThat(peek.process(new AbstractMap.SimpleEntry<>("k", null))).isEqualTo(TaskPeek.GONE);
    Map.Entry<String, Task> entry = entry(queued());
    assertThat(peek.process(entry)).isEqualTo(TaskPeek.PRESENT);
    TaskProcessor.claim("a", "").process(entry);
    assertThat(peek.process(entry)).isEqualTo(TaskPeek.PRESENT);
    TaskResult result = result(entry.getValue(), "a");
    TaskProcessor.complete(result).process(entry);
    Task done = entry.getValue();
    assertThat(peek.process(entry)).isEqualTo(result);
    assertThat(entry.getValue()).isSameAs(done);
    assertThat(peek.getBackupProcessor()).as("read-only: nothing to back up").isNull();
  }

  @Test
  void onlyTheResultOfTheOwnersOwnRunStaysOffTheBackups() {
    Map.Entry<String, Task> entry = entry(queued());
    // The partition's member claims its own task (backed up: a promoted backup must know the run
    // died with its member) and stores its result, which is not backed up (a promoted backup shows
    // the task running on a departed member, and it runs again).
    TaskProcessor own = TaskProcessor.claim("a", "").onMember("a");
    own.process(entry);
    assertThat(own.backedUp()).isTrue();
    TaskProcessor ownResult = TaskProcessor.complete(result(entry.getValue(), "a")).onMember("a");
    ownResult.process(entry);
    assertThat(ownResult.backedUp()).isFalse();
    assertThat(ownResult.getBackupProcessor()).isNull();

    // A steal, a result from another member and a release reach the backups too.
    Map.Entry<String, Task> stolen = entry(queued());
    TaskProcessor steal = TaskProcessor.claim("b", "").onMember("a");
    steal.process(stolen);
    assertThat(steal.getBackupProcessor()).isSameAs(steal);
    TaskProcessor theirResult = TaskProcessor.complete(result(stolen.getValue(), "b")).onMember("a");
    theirResult.process(stolen);
    assertThat(theirResult.getBackupProcessor()).isSameAs(theirResult);
    Map.Entry<String, Task> released = entry(queued());
    TaskProcessor.claim("a", "").onMember("a").process(released);
    TaskProcessor release = TaskProcessor.release("a").onMember("a");
    release.process(released);
    assertThat(release.getBackupProcessor()).isSameAs(release);

    // No change, nothing to back up; and where it runs unknown, everything is backed up.
    Map.Entry<String, Task> running = entry(queued());
    TaskProcessor.claim("a", "").onMember("a").process(running);
    TaskProcessor refused = TaskProcessor.claim("b", "").onMember("a");
    assertThat(refused.process(running)).isEqualTo("a");
    assertThat(refused.getBackupProcessor()).as("runs elsewhere: no change").isNull();
    TaskProcessor again = TaskProcessor.claim("b", "").onMember("a");
    again.process(stolen);
    assertThat(again.getBackupProcessor()).as("done: no change").isNull();
    TaskProcessor unknown = TaskProcessor.claim("a", "");
    unknown.process(entry(queued()));
    assertThat(unknown.getBackupProcessor()).isSameAs(unknown);
  }

  @Test
  void aHighSubmissionIsStoredClaimedByTheMemberItLandsOnAndItsBackupStoresTheSame() {
    Map.Entry<String, Task> entry = new AbstractMap.SimpleEntry<>("id@key", null);
    TaskProcessor submit = TaskProcessor.submit(queued()).onMember("owner");
    assertThat(submit.process(entry)).isEqualTo(Boolean.TRUE);
    assertThat(entry.getValue().state()).isEqualTo(Task.RUNNING);
    assertThat(entry.getValue().owner()).isEqualTo("owner");
    assertThat(entry.getValue().runs()).isEqualTo(1);
    // The backup runs a put of what the owner stored, not the submission: there it would claim for
    // the backup's member.
    TaskProcessor backup = (TaskProcessor) submit.getBackupProcessor();
    assertThat(backup).isNotSameAs(submit);
    Map.Entry<String, Task> copy = new AbstractMap.SimpleEntry<>("id@key", null);
    backup.onMember("backup").process(copy);
    assertThat(copy.getValue()).isEqualTo(entry.getValue());
    // A key that exists is left alone.
    TaskProcessor again = TaskProcessor.submit(queued()).onMember("other");
    assertThat(again.process(entry)).isEqualTo(Boolean.FALSE);
    assertThat(entry.getValue().owner()).isEqualTo("owner");
    assertThat(again.getBackupProcessor()).isNull();
    // Where it runs unknown, it is stored queued, for any member to claim.
    Map.Entry<String, Task> unknown = new AbstractMap.SimpleEntry<>("id@key", null);
    TaskProcessor.submit(queued()).process(unknown);
    assertThat(unknown.getValue()).isEqualTo(queued());
  }
}
