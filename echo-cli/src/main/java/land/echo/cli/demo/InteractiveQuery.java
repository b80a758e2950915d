package land.echo.cli.demo;

import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * An interactive editor query against the {@link SourceIndex}: completion of a typed prefix, or
 * the files that use an identifier most ("find usages").
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind what the user asked for
 * @param term the prefix or identifier typed
 */
public record InteractiveQuery(Kind kind, String term) {

  /** The two kinds of query an editor sends while the user types. */
  public enum Kind {
    /** Completion: the most used identifiers starting with the term. */
    COMPLETE,
    /** Find usages: the files using the identifier most. */
    USAGES
  }

  /** How many answers a query returns, as an editor's popup would show. */
  public static final int ANSWERS = 10;

  /**
   * Identifiers an editor user of the JDK or of Echo plausibly types; common in both code bases, so
   * queries find answers whichever sources are indexed.
   */
  private static final List<String> VOCABULARY = List.of(
      "String", "Object", "List", "Map", "Set", "Optional", "Stream", "Integer", "Long",
      "Exception", "IllegalArgumentException", "Thread", "Runnable", "Executor", "Future",
      "CompletableFuture", "Duration", "Override", "Objects", "Collections", "ArrayList",
      "HashMap", "Iterator", "Comparator", "Function", "Supplier", "Consumer", "Class",
      "get", "put", "add", "size", "isEmpty", "equals", "hashCode", "toString", "length",
      "value", "index", "count", "result", "name", "type", "next", "close", "read", "write",
      "buffer", "lock", "start", "run", "submit", "execute", "cancel", "priority", "token");

  /** Validates the components. */
  public InteractiveQuery {
    Objects.requireNonNull(kind, "kind");
    if (term == null || term.isEmpty()) {
      throw new IllegalArgumentException("query term must not be empty");
    }
  }

  /**
   * Draws a random query: half completions of a 2-to-5-character prefix of a vocabulary word, half
   * usages of a whole word.
   *
   * @param random the source of the draws
   * @return the drawn query
   */
  public static InteractiveQuery random(RandomGenerator random) {
    String word = VOCABULARY.get(random.nextInt(VOCABULARY.size()));
    if (random.nextBoolean()) {
      int length = Math.min(word.length(), 2 + random.nextInt(4));
      return new InteractiveQuery(Kind.COMPLETE, word.substring(0, length));
    }
    return new InteractiveQuery(Kind.USAGES, word);
  }

  /**
   * Draws a random identifier from the vocabulary queries are made of.
   *
   * @param random the source of the draw
   * @return a vocabulary word
   */
  public static String randomIdentifier(RandomGenerator random) {
    return VOCABULARY.get(random.nextInt(VOCABULARY.size()));
  }

  /**
   * Runs the query against the index as it is now; a CPU-bound call.
   *
   * @param index the index to query
   * @return the number of answers found (at most {@link #ANSWERS})
   */
  public int runOn(SourceIndex index) {
    return switch (kind) {
      case COMPLETE -> index.complete(term, ANSWERS).size();
      case USAGES -> index.topFiles(term, ANSWERS).size();
    };
  }
}
