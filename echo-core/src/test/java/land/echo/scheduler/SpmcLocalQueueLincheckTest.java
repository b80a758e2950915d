package land.echo.scheduler;

import java.util.ArrayList;
import java.util.List;
import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;

/**
 * Lincheck linearizability checks of {@link SpmcLocalQueue} under its threading contract: one
 * owner thread (offer, poll, spill), one thief thread (batch steal into its own ring), and any
 * thread polling or testing emptiness. A capacity of 4 makes wrap-around, the full ring and the
 * "thief's ring is full" path reachable in short scenarios. The sequential specification is the
 * same class run on one thread.
 */
@Param(name = "value", gen = IntGen.class, conf = "1:9")
@SuppressWarnings("deprecation") // IntGen: the parameter generator Lincheck's @Param still takes
public class SpmcLocalQueueLincheckTest extends LincheckTestBase {
  private final SpmcLocalQueue queue = new SpmcLocalQueue(4);
  private final SpmcLocalQueue thiefRing = new SpmcLocalQueue(4);

  @Operation(nonParallelGroup = "owner")
  public boolean offer(@Param(name = "value") int value) {
    return queue.offer(new Task(value));
  }

  @Operation(nonParallelGroup = "owner")
  public Integer poll() {
    return id(queue.poll());
  }

  @Operation(nonParallelGroup = "owner")
  public Integer pop() {
    return id(queue.pop());
  }

  @Operation(nonParallelGroup = "owner")
  public List<Integer> spillHalf() {
    Injector global = new Injector();
    queue.spillHalfTo(global);
    List<Runnable> sink = new ArrayList<>();
    for (Runnable r; (r = global.poll()) != null; ) {
      sink.add(r);
    }
    return ids(sink);
  }

  /** Steals into the thief's ring, then empties that ring so the stolen batch is observable. */
  @Operation(nonParallelGroup = "thief")
  public List<Integer> steal() {
    List<Runnable> stolen = new ArrayList<>();
    Runnable first = queue.stealInto(thiefRing);
    if (first != null) {
      stolen.add(first);
    }
    for (Runnable r; (r = thiefRing.poll()) != null; ) {
      stolen.add(r);
    }
    return ids(stolen);
  }

  @Operation
  public Integer pollShared() {
    return id(queue.pollShared());
  }

  @Operation
  public boolean isEmpty() {
    return queue.isEmpty();
  }


  private static Integer id(Runnable task) {
    return task == null ? null : ((Task) task).id();
  }

  private static List<Integer> ids(List<Runnable> tasks) {
    List<Integer> ids = new ArrayList<>(tasks.size());
    for (Runnable task : tasks) {
      ids.add(((Task) task).id());
    }
    return ids;
  }

  /** A task identified by its id; equal ids compare equal in results. */
  public record Task(int id) implements Runnable {
    @Override
    public void run() {}
  }
}
