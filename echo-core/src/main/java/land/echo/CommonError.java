package land.echo;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Objects;

/**
 * The general-purpose domain errors shared by capabilities: file-system, argument, command, IPC,
 * external-service and serialization failures. Effects may pick it as their domain error type
 * {@code E}.
 *
 * <p>The runtime never produces a {@code CommonError}: its own failures are {@link Fault}s, which
 * only ever appear as {@link Outcome.Faulted}. The family is sealed so that callers can switch
 * exhaustively. Every variant is a plain immutable record (thread-safe, {@link Serializable}) whose
 * {@link #message()} reproduces the original system's display text.
 */
public sealed interface CommonError extends Serializable {

  /**
   * Returns the human-readable description of this error.
   *
   * @return the error's display text
   */
  String message();

  /**
   * Maps an I/O exception to a file-system error, as the original's {@code FromStandardIOError}:
   * not found, permission denied and already exists get their own variants; anything else becomes
   * {@link FileSystemIO} with the description {@code "Operation '<operation>' failed: <message>"}.
   *
   * @param e the exception to map
   * @param path the path the operation was about
   * @param operation a short name of the operation, e.g. {@code "read"}
   * @return the error describing {@code e}
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
