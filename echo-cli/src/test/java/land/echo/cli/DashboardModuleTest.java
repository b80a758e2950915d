package land.echo.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import land.echo.dashboard.EchoDashboard;
import org.junit.jupiter.api.Test;

/**
 * The published {@code echo-dashboard} jar on a module path, resolved in a fresh module layer from
 * the jars of this class path (Javalin, Jetty, Jackson and Kotlin's standard library are named
 * modules): it resolves, exports only {@code land.echo.dashboard}, and opens the page's files to
 * the web server. Skipped when a build stops before {@code package}, as {@link
 * ResilienceModuleTest} is.
 */
class DashboardModuleTest {

  @Test
  void thePackagedJarResolvesAsAModuleAndOpensThePage() throws Exception {
    Path jar = Path.of(EchoDashboard.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assumeTrue(jar.toString().endsWith(".jar"), "echo-dashboard is not packaged in this build: " + jar);
    Path[] jars = Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(entry -> entry.endsWith(".jar"))
        .map(Path::of)
        .toArray(Path[]::new);
    ModuleFinder finder = ModuleFinder.of(jars);

    ModuleReference reference = finder.find("land.echo.dashboard").orElseThrow();
    assertThat(reference.location().map(Path::of)).contains(jar);
    assertThat(reference.descriptor().exports()).extracting(e -> e.source()).containsExactly("land.echo.dashboard");
    assertThat(reference.descriptor().opens()).extracting(o -> o.source()).containsExactly("land.echo.dashboard.web");

    Configuration configuration = ModuleLayer.boot().configuration()
        .resolve(finder, ModuleFinder.of(), Set.of("land.echo.dashboard"));
    ModuleLayer layer =
        ModuleLayer.defineModulesWithOneLoader(configuration, List.of(ModuleLayer.boot()), null).layer();
    Module module = layer.findModule("land.echo.dashboard").orElseThrow();
    assertThat(module.canRead(layer.findModule("io.javalin").orElseThrow())).isTrue();
    try (InputStream page = module.getResourceAsStream("land/echo/dashboard/web/index.html")) {
      assertThat(page).isNotNull();
      assertThat(new String(page.readAllBytes(), StandardCharsets.UTF_8)).contains("<title>Echo dashboard</title>");
    }
    Class<?> dashboard = Class.forName(EchoDashboard.class.getName(), true, module.getClassLoader());
    assertThat(dashboard.getModule()).isSameAs(module);
  }
}
