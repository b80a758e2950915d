package land.echo.cli.demo;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import land.echo.jfr.JfrListener;
import land.echo.observability.prometheus.PrometheusEndpoint;

/**
 * The demo's optional outputs: a Prometheus endpoint over the Echo run's meters ({@code
 * --metrics-port}) and a JFR recording with Echo's events ({@code --jfr}). Closing it stops both.
 *
 * <p>Not thread-safe; the demo command owns it.
 */
public final class DemoTelemetry implements AutoCloseable {
  private final PrometheusMeterRegistry registry;
  private final PrometheusEndpoint endpoint;
  private final Recording recording;
  private final Path jfrFile;

  private DemoTelemetry(PrometheusMeterRegistry registry, PrometheusEndpoint endpoint, Recording recording, Path jfrFile) {
    this.registry = registry;
    this.endpoint = endpoint;
    this.recording = recording;
    this.jfrFile = jfrFile;
  }

  /**
   * Starts what was asked for.
   *
   * @param jfrFile where to write a JFR recording, or null for none
   * @param metricsPort the port to serve Prometheus metrics on (0 for any), or null for none
   * @return the running telemetry
   * @throws IOException if the port cannot be bound or the JFR settings cannot be read
   */
  public static DemoTelemetry start(Path jfrFile, Integer metricsPort) throws IOException {
    PrometheusMeterRegistry registry = null;
    PrometheusEndpoint endpoint = null;
    Recording recording = null;
    try {
      if (metricsPort != null) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        endpoint = PrometheusEndpoint.start(registry, metricsPort);
      }
      if (jfrFile != null) {
        recording = new Recording(Configuration.getConfiguration("default"));
        recording.setName("echo-demo");
        recording.enable(JfrListener.EFFECT_EXECUTED);
        recording.enable(JfrListener.TASKS_STOLEN);
        recording.enable(JfrListener.WORKER_PARKED);
        recording.setToDisk(true);
        recording.start();
      }
      return new DemoTelemetry(registry, endpoint, recording, jfrFile);
    } catch (IOException | ParseException | RuntimeException e) {
      if (endpoint != null) {
        endpoint.close();
      }
      if (recording != null) {
        recording.close();
      }
      throw e instanceof IOException io ? io : new IOException("cannot start the demo's telemetry: " + e.getMessage(), e);
    }
  }

  /**
   * Returns the registry the endpoint serves.
   *
   * @return the registry, or null without {@code --metrics-port}
   */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Returns the endpoint's URL.
   *
   * @return the URL, or null without {@code --metrics-port}
   */
  public String endpointUrl() {
    return endpoint == null ? null : endpoint.url();
  }

  /**
   * Returns whether a JFR recording runs.
   *
   * @return true with {@code --jfr}
   */
  public boolean recordsJfr() {
    return recording != null;
  }

  /**
   * Stops the recording and writes it to its file.
   *
   * @return the file written, or null without {@code --jfr}
   * @throws IOException if the file cannot be written
   */
  public Path dumpJfr() throws IOException {
    if (recording == null) {
      return null;
    }
    recording.stop();
    recording.dump(jfrFile);
    return jfrFile;
  }

  /** Stops the endpoint and discards the recording (write it first with {@link #dumpJfr()}). */
  @Override
  public void close() {
    if (endpoint != null) {
      endpoint.close();
    }
    if (recording != null) {
      recording.close();
    }
  }
}
