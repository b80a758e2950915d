package land.echo.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.PartitioningStrategyConfig;
import com.hazelcast.config.SerializationConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.partition.strategy.StringPartitioningStrategy;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;
import com.hazelcast.topic.ITopic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import land.echo.ActionEffect;
import land.echo.ApplicationRuntime;
import land.echo.CommonError;
import land.echo.EffectHandle;
import land.echo.Fault;
import land.echo.Outcome;
import land.echo.Priority;
import land.echo.RetryPolicy;
import land.echo.RunOptions;
import land.echo.resilience.SharedPolicyState;
import io.github.bucket4j.grid.hazelcast.HazelcastProxyManager;
import land.echo.cluster.internal.BreakerRecord;
import land.echo.cluster.internal.Task;
import land.echo.cluster.internal.TaskPeek;
import land.echo.cluster.internal.TaskProcessor;
import land.echo.cluster.internal.TaskResult;
import land.echo.cluster.internal.Tasks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member of an Echo cluster: an embedded Hazelcast member that accepts effects by name from any
 * member and runs them on this member's {@link ApplicationRuntime}, at their priority, on its
 * {@code EchoScheduler}.
 *
 * <pre>{@code
 * EffectRegistry registry = new EffectRegistry();
 * ClusterEffect<IndexRequest, CommonError, Integer> index =
 *     registry.register("index.file", IndexRequest.class, request -> indexFile(request));
 * try (EchoCluster cluster = EchoCluster.start(runtime, registry, ClusterConfig.builder().build())) {
 *   EffectHandle<CommonError, Integer> handle = cluster.submit(index, new IndexRequest("A.java"), Priority.LOW);
 *   Outcome<CommonError, Integer> outcome = handle.join();
 * }
 * }</pre>
 *
 * <h2>How an effect travels</h2>
 *
 * A submission writes a task (name, arguments, priority) into a partitioned map with synchronous
 * backups, in the partition of its routing key; once the write returns, the effect is accepted and
 * survives the loss of any one member. The partition's owner hears of it through a local listener
 * and queues it by priority in memory; its dispatcher claims the task (a compare-and-set on the map
 * entry), builds the effect from the registered factory and submits it to the runtime. Hazelcast's
 * threads only queue: nothing waits in a Hazelcast executor, and the order in which work starts is
 * the scheduler's. A member admits at most {@link ClusterConfig#admissionLimit()} effects at once
 * (HIGH ones beyond it); the rest stay queued in the map, where a member with idle workers takes
 * them, highest priority first. The result goes to a result map, whose listener on the submitting
 * member completes the handle. See docs/cluster.md.
 *
 * <p>Thread-safe.
 */
public final class EchoCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EchoCluster.class);
  private static final String TASKS = "echo.tasks";
  private static final String IDEMPOTENT = "echo.idempotent";
  private static final String CANCEL = "echo.cancel";
  private static final String RATE_LIMITS = "echo.ratelimits";
  private static final String BREAKERS = "echo.breakers";
  private static final String LOAD = "echo.load";
  /** After a member leaves or joins, how long every sweep looks for work to take over. */
  private static final long UNSETTLED_NANOS = TimeUnit.SECONDS.toNanos(15);
  /** Otherwise, one sweep in this many looks (a safety net; events announce new work). */
  private static final int QUIET_SWEEPS = 25;
  /** A handle waiting this long has its task read back now and then. */
  private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(10);
  /** The first type id of bucket4j-hazelcast's serializers. */
  private static final int BUCKET4J_TYPE_IDS = 10_000;
  private static final Priority[] BY_URGENCY = {Priority.HIGH, Priority.NORMAL, Priority.LOW};

  private final ApplicationRuntime runtime;
  private final EffectRegistry registry;
  private final ClusterConfig config;
  private final HazelcastInstance hazelcast;
  private final IMap<String, Task> tasks;
  private final IMap<String, TaskResult> idempotent;
  private final ITopic<String> cancels;
  private final String memberId;
  private final int admissionLimit;

  /** Tasks this member may claim, most urgent first. */
  private final PriorityBlockingQueue<Pending> pending = new PriorityBlockingQueue<>();
  /** The keys in {@link #pending}, so that a key is queued once. */
  private final Set<String> pendingKeys = ConcurrentHashMap.newKeySet();
  private final AtomicLong sequence = new AtomicLong();
  /** Effects this member runs, by task id. */
  private final Map<String, EffectHandle<?, ?>> running = new ConcurrentHashMap<>();
  /** The keys of the tasks this member runs, by task id. */
  private final Map<String, String> runningKeys = new ConcurrentHashMap<>();
  /** Tasks whose run is cancelled because this member hands them to another. */
  private final Set<String> handedOff = ConcurrentHashMap.newKeySet();
  /** Ids of tasks cancelled while not running here (when heard of), by when: see {@link #claimAndRun}. */
  private final Map<String, Long> cancelledEarly = new ConcurrentHashMap<>();
  /** Keys between the pending queue and {@link #runningKeys}, so that a sweep does not offer them again. */
  private final Set<String> startingKeys = ConcurrentHashMap.newKeySet();
  /** Handles waiting for a result, by task id. */
  private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
  private final AtomicInteger admitted = new AtomicInteger();
  private final Object slots = new Object();
  /** How long the dispatcher waits for a slot before it looks again; tests lengthen it. */
  volatile long slotWaitMillis = 50;
  private final Thread dispatcher;
  private final ScheduledExecutorService sweeper;
  /** Where results are written: IMap calls block, and never on an Echo worker. */
  private final ExecutorService io = Executors.newVirtualThreadPerTaskExecutor();
  private final ClusterPolicyState policyState;
  /** Each member's backlog (tasks it heard of and has not admitted), so that idle members steal only when it pays. */
  private final IMap<String, Integer> load;
  private int publishedBacklog = -1;
  private long sweeps;
  /** Until when (nanoTime) membership is unsettled: set when a member leaves or joins. */
  private volatile long unsettledUntil = System.nanoTime() + UNSETTLED_NANOS;
  private volatile boolean closing;
  private volatile boolean closed;

  private final LongAdder ran = new LongAdder();
  private final LongAdder reran = new LongAdder();
  private final LongAdder stolen = new LongAdder();
  private final LongAdder requeued = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  /** Offers dropped because another offer of the same task was being started: read by tests. */
  final LongAdder overlappingOffers = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder deliveredAfterFailover = new LongAdder();
  private final Map<String, LongAdder> deliveredBy = new ConcurrentHashMap<>();

  private EchoCluster(ApplicationRuntime runtime, EffectRegistry registry, ClusterConfig config,
      Consumer<Config> customizer) {
    this.runtime = runtime;
    this.registry = registry;
    this.config = config;
    this.admissionLimit = config.admissionLimit() > 0
        ? config.admissionLimit()
        : 4 * runtime.scheduler().config().workers();
    Config hc = hazelcastConfig(config, registry.freeze());
    customizer.accept(hc);
    hc.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false); // whatever the customizer did
    this.hazelcast = Hazelcast.newHazelcastInstance(hc);
    this.memberId = hazelcast.getCluster().getLocalMember().getUuid().toString();
    this.tasks = hazelcast.getMap(TASKS);
    this.idempotent = hazelcast.getMap(IDEMPOTENT);
    this.cancels = hazelcast.getTopic(CANCEL);
    this.load = hazelcast.getMap(LOAD);
    this.policyState = new ClusterPolicyState(hazelcast.getMap(RATE_LIMITS), hazelcast.getMap(BREAKERS), memberId, io);
    this.dispatcher = Thread.ofPlatform().daemon().name("echo-cluster-dispatcher").unstarted(this::dispatch);
    this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "echo-cluster-sweeper");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts a member serving {@code registry}'s effects on {@code runtime}, and joins the cluster.
   *
   * @param runtime the runtime that runs this member's share of the effects
   * @param registry the named effects; every member registers the same ones
   * @param config where to listen and whom to join
   * @return the running member
   * @throws IllegalStateException if the member cannot start (its port in use, for example)
   */
  public static EchoCluster start(ApplicationRuntime runtime, EffectRegistry registry, ClusterConfig config) {
    return start(runtime, registry, config, hc -> {});
  }

  /**
   * Starts a member as {@link #start(ApplicationRuntime, EffectRegistry, ClusterConfig)} does,
   * letting {@code hazelcast} adjust the member's Hazelcast configuration first, for what Echo does
   * not wrap (an executor's pool size, say). It runs after Echo's settings and may change them, at
   * the caller's risk; multicast stays off whatever it does.
   *
   * @param runtime the runtime that runs this member's share of the effects
   * @param registry the named effects; every member registers the same ones
   * @param config where to listen and whom to join
   * @param hazelcast adjusts the Hazelcast configuration Echo built
   * @return the running member
   * @throws IllegalStateException if the member cannot start (its port in use, for example)
   */
  public static EchoCluster start(ApplicationRuntime runtime, EffectRegistry registry, ClusterConfig config,
      Consumer<Config> hazelcast) {
    Objects.requireNonNull(runtime, "runtime");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(hazelcast, "hazelcast");
    EchoCluster cluster;
    try {
      cluster = new EchoCluster(runtime, registry, config, hazelcast);
    } catch (RuntimeException e) {
      throw new IllegalStateException("the cluster member could not start on " + config.host() + ":"
          + config.port() + ": " + e.getMessage(), e);
    }
    cluster.listen();
    return cluster;
  }

  static Config hazelcastConfig(ClusterConfig config, List<Class<?>> compactTypes) {
    Config hc = new Config();
    hc.setClusterName(config.clusterName());
    hc.setLiteMember(config.submitOnly());
    hc.setProperty("hazelcast.logging.type", "slf4j");
    hc.setProperty("hazelcast.phone.home.enabled", "false");
    hc.setProperty("hazelcast.shutdownhook.enabled", "false");
    hc.setProperty("hazelcast.local.localAddress", config.host());
    // A member joins a cluster it finds at once instead of waiting 5 s for more members to show up.
    hc.setProperty("hazelcast.wait.seconds.before.join", "1");
    hc.setProperty("hazelcast.heartbeat.interval.seconds", Long.toString(config.heartbeatInterval().toSeconds()));
    hc.setProperty("hazelcast.max.no.heartbeat.seconds", Long.toString(config.maxNoHeartbeat().toSeconds()));
    NetworkConfig network = hc.getNetworkConfig();
    network.setPort(config.port()).setPortAutoIncrement(false);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    List<String> members = new ArrayList<>(config.members());
    if (members.isEmpty()) {
      members.add(config.host() + ":" + config.port());
    }
    join.getTcpIpConfig().setEnabled(true).setMembers(members);
    SerializationConfig serialization = hc.getSerializationConfig();
    // Only the JDK's and Hazelcast's own classes may ever be read with Java serialization (Hazelcast
    // sends its exceptions that way); an application's class never is.
    serialization.setJavaSerializationFilterConfig(new JavaSerializationFilterConfig());
    serialization.getCompactSerializationConfig()
        .addSerializer(new Task.Serializer())
        .addSerializer(new TaskResult.Serializer())
        .addSerializer(new TaskProcessor.Serializer())
        .addSerializer(new TaskPeek.Serializer())
        .addSerializer(new BreakerRecord.Serializer());
    // bucket4j-hazelcast's entry processors, with its own serializers (not Java serialization).
    HazelcastProxyManager.addCustomSerializers(serialization, BUCKET4J_TYPE_IDS);
    for (Class<?> type : compactTypes) {
      serialization.getCompactSerializationConfig().addClass(type);
    }
    // Synchronous backups of the whole entry, claim and result included: a claim outlives its
    // member, so that the member taking the task over knows it as a second run.
    // A task's key is id@routingKey; the string strategy places it by the part after '@', so a task
    // lives in its routing key's partition (the default strategy hashes the whole key).
    hc.addMapConfig(new MapConfig(TASKS).setBackupCount(config.backupCount())
        // No index: the steal query is rare and scans few entries, while an index costs every write.
        .setPartitioningStrategyConfig(new PartitioningStrategyConfig(new StringPartitioningStrategy())));
    int ttl = (int) Math.min(Integer.MAX_VALUE, config.resultTtl().toSeconds());
    hc.addMapConfig(new MapConfig(LOAD).setBackupCount(config.backupCount()));
    hc.addMapConfig(new MapConfig(RATE_LIMITS).setBackupCount(config.backupCount()));
    hc.addMapConfig(new MapConfig(BREAKERS).setBackupCount(config.backupCount()));
    hc.addMapConfig(new MapConfig(IDEMPOTENT).setBackupCount(config.backupCount()).setTimeToLiveSeconds(ttl));
    return hc;
  }

  private void listen() {
    tasks.addLocalEntryListener(new TaskListener());
    // Each member hears of its own finished tasks only: the filter runs on the partition's owner.
    tasks.addEntryListener((EntryUpdatedListener<String, Task>) e -> deliver(e.getKey(), e.getValue().result()),
        Predicates.and(Predicates.equal("submitter", memberId), Predicates.equal("state", Task.DONE)), true);
    cancels.addMessageListener(m -> {
      EffectHandle<?, ?> handle = running.get(m.getMessageObject());
      if (handle != null) {
        handle.cancel("cancelled by its submitter");
      } else {
        // Perhaps a HIGH task claimed at submission and not started yet: it must not start.
        cancelledEarly.put(m.getMessageObject(), System.nanoTime());
      }
    });
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        unsettledUntil = System.nanoTime() + UNSETTLED_NANOS; // partitions migrate to it
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        LOG.info("cluster member {} left; its work is queued again", event.getMember().getUuid());
        unsettledUntil = System.nanoTime() + UNSETTLED_NANOS;
        String left = event.getMember().getUuid().toString();
        quietly(() -> load.delete(left));
        sweeper.execute(EchoCluster.this::sweepQuietly);
        // A result stored just before its partition's owner died may never have been announced.
        sweeper.schedule(() -> recheckQuietly(0), config.sweepInterval().toMillis() * 10, TimeUnit.MILLISECONDS);
      }
    });
    dispatcher.start();
    long every = config.sweepInterval().toMillis();
    sweeper.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Submits the registered effect {@code effect} with {@code args}, at {@code priority}.
   *
   * @param effect the registered effect
   * @param args its arguments
   * @param priority the priority it runs at on whichever member runs it
   * @param <A> the arguments' type
   * @param <E> the effect's domain error type
   * @param <T> the effect's success type
   * @return the handle, as for a local submission
   * @throws IllegalArgumentException if {@code args} is not an instance of the registered type
   */
  public <A, E, T> EffectHandle<E, T> submit(ClusterEffect<A, E, T> effect, A args, Priority priority) {
    return submit(effect, args, priority, SubmitOptions.defaults());
  }

  /**
   * Submits the registered effect {@code effect} with {@code args}, at {@code priority}, with
   * {@code options}.
   *
   * @param effect the registered effect
   * @param args its arguments
   * @param priority the priority it runs at on whichever member runs it
   * @param options routing, idempotency, timeout and retry
   * @param <A> the arguments' type
   * @param <E> the effect's domain error type
   * @param <T> the effect's success type
   * @return the handle, as for a local submission
   * @throws IllegalArgumentException if {@code args} is not an instance of the registered type, or
   *     {@code effect} is not this member's registration
   */
  public <A, E, T> EffectHandle<E, T> submit(ClusterEffect<A, E, T> effect, A args, Priority priority,
      SubmitOptions options) {
    Objects.requireNonNull(effect, "effect");
    Objects.requireNonNull(args, "args");
    ClusterEffect<?, ?, ?> registered = registry.lookup(effect.name());
    if (registered == null || registered.argType() != effect.argType()) {
      throw new IllegalArgumentException("'" + effect.name() + "' taking " + effect.argType().getName()
          + " is not registered in this member's registry");
    }
    if (!effect.argType().isInstance(args)) {
      throw new IllegalArgumentException("'" + effect.name() + "' takes " + effect.argType().getName()
          + ", was given " + args.getClass().getName());
    }
    return accept(effect.name(), args, priority, options);
  }

  /**
   * Submits the effect registered as {@code name}, for callers that know it by name only (scripts,
   * the command line). An unregistered name, or arguments of the wrong type, complete the handle at
   * once with {@code Failure(CommonError.InvalidArgument)} naming what was wrong; nothing is sent.
   *
   * @param name the registered name
   * @param args the arguments
   * @param priority the priority it runs at
   * @param options routing, idempotency, timeout and retry
   * @return the handle; its error type is the effect's, or {@link CommonError} for a refusal
   */
  public EffectHandle<Object, Object> submit(String name, Object args, Priority priority, SubmitOptions options) {
    Objects.requireNonNull(name, "name");
    ClusterEffect<?, ?, ?> effect = registry.lookup(name);
    if (effect == null) {
      return ClusterHandle.refused(new CommonError.InvalidArgument("name", "no effect is registered as '" + name
          + "'; registered: " + String.join(", ", registry.names())));
    }
    if (args == null || !effect.argType().isInstance(args)) {
      return ClusterHandle.refused(new CommonError.InvalidArgument("args", "'" + name + "' takes "
          + effect.argType().getName() + ", was given " + (args == null ? "null" : args.getClass().getName())));
    }
    return accept(name, args, priority, options);
  }

  private <E, T> EffectHandle<E, T> accept(String name, Object args, Priority priority, SubmitOptions options) {
    Objects.requireNonNull(priority, "priority");
    Objects.requireNonNull(options, "options");
    if (closing) {
      return ClusterHandle.faulted(new Fault.Rejected("the cluster member " + memberId + " is closing"));
    }
    String id = UUID.randomUUID().toString();
    String key = id + "@" + options.routingKey().orElse(id);
    long deadline = options.timeout().map(t -> System.currentTimeMillis() + t.toMillis()).orElse(0L);
    Task task = Task.queued(id, name, args, priority.ordinal(), memberId, options.idempotencyKey().orElse(""),
        deadline, options.timeout().map(Duration::toMillis).orElse(0L), options.retries(),
        options.retryDelay().toMillis());
    ClusterHandle<E, T> handle = new ClusterHandle<>(reason -> cancelRemote(key, id));
    Waiting sent = new Waiting(handle, key, System.nanoTime(), false);
    waiting.put(id, sent); // before the task exists, so that its result cannot arrive unheard
    try {
      // Returns once the owner and the backups hold it: accepted. HIGH is stored already claimed by
      // the partition's owner, which then starts it without a claim round trip of its own.
      if (priority == Priority.HIGH) {
        tasks.executeOnKey(key, TaskProcessor.submit(task));
      } else {
        tasks.set(key, task);
      }
      waiting.replace(id, sent, new Waiting(handle, key, sent.since(), true));
    } catch (RuntimeException e) {
      waiting.remove(id);
      handle.finish(Outcome.faulted(new Fault.Rejected("the cluster did not accept the effect: " + e.getMessage())));
      return handle;
    }
    options.timeout().ifPresent(t -> sweeper.schedule(() -> {
      if (handle.finish(Outcome.faulted(new Fault.TimedOut(t)))) {
        waiting.remove(id);
        cancelRemote(key, id);
      }
    }, t.toMillis(), TimeUnit.MILLISECONDS));
    return handle;
  }

  private void deliver(String key, TaskResult result) {
    Waiting w = waiting.remove(result.id());
    if (w != null) {
      w.handle().finish(Tasks.outcome(result), () -> { // counted before join() returns
        delivered.increment();
        deliveredBy.computeIfAbsent(result.member(), m -> new LongAdder()).increment();
        if (result.runs() > 1) {
          deliveredAfterFailover.increment();
        }
      });
    }
    quietly(() -> tasks.delete(key)); // heard: the task's life ends
  }

  private void recheckQuietly(long olderThanNanos) {
    try {
      recheck(olderThanNanos);
    } catch (RuntimeException e) {
      if (!closing) {
        LOG.debug("cluster recheck failed; the next one retries", e);
      }
    }
  }

  /**
   * Reads the tasks of handles waiting longer than {@code olderThanNanos}: a result whose
   * announcement was lost (its partition's owner died right after storing it) is delivered, and a
   * task that is gone while its handle waits (lost with every copy of its partition) fails its
   * handle instead of leaving it waiting for ever.
   */
  private void recheck(long olderThanNanos) {
    long now = System.nanoTime();
    Map<String, String> keys = new HashMap<>();
    for (Map.Entry<String, Waiting> entry : waiting.entrySet()) {
      if (entry.getValue().accepted() && now - entry.getValue().since() >= olderThanNanos) {
        keys.put(entry.getValue().key(), entry.getKey());
      }
    }
    if (keys.isEmpty()) {
      return;
    }
    // A read-only processor answers with the result or a marker, not the whole task.
    Map<String, Object> found = tasks.executeOnKeys(keys.keySet(), new TaskPeek());
    for (Map.Entry<String, String> entry : keys.entrySet()) {
      Object answer = found.get(entry.getKey());
      if (answer == null || TaskPeek.GONE.equals(answer)) {
        Waiting w = waiting.remove(entry.getValue());
        if (w != null && w.handle().finish(Outcome.faulted(new Fault.Rejected("the cluster lost the effect: "
            + "every copy of its partition is gone (more members left at once than the backup count)")))) {
          LOG.warn("cluster task {} was lost with its partition's members", entry.getKey());
        }
      } else if (answer instanceof TaskResult result) {
        deliver(entry.getKey(), result);
      }
    }
  }

  private void cancelRemote(String key, String id) {
    waiting.remove(id);
    // Removing the task keeps it from starting (a member checks for it once it has claimed it) and
    // from running again after a failover; the topic reaches the member running it, if any.
    quietly(() -> {
      if (tasks.remove(key) != null) {
        cancels.publish(id);
      }
    });
  }

  private final class TaskListener implements EntryAddedListener<String, Task> {
    @Override
    public void entryAdded(com.hazelcast.core.EntryEvent<String, Task> event) {
      offer(event.getKey(), event.getValue());
    }
  }

  /**
   * Queues a task for this member's dispatcher, unless it is cancelled, queued already, or being
   * started or running here; returns whether it was queued.
   */
  boolean offer(String key, Task task) {
    if (task.cancelled() || !pendingKeys.add(key)) {
      return false;
    }
    // A task moves from pendingKeys to startingKeys to runningKeys, each entered before the last
    // is left, so reading them in that order after the add finds one that is on its way: a sweep's
    // snapshot read before the task was started, offered while it starts or runs, is refused here.
    // Queued, it would sit in the pending queue (and its count) while the real one runs, as long
    // as a LOW task waits for a slot.
    if (startingKeys.contains(key) || runningKeys.containsValue(key)) {
      pendingKeys.remove(key);
      return false;
    }
    pending.add(new Pending(key, task, task.priority(), sequence.getAndIncrement()));
    if (task.priority() == Priority.HIGH.ordinal()) {
      // The dispatcher may be waiting for a slot, with LOW work at the head of the queue: HIGH
      // is admitted beyond the limit, so wake it now rather than when a slot frees.
      synchronized (slots) {
        slots.notifyAll();
      }
    }
    return true;
  }

  /** The dispatcher: claims the most urgent pending task while the admission limit allows. */
  private void dispatch() {
    while (!closing) {
      Pending next;
      try {
        next = pending.poll(100, TimeUnit.MILLISECONDS);
        if (next == null) {
          continue;
        }
        if (next.priority() != Priority.HIGH.ordinal() && admitted.get() >= admissionLimit) {
          pending.add(next);
          synchronized (slots) {
            // A HIGH task offered meanwhile is at the head: it needs no slot (offer() notifies
            // under this lock after adding, so checking here loses no wake-up).
            Pending head = pending.peek();
            if (admitted.get() >= admissionLimit && (head == null || head.priority() != Priority.HIGH.ordinal())) {
              slots.wait(slotWaitMillis);
            }
          }
          continue;
        }
      } catch (InterruptedException e) {
        return;
      }
      if (!startingKeys.add(next.key())) {
        // Another offer of this task is being claimed or started: a sweep's snapshot taken before
        // that start. Two starts in flight at once could both find the task "RUNNING, owned by this
        // member" and not yet in runningKeys, and both run it. The start in flight settles the
        // task; if it fails, the task is queued again and a later sweep offers it anew.
        pendingKeys.remove(next.key());
        overlappingOffers.increment();
        continue;
      }
      pendingKeys.remove(next.key());
      // The slot is taken now; the claim and the start run on a virtual thread, so that claims
      // (map round trips) overlap instead of queuing behind this thread.
      admitted.incrementAndGet();
      if (next.priority() == Priority.HIGH.ordinal()) {
        // HIGH is claimed here, at once: on the virtual threads it would queue behind the LOW
        // work's claims and results, first come first served.
        claimAndStart(next);
        continue;
      }
      try {
        io.execute(() -> claimAndStart(next));
      } catch (RuntimeException e) {
        startingKeys.remove(next.key());
        release(); // closing: the executor is shut down
      }
    }
  }

  private void claimAndStart(Pending next) {
    boolean started = false;
    try {
      started = claimAndRun(next.key(), next.task());
    } catch (RuntimeException e) {
      if (!closing) {
        LOG.warn("could not start cluster task {}", next.key(), e);
      }
    } finally {
      startingKeys.remove(next.key());
      if (!started) {
        release();
      }
    }
  }

  /** Claims and starts a task; returns whether it started (its slot is then released when it ends). */
  private boolean claimAndRun(String key, Task task) {
    if (task.state() == Task.RUNNING && task.owner().equals(memberId)) {
      // Claimed for this member at its submission (HIGH), or found so by a sweep after its event
      // was missed: it is this member's to start, with no claim of its own.
      if (cancelledEarly.remove(task.id()) != null || runningKeys.containsValue(key)) {
        return false;
      }
      // The snapshot may be older than a run of it that has finished since. runningKeys drops the
      // key only once the result is stored, so the entry, read after it, says whether the task
      // still waits to start here.
      Task current = tasks.get(key);
      if (current == null || current.state() != Task.RUNNING || !current.owner().equals(memberId)) {
        return false;
      }
      return startClaimed(key, current);
    }
    // One operation on the task's entry: it claims a queued task, or names the member running it;
    // a task that is gone, cancelled or done yields nothing.
    Object answer = tasks.executeOnKey(key, TaskProcessor.claim(memberId, ""));
    if (answer instanceof String owner) {
      if (owner.equals(memberId) || alive(owner)) {
        return false; // it runs here or on another member
      }
      answer = tasks.executeOnKey(key, TaskProcessor.claim(memberId, owner)); // its member left while running it
      if (answer instanceof Task) {
        requeued.increment();
      }
    }
    if (!(answer instanceof Task claimed)) {
      return false;
    }
    return startClaimed(key, claimed);
  }

  private boolean startClaimed(String key, Task claimed) {
    // (A partition has no owner for a moment while it migrates after a member left.)
    Member owner = hazelcast.getPartitionService().getPartition(key).getOwner();
    if (owner != null && !owner.localMember()) {
      stolen.increment();
    }
    try {
      return run(key, claimed);
    } catch (RuntimeException e) {
      // Claimed but not started: left claimed by a live member, it would never run. Queued again.
      quietly(() -> tasks.executeOnKey(key, TaskProcessor.release(memberId)));
      throw e;
    }
  }

  private boolean alive(String member) {
    for (Member m : hazelcast.getCluster().getMembers()) {
      if (m.getUuid().toString().equals(member)) {
        return true;
      }
    }
    return false;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private boolean run(String key, Task task) {
    if (task.runs() > 1) {
      reran.increment();
    }
    if (!task.idempotencyKey().isEmpty()) {
      TaskResult prior = idempotent.get(task.idempotencyKey());
      if (prior != null) {
        duplicates.increment();
        publish(key, task, Tasks.readdressed(prior, task));
        return false;
      }
    }
    long remaining = task.deadlineMillis() == 0 ? Long.MAX_VALUE : task.deadlineMillis() - System.currentTimeMillis();
    if (remaining <= 0) {
      publish(key, task, Tasks.result(task, memberId,
          Outcome.faulted(new Fault.TimedOut(Duration.ofMillis(task.timeoutMillis())))));
      return false;
    }
    ClusterEffect<?, ?, ?> registered = registry.lookup(task.name());
    if (registered == null) {
      publish(key, task, Tasks.result(task, memberId, Outcome.faulted(new Fault.Rejected("member " + memberId
          + " has no effect registered as '" + task.name() + "'"))));
      return false;
    }
    ActionEffect effect;
    try {
      effect = registered.build(task.args());
    } catch (RuntimeException e) {
      publish(key, task, Tasks.result(task, memberId, Outcome.faulted(new Fault.Panic(e))));
      return false;
    }
    if (task.retries() > 0) {
      effect = effect.retry(RetryPolicy.of(task.retries(), Duration.ofMillis(task.retryDelayMillis())));
    }
    RunOptions options = RunOptions.defaults().withPriority(Priority.values()[task.priority()]);
    if (remaining != Long.MAX_VALUE) {
      options = options.withTimeout(Duration.ofMillis(remaining));
    }
    ran.increment();
    EffectHandle<?, ?> handle = runtime.submit(effect, options);
    running.put(task.id(), handle);
    runningKeys.put(task.id(), key);
    handle.outcome().thenAcceptAsync(outcome -> {
      running.remove(task.id());
      release();
      try {
        if (handedOff.remove(task.id())) {
          return; // queued again for another member; nothing to publish
        }
        finish(key, task, outcome);
      } finally {
        // Only once the result is stored: until then a sweep would find the task running here,
        // and, claimed by this member, offer it again.
        runningKeys.remove(task.id());
      }
    }, io);
    return true;
  }

  private void release() {
    admitted.decrementAndGet();
    synchronized (slots) {
      slots.notifyAll();
    }
  }

  private void finish(String key, Task task, Outcome<?, ?> outcome) {
    if (outcome instanceof Outcome.Faulted<?, ?> f && f.fault() instanceof Fault.TimedOut && task.timeoutMillis() > 0) {
      // The run had what was left of the budget; the caller set, and sees, the whole budget.
      outcome = Outcome.faulted(new Fault.TimedOut(Duration.ofMillis(task.timeoutMillis())));
    }
    TaskResult result = Tasks.result(task, memberId, outcome);
    if (!task.idempotencyKey().isEmpty()) {
      TaskResult prior = idempotent.putIfAbsent(task.idempotencyKey(), result);
      if (prior != null) {
        duplicates.increment();
        result = Tasks.readdressed(prior, task);
      }
    }
    publish(key, task, result);
  }

  private void publish(String key, Task task, TaskResult result) {
    // The result goes into the task's entry (with its backup), which announces it to the submitter;
    // the submitter deletes the entry once it has heard. A member that dies before this leaves the
    // task claimed by a departed member, which another member runs again.
    try {
      tasks.executeOnKey(key, TaskProcessor.complete(result));
    } catch (RuntimeException e) {
      if (!closed) {
        LOG.warn("could not publish the result of cluster task {}", task.id(), e);
      }
    }
  }

  /**
   * Runs map calls on a virtual thread, logging a failure. Echo makes the blocking calls on
   * virtual threads rather than use Hazelcast's asynchronous ones: without an executor of its own,
   * Hazelcast runs their callbacks on its default executor, which on a machine of two CPUs (a common
   * pool of parallelism 1) starts a platform thread per callback.
   */
  private void quietly(Runnable calls) {
    try {
      io.execute(() -> {
        try {
          calls.run();
        } catch (RuntimeException e) {
          if (!closed) {
            LOG.warn("a cluster map call failed", e);
          }
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed
    }
  }

  private void sweepQuietly() {
    try {
      sweep();
    } catch (RuntimeException e) {
      if (!closing) {
        LOG.debug("cluster sweep failed; the next one retries", e);
      }
    }
  }

  /**
   * Looks for work this member should take: queued tasks in its own partitions that it has not
   * heard of (partitions it gained when a member left or joined), tasks whose owner left (queued
   * again, to run anew), and, when idle, queued tasks on other members, most urgent first.
   */
  private void sweep() {
    if (closing) {
      return;
    }
    long forgetBefore = System.nanoTime() - TimeUnit.MINUTES.toNanos(1);
    cancelledEarly.values().removeIf(at -> at - forgetBefore < 0);
    boolean unsettled = System.nanoTime() - unsettledUntil < 0;
    boolean now = ++sweeps % QUIET_SWEEPS == 0;
    if (now) {
      recheck(RECHECK_NANOS); // a safety net: results are announced by events
    }
    if (config.submitOnly()) {
      return;
    }
    // Every sweep while membership is unsettled (partitions move, a departed member's work waits),
    // else now and then: new work is announced by events, and this only catches what they missed.
    if (unsettled || now) {
      takeOver();
    }
    int backlog = pending.size();
    if (backlog != publishedBacklog) {
      load.set(memberId, backlog);
      publishedBacklog = backlog;
    }
    int room = admissionLimit - admitted.get() - backlog;
    if (room > 0 && backlogElsewhere()) {
      steal(room);
    }
  }

  /**
   * Offers the tasks of this member's partitions that nobody runs: unclaimed ones it has not heard
   * of (its partitions changed hands) and those whose member left while running them.
   */
  private void takeOver() {
    Set<String> alive = hazelcast.getCluster().getMembers().stream()
        .map(m -> m.getUuid().toString()).collect(Collectors.toSet());
    Set<String> candidates = new java.util.HashSet<>(tasks.localKeySet());
    candidates.removeAll(pendingKeys);
    candidates.removeAll(runningKeys.values());
    candidates.removeAll(startingKeys);
    if (candidates.isEmpty()) {
      return;
    }
    for (Map.Entry<String, Task> entry : tasks.getAll(candidates).entrySet()) {
      Task task = entry.getValue();
      switch (task.state()) {
        case Task.QUEUED -> offer(entry.getKey(), task);
        case Task.RUNNING -> {
          if (!alive.contains(task.owner())) {
            offer(entry.getKey(), task); // its member left while running it
          } else if (task.owner().equals(memberId)) {
            offer(entry.getKey(), task); // claimed for this member at submission; its event was missed
          }
        }
        default -> {
          if (!alive.contains(task.submitter())) {
            tasks.delete(entry.getKey()); // done, and nobody is left to hear of it
          }
        }
      }
    }
  }

  /** Whether another member has tasks waiting for admission: only then does stealing pay. */
  private boolean backlogElsewhere() {
    Set<String> others = new java.util.HashSet<>();
    for (Member member : hazelcast.getCluster().getMembers()) {
      if (!member.localMember() && !member.isLiteMember()) {
        others.add(member.getUuid().toString());
      }
    }
    if (others.isEmpty()) {
      return false;
    }
    for (Integer backlog : load.getAll(others).values()) {
      if (backlog != null && backlog > 0) {
        return true;
      }
    }
    return false;
  }

  private void steal(int room) {
    for (Priority priority : BY_URGENCY) {
      Predicate<String, Task> queued = Predicates.and(Predicates.equal("priority", priority.ordinal()),
          Predicates.equal("state", Task.QUEUED));
      for (Map.Entry<String, Task> entry : tasks.entrySet(Predicates.pagingPredicate(queued, room))) {
        offer(entry.getKey(), entry.getValue());
        if (--room == 0) {
          return;
        }
      }
    }
  }

  /**
   * Returns the policy state shared by the cluster's members, for {@code
   * CircuitBreaker.builder(name).sharedState(cluster.policyState())} and {@code
   * RateLimit.builder(name).sharedState(cluster.policyState())}: a breaker that opens on one member
   * opens on all, and every member's rate limit of one name takes from one bucket.
   *
   * @return the shared policy state
   */
  public SharedPolicyState policyState() {
    return policyState;
  }

  /**
   * Returns this member's id (its Hazelcast member UUID).
   *
   * @return the id
   */
  public String memberId() {
    return memberId;
  }

  /**
   * Returns the ids of the cluster's members, this one included.
   *
   * @return the member ids
   */
  public List<String> members() {
    return hazelcast.getCluster().getMembers().stream().map(Member::getUuid).map(UUID::toString).toList();
  }

  /**
   * Returns this member's counters.
   *
   * @return a snapshot of what this member ran, took and queued again
   */
  public ClusterStats stats() {
    return new ClusterStats(memberId, hazelcast.getCluster().getMembers().size(), pending.size(), running.size(),
        ran.sum(), reran.sum(), stolen.sum(), requeued.sum(), duplicates.sum(), delivered.sum(),
        deliveredAfterFailover.sum(), deliveredBy.entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().sum())));
  }

  /**
   * Leaves the cluster gracefully: admits nothing more, waits up to the drain timeout for running
   * effects, queues what still runs again for other members, then leaves (Hazelcast migrates this
   * member's partitions, with their queued tasks, to the others). Handles still waiting for a
   * result complete with {@code Faulted(Rejected)}. Idempotent; does not close the runtime.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closing = true;
    dispatcher.interrupt();
    long deadline = System.nanoTime() + config.drainTimeout().toNanos();
    while (!running.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (Map.Entry<String, EffectHandle<?, ?>> entry : running.entrySet()) {
      handedOff.add(entry.getKey());
      entry.getValue().cancel("the cluster member is leaving; another member runs it");
      String key = runningKeys.get(entry.getKey());
      if (key != null) {
        tasks.executeOnKey(key, TaskProcessor.release(memberId)); // queued: the partition's owner offers it again
      }
    }
    for (Pending p : pending) {
      if (p.task().state() == Task.RUNNING && p.task().owner().equals(memberId)) {
        // Claimed for this member at submission and never started: queued again for the others.
        try {
          tasks.executeOnKey(p.key(), TaskProcessor.release(memberId));
        } catch (RuntimeException e) {
          LOG.debug("could not hand off cluster task {}; it runs again once this member has left", p.key(), e);
        }
      }
    }
    load.delete(memberId);
    closed = true;
    sweeper.shutdownNow();
    hazelcast.shutdown();
    io.shutdown();
    for (Waiting w : waiting.values()) {
      w.handle().finish(Outcome.faulted(new Fault.Rejected("the cluster member " + memberId
          + " left before the result arrived")));
    }
    waiting.clear();
  }

  /**
   * A handle waiting for its task's result, since {@code since} (nanoTime); {@code accepted} once
   * the task is stored (before that, a read finds no task, and that does not mean it was lost).
   */
  private record Waiting(ClusterHandle<?, ?> handle, String key, long since, boolean accepted) {}

  /** A task key waiting in this member's queue: most urgent first, then oldest. */
  private record Pending(String key, Task task, int priority, long sequence) implements Comparable<Pending> {
    private static final Comparator<Pending> ORDER =
        Comparator.comparingInt((Pending p) -> p.priority).thenComparingLong(p -> p.sequence); // HIGH is 0

    @Override
    public int compareTo(Pending other) {
      return ORDER.compare(this, other);
    }
  }

  /** For tests: the runtime this member runs effects on. */
  ApplicationRuntime runtime() {
    return runtime;
  }

  /**
   * Returns the embedded Hazelcast member, for what Echo does not wrap. Echo's own maps and topics
   * are named {@code echo.*}; leave them alone.
   *
   * @return the Hazelcast member
   */
  public HazelcastInstance hazelcast() {
    return hazelcast;
  }
}
