package land.echo.cli.demo;

import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * A deliberately unreliable in-process "symbol service": it resolves an identifier to the file that
 * uses it most, but fails a configurable fraction of calls, like a language server that is
 * restarting or a remote build cache under load.
 *
 * <p>Thread-safe. It counts every call and every failure, so a caller's retries can be reconciled:
 * {@code calls() - requests = retries}.
 */
public final class FlakySymbolService {

  /** The service's name, as it appears in {@link ServiceFailure#service()}. */
  public static final String NAME = "symbols";

  private final SourceIndex index;
  private final double failureRate;
  private final DoubleSupplier dice;
  private final LongAdder calls = new LongAdder();
  private final LongAdder failures = new LongAdder();

  /**
   * Creates the service.
   *
   * @param index the index it answers from
   * @param failureRate the fraction of calls that fail, in [0, 1]
   * @param dice uniform random numbers in [0, 1); a call fails when the draw is below the rate
   * @throws IllegalArgumentException if {@code failureRate} is outside [0, 1]
   */
  public FlakySymbolService(SourceIndex index, double failureRate, DoubleSupplier dice) {
    this.index = Objects.requireNonNull(index, "index");
    if (!(failureRate >= 0 && failureRate <= 1)) {
      throw new IllegalArgumentException("failureRate must be in [0, 1], was " + failureRate);
    }
    this.failureRate = failureRate;
    this.dice = Objects.requireNonNull(dice, "dice");
  }

  /**
   * Resolves {@code symbol} to the path of the file that uses it most.
   *
   * @param symbol the identifier to resolve
   * @return the path, or {@code "<unresolved>"} when the symbol is not indexed yet
   * @throws ServiceUnavailableException on a simulated failure
   */
  public String resolve(String symbol) throws ServiceUnavailableException {
    calls.increment();
    if (dice.getAsDouble() < failureRate) {
      failures.increment();
      throw new ServiceUnavailableException(NAME + " service unavailable while resolving " + symbol);
    }
    var hits = index.topFiles(symbol, 1);
    return hits.isEmpty() ? "<unresolved>" : hits.getFirst().path();
  }

  /**
   * Returns the number of calls made so far, failed or not.
   *
   * @return the number of calls so far
   */
  public long calls() {
    return calls.sum();
  }

  /**
   * Returns the number of calls that failed so far.
   *
   * @return the number of failed calls so far
   */
  public long failures() {
    return failures.sum();
  }
}
