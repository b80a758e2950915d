package land.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommonErrorTest {

  @Test
  void messagesFollowTheOriginalDisplayTexts() {
    assertThat(new Fault.TimedOut(Duration.ofMillis(500)).message()).isEqualTo("Effect execution timed out after PT0.5S");
    assertThat(new CommonError.FileSystemNotFound("/a").message()).isEqualTo("Resource not found: /a");
    assertThat(new CommonError.FileSystemIO("/a", "broken").message()).isEqualTo("FileSystem I/O error for '/a': broken");
    assertThat(new CommonError.FileSystemPermissionDenied("/a", "no").message())
        .isEqualTo("Permission denied for operation on '/a': no");
    assertThat(new CommonError.FileSystemFileExists("/a").message()).isEqualTo("Resource already exists: /a");
    assertThat(new CommonError.InvalidArgument("n", "negative").message()).isEqualTo("Invalid argument 'n': negative");
    assertThat(new CommonError.NotImplemented("x").message()).isEqualTo("Feature not implemented: x");
    assertThat(new CommonError.IPC("gone").message()).isEqualTo("Inter-process communication error: gone");
    assertThat(new CommonError.CommandNotFound("c").message()).isEqualTo("Command 'c' not found");
    assertThat(new CommonError.CommandExecution("c", "r").message()).isEqualTo("Command 'c' execution failed: r");
    assertThat(new CommonError.Serialization("d").message()).isEqualTo("Serialization or Deserialization error: d");
    assertThat(new CommonError.Unknown("d").message()).isEqualTo("An unknown internal error occurred: d");
    assertThat(new Fault.ShutdownFailed(List.of("a", "b")).message()).isEqualTo("Shutdown completed with 2 errors: [a, b]");
  }

  @Test
  void capabilityMissingNamesTheType() {
    assertThat(new Fault.CapabilityMissing("com.example.Clipboard").message()).contains("com.example.Clipboard");
  }

  @Test
  void fromIOExceptionMapsNotFoundPermissionAndExistsLikeTheOriginal() {
    assertThat(CommonError.fromIOException(new NoSuchFileException("/p"), "/p", "read"))
        .isEqualTo(new CommonError.FileSystemNotFound("/p"));
    assertThat(CommonError.fromIOException(new FileNotFoundException("/p (No such file or directory)"), "/p", "read"))
        .isEqualTo(new CommonError.FileSystemNotFound("/p"));
    assertThat(CommonError.fromIOException(new AccessDeniedException("/p"), "/p", "write"))
        .isEqualTo(new CommonError.FileSystemPermissionDenied("/p", "/p"));
    assertThat(CommonError.fromIOException(new FileNotFoundException("/p (Permission denied)"), "/p", "read"))
        .isInstanceOf(CommonError.FileSystemPermissionDenied.class);
    assertThat(CommonError.fromIOException(new FileAlreadyExistsException("/p"), "/p", "create"))
        .isEqualTo(new CommonError.FileSystemFileExists("/p"));
  }

  @Test
  void fromIOExceptionDescribesOtherFailuresWithTheOperation() {
    assertThat(CommonError.fromIOException(new IOException("device busy"), "/p", "flush"))
        .isEqualTo(new CommonError.FileSystemIO("/p", "Operation 'flush' failed: device busy"));
  }

  @Test
  void errorsAreSerializableValues() throws Exception {
    List<Serializable> errors = List.of(
        new Fault.TimedOut(Duration.ofSeconds(2)),
        new Fault.Cancelled("why"),
        new CommonError.FileSystemPermissionDenied("/p", "r"),
        new Fault.ShutdownFailed(List.of("hook")));
    for (Serializable error : errors) {
      assertThat(roundTrip(error)).isEqualTo(error);
    }
    Fault.Panic panic = new Fault.Panic(new IllegalStateException("boom"));
    assertThat(((Fault.Panic) roundTrip(panic)).cause()).hasMessage("boom");
  }

  private static Object roundTrip(Object value) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return in.readObject();
    }
  }
}
