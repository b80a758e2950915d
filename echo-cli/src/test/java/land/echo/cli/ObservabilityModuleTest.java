package land.echo.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import land.echo.observability.micrometer.ResilienceMeters;
import org.junit.jupiter.api.Test;

/**
 * The published {@code echo-observability} jar on a module path, resolved in a fresh module layer
 * from the jars of this class path: it reads {@code land.echo.resilience} (the policy meters name
 * its types), so a consumer that requires only {@code land.echo.observability} can use {@link
 * ResilienceMeters}. Skipped when a build stops before {@code package}, as {@link
 * ResilienceModuleTest} is.
 */
class ObservabilityModuleTest {

  @Test
  void thePackagedJarRequiresResilienceTransitivelyAndLinksResilienceMeters() throws Exception {
    Path jar = Path.of(ResilienceMeters.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assumeTrue(jar.toString().endsWith(".jar"), "echo-observability is not packaged in this build: " + jar);
    Path[] jars = Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(entry -> entry.endsWith(".jar"))
        .map(Path::of)
        .toArray(Path[]::new);
    ModuleFinder finder = ModuleFinder.of(jars);

    ModuleReference reference = finder.find("land.echo.observability").orElseThrow();
    assertThat(reference.location().map(Path::of)).contains(jar);
    assertThat(reference.descriptor().requires())
        .anySatisfy(r -> {
          assertThat(r.name()).isEqualTo("land.echo.resilience");
          assertThat(r.modifiers()).contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE);
        });

    Configuration configuration = ModuleLayer.boot().configuration()
        .resolve(finder, ModuleFinder.of(), Set.of("land.echo.observability"));
    ModuleLayer layer =
        ModuleLayer.defineModulesWithOneLoader(configuration, List.of(ModuleLayer.boot()), null).layer();
    Module module = layer.findModule("land.echo.observability").orElseThrow();
    assertThat(module.canRead(layer.findModule("land.echo.resilience").orElseThrow())).isTrue();

    // build() names each kind's policies through resilience types, so this links against the module.
    Class<?> meters = Class.forName(ResilienceMeters.class.getName(), true, module.getClassLoader());
    Object builder = meters.getMethod("builder").invoke(null);
    Object built = builder.getClass().getMethod("build").invoke(builder);
    assertThat(built.getClass().getModule()).isSameAs(module);
  }
}
