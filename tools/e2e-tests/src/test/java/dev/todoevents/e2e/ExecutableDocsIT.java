package dev.todoevents.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.todoevents.runtime.ProjectPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The docs run: mechanical-markdown (mm.py, tools/bootstrap.sh --with-docs) executes the STEP
 * blocks of README.md (and of every doc under docs/ that has some) against a real tools/run.sh and
 * checks each step's expected output, so a walkthrough that drifts from the code fails the build.
 *
 * <p>The docs show the dev ports a reader types (localhost:8081 ...), so they run in private Linux
 * namespaces (root only): a network namespace with only loopback (the dev ports cannot clash with
 * anything on the host; no network, hence run.sh --no-build), a PID namespace whose processes the
 * kernel kills when its first process ends (nothing is left running, even on failure or timeout:
 * unshare --kill-child), and a mount namespace where .runtime is an overlay on a tmpfs with its
 * data/ removed: every run starts from empty data, like run.sh --clean, while the developer's own
 * .runtime/data and logs (and a run.sh they may have running) stay untouched.
 */
class ExecutableDocsIT {

  /** Generous: a run takes about a minute on 2 cores; a stuck step is cut off here. */
  private static final long TIMEOUT_MINUTES = 8;

  // Inside the namespaces: $1 the project, $2 its .runtime, $3 a scratch folder, then the docs.
  private static final String IN_NAMESPACES =
      """
      set -euo pipefail
      root=$1 rt=$2 scratch=$3; shift 3
      ip link set lo up
      # daprd needs a non-loopback IPv4 (its host address): one from the documentation range
      ip addr add 192.0.2.1/32 dev lo
      # Self-hosted Dapr finds app-ids over mDNS (service invocation, also of its own app):
      # multicast on the only interface there is
      ip link set lo multicast on
      ip route add 224.0.0.0/4 dev lo
      mount -t tmpfs -o size=2g tmpfs "$scratch"
      mkdir "$scratch/upper" "$scratch/work"
      mount -t overlay overlay -o "lowerdir=$rt,upperdir=$scratch/upper,workdir=$scratch/work" "$rt"
      rm -rf "$rt/data" "$rt/run"
      cd "$root"
      rc=0
      for doc in "$@"; do
        echo "==== mm.py $doc"
        "$rt/mechanical-markdown/bin/mm.py" "$doc" || { rc=$?; break; }
      done
      if (( rc != 0 )); then
        # the logs this run wrote (the overlay's upper layer holds only those)
        for f in $(cd "$scratch/upper" && find logs -name '*.log' 2>/dev/null | sort); do
          echo "---- last lines of .runtime/$f"; tail -n 25 "$rt/$f"
        done
      fi
      exit $rc
      """;

  @Test
  void readmeWalkthroughAndRunbookStepsRunAsWritten() throws Exception {
    Path root = ProjectPaths.root();
    requirePrerequisites(root);
    List<String> docs = documentsWithSteps(root);
    assertThat(docs).as("documents with STEP blocks").contains("README.md");

    Path scratch = WorkDirs.create("executable-docs");
    List<String> command =
        new ArrayList<>(
            List.of(
                "unshare",
                "--net",
                "--pid",
                "--fork",
                "--mount-proc",
                "--kill-child",
                "bash",
                "-c",
                IN_NAMESPACES,
                "executable-docs",
                root.toString(),
                ProjectPaths.runtime().toAbsolutePath().toString(),
                scratch.toString()));
    command.addAll(docs);
    Path log = scratch.resolveSibling(scratch.getFileName() + ".log");
    long start = System.nanoTime();
    Process mm =
        new ProcessBuilder(command)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean ended;
    try {
      ended = mm.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
    } finally {
      // unshare --kill-child: the namespace's first process, and with it every other, dies too.
      mm.destroyForcibly().waitFor();
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    String output = Files.readString(log, StandardCharsets.UTF_8);
    System.out.println(output);
    System.out.printf("ExecutableDocsIT: %s in %d s%n", docs, seconds);
    assertThat(ended).as("mm.py ended within %d minutes", TIMEOUT_MINUTES).isTrue();
    assertThat(mm.exitValue())
        .as(
            "mm.py's exit code; the end of its report (all of it and the logs are above):%n%s",
            reportEnd(output))
        .isZero();
  }

  /**
   * The last lines mm.py printed, before the logs: the failed step and what it expected, where a CI
   * summary that shows only the assertion still shows why.
   */
  private static String reportEnd(String output) {
    int logs = output.indexOf("\n---- last lines of ");
    List<String> lines = (logs < 0 ? output : output.substring(0, logs)).lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  /** README.md first, then docs/*.md that hold a STEP block. */
  private static List<String> documentsWithSteps(Path root) throws IOException {
    List<String> docs = new ArrayList<>();
    docs.add("README.md");
    try (Stream<Path> files = Files.list(root.resolve("docs"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        if (Files.readString(f).contains("<!-- STEP")) {
          docs.add(root.relativize(f).toString());
        }
      }
    }
    return docs;
  }

  private static void requirePrerequisites(Path root) throws Exception {
    Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
    String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    id.waitFor();
    if (!uid.equals("0")) {
      fail(
          "ExecutableDocsIT runs the docs in private network, PID and mount namespaces, which"
              + " needs root (uid 0, found "
              + uid
              + "); run the test command as root, or skip this class with"
              + " -Dit.test='!ExecutableDocsIT'");
    }
    for (String tool : List.of("unshare", "ip", "mount", "curl", "jq", "pkill")) {
      Process which = new ProcessBuilder("bash", "-c", "command -v " + tool).start();
      if (which.waitFor() != 0) {
        fail(
            tool
                + " is missing: the executable docs need it (unshare, mount: util-linux; ip:"
                + " iproute2; pkill: procps; curl and jq are what the walkthrough types)");
      }
    }
    Path mmPy = ProjectPaths.runtime().resolve("mechanical-markdown/bin/mm.py");
    if (!Files.isExecutable(mmPy)) {
      fail(mmPy + " is missing: run tools/bootstrap.sh --with-docs (tools/test.sh does)");
    }
  }
}
