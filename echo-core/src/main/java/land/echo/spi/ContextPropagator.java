package land.echo.spi;

/**
 * Carries thread-bound context (SLF4J's MDC, a trace context, a security context) from the thread
 * that submits an effect to every thread that runs a part of it; registered with {@code
 * ApplicationRuntime.builder().contextPropagator(..)}.
 *
 * <p>The runtime calls {@link #capture(EffectInfo)} (by default {@link #capture()}) once per root effect, on the submitting thread, when it
 * is submitted. Children forked by {@code all}, {@code race}, {@code firstSuccess}, {@code
 * timeout} and {@code acquireRelease} share their root's snapshot. The runtime then opens {@link
 * Captured#restore()} around everything that runs user code of the effect: each run of the
 * interpreter on a worker (compute bodies, async bodies' invocation, {@code map} and {@code
 * flatMap} functions, {@code ensuring} and {@code onExit} finalizers, releases), each blocking body
 * on its virtual thread, and the cancellation actions ({@code CancellationToken.onCancel}) on
 * whatever thread cancels the effect, a deadline's included. It closes the scope before the thread
 * moves on, so the values never leak into the next effect that thread runs.
 *
 * <p>Implementations must be thread-safe; a snapshot may be restored on several threads at once
 * (children of one root running in parallel). Whatever {@code capture}, {@code restore} or {@code
 * close} throws is logged and ignored: the effect runs on without its context. A runtime without
 * a propagator pays one null check per submission and per run of the interpreter.
 *
 * <p>{@link MicrometerContextPropagator} adapts Micrometer's context-propagation library, through
 * which MDC, OpenTelemetry and Spring contexts come without further code.
 */
@FunctionalInterface
public interface ContextPropagator {

  /**
   * Captures the calling thread's context; called on the submitting thread.
   *
   * @return the snapshot, restored later around the effect's code on other threads
   */
  Captured capture();

  /**
   * Captures the calling thread's context for the root effect {@code effect}; called on the
   * submitting thread, after the listeners were told {@link RuntimeListener#submitted}. The default
   * calls {@link #capture()}. A propagator that also listens (tracing, which restores the effect's
   * own span) overrides it to find what it created for {@code effect}; the runtime builds the
   * {@code EffectInfo} only for a propagator that overrides this method.
   *
   * @param effect the root effect being submitted
   * @return the snapshot, restored later around the effect's code on other threads
   */
  default Captured capture(EffectInfo effect) {
    return capture();
  }

  /** A snapshot of context taken by {@link #capture()}; thread-safe and restorable any number of times. */
  @FunctionalInterface
  interface Captured {

    /**
     * Installs this snapshot on the calling thread.
     *
     * @return the scope whose {@link Scope#close()}, on the same thread, puts back what the thread
     *     held before
     */
    Scope restore();
  }

  /** The installation of a {@link Captured} snapshot on one thread; closed once, on that thread. */
  @FunctionalInterface
  interface Scope extends AutoCloseable {

    /** Puts back the context the thread held before {@link Captured#restore()}. */
    @Override
    void close();
  }
}
