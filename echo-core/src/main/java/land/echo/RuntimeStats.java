package land.echo;

/**
 * A snapshot of an {@link ApplicationRuntime}'s counters since it was created.
 *
 * <p>Immutable and thread-safe. Every submitted effect completes exactly once, so {@code submitted
 * = succeeded + failed + faulted + inFlight} (up to the moment each counter was read); {@code
 * timedOut}, {@code cancelled} and {@code rejected} are the faults of those kinds.
 *
 * @param submitted effects submitted (including rejected ones)
 * @param succeeded effects that completed with a success
 * @param failed effects that completed with a domain failure
 * @param faulted effects that completed with a runtime fault
 * @param timedOut outcomes that were {@code TimedOut} faults (a whole-effect deadline, or an inner
 *     {@code timeout} that decided the outcome)
 * @param cancelled faults that were cancellations
 * @param rejected faults that were rejections (e.g. submitted after shutdown)
 * @param retries retry attempts made, across all effects
 * @param finalizerFailures finalizers and cancellation actions that threw
 * @param listenerFailures calls of a {@link land.echo.spi.RuntimeListener} that threw (ignored)
 * @param inFlight effects submitted and not yet complete
 */
public record RuntimeStats(
    long submitted,
    long succeeded,
    long failed,
    long faulted,
    long timedOut,
    long cancelled,
    long rejected,
    long retries,
    long finalizerFailures,
    long listenerFailures,
    long inFlight) {}
