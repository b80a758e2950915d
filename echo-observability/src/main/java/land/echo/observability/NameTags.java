package land.echo.observability;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps effect names to tag values with bounded cardinality, so that a name built from users' data
 * ({@code "fetch " + url}) can never grow a metrics registry without bound. Thread-safe.
 *
 * <p>The rules, in order:
 *
 * <ol>
 *   <li>A declared name ({@link #declared}) is its own tag value, always.
 *   <li>A name the runtime made up for an unnamed effect ({@code "effect#" + id}) is {@value
 *       #UNNAMED}: every unnamed effect shares one series.
 *   <li>Any other name is admitted as its own tag value while fewer than {@code maxUndeclared}
 *       undeclared names were admitted; once the cap is reached, every new undeclared name is
 *       {@value #OTHER}, and a WARN line names the first name folded. Names admitted earlier keep
 *       their series.
 * </ol>
 *
 * <p>So the number of distinct values is at most {@code declared + maxUndeclared + 2}. With {@code
 * maxUndeclared = 0} only declared names are kept, the strict form of "names are declared".
 *
 * {@snippet :
 * NameTags names = NameTags.declared(Set.of("checkout", "search"), 20);
 * names.tag("checkout");       // "checkout"
 * names.tag("effect#17");      // "unnamed"
 * }
 */
public final class NameTags {
  /** The tag value of every name beyond the cap. */
  public static final String OTHER = "other";
  /** The tag value of every effect without a name of its own. */
  public static final String UNNAMED = "unnamed";
  /** The default cap on undeclared names. */
  public static final int DEFAULT_MAX_UNDECLARED = 100;

  private static final Logger LOG = LoggerFactory.getLogger(NameTags.class);

  private final Set<String> declared;
  private final int maxUndeclared;
  private final ConcurrentHashMap<String, String> admitted = new ConcurrentHashMap<>();
  private final AtomicInteger undeclared = new AtomicInteger();
  private volatile boolean warned;

  private NameTags(Set<String> declared, int maxUndeclared) {
    this.declared = declared;
    this.maxUndeclared = maxUndeclared;
  }

  /**
   * Returns tags that keep the {@code declared} names and admit up to {@code maxUndeclared} others.
   *
   * @param declared the names that always keep their own tag value
   * @param maxUndeclared how many other names get their own tag value; at least 0
   * @return new name tags
   */
  public static NameTags declared(Collection<String> declared, int maxUndeclared) {
    if (maxUndeclared < 0) {
      throw new IllegalArgumentException("maxUndeclared must not be negative, was " + maxUndeclared);
    }
    Set<String> names = Set.copyOf(Objects.requireNonNull(declared, "declared"));
    for (String name : names) {
      if (name.isBlank()) {
        throw new IllegalArgumentException("a declared name must not be blank");
      }
    }
    return new NameTags(names, maxUndeclared);
  }

  /**
   * Returns tags without declared names that admit the first {@value #DEFAULT_MAX_UNDECLARED}
   * names.
   *
   * @return new name tags
   */
  public static NameTags ofDefaults() {
    return declared(Set.of(), DEFAULT_MAX_UNDECLARED);
  }

  /**
   * Returns the tag value for the effect name {@code name}.
   *
   * @param name an effect's name ({@code EffectInfo.name()})
   * @return {@code name} itself, {@value #UNNAMED} or {@value #OTHER}
   */
  public String tag(String name) {
    if (declared.contains(name)) {
      return name;
    }
    String known = admitted.get(name);
    if (known != null) {
      return known;
    }
    if (isGenerated(name)) {
      return UNNAMED;
    }
    // A folded name is not remembered, so the map holds at most maxUndeclared entries.
    String tag = admitted.computeIfAbsent(name, this::admit);
    return tag != null ? tag : OTHER;
  }

  /**
   * Returns how many undeclared names have their own tag value.
   *
   * @return the number of undeclared names admitted, at most the cap
   */
  public int admittedUndeclared() {
    return Math.min(undeclared.get(), maxUndeclared);
  }

  /** Returns {@code name} if the cap admits it, else null (nothing is stored). */
  private String admit(String name) {
    if (undeclared.getAndIncrement() < maxUndeclared) {
      return name;
    }
    undeclared.decrementAndGet();
    if (!warned) {
      warned = true;
      LOG.warn("More than {} undeclared effect names: '{}' and later ones are tagged '{}'; declare the names "
          + "you want to see", maxUndeclared, name, OTHER);
    }
    return null;
  }

  /** Whether {@code name} is one the runtime made up for an unnamed effect, {@code effect#<id>}. */
  private static boolean isGenerated(String name) {
    if (!name.startsWith("effect#") || name.length() == 7) {
      return false;
    }
    for (int i = 7; i < name.length(); i++) {
      if (!Character.isDigit(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
