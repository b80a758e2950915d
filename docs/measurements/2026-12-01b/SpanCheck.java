import io.opentelemetry.sdk.trace.*;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.api.trace.*;
public class SpanCheck {
  public static void main(String[] a) {
    SdkTracerProvider p = SdkTracerProvider.builder().setSampler(Sampler.alwaysOn()).addSpanProcessor(new SpanProcessor(){ public void onStart(io.opentelemetry.context.Context c, ReadWriteSpan s){} public boolean isStartRequired(){return false;} public void onEnd(ReadableSpan s){} public boolean isEndRequired(){return true;} }).build();
    Tracer t = p.get("x");
    Span s = t.spanBuilder("s").startSpan();
    System.out.println(s.getClass() + " recording=" + s.isRecording() + " sampled=" + s.getSpanContext().isSampled());
    for (int r = 0; r < 5; r++) { long t0 = System.nanoTime(); for (int i = 0; i < 1_000_000; i++) { Span x = t.spanBuilder("s").setAttribute("a", "b").startSpan(); x.addEvent("e"); x.end(); } System.out.println((System.nanoTime()-t0)/1e6 + " ns/span"); }
  }
}
