package dev.todoevents.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

/** CPU time and resident memory of processes, from /proc (Linux). */
final class Usage {

  private Usage() {}

  /** CPU ticks (user + system, 1/100 s) and RSS in KB of a process; zeros if it is gone. */
  static long[] of(long pid) {
    try {
      String stat = Files.readString(Paths.get("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      long rss = 0;
      for (String line : Files.readAllLines(Paths.get("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
      return new long[] {ticks, rss};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  /** CPU (cores, averaged) and RSS (MB, at the end) of named processes over a stretch of time. */
  static final class Span {
    private final Map<String, Long> pids;
    private final Map<String, long[]> before = new LinkedHashMap<>();
    private final long start = System.nanoTime();

    Span(Map<String, Long> pids) {
      this.pids = pids;
      pids.forEach((name, pid) -> before.put(name, of(pid)));
    }

    /** name -> {cores, rss MB} since this span began. */
    Map<String, double[]> end() {
      double wall = (System.nanoTime() - start) / 1e9;
      Map<String, double[]> out = new LinkedHashMap<>();
      pids.forEach(
          (name, pid) -> {
            long[] now = of(pid);
            out.put(
                name,
                new double[] {(now[0] - before.get(name)[0]) / 100.0 / wall, now[1] / 1024.0});
          });
      return out;
    }
  }
}
