package dev.todoevents.dlq;

import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;

/** How the picocli tools of this module run: their output streams, their exit codes. */
final class Cli {
  private Cli() {}

  /**
   * Runs {@code command} on {@code args}. A failure is one line, {@code name: why}: exit 2 for an
   * IllegalArgumentException (bad usage, like picocli's own), else 1.
   */
  static int execute(String name, Object command, String[] args, PrintStream out, PrintStream err) {
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler(
        (e, c, parsed) -> {
          err.println(name + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()));
          return e instanceof IllegalArgumentException ? 2 : 1;
        });
    return cli.execute(args);
  }
}
