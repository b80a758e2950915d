package land.echo.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import land.echo.resilience.CircuitBreaker;
import org.junit.jupiter.api.Test;

/**
 * The published {@code echo-resilience} jar as consumers see it (issue 10, "HdrHistogram and
 * JPMS"): on the class path (this test's own, and the demo's use of the breaker and rate limit),
 * and on the module path, resolved here in a fresh module layer from the jars of this class path.
 * It needs the packaged, shaded jar, so it is skipped when a build stops before {@code package}
 * (then the class path holds {@code echo-resilience/target/classes}).
 */
class ResilienceModuleTest {

  private static Path resilienceJar() throws Exception {
    return Path.of(CircuitBreaker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void thePackagedJarIsANamedModuleThatExportsOnlyItsApiAndRunsItsShadedHdrHistogram() throws Exception {
    Path jar = resilienceJar();
    assumeTrue(jar.toString().endsWith(".jar"), "echo-resilience is not packaged in this build: " + jar);
    Path[] jars = Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(entry -> entry.endsWith(".jar"))
        .map(Path::of)
        .toArray(Path[]::new);
    ModuleFinder finder = ModuleFinder.of(jars);

    ModuleReference reference = finder.find("land.echo.resilience").orElseThrow();
    assertThat(reference.location().map(Path::of)).contains(jar);
    assertThat(reference.descriptor().isAutomatic()).isFalse();
    assertThat(reference.descriptor().exports()).singleElement()
        .satisfies(e -> assertThat(e.source()).isEqualTo("land.echo.resilience"));
    assertThat(reference.descriptor().requires()).noneSatisfy(r -> assertThat(r.name()).containsIgnoringCase("hdr"));
    assertThat(reference.descriptor().packages()).contains("land.echo.resilience.internal.hdrhistogram");

    Configuration configuration = ModuleLayer.boot().configuration()
        .resolve(finder, ModuleFinder.of(), Set.of("land.echo.resilience"));
    ModuleLayer.Controller controller =
        ModuleLayer.defineModulesWithOneLoader(configuration, java.util.List.of(ModuleLayer.boot()), null);
    Module module = controller.layer().findModule("land.echo.resilience").orElseThrow();
    controller.addOpens(module, "land.echo.resilience.internal", getClass().getModule());

    // A sliding percentile records into the relocated HdrHistogram Recorder inside the module.
    Class<?> window = Class.forName("land.echo.resilience.internal.SlidingPercentile", true, module.getClassLoader());
    Constructor<?> constructor = window.getConstructor(int.class);
    constructor.setAccessible(true);
    Object percentile = constructor.newInstance(2);
    Method record = window.getMethod("record", long.class);
    record.setAccessible(true);
    for (long micros = 1; micros <= 100; micros++) {
      record.invoke(percentile, micros * 1_000);
    }
    Method roll = window.getMethod("roll");
    roll.setAccessible(true);
    roll.invoke(percentile);
    Method p50 = window.getMethod("percentileNanos", double.class);
    p50.setAccessible(true);
    assertThat((long) p50.invoke(percentile, 50.0)).isBetween(49_000L, 51_000L);
    assertThat(window.getModule()).isSameAs(module);
  }
}
