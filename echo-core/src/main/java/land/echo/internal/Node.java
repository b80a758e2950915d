package land.echo.internal;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import land.echo.ActionEffect;
import land.echo.AsyncBody;
import land.echo.AsyncCancelMode;
import land.echo.AsyncTokenBody;
import land.echo.Body;
import land.echo.CancellationToken;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.RetryPolicy;
import land.echo.TokenBody;

/**
 * The node types of the effect tree, one per construction: the interpreter ({@link Fiber})
 * dispatches on {@link ActionEffect#tag}.
 *
 * <p>Nodes are immutable and thread-safe. Composite nodes precompute the capabilities their subtree
 * statically needs ({@link Base#requirements}), so checking them at submission costs the
 * same for a chain of any depth; bodies behind a {@code flatMap} function are checked when reached.
 * A composite node is also its own continuation frame: the interpreter pushes the node itself, so a
 * step allocates nothing beyond the user's nodes.
 */
public final class Node {
  public static final byte PURE = 0;
  public static final byte FAIL = 1;
  public static final byte COMPUTE = 2;
  public static final byte BLOCKING = 3;
  public static final byte ASYNC = 4;
  public static final byte SUSPEND = 5;
  public static final byte SLEEP = 6;
  public static final byte MAP = 7;
  public static final byte FLAT_MAP = 8;
  public static final byte RECOVER = 9;
  public static final byte CATCHING = 10;
  public static final byte ENSURING = 11;
  public static final byte NAMED = 12;
  public static final byte ALL = 13;
  public static final byte RACE = 14;
  public static final byte TIMEOUT = 15;
  public static final byte RETRY = 16;
  public static final byte TRANSFORM = 17;
  public static final byte ON_EXIT = 18;
  public static final byte ACQUIRE_RELEASE = 19;
  public static final byte FIRST_SUCCESS = 20;
  public static final byte RAISE = 21;
  public static final byte CLOCK = 22;
  public static final byte PRIORITY = 23;
  public static final byte TIMER = 24;
  public static final byte GATE = 25;

  private static final String[] KINDS = {
    "succeed", "fail", "compute", "blocking", "async", "suspend", "sleep", "map", "flatMap",
    "recover", "catching", "ensuring", "named", "all", "race", "timeout", "retry", "transformWith",
    "onExit", "acquireRelease", "firstSuccess", "fromOutcome", "clock", "priority", "timer", "gatedBy"
  };

  private Node() {}

  /**
   * The one permitted subclass of {@link ActionEffect}, holding what the interpreter reads of
   * every node. Its fields live here rather than in the exported class so that the API shows none
   * of them.
   */
  public abstract static sealed class Base<E, T> extends ActionEffect<E, T>
      permits Pure, Fail, Raise, ClockRead, TimerRead, PriorityRead, Leaf, Suspend, Sleep, Wrapper, Parallel {
    /** The node kind, one of the {@code Node} constants; the interpreter switches on it. */
    public final byte tag;

    /**
     * The capabilities this subtree statically needs: null, a {@code Class} or a {@code Class[]}.
     * A body's node keeps its own capability here. A plain field rather than a virtual method so
     * that building a composite node costs one field read (the flatMap-chain benchmarks build
     * their chains).
     */
    public final Object requirements;

    public Base(byte tag, Object requirements) {
      this.tag = tag;
      this.requirements = requirements;
    }
  }

  /** Returns the capabilities {@code effect}'s subtree statically needs (see {@link Base#requirements}). */
  public static Object requirements(ActionEffect<?, ?> effect) {
    return ((Base<?, ?>) effect).requirements;
  }

  /** Returns the kind of {@code effect}'s node, e.g. {@code "flatMap"}. */
  public static String kindOf(ActionEffect<?, ?> effect) {
    return KINDS[((Base<?, ?>) effect).tag];
  }

  public static String kind(byte tag) {
    return KINDS[tag];
  }

  /** Returns the union of two requirement sets (null, a {@code Class} or a {@code Class[]}). */
  public static Object union(Object a, Object b) {
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

  public static final class Pure<E, T> extends Base<E, T> {
    public final Object value;

    public Pure(Object value) {
      super(PURE, null);
      this.value = value;
    }
  }

  public static final class Fail<E, T> extends Base<E, T> {
    public final Object error;

    public Fail(Object error) {
      super(FAIL, null);
      this.error = error;
    }
  }

  /**
   * A body with or without a capability; the capability type is the node's {@link #requirements}
   * ({@code null} means a token-only body).
   */
  public abstract static sealed class Leaf<E, T> extends Base<E, T>
      permits Compute, Blocking, Async {
    public final Object body;

    public Leaf(byte tag, Class<?> capability, Object body) {
      super(tag, capability);
      this.body = body;
    }

    /** Returns the capability type the body receives, or null for a token-only body. */
    public final Class<?> capabilityType() {
      return (Class<?>) requirements;
    }

    /**
     * Runs a synchronous body ({@link Compute} or {@link Blocking}) with its capability ({@code
     * null} for a token-only body) and the fiber's token.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public final Object call(Object capability, CancellationToken token) throws Exception {
      return capabilityType() == null
          ? ((TokenBody<?>) body).run(token)
          : ((Body) body).run(capability, token);
    }
  }

  public static final class Compute<E, T> extends Leaf<E, T> {
    public Compute(Class<?> capability, Object body) {
      super(COMPUTE, capability, body);
    }
  }

  public static final class Blocking<E, T> extends Leaf<E, T> {
    public Blocking(Class<?> capability, Object body) {
      super(BLOCKING, capability, body);
    }
  }

  public static final class Async<E, T> extends Leaf<E, T> {
    /** Whether cancelling the effect cancels the body's stage ({@link AsyncCancelMode#CANCEL_FUTURE}). */
    public final boolean cancelsStage;

    public Async(Class<?> capability, Object body, AsyncCancelMode mode) {
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
  public static final class Raise<E, T> extends Base<E, T> {
    public final Fault fault;

    public Raise(Fault fault) {
      super(RAISE, null);
      this.fault = fault;
    }
  }

  /** Succeeds with the runtime's injected {@link land.echo.time.Clock}. */
  public static final class ClockRead<E, T> extends Base<E, T> {
    public ClockRead() {
      super(CLOCK, null);
    }
  }

  /** Succeeds with the runtime's injected {@link land.echo.time.Timer}. */
  public static final class TimerRead<E, T> extends Base<E, T> {
    public TimerRead() {
      super(TIMER, null);
    }
  }

  /** Succeeds with the {@link land.echo.Priority} the running fiber runs at. */
  public static final class PriorityRead<E, T> extends Base<E, T> {
    public PriorityRead() {
      super(PRIORITY, null);
    }
  }

  public static final class Suspend<E, T> extends Base<E, T> {
    public final Supplier<? extends ActionEffect<?, ?>> supplier;

    public Suspend(Supplier<? extends ActionEffect<?, ?>> supplier) {
      super(SUSPEND, null);
      this.supplier = supplier;
    }
  }

  public static final class Sleep<E, T> extends Base<E, T> {
    public final Duration duration;

    public Sleep(Duration duration) {
      super(SLEEP, null);
      this.duration = duration;
    }
  }

  /** A node wrapping one source effect; its requirements are the source's, widened by {@code extra}. */
  public abstract static sealed class Wrapper<E, T> extends Base<E, T>
      permits Map, FlatMap, Recover, Catching, Ensuring, Named, Timeout, Retry, Transform, OnExit,
          AcquireRelease, Gated {
    public final ActionEffect<?, ?> source;

    public Wrapper(byte tag, ActionEffect<?, ?> source, Object extraRequirements) {
      super(tag, extraRequirements == null ? requirements(source) : union(requirements(source), extraRequirements));
      this.source = source;
    }
  }

  public static final class Map<E, T> extends Wrapper<E, T> {
    public final Function<Object, Object> f;

    public Map(ActionEffect<?, ?> source, Function<Object, Object> f) {
      super(MAP, source, null);
      this.f = f;
    }
  }

  public static final class FlatMap<E, T> extends Wrapper<E, T> {
    public final Function<Object, ? extends ActionEffect<?, ?>> f;

    /** {@code alsoRequires}: requirements of effects the function statically returns (e.g. zip's right side). */
    public FlatMap(ActionEffect<?, ?> source, Function<Object, ? extends ActionEffect<?, ?>> f, Object alsoRequires) {
      super(FLAT_MAP, source, alsoRequires);
      this.f = f;
    }
  }

  /** Handles a domain failure of the source with {@code handler}. */
  public static final class Recover<E, T> extends Wrapper<E, T> {
    public final Function<Object, ? extends ActionEffect<?, ?>> handler;

    public Recover(ActionEffect<?, ?> source, Function<Object, ? extends ActionEffect<?, ?>> handler) {
      super(RECOVER, source, null);
      this.handler = handler;
    }
  }

  /** Converts a panic whose cause is a {@code type} into a domain failure. */
  public static final class Catching<E, T> extends Wrapper<E, T> {
    public final Class<? extends Throwable> type;
    public final Function<Object, Object> toError;

    public Catching(ActionEffect<?, ?> source, Class<? extends Throwable> type, Function<Object, Object> toError) {
      super(CATCHING, source, null);
      this.type = type;
      this.toError = toError;
    }
  }

  public static final class Ensuring<E, T> extends Wrapper<E, T> {
    public final Runnable finalizer;

    public Ensuring(ActionEffect<?, ?> source, Runnable finalizer) {
      super(ENSURING, source, null);
      this.finalizer = finalizer;
    }
  }

  public static final class Named<E, T> extends Wrapper<E, T> {
    public final String name;

    public Named(ActionEffect<?, ?> source, String name) {
      super(NAMED, source, null);
      this.name = name;
    }
  }

  public static final class Timeout<E, T> extends Wrapper<E, T> {
    public final Duration after;
    /** What runs in the source's place when the budget expires; null: end with {@code TimedOut}. */
    public final ActionEffect<?, ?> fallback;

    public Timeout(ActionEffect<?, ?> source, Duration after, ActionEffect<?, ?> fallback) {
      super(TIMEOUT, source, fallback == null ? null : requirements(fallback));
      this.after = after;
      this.fallback = fallback;
    }
  }

  /** Continues with the effect {@code f} builds from the source's whole outcome. */
  public static final class Transform<E, T> extends Wrapper<E, T> {
    public final Function<Object, ? extends ActionEffect<?, ?>> f;

    public Transform(ActionEffect<?, ?> source, Function<Object, ? extends ActionEffect<?, ?>> f) {
      super(TRANSFORM, source, null);
      this.f = f;
    }
  }

  /** A finalizer that sees the source's outcome. */
  public static final class OnExit<E, T> extends Wrapper<E, T> {
    public final Consumer<Object> finalizer;

    public OnExit(ActionEffect<?, ?> source, Consumer<Object> finalizer) {
      super(ON_EXIT, source, null);
      this.finalizer = finalizer;
    }
  }

  /** Asks its gate before each run of the source and tells it how the run ended (see {@link land.echo.spi.Gate}). */
  public static final class Gated<E, T> extends Wrapper<E, T> {
    public final land.echo.spi.Gate gate;

    public Gated(ActionEffect<?, ?> source, land.echo.spi.Gate gate) {
      super(GATE, source, null);
      this.gate = gate;
    }
  }

  /**
   * Acquires a resource with the source (shielded from cancellation: it runs in a child fiber the
   * parent's cancellation does not reach), uses it, and releases it exactly once if it was acquired.
   */
  public static final class AcquireRelease<E, T> extends Wrapper<E, T> {
    public final Function<Object, ? extends ActionEffect<?, ?>> use;
    public final BiConsumer<Object, Object> release;

    public AcquireRelease(
        ActionEffect<?, ?> acquire,
        Function<Object, ? extends ActionEffect<?, ?>> use,
        BiConsumer<Object, Object> release) {
      super(ACQUIRE_RELEASE, acquire, null);
      this.use = use;
      this.release = release;
    }
  }

  public static final class Retry<E, T> extends Wrapper<E, T> {
    public final RetryPolicy policy;
    /** Decides which domain errors are retried, in place of the policy's predicate; null: the policy decides. */
    public final Predicate<Object> retryIf;

    public Retry(ActionEffect<?, ?> source, RetryPolicy policy, Predicate<Object> retryIf) {
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
  public static final class Parallel<E, T> extends Base<E, T> {
    public final ActionEffect<?, ?>[] effects;

    public Parallel(byte tag, ActionEffect<?, ?>[] effects) {
      super(tag, unionOf(effects));
      this.effects = effects;
    }

    private static Object unionOf(ActionEffect<?, ?>[] effects) {
      Object reqs = null;
      for (ActionEffect<?, ?> effect : effects) {
        reqs = union(reqs, requirements(effect));
      }
      return reqs;
    }
  }
}
