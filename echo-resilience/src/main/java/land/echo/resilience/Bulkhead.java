package land.echo.resilience;

import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import land.echo.ActionEffect;
import land.echo.AsyncCancelMode;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.Policy;
import land.echo.Priority;
import land.echo.resilience.internal.Checks;
import land.echo.resilience.internal.Gradient2;
import land.echo.resilience.internal.Listeners;
import land.echo.resilience.internal.PolicyTime;
import land.echo.resilience.internal.PriorityWaiters;
import land.echo.spi.Gate;
import land.echo.time.Clock;

/**
 * A bulkhead (a named queue): at most {@code limit} guarded effects run at once under its name;
 * the others wait in a queue ordered by priority ({@code HIGH} first, FIFO within a priority).
 * Applied with {@code effect.via(bulkhead.policy())}.
 *
 * <p>A call that finds every slot taken and the queue full is refused at once with {@code
 * Faulted(Rejected)} carrying a {@link BulkheadFull}; but if it is more urgent than the least
 * urgent queued call, that one is shed instead (refused with {@code shed = true}) and the new call
 * takes its place, so under overload LOW work goes first. A waiting call is cancellable and holds
 * no thread.
 *
 * <p>With {@link Builder#adaptive} the limit is not fixed: a Gradient2 estimator (after Netflix
 * concurrency-limits) moves it between a minimum and a maximum to keep latency near its long-term
 * level, from the latencies of successful calls measured on the bulkhead's {@link Clock}.
 *
 * <h2>Implementation notes</h2>
 *
 * One lock guards the count of slots in use, the queue and the estimator: the critical sections are
 * a few field updates. A released slot goes straight to the most urgent waiter (the count does not
 * drop, so no newcomer can overtake a waiter). Each run's permit is held by a {@code Ticket} whose
 * finalizer is attached before the permit is taken, so a cancellation at any point gives the slot
 * back or withdraws the waiter; a waiter granted a slot at the moment it was cancelled passes the
 * slot on.
 *
 * <p>Thread-safe.
 */
public final class Bulkhead {

  /**
   * The immutable configuration of a bulkhead.
   *
   * @param name the bulkhead's name
   * @param maxConcurrent the fixed limit, or the initial one when adaptive
   * @param maxQueued the most calls that may wait; 0 refuses at once when full
   * @param adaptive whether the limit adapts to latency
   * @param minLimit the adaptive limit's floor
   * @param maxLimit the adaptive limit's ceiling
   */
  public record Config(String name, int maxConcurrent, int maxQueued, boolean adaptive, int minLimit, int maxLimit) {}

  /**
   * A cheap snapshot of a bulkhead, for meters and dashboards.
   *
   * @param limit the current concurrency limit
   * @param inUse calls running
   * @param queued calls waiting
   * @param rejected calls refused (full, shed or drained) since creation
   */
  public record Snapshot(int limit, int inUse, int queued, long rejected) {}

  private final Config config;
  private final PolicyTime clock;
  private final Listeners listeners = new Listeners();
  private final Policy<Object> policy = new Guard();
  private final Object lock = new Object();
  /** Guarded by {@link #lock}. */
  private final PriorityWaiters waiters = new PriorityWaiters();
  /** Guarded by {@link #lock}; null when the limit is fixed. */
  private final Gradient2 gradient;
  /** Guarded by {@link #lock}. */
  private int inUse;
  /** Written under {@link #lock}, read anywhere. */
  private volatile int limit;
  private final LongAdder rejected = new LongAdder();
  /** Whether new calls are refused ({@link #drain()}); calls already admitted or queued go on. */
  private volatile boolean drained;
  /**
   * For tests only, null otherwise: runs after a waiter is given a slot and before it is told, so
   * that a test can cancel the waiting call at that very moment.
   */
  volatile Consumer<PriorityWaiters.Waiter> beforeTelling;

  /**
   * Test hook (package-private, null in production): runs after a run's gate found no free slot
   * and before the run's ticket tries again, so that a test can free the slot in between.
   */
  volatile Runnable afterFullEnter;

  private Bulkhead(Builder b) {
    this.config = new Config(b.name, b.maxConcurrent, b.maxQueued, b.adaptive, b.minLimit, b.maxLimit);
    this.clock = new PolicyTime(b.clock, null);
    this.limit = b.maxConcurrent;
    this.gradient = b.adaptive ? new Gradient2(b.maxConcurrent, b.minLimit, b.maxLimit) : null;
  }

  /**
   * Returns a bulkhead of {@code maxConcurrent} slots and a queue of {@code maxQueued}.
   *
   * @param name the bulkhead's name
   * @param maxConcurrent at least 1
   * @param maxQueued at least 0
   * @return a new bulkhead
   * @throws IllegalArgumentException naming the field if a value is out of range
   */
  public static Bulkhead of(String name, int maxConcurrent, int maxQueued) {
    return builder(name).maxConcurrent(maxConcurrent).maxQueued(maxQueued).build();
  }

  /**
   * Returns a builder for a bulkhead named {@code name}: 25 slots, a queue of 100, fixed limit.
   *
   * @param name the bulkhead's name
   * @return a new builder
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Returns the policy that guards effects with this bulkhead; the same instance on every call.
   *
   * @param <E> the guarded effects' domain error type
   * @return this bulkhead as a policy
   */
  @SuppressWarnings("unchecked")
  public <E> Policy<E> policy() {
    return (Policy<E>) (Policy<?>) policy;
  }

  /**
   * Returns this bulkhead's configuration.
   *
   * @return the configuration
   */
  public Config config() {
    return config;
  }

  /**
   * Returns a snapshot of the slots and the queue.
   *
   * @return the snapshot
   */
  public Snapshot snapshot() {
    synchronized (lock) {
      return new Snapshot(limit, inUse, waiters.size(), rejected.sum());
    }
  }

  /**
   * Drains the bulkhead: from now on every new call fails at once with {@link Fault.Rejected}
   * carrying a {@link BulkheadDrained}, while the calls running and queued complete as usual. What
   * an operator does before taking the resource behind it away; {@link #resume()} undoes it.
   * Idempotent.
   */
  public void drain() {
    drained = true;
  }

  /** Resumes a drained bulkhead: new calls are admitted (or queued) again. Idempotent. */
  public void resume() {
    drained = false;
  }

  /**
   * Returns whether the bulkhead is drained.
   *
   * @return true between {@link #drain()} and {@link #resume()}
   */
  public boolean isDrained() {
    return drained;
  }

  /**
   * Registers {@code listener} for this bulkhead's events ({@link PolicyEvent.CallRejected},
   * {@link PolicyEvent.PermitWaited}, {@link PolicyEvent.LimitChanged}); it runs on the thread of
   * the call concerned and must be short. A listener that throws is logged and ignored.
   *
   * @param listener receives the events
   * @return the registration; closing it removes the listener
   */
  public Subscription onEvent(Consumer<? super PolicyEvent> listener) {
    return listeners.add(listener);
  }

  @Override
  public String toString() {
    return "Bulkhead[" + config.name() + ", " + snapshot() + "]";
  }

  /** Refuses a new call while drained. */
  private ActionEffect<Object, ?> drainedRefusal(Priority priority) {
    rejected.increment();
    BulkheadDrained refusal = new BulkheadDrained(config.name(), priority);
    if (!listeners.isEmpty()) {
      listeners.publish(new PolicyEvent.CallRejected(config.name(), refusal));
    }
    return ActionEffect.fromOutcome(Outcome.faulted(Fault.Rejected.by(refusal)));
  }

  private BulkheadFull full(Priority priority, boolean shed, int queued) {
    rejected.increment();
    BulkheadFull refusal = new BulkheadFull(config.name(), priority, limit, queued, shed);
    if (!listeners.isEmpty()) {
      listeners.publish(new PolicyEvent.CallRejected(config.name(), refusal));
    }
    return refusal;
  }

  /**
   * Gives a slot back and fills the free slots with waiters, most urgent first: the slot goes
   * straight to a waiter when the limit allows (the count does not drop in between), and a limit
   * that has just grown lets more waiters in.
   */
  private void release() {
    PriorityWaiters.Waiter next;
    synchronized (lock) {
      inUse--;
      next = admitted();
    }
    while (next != null) {
      Consumer<PriorityWaiters.Waiter> hook = beforeTelling;
      if (hook != null) {
        hook.accept(next);
      }
      boolean told = next.complete(null);
      synchronized (lock) {
        if (!told) {
          inUse--; // it was cancelled at this very moment: its slot is free again
        }
        next = admitted();
      }
    }
  }

  /** Under {@link #lock}: the most urgent waiter, counted in, if a slot is free; else null. */
  private PriorityWaiters.Waiter admitted() {
    if (inUse >= limit) {
      return null;
    }
    PriorityWaiters.Waiter next = waiters.poll();
    if (next != null) {
      inUse++;
    }
    return next;
  }

  /** Feeds one latency to the estimator; the {@link #release()} that follows fills new slots. */
  private void sample(long nanos, int inFlightAtStart) {
    int from;
    int to;
    synchronized (lock) {
      from = limit;
      to = gradient.sample(nanos, inFlightAtStart);
      limit = to;
    }
    if (to != from && !listeners.isEmpty()) {
      listeners.publish(new PolicyEvent.LimitChanged(config.name(), from, to));
    }
  }

  /** The policy. */
  private final class Guard implements Policy<Object> {
    @Override
    public <T> ActionEffect<Object, T> apply(ActionEffect<Object, T> effect) {
      return Objects.requireNonNull(effect, "effect").gatedBy(new SlotGate<>(effect));
    }
  }

  /** The token of a run that took a free slot at once, for a fixed limit: nothing to remember. */
  private static final Object HELD = new Object();

  /** The token of a run that took a free slot at once, for the adaptive limit's latency sample. */
  private record Held(long start, int inFlightAtStart) {}

  /**
   * The gate of one guarded effect. A free slot with nobody waiting is taken in {@link #enter}, and
   * the interpreter gives it back through {@link #exit} exactly once, cancellation included: the
   * common case costs one step. Otherwise the run queues by priority or is refused, in the effect
   * {@link Gate#instead} runs: a {@link Ticket}, whose {@code onExit} withdraws a cancelled waiter
   * or gives back the slot it was granted.
   */
  private final class SlotGate<T> implements Gate {
    private final ActionEffect<Object, T> effect;

    SlotGate(ActionEffect<Object, T> effect) {
      this.effect = effect;
    }

    @Override
    public Object enter(Gate.Run run) {
      clock.followClock(run.clock());
      if (drained) {
        return Gate.instead(drainedRefusal(run.priority()));
      }
      int inFlight = -1;
      synchronized (lock) {
        if (inUse < limit && waiters.peek() == null) {
          inFlight = ++inUse;
        }
      }
      if (inFlight < 0) {
        Runnable hook = afterFullEnter;
        if (hook != null) {
          hook.run();
        }
        // The ticket looks again: a slot freed since then is taken at once, not waited for.
        Ticket<T> ticket = new Ticket<>(effect);
        return Gate.instead(ActionEffect.<Object>priority().flatMap(ticket::take).onExit(ticket));
      }
      return gradient == null ? HELD : new Held(clock.nanoTime(), inFlight);
    }

    @Override
    public void exit(Object token, Outcome<?, ?> outcome) {
      if (token instanceof Held held && outcome.isSuccess()) {
        sample(clock.nanoTime() - held.start(), held.inFlightAtStart());
      }
      release();
    }
  }

  /** One run's claim on a slot: taken, waited for, refused, and given back exactly once. */
  private final class Ticket<T>
      implements Consumer<Outcome<Object, T>> {
    private final ActionEffect<Object, T> effect;
    /** Set while taking the slot, read by the finalizer on the same fiber afterwards. */
    private volatile boolean holds;
    private volatile PriorityWaiters.Waiter waiter;
    private volatile BulkheadFull refusal;
    private long start;
    private int inFlightAtStart;

    Ticket(ActionEffect<Object, T> effect) {
      this.effect = effect;
    }

    ActionEffect<Object, T> take(Priority priority) {
      PriorityWaiters.Waiter shed = null;
      int queued;
      synchronized (lock) {
        if (inUse < limit && waiters.peek() == null) {
          inUse++;
          holds = true;
          inFlightAtStart = inUse;
        } else if (waiters.size() < config.maxQueued()) {
          waiter = waiters.add(priority, clock.nanoTime());
        } else {
          PriorityWaiters.Waiter worst = waiters.leastUrgent();
          if (worst != null && worst.priority.ordinal() > priority.ordinal()) {
            waiters.remove(worst);
            shed = worst;
            waiter = waiters.add(priority, clock.nanoTime());
          }
        }
        queued = waiters.size();
      }
      if (shed != null) {
        shed.completeExceptionally(new Shed(full(shed.priority, true, queued)));
      }
      if (holds) {
        return run();
      }
      PriorityWaiters.Waiter w = waiter;
      if (w == null) {
        return refused(full(priority, false, queued));
      }
      return ActionEffect.<Object, Throwable>async(token -> w.handle((ok, error) -> error), AsyncCancelMode.CANCEL_FUTURE)
          .flatMap(error -> {
            if (error != null) {
              // Shed for a more urgent call; nothing else completes a waiter exceptionally.
              return refused(error instanceof Shed s ? s.refusal : full(priority, false, 0));
            }
            holds = true;
            synchronized (lock) {
              inFlightAtStart = inUse;
            }
            if (!listeners.isEmpty()) {
              listeners.publish(new PolicyEvent.PermitWaited(
                  config.name(), priority, java.time.Duration.ofNanos(clock.nanoTime() - w.enqueuedNanos)));
            }
            return run();
          });
    }

    private ActionEffect<Object, T> run() {
      start = clock.nanoTime();
      return effect;
    }

    private ActionEffect<Object, T> refused(BulkheadFull full) {
      refusal = full;
      return ActionEffect.fromOutcome(Outcome.faulted(Fault.Rejected.by(full)));
    }

    @Override
    public void accept(Outcome<Object, T> outcome) {
      boolean owns = holds;
      PriorityWaiters.Waiter w = waiter;
      if (!owns && w != null) {
        // Cancelled while queued (or before the wait began): withdraw. If the grant won the race,
        // the slot is ours and is given back below.
        w.cancel(false); // done from here on: granted (normally), or cancelled or shed (exceptionally)
        owns = !w.isCompletedExceptionally();
        if (!owns) {
          synchronized (lock) {
            waiters.remove(w);
          }
        }
      }
      if (!owns) {
        return;
      }
      if (gradient != null && holds && outcome.isSuccess()) {
        sample(clock.nanoTime() - start, inFlightAtStart);
      }
      release();
    }
  }

  /** Completes a shed waiter; carries its refusal. */
  private static final class Shed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient BulkheadFull refusal;

    Shed(BulkheadFull refusal) {
      super(null, null, false, false);
      this.refusal = refusal;
    }
  }

  /** Builds a {@link Bulkhead}; validates every value in {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private int maxConcurrent = 25;
    private int maxQueued = 100;
    private boolean adaptive;
    private int minLimit = 1;
    private int maxLimit = 1000;
    private Clock clock;

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Sets the fixed limit, or the adaptive limit's starting point.
     *
     * @param maxConcurrent at least 1
     * @return this builder
     */
    public Builder maxConcurrent(int maxConcurrent) {
      this.maxConcurrent = maxConcurrent;
      return this;
    }

    /**
     * Sets how many calls may wait for a slot.
     *
     * @param maxQueued at least 0
     * @return this builder
     */
    public Builder maxQueued(int maxQueued) {
      this.maxQueued = maxQueued;
      return this;
    }

    /**
     * Makes the limit adaptive (Gradient2) between {@code minLimit} and {@code maxLimit}.
     *
     * @param minLimit at least 1
     * @param maxLimit at least {@code minLimit}
     * @return this builder
     */
    public Builder adaptive(int minLimit, int maxLimit) {
      this.adaptive = true;
      this.minLimit = minLimit;
      this.maxLimit = maxLimit;
      return this;
    }

    /**
     * Sets a fixed clock latencies are measured on. By default the {@linkplain ActionEffect#clock() clock of the runtime} that runs the guarded
     * effect (a {@code VirtualTime} in tests), followed on every call; set one only for a policy
     * that runtimes with different clocks share.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the bulkhead.
     *
     * @return a new bulkhead, empty
     * @throws IllegalArgumentException naming the field if a value is out of range
     * @throws NullPointerException if the clock is null
     */
    public Bulkhead build() {
      Checks.name(name);
      Checks.atLeast("maxConcurrent", maxConcurrent, 1);
      Checks.atLeast("maxQueued", maxQueued, 0);
      if (adaptive) {
        Checks.atLeast("minLimit", minLimit, 1);
        Checks.atLeast("maxLimit", maxLimit, minLimit);
        if (maxConcurrent < minLimit || maxConcurrent > maxLimit) {
          throw new IllegalArgumentException(
              "maxConcurrent must be in [minLimit, maxLimit] = [" + minLimit + ", " + maxLimit + "], was " + maxConcurrent);
        }
      }
      return new Bulkhead(this);
    }
  }
}
