package land.echo.scheduler;

import java.util.ArrayList;
import java.util.List;
import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;

/**
 * Lincheck linearizability checks of {@link Injector}: every operation from any thread. An initial
 * capacity of 2 that shrinks back once emptied above 2 makes growth, wrap-around and the shrink
 * reachable in short scenarios. The sequential specification is the same class run on one thread.
 */
@Param(name = "value", gen = IntGen.class, conf = "1:9")
@SuppressWarnings("deprecation") // IntGen: the parameter generator Lincheck's @Param still takes
public class InjectorLincheckTest extends LincheckTestBase {
  private final Injector queue = new Injector(2, 2, 1 << 10);

  @Operation
  public void offer(@Param(name = "value") int value) {
    queue.offer(new SpmcLocalQueueLincheckTest.Task(value));
  }

  @Operation
  public void offerTwo(@Param(name = "value") int first, @Param(name = "value") int second) {
    queue.offerAll(new Runnable[] {new SpmcLocalQueueLincheckTest.Task(first), new SpmcLocalQueueLincheckTest.Task(second)},
        0, 2);
  }

  @Operation
  public Integer poll() {
    Runnable task = queue.poll();
    return task == null ? null : ((SpmcLocalQueueLincheckTest.Task) task).id();
  }

  @Operation
  public List<Integer> pollTwo() {
    Runnable[] into = new Runnable[2];
    int n = queue.pollBatch(into, 2);
    List<Integer> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(((SpmcLocalQueueLincheckTest.Task) into[i]).id());
    }
    return ids;
  }

  @Operation
  public boolean isEmpty() {
    return queue.isEmpty();
  }

  @Operation
  public int size() {
    return queue.size();
  }
}
