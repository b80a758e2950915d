package land.echo.bench;

import cats.effect.IO;
import cats.effect.unsafe.IORuntime;

/**
 * Calls into Cats Effect 3 from Java: the global {@link IORuntime} and the list {@code Traverse}
 * instance {@code parTraverse} needs. Not instantiable; thread-safe.
 */
final class CatsSide {

  /** {@code IORuntime.global()}: a work-stealing compute pool with one thread per processor. */
  static final IORuntime RUNTIME = IORuntime.global();

  /**
   * The {@code Traverse[List]} instance, summoned implicitly in Scala. Java cannot name
   * {@code cats.instances.list} ({@code package} is a keyword), so it comes from the instance cats
   * keeps in implicit scope on {@code Invariant}, which is declared as a {@code Monad} but is the
   * same object that implements {@code Traverse}.
   */
  @SuppressWarnings("rawtypes") // List is higher-kinded: Traverse[List] has no Java type argument
  static final cats.Traverse<scala.collection.immutable.List> LIST_TRAVERSE = listTraverse();

  private CatsSide() {}

  /**
   * Runs {@code io} on the global runtime, blocking the caller until it completes.
   *
   * @param io the program to run
   * @param <A> the value type
   * @return the program's value
   */
  static <A> A run(IO<A> io) {
    return io.unsafeRunSync(RUNTIME);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static cats.Traverse<scala.collection.immutable.List> listTraverse() {
    Object instance = cats.Invariant.catsInstancesForList();
    if (!(instance instanceof cats.Traverse<?>)) {
      throw new IllegalStateException("cats' List instance is not a Traverse: " + instance.getClass());
    }
    return (cats.Traverse<scala.collection.immutable.List>) instance;
  }
}
