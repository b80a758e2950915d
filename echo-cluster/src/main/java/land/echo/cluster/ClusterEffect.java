package land.echo.cluster;

import java.util.Objects;
import java.util.function.Function;
import land.echo.ActionEffect;

/**
 * A named effect factory registered with an {@link EffectRegistry}: what crosses the network is its
 * name and its arguments, never code; each member builds the effect from the arguments with the
 * factory it registered under the same name. The key to submit by: {@code cluster.submit(INDEX,
 * request, Priority.LOW)} is typed by it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param <A> the arguments' type
 * @param <E> the effect's domain error type
 * @param <T> the effect's success type
 */
public final class ClusterEffect<A, E, T> {
  private final String name;
  private final Class<A> argType;
  private final Function<? super A, ? extends ActionEffect<E, T>> factory;

  ClusterEffect(String name, Class<A> argType, Function<? super A, ? extends ActionEffect<E, T>> factory) {
    this.name = name;
    this.argType = argType;
    this.factory = factory;
  }

  /**
   * Returns the name the effect is registered under.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the arguments' type.
   *
   * @return the type arguments must be an instance of
   */
  public Class<A> argType() {
    return argType;
  }

  /** Builds the effect for {@code args}; a factory's exception or null result becomes a panic. */
  ActionEffect<E, T> build(Object args) {
    return Objects.requireNonNull(factory.apply(argType.cast(args)),
        () -> "the factory registered as '" + name + "' returned null");
  }

  @Override
  public String toString() {
    return "ClusterEffect[" + name + ", " + argType.getName() + "]";
  }
}
