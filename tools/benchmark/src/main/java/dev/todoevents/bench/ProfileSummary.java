package dev.todoevents.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Per-app tables from the JFR files of a post-ws run (one file per app JVM, each in the app's
 * folder of the run): where the CPU samples land (self frames, the nearest frame of our own code,
 * our code inclusive, threads), the GC and allocation, the JIT's time, and the waiting (parks,
 * monitor waits, socket reads) under our own code. Markdown on stdout.
 *
 * <pre>
 * java -cp tools/benchmark/target/classes dev.todoevents.bench.ProfileSummary [--from MS --to MS] [--top N] FOLDER|FILE.jfr...
 * </pre>
 *
 * --from/--to (epoch ms, as the post-ws run prints its window) keep only events in that window, so
 * the JVM's start and the warm-up pass do not count. An app is named by its file's folder.
 */
public final class ProfileSummary {

  private static final String OWN = "dev.todoevents.";

  private final Instant from;
  private final Instant to;
  private final int top;
  private final List<String> focus;

  private ProfileSummary(Instant from, Instant to, int top, List<String> focus) {
    this.from = from;
    this.to = to;
    this.top = top;
    this.focus = focus;
  }

  public static void main(String[] args) throws IOException {
    Instant from = Instant.MIN;
    Instant to = Instant.MAX;
    int top = 8;
    List<String> focus = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--from" -> from = Instant.ofEpochMilli(Long.parseLong(args[++i]));
        case "--to" -> to = Instant.ofEpochMilli(Long.parseLong(args[++i]));
        case "--top" -> top = Integer.parseInt(args[++i]);
        case "--focus" -> focus.add(args[++i]);
        default -> {
          Path p = Paths.get(args[i]);
          if (Files.isDirectory(p)) {
            try (Stream<Path> s = Files.walk(p, 2)) {
              s.filter(f -> f.toString().endsWith(".jfr")).sorted().forEach(files::add);
            }
          } else {
            files.add(p);
          }
        }
      }
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException(
          "usage: ProfileSummary [--from MS --to MS] [--top N] FOLDER|FILE.jfr...");
    }
    ProfileSummary summary = new ProfileSummary(from, to, top, focus);
    for (Path f : files) {
      summary.app(f);
    }
  }

  /** Counts (or milliseconds) per key. */
  private static final class Tally {
    final Map<String, double[]> m = new HashMap<>();

    void add(String key, double count, double ms) {
      double[] v = m.computeIfAbsent(key, k -> new double[2]);
      v[0] += count;
      v[1] += ms;
    }

    List<Map.Entry<String, double[]>> top(int n, int by) {
      return m.entrySet().stream()
          .sorted((a, b) -> Double.compare(b.getValue()[by], a.getValue()[by]))
          .limit(n)
          .toList();
    }
  }

  private void app(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    String app = parent == null ? file.toString() : parent.getFileName().toString();
    long samples = 0;
    long withOwn = 0;
    Tally self = new Tally();
    Tally components = new Tally();
    Map<String, Tally> focused = new HashMap<>();
    Tally nearestOwn = new Tally();
    Tally inclusiveOwn = new Tally();
    Tally threads = new Tally();
    Tally waits = new Tally();
    Tally allocOwn = new Tally();
    double waitsWithoutOwnMs = 0;
    long gcs = 0;
    double gcMs = 0;
    double gcPauseMs = 0;
    double longestPauseMs = 0;
    double allocated = 0;
    double jitFirstMs = -1;
    double jitLastMs = -1;
    Instant first = null;
    Instant last = null;
    for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
      Instant t = e.getStartTime();
      if (t.isBefore(from) || t.isAfter(to)) {
        continue;
      }
      first = first == null || t.isBefore(first) ? t : first;
      last = last == null || t.isAfter(last) ? t : last;
      String type = e.getEventType().getName();
      switch (type) {
        case "jdk.ExecutionSample" -> {
          samples++;
          List<RecordedFrame> frames = frames(e.getStackTrace());
          self.add(frames.isEmpty() ? "(no stack)" : name(frames.get(0)), 1, 0);
          components.add(component(frames), 1, 0);
          for (String f : focus) {
            for (int i = 0; i < frames.size(); i++) {
              if (name(frames.get(i)).contains(f)) {
                // What the focused method spends its samples in: components, and where the CPU is.
                Tally under = focused.computeIfAbsent(f, k -> new Tally());
                under.add("in " + component(frames.subList(0, i + 1)), 1, 0);
                under.add("self " + name(frames.get(0)), 1, 0);
                under.add(
                    "own " + Objects.requireNonNullElse(nearestOwn(frames), "(no own frame)"),
                    1,
                    0);
                under.add("total", 1, 0);
                break;
              }
            }
          }
          String own = nearestOwn(frames);
          if (own != null) {
            withOwn++;
            nearestOwn.add(own, 1, 0);
          }
          Set<String> seen = new LinkedHashSet<>();
          frames.stream().filter(ProfileSummary::own).forEach(f -> seen.add(name(f)));
          seen.forEach(k -> inclusiveOwn.add(k, 1, 0));
          RecordedThread th = e.getThread("sampledThread");
          threads.add(th == null ? "?" : pool(th.getJavaName()), 1, 0);
        }
        case "jdk.ThreadPark", "jdk.JavaMonitorEnter", "jdk.JavaMonitorWait", "jdk.SocketRead" -> {
          double ms = e.getDuration().toNanos() / 1e6;
          List<RecordedFrame> frames = frames(e.getStackTrace());
          String own = nearestOwn(frames);
          if (own == null) {
            waitsWithoutOwnMs += ms;
          } else {
            waits.add(type.substring(4) + " in " + blocker(frames) + " under " + own, 1, ms);
          }
        }
        case "jdk.GarbageCollection" -> {
          gcs++;
          gcMs += e.getDuration().toNanos() / 1e6;
          gcPauseMs += e.getDuration("sumOfPauses").toNanos() / 1e6;
          longestPauseMs = Math.max(longestPauseMs, e.getDuration("longestPause").toNanos() / 1e6);
        }
        case "jdk.ObjectAllocationSample" -> {
          double bytes = e.getLong("weight");
          allocated += bytes;
          String own = nearestOwn(frames(e.getStackTrace()));
          allocOwn.add(own == null ? "(no own frame)" : own, bytes, 0);
        }
        case "jdk.CompilerStatistics" -> {
          double ms = e.getDuration("totalTimeSpent").toNanos() / 1e6;
          jitFirstMs = jitFirstMs < 0 ? ms : Math.min(jitFirstMs, ms);
          jitLastMs = Math.max(jitLastMs, ms);
        }
        default -> {}
      }
    }
    double seconds = first == null ? 0 : Duration.between(first, last).toMillis() / 1000.0;
    System.out.printf(
        Locale.ROOT,
        "### %s%n%n%s: %d CPU samples over %.1f s (%.0f%% of them under our own code, %s*)%n%n",
        app,
        file,
        samples,
        seconds,
        pct(withOwn, samples),
        OWN);
    table("Top self frames (where the CPU is)", "frame", self.top(top, 0), samples);
    table(
        "By component (the package of the first frame outside the JDK, from the top of the stack)",
        "component",
        components.top(top, 0),
        samples);
    for (String f : focus) {
      Tally t = focused.get(f);
      if (t != null) {
        List<Map.Entry<String, double[]>> comps =
            t.top(top * 3, 0).stream()
                .filter(x -> x.getKey().startsWith("in "))
                .limit(top)
                .toList();
        List<Map.Entry<String, double[]>> selfs =
            t.top(top * 3, 0).stream()
                .filter(x -> x.getKey().startsWith("self "))
                .limit(top)
                .toList();
        String title =
            String.format(
                Locale.ROOT,
                "Under %s (%.1f%% of the samples), share of all samples",
                f,
                pct(t.m.get("total")[0], samples));
        table(title + ": by component", "component", comps, samples);
        table(title + ": self frames", "frame", selfs, samples);
        table(
            title + ": nearest own frame",
            "own frame",
            t.top(top * 3, 0).stream()
                .filter(x -> x.getKey().startsWith("own "))
                .limit(top)
                .toList(),
            samples);
      }
    }
    table(
        "Nearest own frame (the CPU under each of our methods, not counted twice)",
        "own frame",
        nearestOwn.top(top, 0),
        samples);
    table(
        "Own frames inclusive (a sample counts for every own method on its stack)",
        "own frame",
        inclusiveOwn.top(top, 0),
        samples);
    table("Threads sampled", "thread (numbers folded)", threads.top(top, 0), samples);
    System.out.printf(
        Locale.ROOT,
        "GC: %d collections, %.0f ms in all, pauses %.0f ms (longest %.1f ms); allocated %.0f MB (sampled);"
            + " JIT compile time in the window %s%n%n",
        gcs,
        gcMs,
        gcPauseMs,
        longestPauseMs,
        allocated / 1e6,
        jitLastMs < 0
            ? "(no jdk.CompilerStatistics)"
            : String.format(Locale.ROOT, "%.0f ms", jitLastMs - jitFirstMs));
    table(
        "Allocation by nearest own frame",
        "own frame",
        allocOwn.top(Math.min(top, 5), 0),
        allocated);
    System.out.println(
        "Waiting under our own code (parks, monitor enters and waits, socket reads over the profile's"
            + " thresholds), by total time:\n");
    System.out.println("| what | events | total ms |\n|---|---|---|");
    for (Map.Entry<String, double[]> w : waits.top(top, 1)) {
      System.out.printf(
          Locale.ROOT, "| %s | %.0f | %.0f |%n", w.getKey(), w.getValue()[0], w.getValue()[1]);
    }
    System.out.printf(
        Locale.ROOT,
        "| (with no own frame: idle pools, event loops) | | %.0f |%n%n",
        waitsWithoutOwnMs);
  }

  private static void table(
      String title, String column, List<Map.Entry<String, double[]>> rows, double total) {
    System.out.printf("%s:%n%n| %s | share |%n|---|---|%n", title, column);
    for (Map.Entry<String, double[]> r : rows) {
      System.out.printf(Locale.ROOT, "| %s | %.1f%% |%n", r.getKey(), pct(r.getValue()[0], total));
    }
    System.out.println();
  }

  private static double pct(double part, double total) {
    return total == 0 ? 0 : 100.0 * part / total;
  }

  private static List<RecordedFrame> frames(RecordedStackTrace st) {
    return st == null ? List.of() : st.getFrames();
  }

  private static boolean own(RecordedFrame f) {
    return f.getMethod() != null && f.getMethod().getType().getName().startsWith(OWN);
  }

  private static String nearestOwn(List<RecordedFrame> frames) {
    return frames.stream()
        .filter(ProfileSummary::own)
        .findFirst()
        .map(ProfileSummary::name)
        .orElse(null);
  }

  /**
   * Where a sample's CPU belongs: the package (3 levels) of the first frame from the top that is
   * not the JDK's.
   */
  private static String component(List<RecordedFrame> frames) {
    for (RecordedFrame f : frames) {
      String c = f.getMethod() == null ? "" : f.getMethod().getType().getName();
      if (c.startsWith(OWN)) {
        return "dev.todoevents (our code)";
      }
      if (!c.isEmpty()
          && !c.startsWith("java.")
          && !c.startsWith("jdk.")
          && !c.startsWith("sun.")
          && !c.startsWith("javax.")) {
        String[] p = c.split("\\.");
        return String.join(".", java.util.Arrays.copyOf(p, Math.min(3, p.length - 1)));
      }
    }
    return frames.isEmpty() ? "(no stack)" : "JDK only";
  }

  /** The first frame below the JDK's parking and locking machinery: what the thread waits in. */
  private static String blocker(List<RecordedFrame> frames) {
    for (RecordedFrame f : frames) {
      String c = f.getMethod() == null ? "" : f.getMethod().getType().getName();
      if (!c.startsWith("java.util.concurrent.")
          && !c.startsWith("jdk.internal.misc.")
          && !c.startsWith("java.lang.Object")
          && !c.startsWith("sun.nio.")
          && !c.startsWith("java.net.Socket")
          && !c.startsWith("java.io.")) {
        return name(f);
      }
    }
    return frames.isEmpty() ? "(no stack)" : name(frames.get(0));
  }

  /** pkg.sub.Type$Inner.method, packages shortened to initials (ours: without dev.todoevents). */
  private static String name(RecordedFrame f) {
    if (f.getMethod() == null) {
      return "(unknown)";
    }
    String type =
        f.getMethod()
            .getType()
            .getName()
            .replaceAll("\\$\\$Lambda\\$\\d+/0x[0-9a-f]+", "\\$\\$Lambda");
    if (type.startsWith(OWN)) {
      type = type.substring(OWN.length());
    } else {
      String[] parts = type.split("\\.");
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < parts.length - 1; i++) {
        b.append(parts[i].charAt(0)).append('.');
      }
      type = b.append(parts[parts.length - 1]).toString();
    }
    return type + "." + f.getMethod().getName();
  }

  /** A thread's name with numbers folded, so that a pool is one row. */
  private static String pool(String thread) {
    return thread == null ? "?" : thread.replaceAll("\\d+", "N");
  }
}
