package land.echo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.map.IMap;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import land.echo.ActionEffect;
import land.echo.CommonError;
import land.echo.Outcome;
import land.echo.Priority;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What crosses the network: Compact records, and never a Java-serialized application object. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SerializationTest {
  /** A Serializable payload, which Hazelcast would send with Java serialization. */
  static final class Legacy implements Serializable {
    private static final long serialVersionUID = 1L;
    final String text;

    Legacy(String text) {
      this.text = text;
    }
  }

  /** A Serializable record registered for Compact through the registry's result type. */
  record Receipt(String id, long amount) implements Serializable {}

  private Members members;

  @AfterEach
  void close() {
    if (members != null) {
      members.close();
    }
  }

  static void register(EffectRegistry registry) {
    registry.register("receipt", String.class, Receipt.class, CommonError.class,
        id -> ActionEffect.succeed(new Receipt(id, id.length())));
    registry.register("fail.io", String.class, String.class, CommonError.class,
        path -> ActionEffect.fail(new CommonError.FileSystemNotFound(path)));
  }

  @Test
  void aMemberRefusesJavaSerializedPayloads() {
    members = Members.start(2, 1, SerializationTest::register, c -> {});
    IMap<String, Object> map = members.get(0).hazelcast().getMap("probe");
    map.put("key", new Legacy("x")); // written as Java serialization by the member that holds it
    IMap<String, Object> other = members.get(1).hazelcast().getMap("probe");
    assertThatThrownBy(() -> {
      for (int i = 0; i < 2; i++) {
        members.get(i).hazelcast().<String, Object>getMap("probe").get("key");
      }
    }).hasRootCauseInstanceOf(SecurityException.class)
        .hasRootCauseMessage("Resolving class " + Legacy.class.getName() + " is not allowed.");
    assertThat(other.containsKey("key")).isTrue();
  }

  @Test
  void serializableRecordsAndCommonErrorsTravelAsCompact() {
    members = Members.start(2, 1, SerializationTest::register, c -> {});
    Outcome<Object, Object> receipt = members.get(0).submit("receipt", "abc", Priority.NORMAL,
        SubmitOptions.defaults().withRoutingKey("r").withTimeout(Duration.ofSeconds(30))).join();
    assertThat(receipt).isEqualTo(Outcome.success(new Receipt("abc", 3)));
    Outcome<Object, Object> failed = members.get(1).submit("fail.io", "/missing", Priority.NORMAL,
        SubmitOptions.defaults()).join();
    assertThat(failed).isEqualTo(Outcome.failure(new CommonError.FileSystemNotFound("/missing")));
  }
}
