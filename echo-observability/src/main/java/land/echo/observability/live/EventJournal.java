package land.echo.observability.live;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded, lock-free ring of the latest {@link EffectEvent}s, read by cursor. Thread-safe: any
 * number of writers and readers.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>A writer takes the next sequence number from {@link #next} (one atomic increment) and stores
 * its event in slot {@code sequence & mask}, overwriting the event {@code capacity} places older.
 * A reader walks sequence numbers from its cursor up to {@code next - 1} and keeps a slot's event
 * only if it carries exactly the sequence number it looks for: a slot still holding an older event
 * (its writer has not stored yet) ends the read there, so a reader never skips an event it could
 * see later; a slot already holding a newer one (the reader fell more than {@code capacity}
 * behind) means the events in between were overwritten, and the reader resumes at the oldest that
 * is still there. Writers never wait for readers: a slow live view loses old events, never slows
 * the runtime.
 */
final class EventJournal {
  private final AtomicReferenceArray<EffectEvent> slots;
  private final int mask;
  private final AtomicLong next = new AtomicLong();

  /** Creates a journal of {@code capacity} events, rounded up to a power of two. */
  EventJournal(int capacity) {
    int size = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
    slots = new AtomicReferenceArray<>(size);
    mask = size - 1;
  }

  /** Returns the sequence number the next event will get. */
  long nextSequence() {
    return next.get();
  }

  /** Claims a sequence number; the caller then {@link #store}s the event built with it. */
  long claim() {
    return next.getAndIncrement();
  }

  /** Stores {@code event} in the slot of its sequence number. */
  void store(EffectEvent event) {
    slots.set((int) (event.sequence() & mask), event);
  }

  /** Returns up to {@code max} events with sequence numbers above {@code after}, oldest first. */
  List<EffectEvent> after(long after, int max) {
    long end = next.get();
    long from = Math.max(after + 1, Math.max(0, end - slots.length()));
    List<EffectEvent> out = new ArrayList<>((int) Math.min(max, Math.max(0, end - from)));
    for (long seq = from; seq < end && out.size() < max; seq++) {
      EffectEvent event = slots.get((int) (seq & mask));
      if (event == null || event.sequence() < seq) {
        break; // not written yet: stop here so the caller sees it on its next read
      }
      if (event.sequence() > seq) {
        continue; // overwritten while we read: this one is gone
      }
      out.add(event);
    }
    return out;
  }
}
