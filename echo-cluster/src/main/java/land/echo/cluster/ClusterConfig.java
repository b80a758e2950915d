package land.echo.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The immutable configuration of an {@link EchoCluster} member: where it listens, whom it joins,
 * how many backups each task has, and how fast a dead member is noticed. Multicast is never used:
 * members join by TCP-IP, on loopback unless told otherwise.
 *
 * <pre>{@code
 * ClusterConfig config = ClusterConfig.builder()
 *     .port(5701)
 *     .members("127.0.0.1:5701", "127.0.0.1:5702", "127.0.0.1:5703")
 *     .build();
 * }</pre>
 *
 * @param clusterName members join only a cluster of the same name
 * @param host the address the member binds to and announces
 * @param port the member's port
 * @param members the {@code host:port} addresses to join (this member's own may be among them)
 * @param backupCount synchronous backups of each task and result: at least 1, so that any one
 *     member can die without losing accepted work
 * @param admissionLimit how many cluster effects a member admits to its scheduler at once (0: four
 *     per worker); {@code HIGH} effects are admitted beyond it
 * @param sweepInterval how often a member looks for work it should take: queued work in its
 *     partitions, work of members that left, and, when idle, work queued on busy members
 * @param heartbeatInterval how often members send heartbeats
 * @param maxNoHeartbeat how long without a heartbeat before a member is declared dead
 * @param resultTtl how long an idempotency key's result is kept
 * @param drainTimeout how long {@link EchoCluster#close()} waits for running effects before it
 *     hands them to other members
 * @param submitOnly the member submits effects and holds no data and runs none (a Hazelcast lite
 *     member): for a process that only asks
 */
public record ClusterConfig(
    String clusterName, String host, int port, List<String> members, int backupCount, int admissionLimit,
    Duration sweepInterval, Duration heartbeatInterval, Duration maxNoHeartbeat, Duration resultTtl,
    Duration drainTimeout, boolean submitOnly) {

  /** Copies the member list. Use the {@link #builder()}, which validates every value. */
  public ClusterConfig {
    members = List.copyOf(members);
  }

  /**
   * Returns a builder with the defaults: cluster {@code echo}, 127.0.0.1:5701, no other member, one
   * backup, an admission limit of four per worker, a 200 ms sweep, heartbeats every second and a
   * member declared dead after 5 s without one, results kept 10 minutes, 30 s to drain.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link ClusterConfig}. Not thread-safe. */
  public static final class Builder {
    private String clusterName = "echo";
    private String host = "127.0.0.1";
    private int port = 5701;
    private final List<String> members = new ArrayList<>();
    private int backupCount = 1;
    private int admissionLimit;
    private Duration sweepInterval = Duration.ofMillis(200);
    private Duration heartbeatInterval = Duration.ofSeconds(1);
    private Duration maxNoHeartbeat = Duration.ofSeconds(5);
    private Duration resultTtl = Duration.ofMinutes(10);
    private Duration drainTimeout = Duration.ofSeconds(30);
    private boolean submitOnly;

    private Builder() {}

    /**
     * Sets the cluster's name.
     *
     * @param name 1 to 100 characters of letters, digits, '.', '-' and '_'
     * @return this builder
     */
    public Builder clusterName(String name) {
      Objects.requireNonNull(name, "clusterName");
      if (!name.matches("[A-Za-z0-9._-]{1,100}")) {
        throw new IllegalArgumentException("clusterName must be 1 to 100 letters, digits, '.', '-' or '_', was '"
            + name + "'");
      }
      this.clusterName = name;
      return this;
    }

    /**
     * Sets the address to bind to and announce.
     *
     * @param host an IP address or host name
     * @return this builder
     */
    public Builder host(String host) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      this.host = host;
      return this;
    }

    /**
     * Sets the port.
     *
     * @param port 1 to 65535
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Adds members to join.
     *
     * @param addresses {@code host:port} addresses
     * @return this builder
     */
    public Builder members(String... addresses) {
      return members(List.of(addresses));
    }

    /**
     * Adds members to join.
     *
     * @param addresses {@code host:port} addresses
     * @return this builder
     */
    public Builder members(List<String> addresses) {
      for (String address : addresses) {
        Objects.requireNonNull(address, "member address");
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
          throw new IllegalArgumentException("member address must be host:port, was '" + address + "'");
        }
        int memberPort;
        try {
          memberPort = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("member address must end in a port number, was '" + address + "'");
        }
        if (memberPort < 1 || memberPort > 65_535) {
          throw new IllegalArgumentException("member port must be between 1 and 65535, was '" + address + "'");
        }
        members.add(address);
      }
      return this;
    }

    /**
     * Sets the synchronous backups per task and result.
     *
     * @param count 1 to 6
     * @return this builder
     */
    public Builder backupCount(int count) {
      if (count < 1 || count > 6) {
        throw new IllegalArgumentException("backupCount must be between 1 and 6 (at least one, so that no "
            + "accepted effect is lost with a member), was " + count);
      }
      this.backupCount = count;
      return this;
    }

    /**
     * Sets how many cluster effects a member admits to its scheduler at once.
     *
     * @param limit at least 1, or 0 for four per worker
     * @return this builder
     */
    public Builder admissionLimit(int limit) {
      if (limit < 0) {
        throw new IllegalArgumentException("admissionLimit must not be negative, was " + limit);
      }
      this.admissionLimit = limit;
      return this;
    }

    /**
     * Sets how often a member looks for work to take.
     *
     * @param interval 10 ms to 10 s
     * @return this builder
     */
    public Builder sweepInterval(Duration interval) {
      this.sweepInterval = within("sweepInterval", interval, Duration.ofMillis(10), Duration.ofSeconds(10));
      return this;
    }

    /**
     * Sets the failure detector: heartbeats every {@code interval}, a member dead after {@code
     * maxSilence} without one.
     *
     * @param interval 1 to 60 s, whole seconds
     * @param maxSilence more than {@code interval}, at most 10 minutes, whole seconds
     * @return this builder
     */
    public Builder failureDetector(Duration interval, Duration maxSilence) {
      within("heartbeatInterval", interval, Duration.ofSeconds(1), Duration.ofSeconds(60));
      within("maxNoHeartbeat", maxSilence, Duration.ofSeconds(2), Duration.ofMinutes(10));
      if (interval.toMillis() % 1_000 != 0 || maxSilence.toMillis() % 1_000 != 0) {
        throw new IllegalArgumentException("the failure detector counts whole seconds, was " + interval + " and "
            + maxSilence);
      }
      if (maxSilence.compareTo(interval) <= 0) {
        throw new IllegalArgumentException("maxNoHeartbeat (" + maxSilence + ") must be longer than the "
            + "heartbeat interval (" + interval + ")");
      }
      this.heartbeatInterval = interval;
      this.maxNoHeartbeat = maxSilence;
      return this;
    }

    /**
     * Sets how long an idempotency key's result is kept (a later submission with the key gets it
     * without a run).
     *
     * @param ttl 1 s to 7 days
     * @return this builder
     */
    public Builder resultTtl(Duration ttl) {
      this.resultTtl = within("resultTtl", ttl, Duration.ofSeconds(1), Duration.ofDays(7));
      return this;
    }

    /**
     * Sets how long closing waits for running effects.
     *
     * @param timeout 0 to 1 hour
     * @return this builder
     */
    public Builder drainTimeout(Duration timeout) {
      this.drainTimeout = within("drainTimeout", timeout, Duration.ZERO, Duration.ofHours(1));
      return this;
    }

    /**
     * Makes the member one that submits effects and runs none: it holds no partitions, so no task
     * waits on it and its departure loses nothing.
     *
     * @param submitOnly whether the member only submits
     * @return this builder
     */
    public Builder submitOnly(boolean submitOnly) {
      this.submitOnly = submitOnly;
      return this;
    }

    /**
     * Applies the settings of a YAML file; settings given to the builder afterwards override them.
     * Every key is optional:
     *
     * <pre>{@code
     * cluster-name: echo
     * host: 127.0.0.1
     * port: 5701
     * members: [127.0.0.1:5701, 127.0.0.1:5702, 127.0.0.1:5703]
     * backup-count: 1
     * admission-limit: 0
     * sweep-interval-millis: 200
     * heartbeat-interval-seconds: 1
     * max-no-heartbeat-seconds: 5
     * result-ttl-seconds: 600
     * drain-timeout-seconds: 30
     * submit-only: false
     * }</pre>
     *
     * @param file the YAML file
     * @return this builder
     * @throws IllegalArgumentException naming the file and the key, if the file cannot be read, a key
     *     is unknown, or a value has the wrong type or is out of range
     */
    public Builder yaml(java.nio.file.Path file) {
      Objects.requireNonNull(file, "file");
      java.util.Map<?, ?> settings;
      try {
        String text = java.nio.file.Files.readString(file);
        Object root = text.isBlank() ? null
            : new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readValue(text, Object.class);
        if (root == null) {
          return this; // an empty file
        }
        if (!(root instanceof java.util.Map<?, ?> map)) {
          throw new IllegalArgumentException(file + ": expected a mapping of settings, found " + describe(root));
        }
        settings = map;
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException(file + ": cannot read the cluster settings: " + e.getMessage(), e);
      }
      Duration heartbeat = heartbeatInterval;
      Duration silence = maxNoHeartbeat;
      for (java.util.Map.Entry<?, ?> entry : settings.entrySet()) {
        String key = String.valueOf(entry.getKey());
        Object value = entry.getValue();
        try {
          switch (key) {
            case "cluster-name" -> clusterName(text(value));
            case "host" -> host(text(value));
            case "port" -> port(number(value));
            case "members" -> {
              if (!(value instanceof List<?> list)) {
                throw new IllegalArgumentException("expected a list of host:port, found " + describe(value));
              }
              members(list.stream().map(Builder::text).toList());
            }
            case "backup-count" -> backupCount(number(value));
            case "admission-limit" -> admissionLimit(number(value));
            case "sweep-interval-millis" -> sweepInterval(Duration.ofMillis(number(value)));
            case "heartbeat-interval-seconds" -> heartbeat = Duration.ofSeconds(number(value));
            case "max-no-heartbeat-seconds" -> silence = Duration.ofSeconds(number(value));
            case "result-ttl-seconds" -> resultTtl(Duration.ofSeconds(number(value)));
            case "drain-timeout-seconds" -> drainTimeout(Duration.ofSeconds(number(value)));
            case "submit-only" -> {
              if (!(value instanceof Boolean flag)) {
                throw new IllegalArgumentException("expected true or false, found " + describe(value));
              }
              submitOnly(flag);
            }
            default -> throw new IllegalArgumentException("unknown setting; known: cluster-name, host, port, members, "
                + "backup-count, admission-limit, sweep-interval-millis, heartbeat-interval-seconds, "
                + "max-no-heartbeat-seconds, result-ttl-seconds, drain-timeout-seconds, submit-only");
          }
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(file + ": '" + key + "': " + e.getMessage(), e);
        }
      }
      if (!heartbeat.equals(heartbeatInterval) || !silence.equals(maxNoHeartbeat)) {
        try {
          failureDetector(heartbeat, silence);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(file + ": the failure detector: " + e.getMessage(), e);
        }
      }
      return this;
    }

    private static Duration within(String what, Duration value, Duration min, Duration max) {
      Objects.requireNonNull(value, what);
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", was " + value);
      }
      return value;
    }

    private static String text(Object value) {
      if (value instanceof String || value instanceof Number) {
        return value.toString();
      }
      throw new IllegalArgumentException("expected text, found " + describe(value));
    }

    private static int number(Object value) {
      if (value instanceof Integer n) {
        return n;
      }
      throw new IllegalArgumentException("expected a whole number, found " + describe(value));
    }

    private static String describe(Object value) {
      return value == null ? "nothing" : value instanceof String ? "'" + value + "'"
          : value.getClass().getSimpleName() + " " + value;
    }

    /**
     * Returns the configuration.
     *
     * @return a new configuration
     */
    public ClusterConfig build() {
      return new ClusterConfig(clusterName, host, port, members, backupCount, admissionLimit, sweepInterval,
          heartbeatInterval, maxNoHeartbeat, resultTtl, drainTimeout, submitOnly);
    }
  }
}
