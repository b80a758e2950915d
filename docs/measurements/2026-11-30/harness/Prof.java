import land.echo.*;
public class Prof {
  public static void main(String[] a) throws Exception {
    ApplicationRuntime rt = ApplicationRuntime.builder().build();
    int depth = Integer.parseInt(a[0]);
    long end = System.nanoTime() + Long.parseLong(a[1]) * 1_000_000_000L;
    long n = 0; long t0 = System.nanoTime();
    while (System.nanoTime() < end) {
      ActionEffect<Void, Integer> chain = ActionEffect.succeed(0);
      for (int i = 0; i < depth; i++) chain = chain.flatMap(x -> ActionEffect.succeed(x + 1));
      if (rt.run(chain).getOrThrow() != depth) throw new AssertionError();
      n++;
    }
    System.out.println("ns/op " + (System.nanoTime() - t0) / n);
    rt.close();
  }
}
