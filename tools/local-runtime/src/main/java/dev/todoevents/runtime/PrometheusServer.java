package dev.todoevents.runtime;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A Prometheus server (Debian's prometheus package, the one that brings promtool) on a free
 * loopback port, scraping the given targets every second, with its data in {@code dir}.
 */
public final class PrometheusServer implements AutoCloseable {
  private final int port;
  private final ManagedProcess process;

  private PrometheusServer(int port, ManagedProcess process) {
    this.port = port;
    this.process = process;
  }

  /**
   * @param jobs job name -> (metrics path, host:port targets)
   */
  public static PrometheusServer start(
      Path dir, Map<String, Map.Entry<String, List<String>>> jobs) {
    StringBuilder yaml = new StringBuilder("global:\n  scrape_interval: 1s\nscrape_configs:\n");
    jobs.forEach(
        (job, spec) -> {
          yaml.append("  - job_name: ")
              .append(job)
              .append("\n    metrics_path: ")
              .append(spec.getKey())
              .append("\n    static_configs:\n      - targets: [");
          yaml.append(
                  String.join(", ", spec.getValue().stream().map(t -> "\"" + t + "\"").toList()))
              .append("]\n");
        });
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("prometheus.yml"), yaml);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return start(dir.resolve("prometheus.yml"), dir.resolve("data"), dir, Ports.free());
  }

  /**
   * With a given config file (the local run's tools/prometheus/prometheus.yml) on a given port.
   *
   * @param logDir where prometheus.log goes
   */
  public static PrometheusServer start(Path config, Path dataDir, Path logDir, int port) {
    String env = System.getenv("TODO_PROMETHEUS");
    Path bin = Paths.get(env != null && !env.isBlank() ? env : "/usr/bin/prometheus");
    if (!Files.isExecutable(bin)) {
      throw new IllegalStateException(
          "prometheus not found at "
              + bin
              + ": run tools/bootstrap.sh --with-promtool"
              + " (Debian's prometheus package) or set TODO_PROMETHEUS");
    }
    ManagedProcess p =
        ManagedProcess.startReady(
            "prometheus",
            List.of(
                bin.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dataDir,
                "--web.listen-address=127.0.0.1:" + port),
            Map.of(),
            logDir,
            logDir.resolve("prometheus.log"),
            "http://127.0.0.1:" + port + "/-/ready",
            Duration.ofSeconds(60));
    return new PrometheusServer(port, p);
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** The JSON answer of an instant query (/api/v1/query). */
  public String query(String promql) {
    return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
  }

  /** The JSON list of scrape targets and their health (/api/v1/targets). */
  public String targets() {
    return get("/api/v1/targets");
  }

  private String get(String pathAndQuery) {
    return HttpGet.send(baseUrl() + pathAndQuery).body();
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(15));
  }
}
