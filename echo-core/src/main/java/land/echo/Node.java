package land.echo;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The node types of the effect tree, one per construction: the interpreter ({@link Fiber})
 * dispatches on {@link ActionEffect#tag}.
 *
 * <p>Nodes are immutable and thread-safe. Composite nodes precompute the capabilities their subtree
 * statically needs ({@link ActionEffect#requirements}), so checking them at submission costs the
 * same for a chain of any depth; bodies behind a {@code flatMap} function are checked when reached.
 * A composite node is also its own continuation frame: the interpreter pushes the node itself, so a
 * step allocates nothing beyond the user's nodes.
 */
final class Node {
  static final byte PURE = 0;
  static final byte FAIL = 1;
  static final byte COMPUTE = 2;
  static final byte BLOCKING = 3;
  static final byte ASYNC = 4;
  static final byte SUSPEND = 5;
  static final byte SLEEP = 6;
  static final byte MAP = 7;
  static final byte FLAT_MAP = 8;
  static final byte RECOVER = 9;
  static final byte CATCHING = 10;
  static final byte ENSURING = 11;
  static final byte NAMED = 12;
  static final byte ALL = 13;
  static final byte RACE = 14;
  static final byte TIMEOUT = 15;
  static final byte RETRY = 16;
  static final byte TRANSFORM = 17;
  static final byte ON_EXIT = 18;
  static final byte ACQUIRE_RELEASE = 19;
  static final byte FIRST_SUCCESS = 20;
  static final byte RAISE = 21;
  static final byte CLOCK = 22;

  private static final String[] KINDS = {
    "succeed", "fail", "compute", "blocking", "async", "suspend", "sleep", "map", "flatMap",
    "recover", "catching", "ensuring", "named", "all", "race", "timeout", "retry", "transformWith",
    "onExit", "acquireRelease", "firstSuccess", "fromOutcome", "clock"
  };

  private Node() {}

  static String kind(byte tag) {
    return KINDS[tag];
  }

  /** Returns the union of two requirement sets (null, a {@code Class} or a {@code Class[]}). */
  static Object union(Object a, Object b) {
    if (a == null || a == b) {
      return b;
    }
    if (b == null) {
      return a;
    }
    Class<?>[] left = a instanceof Class<?> c ? new Class<?>[] {c} : (Class<?>[]) a;
    Class<?>[] right = b instanceof Class<?> c ? new Class<?>[] {c} : (Class<?>[]) b;
    Class<?>[] merged = java.util.Arrays.copyOf(left, left.length + right.length);
    int n = left.length;
    outer:
    for (Class<?> type : right) {
      for (int i = 0; i < n; i++) {
        if (merged[i] == type) {
          continue outer;
        }
      }
      merged[n++] = type;
    }
    return n == left.length ? a : java.util.Arrays.copyOf(merged, n);
  }

  static final class Pure<E, T> extends ActionEffect<E, T> {
    final Object value;

    Pure(Object value) {
      super(PURE, null);
      this.value = value;
    }
  }

  static final class Fail<E, T> extends ActionEffect<E, T> {
    final Object error;

    Fail(Object error) {
      super(FAIL, null);
      this.error = error;
    }
  }

  /**
   * A body with or without a capability; the capability type is the node's {@link #requirements}
   * ({@code null} means a token-only body).
   */
  abstract static sealed class Leaf<E, T> extends ActionEffect<E, T>
      permits Compute, Blocking, Async {
    final Object body;

    Leaf(byte tag, Class<?> capability, Object body) {
      super(tag, capability);
      this.body = body;
    }

    /** Returns the capability type the body receives, or null for a token-only body. */
    final Class<?> capabilityType() {
      return (Class<?>) requirements;
    }

    /**
     * Runs a synchronous body ({@link Compute} or {@link Blocking}) with its capability ({@code
     * null} for a token-only body) and the fiber's token.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    final Object call(Object capability, CancellationToken token) throws Exception {
      return capabilityType() == null
          ? ((TokenBody<?>) body).run(token)
          : ((Body) body).run(capability, token);
    }
  }

  static final class Compute<E, T> extends Leaf<E, T> {
    Compute(Class<?> capability, Object body) {
      super(COMPUTE, capability, body);
    }
  }

  static final class Blocking<E, T> extends Leaf<E, T> {
    Blocking(Class<?> capability, Object body) {
      super(BLOCKING, capability, body);
    }
  }

  static final class Async<E, T> extends Leaf<E, T> {
    /** Whether cancelling the effect cancels the body's stage ({@link AsyncCancelMode#CANCEL_FUTURE}). */
    final boolean cancelsStage;

    Async(Class<?> capability, Object body, AsyncCancelMode mode) {
      super(ASYNC, capability, body);
      this.cancelsStage = mode == AsyncCancelMode.CANCEL_FUTURE;
    }

    /** Runs the async body with its capability ({@code null} for a token-only body) and token. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    CompletionStage<?> callAsync(Object capability, CancellationToken token) throws Exception {
      return capabilityType() == null
          ? ((AsyncTokenBody<?>) body).run(token)
          : ((AsyncBody) body).run(capability, token);
    }
  }

  /** Ends with a runtime fault given by the user ({@code fromOutcome} of a {@code Faulted}). */
  static final class Raise<E, T> extends ActionEffect<E, T> {
    final Fault fault;

    Raise(Fault fault) {
      super(RAISE, null);
      this.fault = fault;
    }
  }

  /** Succeeds with the runtime's injected {@link land.echo.time.Clock}. */
  static final class ClockRead<E, T> extends ActionEffect<E, T> {
    ClockRead() {
      super(CLOCK, null);
    }
  }

  static final class Suspend<E, T> extends ActionEffect<E, T> {
    final Supplier<? extends ActionEffect<?, ?>> supplier;

    Suspend(Supplier<? extends ActionEffect<?, ?>> supplier) {
      super(SUSPEND, null);
      this.supplier = supplier;
    }
  }

  static final class Sleep<E, T> extends ActionEffect<E, T> {
    final Duration duration;

    Sleep(Duration duration) {
      super(SLEEP, null);
      this.duration = duration;
    }
  }

  /** A node wrapping one source effect; its requirements are the source's, widened by {@code extra}. */
  abstract static sealed class Wrapper<E, T> extends ActionEffect<E, T>
      permits Map, FlatMap, Recover, Catching, Ensuring, Named, Timeout, Retry, Transform, OnExit,
          AcquireRelease {
    final ActionEffect<?, ?> source;

    Wrapper(byte tag, ActionEffect<?, ?> source, Object extraRequirements) {
      super(tag, extraRequirements == null ? source.requirements : union(source.requirements, extraRequirements));
      this.source = source;
    }
  }

  static final class Map<E, T> extends Wrapper<E, T> {
    final Function<Object, Object> f;

    Map(ActionEffect<?, ?> source, Function<Object, Object> f) {
      super(MAP, source, null);
      this.f = f;
    }
  }

  static final class FlatMap<E, T> extends Wrapper<E, T> {
    final Function<Object, ? extends ActionEffect<?, ?>> f;

    /** {@code alsoRequires}: requirements of effects the function statically returns (e.g. zip's right side). */
    FlatMap(ActionEffect<?, ?> source, Function<Object, ? extends ActionEffect<?, ?>> f, Object alsoRequires) {
      super(FLAT_MAP, source, alsoRequires);
      this.f = f;
    }
  }

  /** Handles a domain failure of the source with {@code handler}. */
  static final class Recover<E, T> extends Wrapper<E, T> {
    final Function<Object, ? extends ActionEffect<?, ?>> handler;

    Recover(ActionEffect<?, ?> source, Function<Object, ? extends ActionEffect<?, ?>> handler) {
      super(RECOVER, source, null);
      this.handler = handler;
    }
  }

  /** Converts a panic whose cause is a {@code type} into a domain failure. */
  static final class Catching<E, T> extends Wrapper<E, T> {
    final Class<? extends Throwable> type;
    final Function<Object, Object> toError;

    Catching(ActionEffect<?, ?> source, Class<? extends Throwable> type, Function<Object, Object> toError) {
      super(CATCHING, source, null);
      this.type = type;
      this.toError = toError;
    }
  }

  static final class Ensuring<E, T> extends Wrapper<E, T> {
    final Runnable finalizer;

    Ensuring(ActionEffect<?, ?> source, Runnable finalizer) {
      super(ENSURING, source, null);
      this.finalizer = finalizer;
    }
  }

  static final class Named<E, T> extends Wrapper<E, T> {
    final String name;

    Named(ActionEffect<?, ?> source, String name) {
      super(NAMED, source, null);
      this.name = name;
    }
  }

  static final class Timeout<E, T> extends Wrapper<E, T> {
    final Duration after;
    /** What runs in the source's place when the budget expires; null: end with {@code TimedOut}. */
    final ActionEffect<?, ?> fallback;

    Timeout(ActionEffect<?, ?> source, Duration after, ActionEffect<?, ?> fallback) {
      super(TIMEOUT, source, fallback == null ? null : fallback.requirements);
      this.after = after;
      this.fallback = fallback;
    }
  }

  /** Continues with the effect {@code f} builds from the source's whole outcome. */
  static final class Transform<E, T> extends Wrapper<E, T> {
    final Function<Object, ? extends ActionEffect<?, ?>> f;

    Transform(ActionEffect<?, ?> source, Function<Object, ? extends ActionEffect<?, ?>> f) {
      super(TRANSFORM, source, null);
      this.f = f;
    }
  }

  /** A finalizer that sees the source's outcome. */
  static final class OnExit<E, T> extends Wrapper<E, T> {
    final Consumer<Object> finalizer;

    OnExit(ActionEffect<?, ?> source, Consumer<Object> finalizer) {
      super(ON_EXIT, source, null);
      this.finalizer = finalizer;
    }
  }

  /**
   * Acquires a resource with the source (shielded from cancellation: it runs in a child fiber the
   * parent's cancellation does not reach), uses it, and releases it exactly once if it was acquired.
   */
  static final class AcquireRelease<E, T> extends Wrapper<E, T> {
    final Function<Object, ? extends ActionEffect<?, ?>> use;
    final BiConsumer<Object, Object> release;

    AcquireRelease(
        ActionEffect<?, ?> acquire,
        Function<Object, ? extends ActionEffect<?, ?>> use,
        BiConsumer<Object, Object> release) {
      super(ACQUIRE_RELEASE, acquire, null);
      this.use = use;
      this.release = release;
    }
  }

  static final class Retry<E, T> extends Wrapper<E, T> {
    final RetryPolicy policy;
    /** Decides which domain errors are retried, in place of the policy's predicate; null: the policy decides. */
    final Predicate<Object> retryIf;

    Retry(ActionEffect<?, ?> source, RetryPolicy policy, Predicate<Object> retryIf) {
      super(RETRY, source, null);
      this.policy = policy;
      this.retryIf = retryIf;
    }

    /** Returns true if the failed {@code outcome} of an attempt may be retried. */
    boolean retries(Outcome<?, ?> outcome) {
      return retryIf != null && outcome instanceof Outcome.Failure<?, ?> failure
          ? retryIf.test(failure.error())
          : policy.retries(outcome);
    }
  }

  /**
   * A parallel fan-out ({@link #ALL}), a race ({@link #RACE}) or a hedge ({@link #FIRST_SUCCESS})
   * over {@code effects}.
   */
  static final class Parallel<E, T> extends ActionEffect<E, T> {
    final ActionEffect<?, ?>[] effects;

    Parallel(byte tag, ActionEffect<?, ?>[] effects) {
      super(tag, unionOf(effects));
      this.effects = effects;
    }

    private static Object unionOf(ActionEffect<?, ?>[] effects) {
      Object reqs = null;
      for (ActionEffect<?, ?> effect : effects) {
        reqs = union(reqs, effect.requirements);
      }
      return reqs;
    }
  }
}
