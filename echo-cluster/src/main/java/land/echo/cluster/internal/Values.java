package land.echo.cluster.internal;

import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactWriter;

/**
 * How an argument, a result value or a domain error travels inside a task or a result: a
 * {@code String}, a boxed number or boolean, a byte array, or a Compact object (a record of a type
 * registered on every member). Every field is always written, null where unused, so that each
 * carrier type has one fixed Compact schema. Stateless.
 */
final class Values {
  private static final int NULL = 0;
  private static final int STRING = 1;
  private static final int LONG = 2;
  private static final int INT = 3;
  private static final int DOUBLE = 4;
  private static final int BOOLEAN = 5;
  private static final int BYTES = 6;
  private static final int COMPACT = 7;

  private Values() {}

  /** Returns true if {@code value}'s type travels without Compact registration. */
  static boolean isBuiltIn(Class<?> type) {
    return type == String.class || type == Long.class || type == Integer.class || type == Double.class
        || type == Boolean.class || type == byte[].class;
  }

  static void write(CompactWriter out, String field, Object value) {
    int kind;
    if (value == null) {
      kind = NULL;
    } else if (value instanceof String) {
      kind = STRING;
    } else if (value instanceof Long) {
      kind = LONG;
    } else if (value instanceof Integer) {
      kind = INT;
    } else if (value instanceof Double) {
      kind = DOUBLE;
    } else if (value instanceof Boolean) {
      kind = BOOLEAN;
    } else if (value instanceof byte[]) {
      kind = BYTES;
    } else {
      kind = COMPACT;
    }
    out.writeInt32(field + "Kind", kind);
    out.writeString(field + "String", kind == STRING ? (String) value : null);
    out.writeNullableInt64(field + "Long", kind == LONG ? (Long) value : kind == INT ? Long.valueOf((Integer) value) : null);
    out.writeNullableFloat64(field + "Double", kind == DOUBLE ? (Double) value : null);
    out.writeNullableBoolean(field + "Boolean", kind == BOOLEAN ? (Boolean) value : null);
    out.writeArrayOfInt8(field + "Bytes", kind == BYTES ? (byte[]) value : null);
    out.writeCompact(field + "Compact", kind == COMPACT ? value : null);
  }

  static Object read(CompactReader in, String field) {
    return switch (in.readInt32(field + "Kind")) {
      case NULL -> null;
      case STRING -> in.readString(field + "String");
      case LONG -> in.readNullableInt64(field + "Long");
      case INT -> Math.toIntExact(in.readNullableInt64(field + "Long"));
      case DOUBLE -> in.readNullableFloat64(field + "Double");
      case BOOLEAN -> in.readNullableBoolean(field + "Boolean");
      case BYTES -> in.readArrayOfInt8(field + "Bytes");
      default -> in.readCompact(field + "Compact");
    };
  }
}
