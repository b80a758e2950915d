package land.echo.dashboard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import land.echo.ApplicationRuntime;
import land.echo.Priority;
import land.echo.observability.live.Observatory;
import land.echo.observability.live.ObservatorySnapshot;
import land.echo.resilience.AdaptiveTimeout;
import land.echo.resilience.Bulkhead;
import land.echo.resilience.CircuitBreaker;
import land.echo.resilience.RateLimit;
import land.echo.resilience.ResultCache;
import land.echo.scheduler.SchedulerStats;
import land.echo.scheduler.EchoScheduler;
import land.echo.scheduler.NamedQueue;
import land.echo.spi.EffectInfo;
import land.echo.spi.OutcomeKind;

/**
 * Builds the dashboard's snapshot, version {@value #VERSION}, as nested maps and lists that
 * Jackson writes as they are: the shape docs/dashboard.md documents, field by field. Times are
 * milliseconds (doubles, to keep sub-millisecond latencies); priorities are lower-case keys.
 * Thread-safe (every call reads live state and builds new objects).
 */
final class SnapshotJson {
  /** The version of the shape; a change that removes or renames a field increments it. */
  static final int VERSION = 1;

  private final ApplicationRuntime runtime;
  private final DashboardConfig config;
  private final long startedNanos;

  SnapshotJson(ApplicationRuntime runtime, DashboardConfig config) {
    this.runtime = runtime;
    this.config = config;
    this.startedNanos = runtime.clock().nanoTime();
  }

  /** Returns the whole snapshot. */
  Map<String, Object> build() {
    Observatory observatory = config.observatory();
    ObservatorySnapshot snapshot = observatory.snapshot();
    long now = runtime.clock().nanoTime();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("version", VERSION);
    json.put("takenAtEpochMillis", System.currentTimeMillis());
    json.put("uptimeMillis", millis(now - startedNanos));
    json.put("priorities", priorities(snapshot));
    json.put("outcomes", outcomes(snapshot));
    json.put("names", names(snapshot));
    json.put("scheduler", scheduler(runtime.scheduler()));
    List<EffectInfo> inFlight = runtime.inFlight();
    json.put("inFlightTotal", inFlight.size());
    // Read after the list: an effect submitted since the first reading would show a negative age.
    json.put("inFlight", inFlight(inFlight, observatory, runtime.clock().nanoTime()));
    json.put("breakers", breakers());
    json.put("rateLimits", rateLimits());
    json.put("bulkheads", bulkheads());
    json.put("adaptiveTimeouts", adaptiveTimeouts());
    json.put("caches", caches());
    json.put("failures", failures(observatory, now));
    return json;
  }

  static String tag(Priority priority) {
    return priority.name().toLowerCase(Locale.ROOT);
  }

  private static double millis(long nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0; // microsecond resolution, in milliseconds
  }

  private static Map<String, Object> priorities(ObservatorySnapshot snapshot) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Priority p : Priority.values()) {
      ObservatorySnapshot.PriorityStats stats = snapshot.priorities().get(p);
      out.put(tag(p), Map.of("completed", stats.completed(), "inFlight", stats.inFlight()));
    }
    return out;
  }

  /** Completions by outcome kind: {@code success}, {@code failure} and each kind of fault. */
  private static Map<String, Object> outcomes(ObservatorySnapshot snapshot) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (OutcomeKind kind : OutcomeKind.values()) {
      out.put(kind.tag(), snapshot.outcomes().getOrDefault(kind, 0L));
    }
    return out;
  }

  private static List<Object> names(ObservatorySnapshot snapshot) {
    List<Object> out = new ArrayList<>();
    for (ObservatorySnapshot.NameStats n : snapshot.names()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", n.name());
      row.put("completed", n.completed());
      row.put("succeeded", n.succeeded());
      row.put("failed", n.failed());
      row.put("faulted", n.faulted());
      row.put("inFlight", n.inFlight());
      row.put("successRate", n.completed() == 0 ? null : n.successRate());
      row.put("latency", latency(n.p50Nanos(), n.p99Nanos(), n.maxNanos()));
      row.put("queueWait", latency(n.queueWait().p50Nanos(), n.queueWait().p99Nanos(), n.queueWait().maxNanos()));
      row.put("run", latency(n.run().p50Nanos(), n.run().p99Nanos(), n.run().maxNanos()));
      out.add(row);
    }
    return out;
  }

  private static Map<String, Object> latency(long p50, long p99, long max) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("p50Millis", millis(p50));
    out.put("p99Millis", millis(p99));
    out.put("maxMillis", millis(max));
    return out;
  }

  private static Map<String, Object> scheduler(EchoScheduler scheduler) {
    SchedulerStats stats = scheduler.stats();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("workers", stats.workers());
    out.put("running", stats.running());
    out.put("parked", stats.parkedWorkers());
    out.put("steals", stats.steals());
    out.put("completed", stats.completed());
    Map<String, Object> queued = new LinkedHashMap<>();
    queued.put("high", stats.queuedHigh());
    queued.put("normal", stats.queuedNormal());
    queued.put("low", stats.queuedLow());
    out.put("queued", queued);
    out.put("blockingRunning", stats.blockingRunning());
    out.put("blockingCompleted", stats.blockingCompleted());
    List<Object> queues = new ArrayList<>();
    for (String name : scheduler.config().namedQueues().keySet()) {
      NamedQueue queue = scheduler.queue(name);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", name);
      row.put("limit", queue.limit());
      row.put("running", queue.running());
      row.put("waiting", queue.waiting());
      row.put("drained", queue.isDrained());
      queues.add(row);
    }
    out.put("namedQueues", queues);
    return out;
  }

  private List<Object> inFlight(List<EffectInfo> effects, Observatory observatory, long now) {
    List<EffectInfo> oldestFirst = new ArrayList<>(effects);
    oldestFirst.sort(Comparator.comparingLong(EffectInfo::submittedNanos));
    List<Object> out = new ArrayList<>();
    for (EffectInfo e : oldestFirst.subList(0, Math.min(oldestFirst.size(), config.maxInFlightRows()))) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", e.id());
      row.put("name", e.name());
      row.put("priority", tag(e.priority()));
      row.put("ageMillis", e.submittedNanos() == -1 ? null : millis(Math.max(0, now - e.submittedNanos())));
      row.put("started", e.isStarted());
      row.put("attempt", observatory.attemptOf(e.id()));
      out.add(row);
    }
    return out;
  }

  private List<Object> breakers() {
    List<Object> out = new ArrayList<>();
    for (Map.Entry<String, CircuitBreaker> e : sorted(config.breakers())) {
      CircuitBreaker.Snapshot s = e.getValue().snapshot();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", e.getKey());
      row.put("state", s.state().name());
      row.put("failureRate", s.failureRate() < 0 ? null : (double) s.failureRate());
      row.put("slowCallRate", s.slowCallRate() < 0 ? null : (double) s.slowCallRate());
      row.put("bufferedCalls", s.bufferedCalls());
      row.put("failedCalls", s.failedCalls());
      row.put("notPermittedCalls", s.notPermittedCalls());
      out.add(row);
    }
    return out;
  }

  private List<Object> rateLimits() {
    List<Object> out = new ArrayList<>();
    for (Map.Entry<String, RateLimit> e : sorted(config.rateLimits())) {
      RateLimit.Snapshot s = e.getValue().snapshot();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", e.getKey());
      row.put("availableTokens", s.availableTokens());
      row.put("waiting", s.waiting());
      row.put("rejected", s.rejected());
      row.put("waited", s.waited());
      out.add(row);
    }
    return out;
  }

  private List<Object> bulkheads() {
    List<Object> out = new ArrayList<>();
    for (Map.Entry<String, Bulkhead> e : sorted(config.bulkheads())) {
      Bulkhead.Snapshot s = e.getValue().snapshot();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", e.getKey());
      row.put("limit", s.limit());
      row.put("inUse", s.inUse());
      row.put("queued", s.queued());
      row.put("maxQueued", e.getValue().config().maxQueued());
      row.put("rejected", s.rejected());
      row.put("drained", e.getValue().isDrained());
      out.add(row);
    }
    return out;
  }

  private List<Object> adaptiveTimeouts() {
    List<Object> out = new ArrayList<>();
    for (AdaptiveTimeout timeout : config.adaptiveTimeouts()) {
      for (AdaptiveTimeout.Snapshot s : timeout.snapshot()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("policy", timeout.config().name());
        row.put("effectName", s.effectName());
        row.put("currentMillis", millis(s.current().toNanos()));
        row.put("recentPercentileMillis", s.recentPercentile() == null ? null : millis(s.recentPercentile().toNanos()));
        row.put("percentile", timeout.config().percentile());
        row.put("samples", s.samples());
        out.add(row);
      }
    }
    return out;
  }

  private List<Object> caches() {
    List<Object> out = new ArrayList<>();
    for (Map.Entry<String, ResultCache> e : sorted(config.caches())) {
      ResultCache.Snapshot s = e.getValue().snapshot();
      long lookups = s.hits() + s.misses();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", e.getKey());
      row.put("size", s.size());
      row.put("hits", s.hits());
      row.put("misses", s.misses());
      row.put("hitRate", lookups == 0 ? null : (double) s.hits() / lookups);
      row.put("evictions", s.evictions());
      out.add(row);
    }
    return out;
  }

  private static List<Object> failures(Observatory observatory, long now) {
    List<ObservatorySnapshot.Failure> recent = observatory.recentFailures();
    List<Object> out = new ArrayList<>();
    for (int i = recent.size() - 1; i >= 0; i--) { // newest first
      ObservatorySnapshot.Failure f = recent.get(i);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("effectId", f.effectId());
      row.put("name", f.name());
      row.put("priority", tag(f.priority()));
      row.put("outcome", f.outcome());
      row.put("message", f.message());
      row.put("agoMillis", millis(Math.max(0, now - f.atNanos())));
      out.add(row);
    }
    return out;
  }

  private static <P> List<Map.Entry<String, P>> sorted(Map<String, P> policies) {
    List<Map.Entry<String, P>> entries = new ArrayList<>(policies.entrySet());
    entries.sort(Map.Entry.comparingByKey());
    return entries;
  }
}
