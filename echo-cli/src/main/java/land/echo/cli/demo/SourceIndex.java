package land.echo.cli.demo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A concurrent inverted index from identifier to the files that use it, queried while it is being
 * built: completion by prefix and "where is this used most".
 *
 * <p>Thread-safe. Indexers call {@link #add} concurrently while queries read; a query sees every
 * file whose {@code add} completed before the query started and possibly parts of files being added
 * concurrently (an editor's index is eventually complete, not transactional).
 *
 * <p>Implementation notes: tokens live in a {@link ConcurrentSkipListMap} so a prefix is a
 * {@code subMap} range scan. Each token's postings are a pair of growing {@code int} arrays
 * (file id, count) guarded by the postings object's monitor: appends are short and per token, so
 * contention is spread over hundreds of thousands of monitors, and the arrays cost 8 bytes a posting
 * instead of a boxed map entry's ~50.
 */
public final class SourceIndex {
  /** Creates an empty index. */
  public SourceIndex() {}


  private final ConcurrentSkipListMap<String, Postings> tokens = new ConcurrentSkipListMap<>();
  private final ConcurrentHashMap<Integer, SourceFile> files = new ConcurrentHashMap<>();
  private final AtomicInteger filesIndexed = new AtomicInteger();
  private final LongAdder occurrences = new LongAdder();

  /**
   * A token and its total number of occurrences across the indexed files.
   *
   * @param token the token
   * @param occurrences how often it occurs across the indexed files
   */
  public record Completion(String token, long occurrences) {}

  /**
   * A file and how often it uses the queried identifier.
   *
   * @param path the file's path in the source tree
   * @param occurrences how often the file uses the identifier
   */
  public record FileHit(String path, int occurrences) {}

  /**
   * Adds one file's identifier counts to the index.
   *
   * @param file the file the counts come from; adding the same file twice counts it twice
   * @param counts identifier to occurrences in {@code file}, as from {@link JavaTokenizer}
   */
  public void add(SourceFile file, Map<String, Integer> counts) {
    Objects.requireNonNull(file, "file");
    files.put(file.id(), file);
    long total = 0;
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      int count = e.getValue();
      tokens.computeIfAbsent(e.getKey(), k -> new Postings()).add(file.id(), count);
      total += count;
    }
    occurrences.add(total);
    filesIndexed.incrementAndGet();
  }

  /**
   * Returns up to {@code limit} tokens starting with {@code prefix}, most used first (ties in
   * alphabetical order).
   *
   * @param prefix the prefix the tokens start with; not empty
   * @param limit the most tokens to return
   * @return the completions, most used first
   * @throws IllegalArgumentException if {@code prefix} is empty or {@code limit < 1}
   */
  public List<Completion> complete(String prefix, int limit) {
    if (prefix.isEmpty()) {
      throw new IllegalArgumentException("prefix must not be empty");
    }
    requirePositive(limit);
    ConcurrentNavigableMap<String, Postings> range =
        tokens.subMap(prefix, true, prefix + Character.MAX_VALUE, false);
    Comparator<Completion> order =
        Comparator.comparingLong(Completion::occurrences).thenComparing(Completion::token, Comparator.reverseOrder());
    PriorityQueue<Completion> best = new PriorityQueue<>(limit + 1, order);
    for (Map.Entry<String, Postings> e : range.entrySet()) {
      long total = e.getValue().total();
      if (best.size() == limit && total < best.peek().occurrences()) {
        continue;
      }
      best.add(new Completion(e.getKey(), total));
      if (best.size() > limit) {
        best.poll();
      }
    }
    List<Completion> result = new ArrayList<>(best);
    result.sort(order.reversed());
    return result;
  }

  /**
   * Returns up to {@code limit} files using {@code identifier}, most occurrences first (ties in
   * the tree's file order); empty when the identifier is not (yet) indexed.
   *
   * @param identifier the identifier to look up
   * @param limit the most files to return
   * @return the files, most occurrences first
   * @throws IllegalArgumentException if {@code limit < 1}
   */
  public List<FileHit> topFiles(String identifier, int limit) {
    requirePositive(limit);
    Postings postings = tokens.get(identifier);
    if (postings == null) {
      return List.of();
    }
    // Keys order hits by count, then by file id (smaller id, i.e. earlier path, first), without
    // allocating per posting: a posting list of "String" in the JDK has ~10,000 entries.
    PriorityQueue<Long> best = new PriorityQueue<>(limit + 1);
    postings.forEach((fileId, count) -> {
      long key = ((long) count << 32) | (Integer.MAX_VALUE - fileId);
      if (best.size() < limit || key > best.peek()) {
        best.add(key);
        if (best.size() > limit) {
          best.poll();
        }
      }
    });
    List<FileHit> result = new ArrayList<>(best.size());
    while (!best.isEmpty()) {
      long key = best.poll();
      int fileId = Integer.MAX_VALUE - (int) key;
      result.add(new FileHit(files.get(fileId).path(), (int) (key >>> 32)));
    }
    Collections.reverse(result);
    return result;
  }

  /**
   * Returns how many times {@code identifier} occurs in the indexed files (0 if never seen).
   *
   * @param identifier the identifier to count
   * @return its number of occurrences so far
   */
  public long occurrences(String identifier) {
    Postings postings = tokens.get(identifier);
    return postings == null ? 0 : postings.total();
  }

  /**
   * Returns the number of files added so far.
   *
   * @return the number of files indexed so far
   */
  public int filesIndexed() {
    return filesIndexed.get();
  }

  /**
   * Returns the number of distinct identifiers seen so far.
   *
   * @return the number of distinct identifiers so far
   */
  public int distinctTokens() {
    return tokens.size();
  }

  /**
   * Returns the total number of identifier occurrences added so far.
   *
   * @return the number of occurrences added so far
   */
  public long totalOccurrences() {
    return occurrences.sum();
  }

  private static void requirePositive(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }
  }

  /** One token's postings; every method holds the monitor, so readers see whole postings. */
  private static final class Postings {
    private int[] fileIds = new int[2];
    private int[] counts = new int[2];
    private int size;
    private long total;

    synchronized void add(int fileId, int count) {
      if (size == fileIds.length) {
        int capacity = size * 2;
        fileIds = Arrays.copyOf(fileIds, capacity);
        counts = Arrays.copyOf(counts, capacity);
      }
      fileIds[size] = fileId;
      counts[size] = count;
      size++;
      total += count;
    }

    synchronized long total() {
      return total;
    }

    synchronized void forEach(PostingConsumer consumer) {
      for (int i = 0; i < size; i++) {
        consumer.accept(fileIds[i], counts[i]);
      }
    }
  }

  @FunctionalInterface
  private interface PostingConsumer {
    void accept(int fileId, int count);
  }
}
