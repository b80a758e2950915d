package land.echo;

/**
 * A policy for effects of one value type: a function from an effect to the same effect guarded,
 * like {@link Policy}, for policies that must produce a {@code T} themselves (a fallback's
 * replacement, a default value) and so cannot guard effects of every value type. Applied with
 * {@link ActionEffect#via(TypedPolicy)}, the same composition point as {@link Policy}.
 *
 * <p>It is an abstract class rather than an interface on purpose: a lambda or method reference
 * passed to {@code via} can then only mean a {@link Policy}, so the two {@code via} overloads are
 * never ambiguous. Implementations must be thread-safe: one policy serves many effects, and {@code
 * apply} only builds an effect (it runs when the effect runs, each time).
 *
 * <pre>{@code
 * final class Default<E, T> extends TypedPolicy<E, T> {
 *   private final T value;
 *
 *   Default(T value) {
 *     this.value = value;
 *   }
 *
 *   @Override
 *   public ActionEffect<E, T> apply(ActionEffect<E, T> effect) {
 *     return effect.recover(error -> ActionEffect.succeed(value));
 *   }
 * }
 * ActionEffect<CommonError, Integer> guarded = lookup.via(new Default<>(0));
 * }</pre>
 *
 * @param <E> the domain error type of the effects this policy guards
 * @param <T> the value type of the effects this policy guards
 */
public abstract class TypedPolicy<E, T> {

  /** Constructor for subclasses. */
  protected TypedPolicy() {}

  /**
   * Returns {@code effect} guarded by this policy; never null.
   *
   * @param effect the effect to guard
   * @return the guarded effect
   */
  public abstract ActionEffect<E, T> apply(ActionEffect<E, T> effect);
}
