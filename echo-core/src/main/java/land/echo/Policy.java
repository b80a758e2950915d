package land.echo;

import java.util.Objects;

/**
 * A resilience policy: a function from an effect to the same effect guarded (a circuit breaker, a
 * rate limit, a bulkhead, an adaptive timeout, a hedge). Applied with {@link
 * ActionEffect#via(Policy)}, the single composition point, so that policies need no static
 * {@code decorate*} overloads and compose in the order they are applied.
 *
 * <p>{@link #apply} is generic in the value type, so one policy guards effects of any {@code T}.
 * Java does not allow a lambda for a generic method; implement it with a class, or a method
 * reference to a generic method:
 *
 * <pre>{@code
 * static <T> ActionEffect<CommonError, T> withBudget(ActionEffect<CommonError, T> effect) {
 *   return effect.timeout(Duration.ofSeconds(2)).retry(RetryPolicy.of(3, Duration.ofMillis(100)));
 * }
 * Policy<CommonError> budget = MyPolicies::withBudget;
 * }</pre>
 *
 * <p>A policy that measures time reads the runtime's clock through {@link ActionEffect#clock()},
 * so it runs on virtual time in tests. Implementations must be thread-safe: one policy serves
 * many effects, and {@code apply} only builds an effect (it runs when the effect runs, each time).
 *
 * @param <E> the domain error type of the effects this policy guards
 */
@FunctionalInterface
public interface Policy<E> {

  /**
   * Returns {@code effect} guarded by this policy; never null.
   *
   * @param <T> the effect's success type
   * @param effect the effect to guard
   * @return the guarded effect
   */
  <T> ActionEffect<E, T> apply(ActionEffect<E, T> effect);

  /**
   * Returns the policy that applies this one, then {@code outer} around the result: {@code
   * a.andThen(b)} guards like {@code effect.via(a).via(b)}.
   *
   * @param outer the policy to apply around this one
   * @return the composed policy
   */
  default Policy<E> andThen(Policy<E> outer) {
    Objects.requireNonNull(outer, "outer");
    Policy<E> inner = this;
    return new Policy<>() {
      @Override
      public <T> ActionEffect<E, T> apply(ActionEffect<E, T> effect) {
        return effect.via(inner).via(outer);
      }
    };
  }
}
