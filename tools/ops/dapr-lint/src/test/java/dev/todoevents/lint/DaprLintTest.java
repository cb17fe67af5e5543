package dev.todoevents.lint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The linter on the project itself (clean) and on the broken corpus: each folder
 * src/test/resources/broken/{rule}/ or broken/{rule}--{case}/ holds one file that replaces its
 * namesake in a copy of the project (or, named {file}.absent, removes it), and that rule - and only
 * that rule - must report that file, at the line {@link #LINES} gives.
 */
class DaprLintTest {

  private static final Path ROOT =
      Paths.get(System.getProperty("todo.project.root", "../..")).toAbsolutePath().normalize();
  private static final Path CORPUS = Paths.get("src/test/resources/broken").toAbsolutePath();

  @Test
  void theProjectLintsClean() {
    List<Problem> problems = new DaprLint(ROOT).run();
    assertThat(problems).as("problems in the project: %s", problems).isEmpty();
  }

  /** The line of each sample's problem (some samples have more problems, on other lines too). */
  private static final Map<String, Integer> LINES =
      Map.ofEntries(
          Map.entry("app-port-mismatch", 23),
          Map.entry("broker-swap", 8),
          Map.entry("broker-swap--live-pubsub-scopes", 16),
          Map.entry("broker-swap--no-live-pubsub", 1),
          Map.entry("broker-swap--no-resiliency", 1),
          Map.entry("broker-swap--resiliency-targets", 14),
          Map.entry("broker-swap--topic-scopes", 14),
          Map.entry("code-topic-undeclared", 9),
          Map.entry("duplicate-name", 10),
          Map.entry("k8s-drift", 9),
          Map.entry("no-dead-letter-topic", 13),
          Map.entry("plain-text-secret", 13),
          Map.entry("resiliency--target-twice", 87),
          Map.entry("resiliency--unknown-policy", 24),
          Map.entry("schema", 19),
          Map.entry("topic-scopes", 11),
          Map.entry("undeclared-topic", 10),
          Map.entry("unknown-app-id", 82),
          Map.entry("unknown-component", 11),
          Map.entry("unknown-component-type", 10),
          Map.entry("yaml", 21));

  @Test
  void everyRuleHasABrokenSample() throws IOException {
    assertThat(samples().stream().map(DaprLintTest::ruleOf).distinct())
        .containsExactlyInAnyOrderElementsOf(DaprLint.RULES);
    assertThat(LINES.keySet()).containsExactlyInAnyOrderElementsOf(samples());
  }

  @ParameterizedTest
  @MethodSource("samples")
  void eachBrokenSampleIsReportedByItsRule(String name, @TempDir Path copy) throws IOException {
    copyProject(copy);
    String rule = ruleOf(name);
    Path sample = CORPUS.resolve(name);
    List<Path> files;
    try (Stream<Path> s = Files.walk(sample)) {
      files = s.filter(Files::isRegularFile).toList();
    }
    assertThat(files).as("broken files for %s", name).hasSize(1);
    Path rel = sample.relativize(files.get(0));
    if (rel.toString().endsWith(ABSENT)) {
      rel = Paths.get(rel.toString().substring(0, rel.toString().length() - ABSENT.length()));
      Files.delete(copy.resolve(rel));
    } else {
      Files.copy(files.get(0), copy.resolve(rel), StandardCopyOption.REPLACE_EXISTING);
    }

    List<Problem> problems = new DaprLint(copy).run();
    problems.forEach(p -> System.out.println("[lint " + name + "] " + p));
    String file = rel.toString();
    assertThat(problems)
        .as("%s reports %s", rule, file)
        .isNotEmpty()
        .allSatisfy(
            p -> {
              assertThat(p.rule()).isEqualTo(rule);
              assertThat(p.file()).isEqualTo(file);
              assertThat(p.line()).isPositive();
            })
        .extracting(Problem::line)
        .as("%s reports %s at the expected line", rule, file)
        .contains(LINES.get(name));
  }

  /** A sample named {file}.absent stands for that file's removal. */
  private static final String ABSENT = ".absent";

  static List<String> samples() throws IOException {
    try (Stream<Path> s = Files.list(CORPUS)) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static String ruleOf(String sample) {
    int i = sample.indexOf("--");
    return i < 0 ? sample : sample.substring(0, i);
  }

  @Test
  void jsonOutputIsOneObjectPerProblem() {
    Problem p = new Problem("components/x.yaml", 3, "plain-text-secret", "saslPassword is \"set\"");
    assertThat(p.toJson())
        .isEqualTo(
            "{\"file\":\"components/x.yaml\",\"line\":3,\"rule\":\"plain-text-secret\",\"message\":\"saslPassword is \\\"set\\\"\"}");
  }

  /** What the linter reads, copied from the project. */
  private static void copyProject(Path to) throws IOException {
    for (String dir :
        List.of("components", "subscriptions", "resiliency", "tools/dapr", "tools/daprd", "k8s")) {
      copyTree(ROOT.resolve(dir), to.resolve(dir));
    }
    // Dapr's CRDs, copied by tools/bootstrap.sh (without them rule schema fails).
    Path crds = ROOT.resolve(".runtime/k8s/crds/dapr");
    if (Files.isDirectory(crds)) {
      copyTree(crds, to.resolve(".runtime/k8s/crds/dapr"));
    }
    Files.copy(ROOT.resolve("dapr.yaml"), to.resolve("dapr.yaml"));
    try (Stream<Path> services = Files.list(ROOT.resolve("services"))) {
      for (Path s : services.toList()) {
        Path props = s.resolve("src/main/resources/application.properties");
        if (Files.exists(props)) {
          Path target = to.resolve(ROOT.relativize(props));
          Files.createDirectories(target.getParent());
          Files.copy(props, target);
        }
      }
    }
    Path contracts = Paths.get("libs/event-contracts/src/main/java/dev/todoevents/contracts");
    Files.createDirectories(to.resolve(contracts));
    for (String f : List.of("DaprNames.java", "Topic.java")) {
      Files.copy(ROOT.resolve(contracts).resolve(f), to.resolve(contracts).resolve(f));
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
