package land.echo.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import land.echo.ActionEffect;
import land.echo.CommonError;

/**
 * The named effect factories a member serves. Every member of a cluster registers the same names
 * with the same types: effects cross the network by name, with their arguments, and never as code.
 *
 * <pre>{@code
 * EffectRegistry registry = new EffectRegistry();
 * ClusterEffect<IndexRequest, CommonError, Integer> index =
 *     registry.register("index.file", IndexRequest.class, request -> indexFile(request));
 * }</pre>
 *
 * <p>Arguments, results and domain errors travel with Hazelcast's Compact serialization: a {@code
 * String}, a {@code Long}, {@code Integer}, {@code Double}, {@code Boolean} or {@code byte[]}
 * travels as is; any other type must be one that Compact serializes (a record needs no
 * boilerplate). The registry registers the argument type, and the result and error types given to
 * {@link #register(String, Class, Class, Class, Function)}, with Compact, including every permitted
 * subclass of a sealed type; {@link CommonError}'s records are always registered. Java serialization
 * is never used.
 *
 * <p>Thread-safe. Registration ends when a cluster member starts with the registry: a later
 * {@code register} throws {@link IllegalStateException}.
 */
public final class EffectRegistry {
  /** The longest name accepted. */
  public static final int MAX_NAME_LENGTH = 200;

  private final Map<String, ClusterEffect<?, ?, ?>> effects = new LinkedHashMap<>();
  private final Set<Class<?>> compactTypes = new LinkedHashSet<>();
  private boolean frozen;

  /** Creates an empty registry. */
  public EffectRegistry() {
    addCompact(CommonError.class);
  }

  /**
   * Registers {@code factory} under {@code name}, for arguments of {@code argType}.
   *
   * @param name the name submissions use: 1 to {@value #MAX_NAME_LENGTH} printable characters
   * @param argType the arguments' type
   * @param factory builds the effect from the arguments, on the member that runs it
   * @param <A> the arguments' type
   * @param <E> the effect's domain error type
   * @param <T> the effect's success type
   * @return the key to submit the effect by
   * @throws IllegalArgumentException if the name is invalid or already registered
   * @throws IllegalStateException if a member already started with this registry
   */
  public <A, E, T> ClusterEffect<A, E, T> register(
      String name, Class<A> argType, Function<? super A, ? extends ActionEffect<E, T>> factory) {
    return register(name, argType, null, null, factory);
  }

  /**
   * Registers {@code factory} under {@code name}, and its result and error types with Compact
   * serialization (needed for a type that is {@code Serializable}, which Compact would otherwise
   * leave to Java serialization, which members refuse).
   *
   * @param name the name submissions use: 1 to {@value #MAX_NAME_LENGTH} printable characters
   * @param argType the arguments' type
   * @param resultType the success type, or null to leave it to Compact's defaults
   * @param errorType the domain error type (a sealed interface brings its records), or null
   * @param factory builds the effect from the arguments, on the member that runs it
   * @param <A> the arguments' type
   * @param <E> the effect's domain error type
   * @param <T> the effect's success type
   * @return the key to submit the effect by
   * @throws IllegalArgumentException if the name is invalid or already registered
   * @throws IllegalStateException if a member already started with this registry
   */
  public synchronized <A, E, T> ClusterEffect<A, E, T> register(
      String name, Class<A> argType, Class<T> resultType, Class<E> errorType,
      Function<? super A, ? extends ActionEffect<E, T>> factory) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(argType, "argType");
    Objects.requireNonNull(factory, "factory");
    if (frozen) {
      throw new IllegalStateException("the registry is in use by a cluster member; register '" + name
          + "' before EchoCluster.start");
    }
    checkName(name);
    if (effects.containsKey(name)) {
      throw new IllegalArgumentException("an effect is already registered as '" + name + "'");
    }
    if (argType.isPrimitive()) {
      throw new IllegalArgumentException("argType must be a class, not the primitive " + argType
          + " (use its box, for example Long.class)");
    }
    ClusterEffect<A, E, T> effect = new ClusterEffect<>(name, argType, factory);
    effects.put(name, effect);
    addCompact(argType);
    if (resultType != null) {
      addCompact(resultType);
    }
    if (errorType != null) {
      addCompact(errorType);
    }
    return effect;
  }

  /**
   * Registers {@code type} with Compact serialization on the member, for objects the application
   * itself sends through the cluster's Hazelcast (a task for Hazelcast's own executor, say), since
   * Java serialization is refused. Argument, result and error types of registered effects need no
   * call.
   *
   * @param type a class Compact can serialize (a record needs no boilerplate)
   * @return this registry
   * @throws IllegalStateException if a member already started with this registry
   */
  public synchronized EffectRegistry registerType(Class<?> type) {
    Objects.requireNonNull(type, "type");
    if (frozen) {
      throw new IllegalStateException("the registry is in use by a cluster member; register " + type.getName()
          + " before EchoCluster.start");
    }
    addCompact(type);
    return this;
  }

  /** Validates a name: the message names what is wrong. */
  static void checkName(String name) {
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException("name must be at most " + MAX_NAME_LENGTH + " characters, was "
          + name.length());
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        throw new IllegalArgumentException("name must not contain control characters, '"
            + name.replaceAll("\\p{Cntrl}", "?") + "' has one at " + i);
      }
    }
  }

  private void addCompact(Class<?> type) {
    if (type.isSealed()) {
      for (Class<?> sub : type.getPermittedSubclasses()) {
        addCompact(sub);
      }
    } else if (!type.isInterface() && !type.isPrimitive() && !isBuiltIn(type)) {
      compactTypes.add(type);
    }
  }

  private static boolean isBuiltIn(Class<?> type) {
    return type == String.class || type == Long.class || type == Integer.class || type == Double.class
        || type == Boolean.class || type == byte[].class || type == Object.class;
  }

  /**
   * Returns the effect registered as {@code name}, or null.
   *
   * @param name a name
   * @return its registration, or null if none
   */
  public synchronized ClusterEffect<?, ?, ?> lookup(String name) {
    return effects.get(name);
  }

  /**
   * Returns the registered names, in registration order.
   *
   * @return the names
   */
  public synchronized List<String> names() {
    return List.copyOf(effects.keySet());
  }

  /** Ends registration and returns the types to register with Compact. */
  synchronized List<Class<?>> freeze() {
    frozen = true;
    return new ArrayList<>(compactTypes);
  }
}
