package land.echo;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import land.echo.internal.Fiber;
import land.echo.internal.HandleFuture;
import land.echo.internal.Node;
import land.echo.spi.Gate;
import land.echo.time.Clock;
import land.echo.time.Timer;

/**
 * An immutable, re-runnable description of work that either fails with a domain error {@code E} or
 * succeeds with a {@code T}.
 *
 * <p>Building an effect runs nothing; an {@link ApplicationRuntime} runs it, as many times as it is
 * submitted. Effects are thread-safe values. Bodies come in three kinds: {@code compute} (CPU-bound,
 * runs on a scheduler worker), {@code blocking} (runs on a virtual thread, never on a worker) and
 * {@code async} (returns a {@code CompletionStage}). An exception thrown by a body or by a function
 * passed to an operator becomes {@code Faulted(Panic(exception))}, unless {@link #catching} turns it
 * into a domain error; it never escapes into a worker.
 *
 * <p>The capabilities an effect needs are not part of its type: a body that takes a capability
 * names it with a class literal ({@code compute(FileSystemReader.class, (fs, token) -> ...)}), the
 * effect records it, and {@link ApplicationRuntime} checks every statically known requirement of
 * the whole tree at submission ({@code Faulted(CapabilityMissing(type))}, nothing runs).
 *
 * <p>The static constructors infer {@code E} and {@code T} from an assignment or argument target.
 * A chain that starts from a constructor has no target for {@code E}; start it from an {@link
 * Effects} instance, which fixes {@code E} once. Every static constructor declares its type
 * parameters in the same order, {@code <E, T>}; an overload that takes a capability adds {@code C}
 * last, and it is always inferred from the class literal.
 *
 * <p>Composition is stack-safe: chains and recursions of any depth through {@link #flatMap} and
 * {@link #suspend} run in constant JVM stack.
 *
 * <pre>{@code
 * static final Effects<CommonError> IO = Effects.failingWith(CommonError.class);
 *
 * ActionEffect<CommonError, Integer> size =
 *     IO.blocking(FileSystemReader.class, (fs, token) -> fs.read(path))
 *         .map(bytes -> bytes.length)
 *         .named("file.size");
 * }</pre>
 *
 * @param <E> the domain error type
 * @param <T> the success type
 */
public abstract sealed class ActionEffect<E, T>
    permits Node.Base {

  /**
   * For Echo's own node types only: the class is sealed, and effects are built with the static
   * constructors of {@link Effects} and the operators below.
   */
  protected ActionEffect() {}

  // ---------------------------------------------------------------- construction

  /**
   * Returns an effect that succeeds with {@code value} (which may be null).
   *
   * @param <E> the domain error type
   * @param <T> the success type
   * @param value the value to succeed with; may be null
   * @return an effect that always succeeds with {@code value}
   */
  public static <E, T> ActionEffect<E, T> succeed(T value) {
    return new Node.Pure<>(value);
  }

  /**
   * Returns an effect that fails with the domain error {@code error}.
   *
   * @param <E> the domain error type
   * @param <T> the success type
   * @param error the domain error to fail with
   * @return an effect that always ends with {@code Failure(error)}
   * @throws NullPointerException if {@code error} is null
   */
  public static <E, T> ActionEffect<E, T> fail(E error) {
    return new Node.Fail<>(Objects.requireNonNull(error, "error"));
  }

  /**
   * Returns an effect that ends with {@code outcome}: succeeds with its value, fails with its
   * domain error, or ends with its fault. The way a {@link #transformWith} function passes an
   * outcome on unchanged. A {@code Faulted(Cancelled)} built this way is an ordinary fault: it does
   * not cancel the running effect, so {@code transformWith} and {@code retry} around it see it.
   *
   * @param <E> the domain error type
   * @param <T> the success type
   * @param outcome the outcome to end with
   * @return an effect that ends with {@code outcome}
   * @throws NullPointerException if {@code outcome} is null
   */
  public static <E, T> ActionEffect<E, T> fromOutcome(Outcome<? extends E, ? extends T> outcome) {
    Objects.requireNonNull(outcome, "outcome");
    return switch (outcome) {
      case Outcome.Success<? extends E, ? extends T> s -> new Node.Pure<>(s.value());
      case Outcome.Failure<? extends E, ? extends T> f -> new Node.Fail<>(f.error());
      case Outcome.Faulted<? extends E, ? extends T> f -> new Node.Raise<>(f.fault());
    };
  }

  /**
   * Returns an effect that succeeds with the {@link Clock} the runtime was built with (virtual in
   * tests), so that a policy can measure time without reading the system clock:
   *
   * <pre>{@code
   * IO.clock().flatMap(clock -> {
   *   long start = clock.nanoTime();
   *   return effect.onExit(outcome -> latencies.record(clock.nanoTime() - start));
   * })
   * }</pre>
   *
   * @param <E> the domain error type
   * @return an effect that succeeds with the runtime's clock
   */
  public static <E> ActionEffect<E, Clock> clock() {
    return new Node.ClockRead<>();
  }

  /**
   * Returns an effect that succeeds with the {@link Timer} the runtime was built with (virtual in
   * tests), so that a policy that must wake something later (a rate limit's waiters) arms the
   * runtime's timer rather than the system's. Most code wants {@link #sleep} or {@link #timeout}
   * instead, which use this timer already.
   *
   * @param <E> the domain error type
   * @return an effect that succeeds with the runtime's timer
   */
  public static <E> ActionEffect<E, Timer> timer() {
    return new Node.TimerRead<>();
  }

  /**
   * Returns an effect that succeeds with the {@link Priority} the running effect was submitted at
   * (children of {@code all}, {@code race} and {@code firstSuccess} inherit it), so that a policy
   * can order its waiters by urgency:
   *
   * <pre>{@code
   * IO.priority().flatMap(priority -> bulkheadPermit(priority).flatMap(permit -> effect))
   * }</pre>
   *
   * @param <E> the domain error type
   * @return an effect that succeeds with the running effect's priority
   */
  public static <E> ActionEffect<E, Priority> priority() {
    return new Node.PriorityRead<>();
  }

  /**
   * Returns an effect that never completes unless it is cancelled (by {@code race}, {@code
   * timeout}, a handle's {@code cancel} or shutdown), occupying no thread while it waits; then it
   * ends with the cancellation's fault like any other effect.
   *
   * @param <E> the domain error type
   * @param <T> the success type
   * @return an effect that ends only by cancellation
   */
  public static <E, T> ActionEffect<E, T> never() {
    return new Node.Named<>(new Node.Async<E, T>(null, NEVER, AsyncCancelMode.CANCEL_FUTURE), "never");
  }

  private static final AsyncTokenBody<Object> NEVER = token -> new CompletableFuture<>();

  /**
   * Returns an effect that acquires a resource with {@code acquire}, runs the effect {@code use}
   * builds from it, and then calls {@code release} with the resource and the use's outcome.
   *
   * <p>{@code release} runs exactly once if {@code acquire} succeeded, and never otherwise: after
   * the use succeeds, fails or faults (also when {@code use} itself throws), and when the effect is
   * cancelled during the use (it then sees {@code Faulted(cause)}, the cancellation's fault).
   *
   * <p><b>Cancellation during the acquisition never leaks.</b> {@code acquire} runs to its end
   * shielded from the effect's cancellation: it is not interrupted, its token is not cancelled, and
   * its finalizers see their own outcome. The cancelled effect does not wait for it (cancellation
   * never back-pressures); if the acquisition then succeeds, {@code release} runs at once with the
   * resource and {@code Faulted(cause)}, on the thread that finished the acquisition. A stuck
   * acquisition therefore cannot be cancelled: give it its own {@link #timeout}. An effect
   * cancelled before the acquisition started acquires nothing. (Except for a {@link #succeed} value,
   * the acquisition runs in a child fiber of its own.)
   *
   * <p>{@code release} is a plain callback, like an {@link #ensuring} finalizer: it runs on the
   * thread that ends the use (possibly a scheduler worker), so it should be short. An exception it
   * throws behaves like an {@code ensuring} finalizer's: a success or failure becomes a panic;
   * during a fault it is added as suppressed or logged; it is always counted.
   *
   * @param <E> the domain error type
   * @param <R> the resource type
   * @param <T> the success type of the use
   * @param acquire acquires the resource; its failure or fault is the outcome, and nothing is released
   * @param use builds the effect that uses the resource; an exception it throws is a panic of the use
   * @param release releases the resource, given the use's outcome
   * @return an effect that ends with the use's outcome, or the acquisition's if it did not succeed
   */
  @SuppressWarnings("unchecked")
  public static <E, R, T> ActionEffect<E, T> acquireRelease(
      ActionEffect<? extends E, ? extends R> acquire,
      Function<? super R, ? extends ActionEffect<? extends E, ? extends T>> use,
      BiConsumer<? super R, ? super Outcome<E, T>> release) {
    return new Node.AcquireRelease<>(
        Objects.requireNonNull(acquire, "acquire"),
        (Function<Object, ? extends ActionEffect<?, ?>>) Objects.requireNonNull(use, "use"),
        (BiConsumer<Object, Object>) Objects.requireNonNull(release, "release"));
  }

  /**
   * Returns an effect that runs the CPU-bound {@code body} on a scheduler worker.
   *
   * @param <E> the domain error type
   * @param <T> the success type
   * @param body the CPU-bound work, given the effect's cancellation token
   * @return an effect that succeeds with the body's result
   */
  public static <E, T> ActionEffect<E, T> compute(TokenBody<T> body) {
    return new Node.Compute<>(null, Objects.requireNonNull(body, "body"));
  }

  /**
   * Returns an effect that runs the CPU-bound {@code body} on a worker, with the {@code capability}
   * from the environment.
   *
   * @param <E> the domain error type
   * @param <T> the success type
   * @param <C> the capability type
   * @param capability the capability's class; the runtime's environment must provide it
   * @param body the CPU-bound work, given the capability and the effect's cancellation token
   * @return an effect that succeeds with the body's result
   */
  public static <E, T, C> ActionEffect<E, T> compute(Class<C> capability, Body<C, T> body) {
    return new Node.Compute<>(Objects.requireNonNull(capability, "capability"), Objects.requireNonNull(body, "body"));
  }

  /**
   * Returns an effect that runs the blocking {@code body} on a virtual thread, never on a worker;
   * the thread is interrupted when the effect is cancelled.
   *
   * @param <E> the domain error type
   * @param <T> the success type
   * @param body the blocking work, given the effect's cancellation token
   * @return an effect that succeeds with the body's result
   */
  public static <E, T> ActionEffect<E, T> blocking(TokenBody<T> body) {
    return new Node.Blocking<>(null, Objects.requireNonNull(body, "body"));
  }

  /**
   * Returns an effect that runs the blocking {@code body} on a virtual thread, with the {@code
   * capability}.
   *
   * @param <E> the domain error type
   * @param <T> the success type
   * @param <C> the capability type
   * @param capability the capability's class; the runtime's environment must provide it
   * @param body the blocking work, given the capability and the effect's cancellation token
   * @return an effect that succeeds with the body's result
   */
  public static <E, T, C> ActionEffect<E, T> blocking(Class<C> capability, Body<C, T> body) {
    return new Node.Blocking<>(Objects.requireNonNull(capability, "capability"), Objects.requireNonNull(body, "body"));
  }

  /**
   * Returns an effect that starts asynchronous work with {@code body} and completes with its stage;
   * the stage's future is cancelled when the effect is cancelled ({@link
   * AsyncCancelMode#CANCEL_FUTURE}).
   *
   * @param <E> the domain error type
   * @param <T> the success type
   * @param body starts the work, given the effect's cancellation token, and returns its stage
   * @return an effect that completes as the body's stage does
   */
  public static <E, T> ActionEffect<E, T> async(AsyncTokenBody<T> body) {
    return async(body, AsyncCancelMode.CANCEL_FUTURE);
  }

  /**
   * Returns an effect that starts asynchronous work with {@code body} and completes with its stage;
   * {@code mode} says whether cancelling the effect cancels the stage. A cancelled effect resumes
   * with its cause at once in either mode. Use {@link AsyncCancelMode#LEAVE_RUNNING} for a stage
   * shared with other callers (a cache's pending load), which one caller's timeout must not cancel.
   *
   * @param <E> the domain error type
   * @param <T> the success type
   * @param body starts the work, given the effect's cancellation token, and returns its stage
   * @param mode whether cancelling the effect cancels the stage's future
   * @return an effect that completes as the body's stage does
   */
  public static <E, T> ActionEffect<E, T> async(AsyncTokenBody<T> body, AsyncCancelMode mode) {
    return new Node.Async<>(null, Objects.requireNonNull(body, "body"), Objects.requireNonNull(mode, "mode"));
  }

  /**
   * Returns an effect that starts asynchronous work with {@code body} and the {@code capability};
   * the stage's future is cancelled when the effect is cancelled.
   *
   * @param <E> the domain error type
   * @param <T> the success type
   * @param <C> the capability type
   * @param capability the capability's class; the runtime's environment must provide it
   * @param body starts the work, given the capability and the effect's cancellation token, and
   *     returns its stage
   * @return an effect that completes as the body's stage does
   */
  public static <E, T, C> ActionEffect<E, T> async(Class<C> capability, AsyncBody<C, T> body) {
    return async(capability, body, AsyncCancelMode.CANCEL_FUTURE);
  }

  /**
   * Returns an effect that starts asynchronous work with {@code body} and the {@code capability};
   * {@code mode} says whether cancelling the effect cancels the stage (see {@link
   * #async(AsyncTokenBody, AsyncCancelMode)}).
   *
   * @param <E> the domain error type
   * @param <T> the success type
   * @param <C> the capability type
   * @param capability the capability's class; the runtime's environment must provide it
   * @param body starts the work, given the capability and the effect's cancellation token, and
   *     returns its stage
   * @param mode whether cancelling the effect cancels the stage's future
   * @return an effect that completes as the body's stage does
   */
  public static <E, T, C> ActionEffect<E, T> async(
      Class<C> capability, AsyncBody<C, T> body, AsyncCancelMode mode) {
    return new Node.Async<>(
        Objects.requireNonNull(capability, "capability"), Objects.requireNonNull(body, "body"),
        Objects.requireNonNull(mode, "mode"));
  }

  /**
   * Returns an effect that builds its effect lazily, each time it runs; the way to write recursive
   * effects. The built effect's capabilities are resolved when it is reached.
   *
   * @param <E> the domain error type
   * @param <T> the success type
   * @param supplier builds the effect to run; called on every run
   * @return an effect that runs what {@code supplier} builds
   */
  public static <E, T> ActionEffect<E, T> suspend(
      Supplier<? extends ActionEffect<? extends E, ? extends T>> supplier) {
    return new Node.Suspend<>(Objects.requireNonNull(supplier, "supplier"));
  }

  /**
   * Returns an effect that succeeds with null after {@code duration} on the runtime's timer,
   * occupying no thread meanwhile.
   *
   * @param <E> the domain error type
   * @param duration how long to wait
   * @return an effect that succeeds with null once {@code duration} has passed
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  public static <E> ActionEffect<E, Void> sleep(Duration duration) {
    return new Node.Sleep<>(requireNonNegative(duration, "duration"));
  }

  /**
   * Returns an effect that runs {@code effects} in parallel and succeeds with their values in order.
   * The first failure or fault becomes the outcome at once and the siblings still running are
   * cancelled. With no effects it succeeds with an empty list, as a list built from an empty
   * stream should.
   *
   * @param <E> the domain error type
   * @param <T> the success type of each effect
   * @param effects the effects to run; copied, none may be null
   * @return an effect that succeeds with the list of values, in the order of {@code effects}
   * @throws IllegalArgumentException if {@code effects} holds more than 33,554,431 effects
   */
  public static <E, T> ActionEffect<E, List<T>> all(
      List<? extends ActionEffect<? extends E, ? extends T>> effects) {
    Objects.requireNonNull(effects, "effects");
    if (effects.isEmpty()) {
      return new Node.Pure<>(List.of());
    }
    return new Node.Parallel<>(Node.ALL, requireEffects(effects, "all"));
  }

  /**
   * Returns an effect that runs {@code effects} in parallel; the first to finish, whatever its
   * outcome, decides the outcome and the losers are cancelled.
   *
   * @param <E> the domain error type
   * @param <T> the success type
   * @param effects the effects to race; copied, none may be null
   * @return an effect that ends with the outcome of the first effect to finish
   * @throws IllegalArgumentException if {@code effects} is empty or holds more than 33,554,431 effects
   */
  public static <E, T> ActionEffect<E, T> race(
      List<? extends ActionEffect<? extends E, ? extends T>> effects) {
    return new Node.Parallel<>(Node.RACE, requireEffects(effects, "race"));
  }

  /**
   * Returns the race of {@code a} and {@code b}; see {@link #race(List)}.
   *
   * @param <E> the domain error type
   * @param <T> the success type
   * @param a the first effect to race
   * @param b the second effect to race
   * @return an effect that ends with the outcome of whichever of {@code a} and {@code b} finishes
   *     first
   */
  public static <E, T> ActionEffect<E, T> race(
      ActionEffect<? extends E, ? extends T> a, ActionEffect<? extends E, ? extends T> b) {
    return race(List.of(Objects.requireNonNull(a, "a"), Objects.requireNonNull(b, "b")));
  }

  /**
   * Returns an effect that runs {@code effects} in parallel and succeeds with the first value any
   * of them produces; the others are then cancelled. A failure or fault only takes that effect out
   * of the contest. If none succeeds, the outcome is that of the <em>last</em> one to finish (as a
   * retry ends with its last attempt's outcome). The building block of hedging: start the copies
   * with increasing delays ({@code sleep(d).flatMap(x -> call)}). Cancelling this effect cancels
   * them all.
   *
   * @param <E> the domain error type
   * @param <T> the success type
   * @param effects the effects to run; copied, none may be null
   * @return an effect that succeeds with the first value produced, or else ends with the outcome of
   *     the last effect to finish
   * @throws IllegalArgumentException if {@code effects} is empty or holds more than 33,554,431 effects
   */
  public static <E, T> ActionEffect<E, T> firstSuccess(
      List<? extends ActionEffect<? extends E, ? extends T>> effects) {
    return new Node.Parallel<>(Node.FIRST_SUCCESS, requireEffects(effects, "firstSuccess"));
  }

  // ---------------------------------------------------------------- composition

  /**
   * Returns an effect that applies {@code f} to this effect's value.
   *
   * @param <U> the new success type
   * @param f maps this effect's value
   * @return an effect that succeeds with {@code f(value)}; failures and faults pass through
   */
  @SuppressWarnings("unchecked")
  public <U> ActionEffect<E, U> map(Function<? super T, ? extends U> f) {
    return new Node.Map<>(this, (Function<Object, Object>) Objects.requireNonNull(f, "f"));
  }

  /**
   * Returns an effect that runs the effect {@code f} builds from this effect's value.
   *
   * @param <U> the new success type
   * @param f builds the next effect from this effect's value
   * @return an effect that ends with the outcome of the effect {@code f} builds
   */
  @SuppressWarnings("unchecked")
  public <U> ActionEffect<E, U> flatMap(
      Function<? super T, ? extends ActionEffect<? extends E, ? extends U>> f) {
    return new Node.FlatMap<>(
        this, (Function<Object, ? extends ActionEffect<?, ?>>) Objects.requireNonNull(f, "f"), null);
  }

  /**
   * Returns an effect whose domain error is {@code f} applied to this effect's; faults are
   * unchanged.
   *
   * @param <E2> the new domain error type
   * @param f maps this effect's domain error; must not return null
   * @return an effect that fails with {@code f(error)} where this one fails with {@code error}
   */
  @SuppressWarnings("unchecked")
  public <E2> ActionEffect<E2, T> mapError(Function<? super E, ? extends E2> f) {
    Objects.requireNonNull(f, "f");
    return new Node.Recover<>(this, e -> new Node.Fail<>(Objects.requireNonNull(f.apply((E) e), "mapError result")));
  }

  /**
   * Returns an effect that succeeds with {@code f} applied to this effect's domain error, if it
   * fails.
   *
   * @param f maps this effect's domain error to a value
   * @return an effect that succeeds with this effect's value or with {@code f(error)}
   */
  @SuppressWarnings("unchecked")
  public ActionEffect<E, T> recover(Function<? super E, ? extends T> f) {
    Objects.requireNonNull(f, "f");
    return new Node.Recover<>(this, e -> new Node.Pure<>(f.apply((E) e)));
  }

  /**
   * Returns an effect that runs the effect {@code f} builds from this effect's domain error, if it
   * fails.
   *
   * @param <E2> the new domain error type
   * @param f builds the effect to run from this effect's domain error
   * @return an effect that succeeds with this effect's value or ends with the outcome of the effect
   *     {@code f} builds
   */
  @SuppressWarnings("unchecked")
  public <E2> ActionEffect<E2, T> orElse(
      Function<? super E, ? extends ActionEffect<? extends E2, ? extends T>> f) {
    return new Node.Recover<>(
        this, (Function<Object, ? extends ActionEffect<?, ?>>) Objects.requireNonNull(f, "f"));
  }

  /**
   * Returns an effect in which an exception of {@code type} thrown by a body (or an operator's
   * function) inside this effect becomes the domain failure {@code toError(exception)} instead of
   * a panic.
   *
   * @param <X> the exception type to catch
   * @param type the class of the exceptions to catch, including subclasses
   * @param toError maps a caught exception to the domain error
   * @return this effect with exceptions of {@code type} turned into domain failures
   */
  @SuppressWarnings("unchecked")
  public <X extends Throwable> ActionEffect<E, T> catching(
      Class<X> type, Function<? super X, ? extends E> toError) {
    return new Node.Catching<>(
        this, Objects.requireNonNull(type, "type"), (Function<Object, Object>) Objects.requireNonNull(toError, "toError"));
  }

  /**
   * Returns an effect that runs this one, then {@code that}, and combines their values with {@code
   * f}.
   *
   * @param <U> the success type of {@code that}
   * @param <R> the success type of the result
   * @param that the effect to run after this one succeeds
   * @param f combines the two values
   * @return an effect that succeeds with {@code f(thisValue, thatValue)}
   */
  @SuppressWarnings("unchecked")
  public <U, R> ActionEffect<E, R> zip(
      ActionEffect<? extends E, ? extends U> that, BiFunction<? super T, ? super U, ? extends R> f) {
    Objects.requireNonNull(that, "that");
    Objects.requireNonNull(f, "f");
    return new Node.FlatMap<>(
        this, a -> that.map(b -> f.apply((T) a, (U) b)), Node.requirements(that));
  }

  /**
   * Returns an effect that continues with the effect {@code f} builds from this effect's whole
   * outcome: its value, its domain error or its fault (a timeout of an inner {@link #timeout}, a
   * panic, a lost race's {@code Cancelled} seen from outside). Use {@link #fromOutcome} to pass an
   * outcome on unchanged:
   *
   * <pre>{@code
   * call.timeout(Duration.ofSeconds(1))
   *     .transformWith(outcome -> outcome instanceof Outcome.Faulted<E, T>(Fault.TimedOut t)
   *         ? cached
   *         : ActionEffect.fromOutcome(outcome))
   * }</pre>
   *
   * <p><b>Never on its own cancellation.</b> When this effect itself is cancelled (its handle's
   * {@code cancel}, an enclosing {@code timeout}, a lost race, shutdown), {@code f} is not called:
   * a cancelled effect only unwinds and runs its finalizers ({@link #ensuring}, {@link #onExit},
   * releases), so nothing can resume work the caller has already given up on. To react to a
   * cancellation, use {@link #onExit}. An exception thrown by {@code f} ends the effect with {@code
   * Faulted(Panic(exception))}.
   *
   * @param <E2> the new domain error type
   * @param <U> the new success type
   * @param f builds the next effect from this effect's outcome
   * @return an effect that ends with the outcome of the effect {@code f} builds
   */
  @SuppressWarnings("unchecked")
  public <E2, U> ActionEffect<E2, U> transformWith(
      Function<? super Outcome<E, T>, ? extends ActionEffect<? extends E2, ? extends U>> f) {
    return new Node.Transform<>(
        this, (Function<Object, ? extends ActionEffect<?, ?>>) Objects.requireNonNull(f, "f"));
  }

  /**
   * Returns an effect that runs {@code finalizer} with this effect's outcome after it ends: on
   * success, failure, fault and cancellation, once the effect has started (an effect cancelled while
   * still queued runs nothing). When this effect is cancelled the finalizer sees {@code
   * Faulted(cause)}, the cancellation's fault: {@code Cancelled}, or {@code TimedOut} if an
   * enclosing timeout cancelled it. It runs exactly once per run. An exception it throws behaves
   * like an {@link #ensuring} finalizer's.
   *
   * @param finalizer receives this effect's outcome once it ends
   * @return this effect with {@code finalizer} attached
   */
  @SuppressWarnings("unchecked")
  public ActionEffect<E, T> onExit(Consumer<? super Outcome<E, T>> finalizer) {
    return new Node.OnExit<>(this, (Consumer<Object>) Objects.requireNonNull(finalizer, "finalizer"));
  }

  /**
   * Returns this effect behind {@code gate}: before each run the gate's {@link Gate#enter} decides
   * whether the effect runs, and after a run it let start with a token its {@link Gate#exit} is
   * told, exactly once, how the run ended, cancellation included. The building block of policies
   * that take a permit and give it back (see {@link Gate} for the contract); it costs one step and
   * allocates nothing per run beyond what the gate returns.
   *
   * @param gate the gate
   * @return this effect behind {@code gate}
   */
  public ActionEffect<E, T> gatedBy(Gate gate) {
    return new Node.Gated<>(this, Objects.requireNonNull(gate, "gate"));
  }

  /**
   * Returns this effect with {@code policy} applied: {@code policy.apply(this)}. The one
   * composition point for resilience policies (circuit breakers, rate limits, bulkheads, adaptive
   * timeouts, hedging); see {@link Policy}.
   *
   * <p>The guarded effect keeps this effect's name: if this effect was {@link #named} and the
   * effect the policy built hides that name (a policy usually starts with its own step, such as
   * reading the clock), the result is named the same, so that logs, metrics and traces still
   * report {@code effect.named("x").via(policy)} as {@code "x"}.
   *
   * @param policy the policy to apply
   * @return the effect {@code policy} returns, named as this effect is
   * @throws NullPointerException if the policy returns null
   */
  public ActionEffect<E, T> via(Policy<E> policy) {
    Objects.requireNonNull(policy, "policy");
    return keepName(Objects.requireNonNull(policy.apply(this), "policy returned null"));
  }

  /**
   * Returns this effect with {@code policy}, a policy for effects of this value type only (a
   * fallback), applied: {@code policy.apply(this)}. It composes exactly as {@link #via(Policy)}
   * does, and keeps this effect's name the same way.
   *
   * @param policy the policy to apply
   * @return the effect {@code policy} returns, named as this effect is
   * @throws NullPointerException if the policy returns null
   */
  public ActionEffect<E, T> via(TypedPolicy<E, T> policy) {
    Objects.requireNonNull(policy, "policy");
    return keepName(Objects.requireNonNull(policy.apply(this), "policy returned null"));
  }

  private ActionEffect<E, T> keepName(ActionEffect<E, T> guarded) {
    String name = HandleFuture.explicitName(this);
    if (name != null && guarded != this && HandleFuture.explicitName(guarded) == null) {
      return guarded.named(name);
    }
    return guarded;
  }

  /**
   * Returns an effect that runs {@code finalizer} after this one, whether it succeeds, fails or is
   * cancelled, once the effect has started (an effect cancelled while still queued runs nothing).
   * An exception from the finalizer turns a success or failure into a panic; during a fault it is
   * added as suppressed or logged; it is never lost.
   *
   * @param finalizer runs once after this effect ends
   * @return this effect with {@code finalizer} attached
   */
  public ActionEffect<E, T> ensuring(Runnable finalizer) {
    return new Node.Ensuring<>(this, Objects.requireNonNull(finalizer, "finalizer"));
  }

  /**
   * Returns this effect under {@code name}, used by logs now and by metrics and traces later.
   *
   * @param name the name; must not be blank
   * @return this effect, named {@code name}
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public ActionEffect<E, T> named(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
    return new Node.Named<>(this, name);
  }

  /**
   * Returns an effect that ends with {@code Faulted(TimedOut(duration))} if this one has not finished
   * {@code duration} after it starts; this one is then cancelled (signalled, not awaited).
   *
   * @param duration the time budget, measured from when this effect starts
   * @return this effect, bounded by {@code duration}
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  public ActionEffect<E, T> timeout(Duration duration) {
    return new Node.Timeout<>(this, requireNonNegative(duration, "duration"), null);
  }

  /**
   * Returns an effect that runs {@code fallback} instead if this one has not finished {@code
   * duration} after it starts; this one is then cancelled with {@code TimedOut(duration)}
   * (signalled, not awaited: its finalizers may still be running while the fallback runs). Only the
   * expiry of this budget starts the fallback; a {@code TimedOut} from an inner timeout is an
   * ordinary outcome. A zero budget runs only the fallback. Cancelling the whole effect cancels
   * whichever of the two is running.
   *
   * @param duration the time budget, measured from when this effect starts
   * @param fallback the effect to run when the budget expires
   * @return this effect, or {@code fallback} once {@code duration} has passed
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  public ActionEffect<E, T> timeoutTo(Duration duration, ActionEffect<? extends E, ? extends T> fallback) {
    return new Node.Timeout<>(
        this, requireNonNegative(duration, "duration"), Objects.requireNonNull(fallback, "fallback"));
  }

  /**
   * Returns an effect that re-runs this one under {@code policy} until it succeeds or the policy
   * gives up. When the policy gives up, the outcome is the last attempt's, unchanged: a domain
   * {@code Failure(E)} stays typed.
   *
   * @param policy decides whether and after what delay to retry
   * @return this effect, retried under {@code policy}
   */
  public ActionEffect<E, T> retry(RetryPolicy policy) {
    return new Node.Retry<>(this, Objects.requireNonNull(policy, "policy"), null);
  }

  /**
   * Returns an effect that re-runs this one under {@code policy}, retrying a domain failure only if
   * {@code retryIf} accepts its error; faults are retried as the policy's predicate decides. The
   * typed predicate lives here rather than on {@link RetryPolicy} because the policy is shared by
   * effects of any error type, while this effect knows its {@code E}:
   *
   * <pre>{@code
   * effect.retry(policy, e -> e instanceof CommonError.ExternalService)
   * }</pre>
   *
   * <p>An exception thrown by {@code retryIf} ends the effect with {@code Faulted(Panic(exception))}.
   *
   * @param policy decides whether and after what delay to retry
   * @param retryIf accepts the domain errors worth retrying
   * @return this effect, retried under {@code policy} where {@code retryIf} allows
   */
  @SuppressWarnings("unchecked")
  public ActionEffect<E, T> retry(RetryPolicy policy, Predicate<? super E> retryIf) {
    return new Node.Retry<>(
        this, Objects.requireNonNull(policy, "policy"), (Predicate<Object>) Objects.requireNonNull(retryIf, "retryIf"));
  }

  /**
   * Returns the capability the body at the root of this effect receives (looking through wrapping
   * operators such as {@code map} or {@code named}), or {@code Void.class} if that is no
   * capability-taking body. Other capabilities reached inside (e.g. by {@code zip} or {@code all})
   * are checked at submission too.
   *
   * @return the root body's capability class, or {@code Void.class}
   */
  public Class<?> capability() {
    ActionEffect<?, ?> node = this;
    while (node instanceof Node.Wrapper<?, ?> wrapper) {
      node = wrapper.source;
    }
    return (Class<?>) (node instanceof Node.Leaf<?, ?> leaf && leaf.requirements != null ? leaf.requirements : Void.class);
  }

  /**
   * Returns this effect's name: the one given by {@link #named}, looked up through a few enclosing
   * operators, or else the kind of node, e.g. {@code "flatMap"}.
   *
   * @return the name given by {@code named}, or the node kind
   */
  public String name() {
    String named = HandleFuture.explicitName(this);
    return named != null ? named : Node.kindOf(this);
  }

  @Override
  public String toString() {
    return "ActionEffect[" + name() + "]";
  }

  private static Duration requireNonNegative(Duration duration, String what) {
    Objects.requireNonNull(duration, what);
    if (duration.isNegative()) {
      throw new IllegalArgumentException(what + " must not be negative, was " + duration);
    }
    return duration;
  }

  private static ActionEffect<?, ?>[] requireEffects(
      List<? extends ActionEffect<?, ?>> effects, String operator) {
    Objects.requireNonNull(effects, "effects");
    if (effects.size() > Fiber.MAX_CHILDREN) { // checked before copying them
      throw new IllegalArgumentException(operator + "() runs at most " + Fiber.MAX_CHILDREN
          + " effects at once, was given " + effects.size() + ": split them into groups");
    }
    ActionEffect<?, ?>[] copy = effects.toArray(new ActionEffect<?, ?>[0]);
    if (copy.length == 0) {
      throw new IllegalArgumentException(operator + "() needs at least one effect");
    }
    for (ActionEffect<?, ?> effect : copy) {
      if (effect == null) {
        throw new NullPointerException(operator + "() effects contain null");
      }
    }
    return copy;
  }
}
