package land.echo.internal;

import java.util.List;
import land.echo.spi.ContextPropagator.Captured;
import land.echo.spi.ContextPropagator.Scope;
import land.echo.spi.ContextPropagator;
import land.echo.spi.EffectInfo;

/**
 * The runtime's side of {@link ContextPropagator}: composes several propagators into one and
 * guards every call into them, so that a propagator that throws never breaks an effect (the effect
 * runs on without that context; the failure is logged). Stateless; thread-safe.
 */
public final class ContextScopes {
  /** The scope of a restore that failed: nothing to put back. */
  private static final Scope NONE = () -> {};

  private ContextScopes() {}

  /** Returns null for no propagators, the one propagator, or one that captures and restores all in order. */
  public static ContextPropagator compose(List<ContextPropagator> propagators) {
    return switch (propagators.size()) {
      case 0 -> null;
      case 1 -> propagators.get(0);
      default -> {
        ContextPropagator[] all = propagators.toArray(new ContextPropagator[0]);
        yield new ContextPropagator() {
          @Override
          public Captured capture() {
            return composite(all, null);
          }

          @Override
          public Captured capture(EffectInfo effect) {
            return composite(all, effect);
          }
        };
      }
    };
  }

  /** Captures with every propagator in order (for {@code effect} when not null) into one snapshot. */
  private static Captured composite(ContextPropagator[] all, EffectInfo effect) {
    Captured[] captured = new Captured[all.length];
    for (int i = 0; i < all.length; i++) {
      captured[i] = effect == null ? capture(all[i]) : capture(all[i], effect);
    }
    return () -> {
      Scope[] scopes = new Scope[captured.length];
      for (int i = 0; i < captured.length; i++) {
        scopes[i] = enter(captured[i]);
      }
      return () -> {
        // Innermost first, as nested try-with-resources would.
        for (int i = scopes.length - 1; i >= 0; i--) {
          exit(scopes[i]);
        }
      };
    };
  }

  /**
   * Returns whether some propagator overrides {@link ContextPropagator#capture(EffectInfo)}: only
   * then does the runtime build an {@link EffectInfo} to capture with.
   */
  public static boolean wantsEffectInfo(List<ContextPropagator> propagators) {
    for (ContextPropagator propagator : propagators) {
      try {
        if (propagator.getClass().getMethod("capture", EffectInfo.class).getDeclaringClass()
            != ContextPropagator.class) {
          return true;
        }
      } catch (NoSuchMethodException | SecurityException e) {
        return true; // cannot tell: give it the info
      }
    }
    return false;
  }

  /** Captures with {@code propagator} for {@code effect}, or returns null if it threw (or returned null). */
  public static Captured capture(ContextPropagator propagator, EffectInfo effect) {
    try {
      return propagator.capture(effect);
    } catch (Throwable t) {
      RuntimeCore.logQuietly("A context propagator failed to capture; the effect runs without its context", t);
      return null;
    }
  }

  /** Captures with {@code propagator}, or returns null if it threw (or returned null). */
  public static Captured capture(ContextPropagator propagator) {
    try {
      return propagator.capture();
    } catch (Throwable t) {
      RuntimeCore.logQuietly("A context propagator failed to capture; the effect runs without its context", t);
      return null;
    }
  }

  /** Restores {@code captured} (null for none) on the calling thread; never throws, never returns null. */
  public static Scope enter(Captured captured) {
    if (captured == null) {
      return NONE;
    }
    try {
      Scope scope = captured.restore();
      return scope == null ? NONE : scope;
    } catch (Throwable t) {
      RuntimeCore.logQuietly("A context propagator failed to restore; the code runs without its context", t);
      return NONE;
    }
  }

  /** Closes {@code scope}; never throws. */
  public static void exit(Scope scope) {
    try {
      scope.close();
    } catch (Throwable t) {
      RuntimeCore.logQuietly("A context propagator failed to close its scope", t);
    }
  }
}
