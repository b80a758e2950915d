package land.echo;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A failure of the runtime itself, or one of the general-purpose errors shared by capabilities.
 *
 * <p>The family is sealed so that callers can switch exhaustively. Every variant is a plain
 * immutable record (thread-safe, {@link Serializable}) whose {@link #message()} reproduces the
 * original system's display text. The runtime produces {@link TimedOut}, {@link Cancelled}, {@link
 * RetriesExhausted}, {@link Rejected}, {@link CapabilityMissing}, {@link Panic} and {@link
 * ShutdownFailed}; the others are for capabilities and effects to use as their domain error.
 */
public sealed interface CommonError extends Serializable {

  /** Returns the human-readable description of this error. */
  String message();

  /**
   * Maps an I/O exception to a file-system error, as the original's {@code FromStandardIOError}:
   * not found, permission denied and already exists get their own variants; anything else becomes
   * {@link FileSystemIO} with the description {@code "Operation '<operation>' failed: <message>"}.
   *
   * @param e the exception to map
   * @param path the path the operation was about
   * @param operation a short name of the operation, e.g. {@code "read"}
   */
  static CommonError fromIOException(IOException e, String path, String operation) {
    Objects.requireNonNull(e, "e");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(operation, "operation");
    String description = String.valueOf(e.getMessage());
    return switch (e) {
      case NoSuchFileException ignored -> new FileSystemNotFound(path);
      case AccessDeniedException ignored -> new FileSystemPermissionDenied(path, description);
      case FileAlreadyExistsException ignored -> new FileSystemFileExists(path);
      // java.io reports both "missing" and "not readable" as FileNotFoundException.
      case FileNotFoundException f when description.contains("Permission denied") ->
          new FileSystemPermissionDenied(path, description);
      case FileNotFoundException ignored -> new FileSystemNotFound(path);
      default -> new FileSystemIO(path, "Operation '" + operation + "' failed: " + description);
    };
  }

  /**
   * The effect did not finish within its time budget and was cancelled.
   *
   * @param after the budget that elapsed
   */
  record TimedOut(Duration after) implements CommonError {
    /** Creates the error; {@code after} must not be null. */
    public TimedOut {
      Objects.requireNonNull(after, "after");
    }

    @Override
    public String message() {
      return "Effect execution timed out after " + after;
    }
  }

  /**
   * The effect was cancelled before it completed.
   *
   * @param reason why it was cancelled
   */
  record Cancelled(String reason) implements CommonError {
    /** Creates the error; {@code reason} must not be null. */
    public Cancelled {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String message() {
      return "Effect execution cancelled: " + reason;
    }
  }

  /**
   * Every attempt allowed by a retry policy failed.
   *
   * @param attempts how many attempts were made in total
   * @param lastFailure the outcome of the last attempt (a failure or a fault)
   */
  record RetriesExhausted(int attempts, Outcome<?, ?> lastFailure) implements CommonError {
    /** Creates the error; {@code lastFailure} must not be null. */
    public RetriesExhausted {
      Objects.requireNonNull(lastFailure, "lastFailure");
    }

    @Override
    public String message() {
      return "Effect execution failed after " + attempts + " attempts; last failure: " + lastFailure;
    }
  }

  /**
   * The runtime refused the effect, e.g. because it is shutting down.
   *
   * @param reason why it was refused
   */
  record Rejected(String reason) implements CommonError {
    /** Creates the error; {@code reason} must not be null. */
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String message() {
      return "Effect rejected: " + reason;
    }
  }

  /**
   * The effect needs a capability that the environment does not provide.
   *
   * @param capabilityType the binary name of the missing type
   */
  record CapabilityMissing(String capabilityType) implements CommonError {
    /** Creates the error; {@code capabilityType} must not be null. */
    public CapabilityMissing {
      Objects.requireNonNull(capabilityType, "capabilityType");
    }

    @Override
    public String message() {
      return "No capability registered in the environment for " + capabilityType;
    }
  }

  /**
   * A body or a user function threw an exception that nothing converted to a domain error.
   *
   * @param cause the captured throwable
   */
  record Panic(Throwable cause) implements CommonError {
    /** Creates the error; {@code cause} must not be null. */
    public Panic {
      Objects.requireNonNull(cause, "cause");
    }

    @Override
    public String message() {
      return "Effect panicked: " + cause;
    }
  }

  /**
   * One or more shutdown hooks failed or timed out.
   *
   * @param failures one description per failed hook, in registration order
   */
  record ShutdownFailed(List<String> failures) implements CommonError {
    /** Creates the error, copying {@code failures}. */
    public ShutdownFailed {
      failures = List.copyOf(failures);
    }

    @Override
    public String message() {
      return "Shutdown completed with " + failures.size() + " errors: " + failures;
    }
  }

  /**
   * A file or directory does not exist.
   *
   * @param path the missing path
   */
  record FileSystemNotFound(String path) implements CommonError {
    @Override
    public String message() {
      return "Resource not found: " + path;
    }
  }

  /**
   * Access to a path was denied.
   *
   * @param path the path
   * @param reason the system's explanation
   */
  record FileSystemPermissionDenied(String path, String reason) implements CommonError {
    @Override
    public String message() {
      return "Permission denied for operation on '" + path + "': " + reason;
    }
  }

  /**
   * A path that must not exist already does.
   *
   * @param path the path
   */
  record FileSystemFileExists(String path) implements CommonError {
    @Override
    public String message() {
      return "Resource already exists: " + path;
    }
  }

  /**
   * Any other file-system I/O failure.
   *
   * @param path the path
   * @param description what failed
   */
  record FileSystemIO(String path, String description) implements CommonError {
    @Override
    public String message() {
      return "FileSystem I/O error for '" + path + "': " + description;
    }
  }

  /**
   * An argument was invalid; not retried by default.
   *
   * @param argumentName the argument
   * @param reason why it is invalid
   */
  record InvalidArgument(String argumentName, String reason) implements CommonError {
    @Override
    public String message() {
      return "Invalid argument '" + argumentName + "': " + reason;
    }
  }

  /**
   * A feature is not implemented by the capability that was asked for it.
   *
   * @param featureName the feature
   */
  record NotImplemented(String featureName) implements CommonError {
    @Override
    public String message() {
      return "Feature not implemented: " + featureName;
    }
  }

  /**
   * Inter-process communication failed.
   *
   * @param description what failed
   */
  record IPC(String description) implements CommonError {
    @Override
    public String message() {
      return "Inter-process communication error: " + description;
    }
  }

  /**
   * No command is registered under an identifier.
   *
   * @param identifier the unknown command identifier
   */
  record CommandNotFound(String identifier) implements CommonError {
    @Override
    public String message() {
      return "Command '" + identifier + "' not found";
    }
  }

  /**
   * A command ran and failed.
   *
   * @param commandIdentifier the command
   * @param reason why it failed
   */
  record CommandExecution(String commandIdentifier, String reason) implements CommonError {
    @Override
    public String message() {
      return "Command '" + commandIdentifier + "' execution failed: " + reason;
    }
  }

  /**
   * An external service failed.
   *
   * @param serviceName the service
   * @param description what failed
   */
  record ExternalService(String serviceName, String description) implements CommonError {
    @Override
    public String message() {
      return "External service '" + serviceName + "' error: " + description;
    }
  }

  /**
   * Serialization or deserialization failed.
   *
   * @param description what failed
   */
  record Serialization(String description) implements CommonError {
    @Override
    public String message() {
      return "Serialization or Deserialization error: " + description;
    }
  }

  /**
   * A catch-all for failures that fit no other variant.
   *
   * @param description what failed
   */
  record Unknown(String description) implements CommonError {
    @Override
    public String message() {
      return "An unknown internal error occurred: " + description;
    }
  }
}
