/**
 * The {@code echo} command line: the editor-backend demo on an Echo runtime and its comparison
 * with a plain ForkJoinPool.
 *
 * <p>An application module: it exports nothing and opens the command package to picocli, which
 * fills the annotated option fields reflectively.
 */
module land.echo.cli {
  requires land.echo.core;
  requires info.picocli;
  requires HdrHistogram;
  requires org.slf4j;

  opens land.echo.cli to info.picocli;
}
