package land.echo.cli.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import land.echo.ActionEffect;
import land.echo.CommonError;
import land.echo.Effects;
import land.echo.cluster.ClusterEffect;
import land.echo.cluster.EffectRegistry;

/**
 * The demo's effects as a cluster serves them: every member opens the same sources, so a file is
 * named by its number in the tree, and the member that runs the effect reads and tokenizes it.
 * Thread-safe once registered.
 */
public final class DemoClusterEffects {
  /** The name the indexing effect is registered under. */
  public static final String INDEX = "demo.index";

  private static final Effects<CommonError> IO = Effects.failingWith(CommonError.class);

  /**
   * Arguments of {@value #INDEX}: a file's number in the sources' list.
   *
   * @param file the file's number, from 0
   */
  public record IndexFile(int file) {}

  private DemoClusterEffects() {}

  /**
   * Registers the demo's effects, run against {@code tree}.
   *
   * @param registry the member's registry
   * @param tree the sources this member reads
   * @return the indexing effect's key: its result is the number of distinct identifiers in the file
   */
  public static ClusterEffect<IndexFile, CommonError, Integer> register(EffectRegistry registry, SourceTree tree) {
    List<SourceFile> files = tree.files();
    return registry.register(INDEX, IndexFile.class, Integer.class, CommonError.class, request -> {
      if (request.file() < 0 || request.file() >= files.size()) {
        return ActionEffect.fail(new CommonError.InvalidArgument("file", "must be between 0 and "
            + (files.size() - 1) + ", was " + request.file()));
      }
      SourceFile file = files.get(request.file());
      return IO.blocking(token -> tree.read(file))
          .catching(IOException.class, e -> CommonError.fromIOException(e, file.path(), "read"))
          .flatMap(bytes -> IO.compute(token ->
              JavaTokenizer.identifierCounts(new String(bytes, StandardCharsets.UTF_8)).size()))
          .named(INDEX);
    });
  }
}
