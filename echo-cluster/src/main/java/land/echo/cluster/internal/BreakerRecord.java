package land.echo.cluster.internal;

import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;

/**
 * A circuit breaker's shared state, the value of the breaker map keyed by the breaker's name: the
 * state last published, by which member, and a version that grows with each publication, so that
 * a publication of the same state (an opening after a failed half-open trial) still reaches every
 * member. Immutable.
 *
 * @param state the state's name ({@code OPEN}, {@code CLOSED}, {@code FORCED_OPEN}, {@code DISABLED})
 * @param member the publishing member's id
 * @param version the publication's number, from 1
 */
public record BreakerRecord(String state, String member, long version) {
  /** The Compact serializer, registered on every member. Stateless. */
  public static final class Serializer implements CompactSerializer<BreakerRecord> {
    /** Creates the serializer. */
    public Serializer() {}

    @Override
    public BreakerRecord read(CompactReader in) {
      return new BreakerRecord(in.readString("state"), in.readString("member"), in.readInt64("version"));
    }

    @Override
    public void write(CompactWriter out, BreakerRecord r) {
      out.writeString("state", r.state());
      out.writeString("member", r.member());
      out.writeInt64("version", r.version());
    }

    @Override
    public String getTypeName() {
      return "echo.BreakerRecord";
    }

    @Override
    public Class<BreakerRecord> getCompactClass() {
      return BreakerRecord.class;
    }
  }
}
