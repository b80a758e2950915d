package land.echo.resilience.internal;

import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import land.echo.resilience.PolicyEvent;
import land.echo.resilience.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one policy. Thread-safe: registration is copy-on-write, publication iterates a
 * snapshot. A listener that throws is logged and skipped, never breaking the effect that published
 * (Caffeine's guarded stats counter is the model). Callers check {@link #isEmpty()} first so that
 * an unobserved policy allocates no event.
 */
public final class Listeners {
  private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

  private final CopyOnWriteArrayList<Consumer<? super PolicyEvent>> listeners = new CopyOnWriteArrayList<>();

  /** Registers {@code listener}; the subscription removes it. */
  public Subscription add(Consumer<? super PolicyEvent> listener) {
    Objects.requireNonNull(listener, "listener");
    // A wrapper per registration, so that registering one listener twice gives two independent
    // subscriptions.
    Consumer<? super PolicyEvent> entry = listener::accept;
    listeners.add(entry);
    return () -> listeners.remove(entry);
  }

  /** True when nobody listens: the caller need not build the event. */
  public boolean isEmpty() {
    return listeners.isEmpty();
  }

  /** Delivers {@code event} to every listener on the calling thread. */
  public void publish(PolicyEvent event) {
    for (Consumer<? super PolicyEvent> listener : listeners) {
      try {
        listener.accept(event);
      } catch (Throwable t) {
        LOG.warn("A listener of policy '{}' threw on {}; ignored", event.policyName(), event, t);
      }
    }
  }
}
