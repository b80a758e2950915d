package land.echo.observability.micrometer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import land.echo.observability.NameTags;
import land.echo.resilience.AdaptiveTimeout;
import land.echo.resilience.PolicyEvent;

/**
 * The {@value ResilienceMeters#TIMEOUT_CURRENT} gauges of one adaptive timeout in one registry, one
 * per effect-name tag value. Thread-safe.
 *
 * <p>Effect names are not known in advance, so a tag's gauge is registered when this is bound (for
 * the names the timeout has seen) and then from the timeout's {@link PolicyEvent.TimeoutAdapted}
 * listener, once per tag value ({@link #registered} makes later events a map look-up). The
 * listener is the only reference from the timeout to this object, and Micrometer holds this
 * object weakly, so the gauges live as long as the timeout does.
 */
final class TimeoutGauges {
  private final MeterRegistry registry;
  private final NameTags names;
  private final AdaptiveTimeout timeout;
  private final Set<String> registered = ConcurrentHashMap.newKeySet();

  private TimeoutGauges(MeterRegistry registry, NameTags names, AdaptiveTimeout timeout) {
    this.registry = registry;
    this.names = names;
    this.timeout = timeout;
  }

  /** Registers the gauges of the names {@code timeout} has seen, and of later ones as they adapt. */
  static void bind(MeterRegistry registry, NameTags names, AdaptiveTimeout timeout) {
    TimeoutGauges gauges = new TimeoutGauges(registry, names, timeout);
    timeout.onEvent(event -> {
      if (event instanceof PolicyEvent.TimeoutAdapted adapted) {
        gauges.register(names.tag(adapted.effectName()));
      }
    });
    for (AdaptiveTimeout.Snapshot s : timeout.snapshot()) {
      gauges.register(names.tag(s.effectName()));
    }
  }

  private void register(String tag) {
    if (registered.add(tag)) {
      Gauge.builder(ResilienceMeters.TIMEOUT_CURRENT, this, g -> g.currentSeconds(tag))
          .description("The adaptive timeout's current budget for effects of this name")
          .tag(EchoMeters.POLICY_TAG, timeout.config().name())
          .tag("name", tag)
          .baseUnit(ResilienceMeters.SECONDS)
          .register(registry);
    }
  }

  /** The largest budget among the effect names whose tag value is {@code tag}. */
  private double currentSeconds(String tag) {
    OptionalLong most = timeout.snapshot().stream()
        .filter(s -> names.tag(s.effectName()).equals(tag))
        .mapToLong(s -> s.current().toNanos())
        .max();
    return most.isPresent() ? most.getAsLong() / 1e9 : Double.NaN;
  }
}
