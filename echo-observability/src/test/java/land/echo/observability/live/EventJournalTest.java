package land.echo.observability.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import land.echo.Priority;
import org.junit.jupiter.api.Test;

class EventJournalTest {

  private static EffectEvent event(long seq) {
    return new EffectEvent(seq, seq, EffectEvent.Type.SUBMITTED, seq, "e", Priority.NORMAL, null);
  }

  @Test
  void aClaimedButUnstoredSlotEndsTheReadSoNothingIsSkipped() {
    EventJournal journal = new EventJournal(8);
    journal.store(event(journal.claim()));
    long gap = journal.claim();
    journal.store(event(journal.claim()));
    assertThat(journal.after(-1, 10)).extracting(EffectEvent::sequence).containsExactly(0L);
    journal.store(event(gap));
    assertThat(journal.after(0, 10)).extracting(EffectEvent::sequence).containsExactly(1L, 2L);
  }

  @Test
  void concurrentWritersLoseNoEventAReaderCanStillSee() throws Exception {
    EventJournal journal = new EventJournal(1 << 16);
    int writers = 4;
    int each = 10_000;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < each; i++) {
            journal.store(event(journal.claim()));
          }
        }));
      }
      for (Future<?> f : done) {
        f.get(Duration.ofSeconds(60).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    List<EffectEvent> all = journal.after(-1, Integer.MAX_VALUE);
    assertThat(all).hasSize(writers * each);
    for (int i = 0; i < all.size(); i++) {
      assertThat(all.get(i).sequence()).isEqualTo(i);
    }
  }

  @Test
  void theCapacityIsRoundedUpToAPowerOfTwo() {
    EventJournal journal = new EventJournal(5);
    for (int i = 0; i < 20; i++) {
      journal.store(event(journal.claim()));
    }
    assertThat(journal.after(-1, 100)).extracting(EffectEvent::sequence).containsExactly(12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L);
  }

  /** A read returns at most {@code max} events, the oldest first; the next sequence counts the claims. */
  @Test
  void aReadReturnsAtMostMaxEventsAndTheNextSequenceCountsTheClaims() {
    EventJournal journal = new EventJournal(8);
    for (int i = 0; i < 5; i++) {
      journal.store(event(journal.claim()));
    }
    assertThat(journal.nextSequence()).isEqualTo(5);
    assertThat(journal.after(-1, 2)).extracting(EffectEvent::sequence).containsExactly(0L, 1L);
    assertThat(journal.after(1, 2)).extracting(EffectEvent::sequence).containsExactly(2L, 3L);
  }

  /**
   * A read returns only events claimed before it began: an event stored for the next sequence
   * number (as by a writer that claims and stores it after the reader read the end) is left for
   * the next read, so a reader never chases the writers.
   */
  @Test
  void aReadStopsAtTheSequenceItBeganAt() {
    EventJournal journal = new EventJournal(8);
    for (int i = 0; i < 3; i++) {
      journal.store(event(journal.claim()));
    }
    journal.store(event(3)); // the writer's store, seen before its claim is: the reader's view of the race

    assertThat(journal.after(-1, 10)).extracting(EffectEvent::sequence).containsExactly(0L, 1L, 2L);
    assertThat(journal.claim()).isEqualTo(3);
    assertThat(journal.after(2, 10)).extracting(EffectEvent::sequence).containsExactly(3L);
  }
}
