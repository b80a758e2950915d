package land.echo.spi;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import java.util.Objects;

/**
 * A {@link ContextPropagator} backed by Micrometer's context-propagation library: it captures the
 * thread-local values of every {@code ThreadLocalAccessor} of a {@link ContextRegistry} (SLF4J's
 * MDC, OpenTelemetry, Spring Security and others ship one) and restores them around the effect's
 * code. Thread-safe.
 *
 * <p>The library is an optional dependency of Echo core: add {@code
 * io.micrometer:context-propagation} to use this class; nothing else in Echo loads it.
 *
 * {@snippet :
 * ContextRegistry registry = new ContextRegistry()
 *     .registerThreadLocalAccessor("request", REQUEST::get, REQUEST::set, REQUEST::remove);
 * ApplicationRuntime runtime = ApplicationRuntime.builder()
 *     .scheduler(scheduler)
 *     .contextPropagator(MicrometerContextPropagator.of(registry))
 *     .build();
 * }
 *
 * <p>The same example, compiled, is {@code ContextPropagationTest.micrometerRegistry}.
 */
@SuppressWarnings("exports") // its API names the optional library's types on purpose
public final class MicrometerContextPropagator implements ContextPropagator {
  private final ContextSnapshotFactory factory;

  private MicrometerContextPropagator(ContextSnapshotFactory factory) {
    this.factory = factory;
  }

  /**
   * Returns a propagator over the accessors of {@code registry}. A thread-local that was not set at
   * submission is cleared while the effect's code runs ({@code clearMissing}), so a value left on a
   * worker by other code never shows through.
   *
   * @param registry the registry whose thread-local accessors to propagate
   * @return a new propagator
   */
  public static MicrometerContextPropagator of(ContextRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    return of(ContextSnapshotFactory.builder().contextRegistry(registry).clearMissing(true).build());
  }

  /**
   * Returns a propagator whose snapshots {@code factory} takes ({@code captureAll()}).
   *
   * @param factory takes the snapshots
   * @return a new propagator
   */
  public static MicrometerContextPropagator of(ContextSnapshotFactory factory) {
    return new MicrometerContextPropagator(Objects.requireNonNull(factory, "factory"));
  }

  /**
   * Returns a propagator over {@link ContextRegistry#getInstance()}, the registry libraries
   * register with.
   *
   * @return a new propagator over the global registry
   */
  public static MicrometerContextPropagator ofGlobalRegistry() {
    return of(ContextRegistry.getInstance());
  }

  @Override
  public Captured capture() {
    ContextSnapshot snapshot = factory.captureAll();
    return () -> snapshot.setThreadLocals()::close;
  }
}
