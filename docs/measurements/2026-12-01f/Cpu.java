import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.*;
import land.echo.cli.demo.*;
public class Cpu {
  public static void main(String[] a) throws Exception {
    SourceTree tree = SourceTree.open(Path.of(System.getProperty("java.home"), "lib", "src.zip"));
    List<SourceFile> files = tree.files();
    List<String> texts = new ArrayList<>();
    for (SourceFile f : files) texts.add(new String(tree.read(f), StandardCharsets.UTF_8));
    for (int r = 0; r < Integer.parseInt(a[0]); r++) {
      long t0 = System.nanoTime(); long s = 0;
      for (int i = 0; i < texts.size()/3; i++) s += JavaTokenizer.identifierCounts(texts.get(i)).size();
      System.out.printf("pass %2d %.0f ms (%d)%n", r, (System.nanoTime()-t0)/1e6, s);
    }
  }
}
