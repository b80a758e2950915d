package land.echo.cli.demo;

import java.util.Objects;

/**
 * The domain error of a failed {@link FlakySymbolService} call: which service failed and why.
 *
 * <p>Immutable and thread-safe.
 *
 * @param service the name of the service
 * @param reason what went wrong
 */
public record ServiceFailure(String service, String reason) {

  /** Validates the components. */
  public ServiceFailure {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(reason, "reason");
  }
}
