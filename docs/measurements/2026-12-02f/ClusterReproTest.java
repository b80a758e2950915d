package land.echo.cluster;

import org.junit.jupiter.api.Test;

class ClusterReproTest {
  @Test
  void repeat() throws Exception {
    long end = System.nanoTime() + 100_000_000_000L;
    int i = 0;
    while (System.nanoTime() < end) {
      i++;
      EchoClusterTest t = new EchoClusterTest();
      try {
        t.highStartsBeforeLowQueuedOnTheSameMember();
      } catch (Throwable e) {
        throw new AssertionError("iteration " + i, e);
      } finally {
        t.close();
      }
    }
    System.out.println("iterations: " + i);
  }
}
