package land.echo.bench;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;

/**
 * An OpenTelemetry SDK provider whose spans are really recorded, then dropped when they end.
 *
 * <p>An {@code SdkTracerProvider} built without any span processor hands out non-recording
 * {@code PropagatedSpan}s (about 2 ns per span): a benchmark on such a provider measures no
 * tracing at all. This one samples every span and registers a processor that asks for the end
 * callback and discards the span there, so the SDK builds, times and ends each span as in
 * production, and only the export (off the thread, in a batch processor) is left out.
 * Thread-safety: the SDK's.
 */
final class RecordingTracer {
  private RecordingTracer() {}

  /** Returns a provider that records every span and drops it when it ends. */
  static SdkTracerProvider provider() {
    return SdkTracerProvider.builder().setSampler(Sampler.alwaysOn()).addSpanProcessor(new Dropping()).build();
  }

  /** Asks for the end of every span and drops it. */
  private static final class Dropping implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {}

    @Override
    public boolean isEndRequired() {
      return true;
    }
  }
}
