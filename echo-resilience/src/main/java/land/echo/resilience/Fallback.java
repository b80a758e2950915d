package land.echo.resilience;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import land.echo.ActionEffect;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.TypedPolicy;
import land.echo.resilience.internal.Checks;
import land.echo.resilience.internal.Listeners;

/**
 * A fallback: when a guarded effect ends with a failure it accepts, another effect runs instead and
 * its outcome is the call's. {@code effect.via(fallback)}.
 *
 * <p>Unlike the other policies a fallback is typed by the effect's value {@code T} too (its
 * replacement must produce a {@code T}), which {@link land.echo.Policy} cannot express, since a
 * policy guards effects of every {@code T}. So it is a {@link TypedPolicy}, applied with the same
 * {@code via} and composing in the same order (see the composition-order diagram in the README).
 *
 * <p>By default every domain failure and every fault except a cancellation triggers it; {@link
 * Builder#when} narrows that (e.g. only {@link CircuitOpen} rejections). A call that is itself
 * cancelled never runs the fallback. Immutable and thread-safe.
 *
 * @param <E> the domain error type
 * @param <T> the value type
 */
public final class Fallback<E, T> extends TypedPolicy<E, T> {

  private final String name;
  private final Predicate<? super Outcome<E, T>> when;
  private final Function<? super Outcome<E, T>, ? extends ActionEffect<E, T>> replacement;
  private final Listeners listeners = new Listeners();

  private Fallback(Builder<E, T> b) {
    this.name = b.name;
    this.when = b.when;
    this.replacement = b.replacement;
  }

  /**
   * Returns a fallback that runs {@code replacement} after any failure or non-cancellation fault.
   *
   * @param <E> the domain error type
   * @param <T> the value type
   * @param name the fallback's name
   * @param replacement the effect to run instead
   * @return a new fallback
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public static <E, T> Fallback<E, T> of(String name, ActionEffect<E, T> replacement) {
    Objects.requireNonNull(replacement, "replacement");
    return Fallback.<E, T>builder(name).to(outcome -> replacement).build();
  }

  /**
   * Returns a builder for a fallback named {@code name}; its replacement must be set.
   *
   * @param <E> the domain error type
   * @param <T> the value type
   * @param name the fallback's name
   * @return a new builder
   */
  public static <E, T> Builder<E, T> builder(String name) {
    return new Builder<>(name);
  }

  /**
   * Returns this fallback's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns {@code effect} guarded by this fallback.
   *
   * @param effect the effect to guard
   * @return an effect that ends with {@code effect}'s outcome, or the replacement's
   */
  @Override
  public ActionEffect<E, T> apply(ActionEffect<E, T> effect) {
    Objects.requireNonNull(effect, "effect");
    String effectName = effect.name();
    return effect.transformWith(outcome -> {
      if (outcome.isSuccess() || !when.test(outcome)) {
        return ActionEffect.fromOutcome(outcome);
      }
      if (!listeners.isEmpty()) {
        listeners.publish(new PolicyEvent.FallbackApplied(name, effectName, describe(outcome)));
      }
      return Objects.requireNonNull(replacement.apply(outcome), "fallback replacement");
    });
  }

  /**
   * Registers {@code listener} for this fallback's events ({@link PolicyEvent.FallbackApplied}); it
   * runs on the calling effect's thread and must be short. A listener that throws is logged and
   * ignored.
   *
   * @param listener receives the events
   * @return the registration; closing it removes the listener
   */
  public Subscription onEvent(Consumer<? super PolicyEvent> listener) {
    return listeners.add(listener);
  }

  @Override
  public String toString() {
    return "Fallback[" + name + "]";
  }

  private static String describe(Outcome<?, ?> outcome) {
    return switch (outcome) {
      case Outcome.Success<?, ?> s -> "success";
      case Outcome.Failure<?, ?> f -> "failure: " + f.error();
      case Outcome.Faulted<?, ?> f -> f.fault().message();
    };
  }

  /** The default trigger: any failure, any fault but a cancellation. */
  static boolean defaultWhen(Outcome<?, ?> outcome) {
    return !(outcome instanceof Outcome.Faulted<?, ?>(Fault.Cancelled c));
  }

  /**
   * Builds a {@link Fallback}; validates in {@link #build()}. Not thread-safe.
   *
   * @param <E> the domain error type
   * @param <T> the value type
   */
  public static final class Builder<E, T> {
    private final String name;
    private Predicate<? super Outcome<E, T>> when = Fallback::defaultWhen;
    private Function<? super Outcome<E, T>, ? extends ActionEffect<E, T>> replacement;

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Sets which non-successful outcomes trigger the fallback.
     *
     * @param when accepts the outcomes to replace
     * @return this builder
     */
    public Builder<E, T> when(Predicate<? super Outcome<E, T>> when) {
      this.when = when;
      return this;
    }

    /**
     * Sets the replacement, built from the outcome it replaces.
     *
     * @param replacement builds the effect to run instead
     * @return this builder
     */
    public Builder<E, T> to(Function<? super Outcome<E, T>, ? extends ActionEffect<E, T>> replacement) {
      this.replacement = replacement;
      return this;
    }

    /**
     * Builds the fallback.
     *
     * @return a new fallback
     * @throws IllegalArgumentException if the name is blank
     * @throws NullPointerException naming the field if the trigger or the replacement is missing
     */
    public Fallback<E, T> build() {
      Checks.name(name);
      Objects.requireNonNull(when, "when");
      Objects.requireNonNull(replacement, "replacement");
      return new Fallback<>(this);
    }
  }
}
