package dev.todoevents.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todoevents.runtime.ManagedProcess;
import dev.todoevents.runtime.ProjectPaths;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The project's own scripts (tools/*.sh), run as a user runs them, their logs in work/logs. */
final class Scripts {
  private Scripts() {}

  /**
   * Runs {@code command} (its first element relative to the project's root) and returns its output;
   * fails the test with the output's tail when it exits non-zero or outlives {@code timeout}.
   */
  static String run(
      Path work, Map<String, String> env, String name, Duration timeout, List<String> command) {
    List<String> cmd = new ArrayList<>(command);
    cmd.set(0, ProjectPaths.root().resolve(cmd.get(0)).toString());
    ManagedProcess p =
        ManagedProcess.start(
            name, cmd, env, ProjectPaths.root(), work.resolve("logs").resolve(name + ".log"));
    int rc = p.awaitExit(timeout);
    assertThat(rc).as("%s exited %d:%n%s", String.join(" ", command), rc, p.tail(40)).isZero();
    return p.output();
  }

  /**
   * Runs a clean-up {@code command} in a finally block: its failure is added to the test's own
   * failure ({@code failed}), never hides it; without one, it fails the test.
   */
  static void cleanUp(
      Path work,
      Map<String, String> env,
      String name,
      Duration timeout,
      List<String> command,
      Throwable failed) {
    try {
      run(work, env, name, timeout, command);
    } catch (AssertionError | RuntimeException e) {
      if (failed == null) {
        throw e;
      }
      failed.addSuppressed(e);
    }
  }
}
