package land.echo.dashboard;

import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Server-Sent Events stream: one publisher thread builds each update once and hands it to every
 * subscriber; each subscriber has its own virtual thread that sends only the latest update it was
 * handed. A slow browser therefore drops intermediate updates (coalescing) and never slows the
 * publisher, the other subscribers or the runtime; a closed connection ends its thread and leaves
 * the subscriber list. Nothing is built while nobody subscribes. Thread-safe.
 */
final class LiveStream implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveStream.class);
  /** The SSE event name of an update. */
  static final String EVENT = "update";

  private final Supplier<String> updates;
  private final CopyOnWriteArrayList<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService publisher;

  LiveStream(Supplier<String> updates, Duration interval) {
    this.updates = updates;
    this.publisher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "echo-dashboard-publisher");
      t.setDaemon(true);
      return t;
    });
    long nanos = interval.toNanos();
    publisher.scheduleAtFixedRate(this::publish, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /** Subscribes {@code client}: it gets the current state at once, then every update. */
  void subscribe(SseClient client) {
    client.keepAlive();
    Subscriber subscriber = new Subscriber(client);
    subscribers.add(subscriber);
    client.onClose(subscriber::close);
    subscriber.offer(updates.get());
    subscriber.thread = Thread.ofVirtual().name("echo-dashboard-sse").start(subscriber::run);
  }

  /** Returns how many browsers follow the stream. */
  int subscribers() {
    return subscribers.size();
  }

  /**
   * Returns how many subscribers are inside a write while a newer update waits for them: a browser
   * that stopped reading stays here for good; a healthy one passes through in microseconds.
   */
  int stalled() {
    int n = 0;
    for (Subscriber s : subscribers) {
      n += s.sending && s.latest.get() != null ? 1 : 0;
    }
    return n;
  }

  private void publish() {
    if (subscribers.isEmpty()) {
      return;
    }
    String update;
    try {
      update = updates.get();
    } catch (RuntimeException e) {
      LOG.warn("Could not build a dashboard update; the stream skips it", e);
      return;
    }
    for (Subscriber s : subscribers) {
      s.offer(update);
    }
  }

  @Override
  public void close() {
    publisher.shutdownNow();
    for (Subscriber s : subscribers) {
      s.close();
      s.client.close();
    }
  }

  /** One browser: the latest update not yet sent, and the thread that sends it. */
  private final class Subscriber {
    final SseClient client;
    final AtomicReference<String> latest = new AtomicReference<>();
    volatile Thread thread;
    volatile boolean closed;
    volatile boolean sending;

    Subscriber(SseClient client) {
      this.client = client;
    }

    void offer(String update) {
      latest.set(update); // replaces an update the browser has not taken yet
      Thread t = thread;
      if (t != null) {
        LockSupport.unpark(t);
      }
    }

    void run() {
      try {
        while (!closed && !client.terminated()) {
          String update = latest.getAndSet(null);
          if (update == null) {
            LockSupport.park(this);
            continue;
          }
          sending = true;
          try {
            client.sendEvent(EVENT, update);
          } finally {
            sending = false;
          }
        }
      } catch (RuntimeException e) {
        LOG.debug("A dashboard stream ended", e); // the browser went away mid-write
      } finally {
        close();
      }
    }

    void close() {
      closed = true;
      subscribers.remove(this);
      Thread t = thread;
      if (t != null) {
        LockSupport.unpark(t);
      }
    }
  }
}
