package land.echo.dashboard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import land.echo.observability.live.Observatory;
import land.echo.resilience.AdaptiveTimeout;
import land.echo.resilience.Bulkhead;
import land.echo.resilience.CircuitBreaker;
import land.echo.resilience.RateLimit;
import land.echo.resilience.ResultCache;

/**
 * The immutable configuration of an {@link EchoDashboard}: where it listens, who may steer it,
 * where its data comes from, and which policies it shows. Built by {@link #builder(Observatory)},
 * which validates every value. Thread-safe.
 *
 * {@snippet :
 * DashboardConfig config = DashboardConfig.builder(observatory)
 *     .port(0)                 // a free port; EchoDashboard.port() reports it
 *     .breaker(breaker)
 *     .bulkhead(bulkhead)
 *     .build();
 * }
 */
public final class DashboardConfig {
  /** The address the dashboard binds to unless told otherwise: loopback only. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** How often the live stream pushes an update unless told otherwise. */
  public static final Duration DEFAULT_UPDATE_INTERVAL = Duration.ofMillis(250);
  /** How many in-flight effects a snapshot lists unless told otherwise (the oldest first). */
  public static final int DEFAULT_MAX_IN_FLIGHT_ROWS = 200;

  private final Observatory observatory;
  private final String host;
  private final int port;
  private final String token;
  private final Duration updateInterval;
  private final int maxInFlightRows;
  private final Map<String, CircuitBreaker> breakers;
  private final Map<String, RateLimit> rateLimits;
  private final Map<String, Bulkhead> bulkheads;
  private final List<AdaptiveTimeout> adaptiveTimeouts;
  private final Map<String, ResultCache> caches;

  private DashboardConfig(Builder b) {
    this.observatory = b.observatory;
    this.host = b.host;
    this.port = b.port;
    this.token = b.token;
    this.updateInterval = b.updateInterval;
    this.maxInFlightRows = b.maxInFlightRows;
    this.breakers = Map.copyOf(b.breakers);
    this.rateLimits = Map.copyOf(b.rateLimits);
    this.bulkheads = Map.copyOf(b.bulkheads);
    this.adaptiveTimeouts = List.copyOf(b.adaptiveTimeouts);
    this.caches = Map.copyOf(b.caches);
  }

  /**
   * Returns a builder whose data source is {@code observatory}, which must be registered as a
   * listener of the runtime the dashboard shows.
   *
   * @param observatory the runtime's observatory
   * @return a new builder
   */
  public static Builder builder(Observatory observatory) {
    return new Builder(Objects.requireNonNull(observatory, "observatory"));
  }

  /**
   * Returns the data source.
   *
   * @return the observatory
   */
  public Observatory observatory() {
    return observatory;
  }

  /**
   * Returns the address to bind to.
   *
   * @return a host name or literal address
   */
  public String host() {
    return host;
  }

  /**
   * Returns the port to bind to; 0 picks a free one.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * Returns the configured control token, if one was given (otherwise one is generated at start).
   *
   * @return the token
   */
  public Optional<String> token() {
    return Optional.ofNullable(token);
  }

  /**
   * Returns how often the live stream pushes an update.
   *
   * @return the interval
   */
  public Duration updateInterval() {
    return updateInterval;
  }

  /**
   * Returns how many in-flight effects a snapshot lists at most.
   *
   * @return the row limit
   */
  public int maxInFlightRows() {
    return maxInFlightRows;
  }

  Map<String, CircuitBreaker> breakers() {
    return breakers;
  }

  Map<String, RateLimit> rateLimits() {
    return rateLimits;
  }

  Map<String, Bulkhead> bulkheads() {
    return bulkheads;
  }

  List<AdaptiveTimeout> adaptiveTimeouts() {
    return adaptiveTimeouts;
  }

  Map<String, ResultCache> caches() {
    return caches;
  }

  @Override
  public String toString() {
    return "DashboardConfig[host=" + host + ", port=" + port + ", token=" + (token == null ? "generated" : "configured")
        + ", updateInterval=" + updateInterval + ", maxInFlightRows=" + maxInFlightRows + ", breakers="
        + breakers.keySet() + ", rateLimits=" + rateLimits.keySet() + ", bulkheads=" + bulkheads.keySet()
        + ", adaptiveTimeouts=" + adaptiveTimeouts.size() + ", caches=" + caches.keySet() + "]";
  }

  /** Builds a {@link DashboardConfig}; not thread-safe. */
  public static final class Builder {
    private final Observatory observatory;
    private String host = DEFAULT_HOST;
    private int port;
    private String token;
    private Duration updateInterval = DEFAULT_UPDATE_INTERVAL;
    private int maxInFlightRows = DEFAULT_MAX_IN_FLIGHT_ROWS;
    private final Map<String, CircuitBreaker> breakers = new LinkedHashMap<>();
    private final Map<String, RateLimit> rateLimits = new LinkedHashMap<>();
    private final Map<String, Bulkhead> bulkheads = new LinkedHashMap<>();
    private final List<AdaptiveTimeout> adaptiveTimeouts = new ArrayList<>();
    private final Map<String, ResultCache> caches = new LinkedHashMap<>();

    private Builder(Observatory observatory) {
      this.observatory = observatory;
    }

    /**
     * Sets the address to bind to; by default {@value DashboardConfig#DEFAULT_HOST}. A
     * non-loopback address needs a configured {@link #token(String)}: reads then need it too.
     *
     * @param host a host name or literal address
     * @return this builder
     * @throws IllegalArgumentException if {@code host} is blank
     */
    public Builder host(String host) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      this.host = host.strip();
      return this;
    }

    /**
     * Sets the port; by default 0, which picks a free port ({@link EchoDashboard#port()} reports it).
     *
     * @param port 0 to 65535
     * @return this builder
     * @throws IllegalArgumentException if {@code port} is out of range
     */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Sets the token that the controls require (in an {@code Authorization: Bearer} header); by
     * default one is generated at start, logged once and returned by {@link EchoDashboard#token()}.
     *
     * @param token at least 16 characters, no whitespace
     * @return this builder
     * @throws IllegalArgumentException if {@code token} is shorter or holds whitespace
     */
    public Builder token(String token) {
      Objects.requireNonNull(token, "token");
      if (token.length() < 16 || token.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("token must be at least 16 characters without whitespace");
      }
      this.token = token;
      return this;
    }

    /**
     * Sets how often the live stream pushes an update; by default 250 ms.
     *
     * @param interval 50 ms to 10 s
     * @return this builder
     * @throws IllegalArgumentException if {@code interval} is out of range
     */
    public Builder updateInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.compareTo(Duration.ofMillis(50)) < 0 || interval.compareTo(Duration.ofSeconds(10)) > 0) {
        throw new IllegalArgumentException("updateInterval must be in [50 ms, 10 s], was " + interval);
      }
      this.updateInterval = interval;
      return this;
    }

    /**
     * Sets how many in-flight effects a snapshot lists (the oldest first); by default 200.
     *
     * @param rows 1 to 10,000
     * @return this builder
     * @throws IllegalArgumentException if {@code rows} is out of range
     */
    public Builder maxInFlightRows(int rows) {
      if (rows < 1 || rows > 10_000) {
        throw new IllegalArgumentException("maxInFlightRows must be in [1, 10000], was " + rows);
      }
      this.maxInFlightRows = rows;
      return this;
    }

    /**
     * Shows {@code breaker}, and lets the controls force it open or closed.
     *
     * @param breaker a circuit breaker; its name must not be shown already
     * @return this builder
     * @throws IllegalArgumentException if a breaker of the same name was added
     */
    public Builder breaker(CircuitBreaker breaker) {
      put(breakers, "breaker", Objects.requireNonNull(breaker, "breaker").name(), breaker);
      return this;
    }

    /**
     * Shows {@code rateLimit}.
     *
     * @param rateLimit a rate limit; its name must not be shown already
     * @return this builder
     * @throws IllegalArgumentException if a rate limit of the same name was added
     */
    public Builder rateLimit(RateLimit rateLimit) {
      put(rateLimits, "rate limit", Objects.requireNonNull(rateLimit, "rateLimit").config().name(), rateLimit);
      return this;
    }

    /**
     * Shows {@code bulkhead} as a named queue, and lets the controls drain and resume it.
     *
     * @param bulkhead a bulkhead; its name must not be shown already
     * @return this builder
     * @throws IllegalArgumentException if a bulkhead of the same name was added
     */
    public Builder bulkhead(Bulkhead bulkhead) {
      put(bulkheads, "bulkhead", Objects.requireNonNull(bulkhead, "bulkhead").config().name(), bulkhead);
      return this;
    }

    /**
     * Shows {@code timeout}'s current budget per effect name against its recent percentile.
     *
     * @param timeout an adaptive timeout
     * @return this builder
     */
    public Builder adaptiveTimeout(AdaptiveTimeout timeout) {
      adaptiveTimeouts.add(Objects.requireNonNull(timeout, "timeout"));
      return this;
    }

    /**
     * Shows {@code cache}'s hit rate.
     *
     * @param cache a result cache; its name must not be shown already
     * @return this builder
     * @throws IllegalArgumentException if a cache of the same name was added
     */
    public Builder cache(ResultCache cache) {
      put(caches, "cache", Objects.requireNonNull(cache, "cache").config().name(), cache);
      return this;
    }

    private static <P> void put(Map<String, P> map, String kind, String name, P policy) {
      if (map.putIfAbsent(name, policy) != null) {
        throw new IllegalArgumentException("a " + kind + " named '" + name + "' is already shown");
      }
    }

    /**
     * Returns the configuration.
     *
     * @return a new configuration
     */
    public DashboardConfig build() {
      return new DashboardConfig(this);
    }
  }
}
