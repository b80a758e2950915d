import java.io.*;
import java.lang.management.*;
import java.nio.file.Path;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.ThreadLocalRandom;
import land.echo.cli.demo.*;

public class Noise {
  public static void main(String[] a) throws Exception {
    SourceTree tree = SourceTree.open(Path.of(System.getProperty("java.home"), "lib", "src.zip"));
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    var comp = ManagementFactory.getCompilationMXBean();
    int n = Integer.parseInt(a[0]);
    for (int i = 0; i < n; i++) {
      WorkloadSettings settings = WorkloadSettings.defaults(Duration.ofSeconds(10), Integer.parseInt(a[1]));
      SourceIndex index = new SourceIndex();
      FlakySymbolService service = new FlakySymbolService(index, settings.serviceFailureRate(), () -> ThreadLocalRandom.current().nextDouble());
      DemoRun run = new DemoRun(tree, index, service, new DemoCounters(), settings);
      EchoWorkload w = new EchoWorkload(run, null, false, null);
      long gc0 = gcTime(), cpu0 = os.getProcessCpuTime(), c0 = comp.getTotalCompilationTime(); long t0=System.nanoTime();
      WorkloadResult res = w.run();
      long gc1 = gcTime(), cpu1 = os.getProcessCpuTime(), c1 = comp.getTotalCompilationTime(); long t1=System.nanoTime();
      System.out.printf("run %2d files %d idx %.2fs %.0f files/s | gc %d ms jit %d ms cpu %.1fs wall %.1fs%n", i, res.filesIndexed(),
          res.indexingTime().toMillis()/1e3, res.filesPerSecond(), gc1-gc0, c1-c0, (cpu1-cpu0)/1e9, (t1-t0)/1e9);
    }
    System.exit(0);
  }
  static long gcTime() { long s=0; for (var g: ManagementFactory.getGarbageCollectorMXBeans()) s+=g.getCollectionTime(); return s; }
}
