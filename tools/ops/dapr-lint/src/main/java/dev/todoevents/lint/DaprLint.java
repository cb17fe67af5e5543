package dev.todoevents.lint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The linter for todo-events' Dapr YAML (tools/lint.sh). It reads components/, subscriptions/,
 * resiliency/, the Configurations (tools/dapr/config.yaml and any other configFilePath in
 * dapr.yaml), dapr.yaml and k8s/ (following k8s/base's kustomization), plus the names the code uses
 * (DaprNames.java, Topic.java), and reports each problem with its file and line. Rules:
 *
 * <ul>
 *   <li>{@code no-dead-letter-topic}: a subscription without deadLetterTopic;
 *   <li>{@code undeclared-topic}: a subscription's topic or DLQ topic that no KafkaTopic creates;
 *   <li>{@code unknown-component}: a pubsubname, resiliency target or component name in code that
 *       no component defines;
 *   <li>{@code unknown-app-id}: a scope, resiliency target or app-id annotation naming an app
 *       dapr.yaml does not run;
 *   <li>{@code plain-text-secret}: a secret-looking metadata or env value written in plain text;
 *   <li>{@code k8s-drift}: a local resource and its k8s/ counterpart differing in name, type,
 *       scopes or routes (a component may declare an intended type difference with the annotation
 *       {@code todo-events.dev/local-type});
 *   <li>{@code app-port-mismatch}: an app port that differs between dapr.yaml, the app's
 *       application.properties and its k8s Deployment;
 *   <li>{@code code-topic-undeclared}: a topic in code (Topic.java) that no KafkaTopic declares;
 *   <li>{@code broker-swap}: a broker folder (components/brokers/*) without a file the other broker
 *       folders have (pubsub.yaml, live-pubsub.yaml, resiliency.yaml), or whose file of that name
 *       defines other objects, other scopes, other topic scoping or other Resiliency targets than
 *       the default broker's; a broker component that components/ defines too;
 *   <li>{@code topic-scopes}: a pub/sub component without allowedTopics, or with an app in its
 *       scopes missing from publishingScopes or subscriptionScopes (it could use every topic); a
 *       subscription whose topic or deadLetterTopic its app may not use, or whose topic no app may
 *       publish; topic scoping that differs from k8s/;
 *   <li>{@code resiliency}: among the Resiliency objects one sidecar loads together (its resources
 *       paths with any TODO_BROKER, or k8s/base), a target whose timeout, retry or circuit breaker
 *       none of them defines, or a target that two of them define;
 *   <li>{@code yaml}: a file that does not parse, at the parser's mark (its other findings are left
 *       out: they would be guesses);
 *   <li>{@code duplicate-name}: two Components, Subscriptions, Resiliency objects or Configurations
 *       of one name among what one sidecar loads together (its resources paths with any
 *       TODO_BROKER, or k8s/base);
 *   <li>{@code unknown-component-type}: a Component whose type and version the daprd this project
 *       builds (tools/daprd) does not register;
 *   <li>{@code schema}: a Component, Subscription, Resiliency or Configuration that does not match
 *       Dapr's CRD of its kind and version (types, required fields, enum values).
 * </ul>
 *
 * <p>A subscription's pubsubname and the components the code names resolve in components/ plus the
 * default broker's folder and in k8s/base; broker-swap makes every other broker folder define the
 * same names.
 */
public final class DaprLint {

  static final String LOCAL_TYPE = "todo-events.dev/local-type";
  private static final Pattern SECRET_NAME =
      Pattern.compile(
          "(?i).*(password|passwd|secret|token|apikey|api[-_]key|accesskey|access[-_]key|privatekey|private[-_]key|connectionstring|credential).*");
  private static final Pattern JAVA_STRING_CONSTANT =
      Pattern.compile("static final String (\\w+) = \"([^\"]*)\";");
  private static final Pattern TOPIC_CONSTANT = Pattern.compile("^\\s*[A-Z_]+\\(\"([a-z0-9.-]+)\"");

  private final Path root;
  private final List<Problem> problems = new ArrayList<>();

  /**
   * Every YAML file read, with its documents: each is parsed once, and reported once if it fails.
   */
  private final Map<Path, List<Doc>> parsed = new LinkedHashMap<>();

  /** The files that do not parse (rule yaml). */
  private final Set<String> unparsed = new HashSet<>();

  private final List<Doc> localComponents = new ArrayList<>();
  private final List<Doc> subscriptions = new ArrayList<>();
  private final List<Doc> resiliencies = new ArrayList<>();
  private final List<Doc> configurations = new ArrayList<>();
  private Doc runFile;

  /** What k8s/base renders to (its resources, followed), without patches. */
  private final List<Doc> k8sBase = new ArrayList<>();

  /** Every document under k8s/, including kustomize inline patches. */
  private final List<Doc> k8sAll = new ArrayList<>();

  /** Every rule, as reported. */
  static final List<String> RULES =
      List.of(
          "no-dead-letter-topic",
          "undeclared-topic",
          "unknown-component",
          "unknown-app-id",
          "plain-text-secret",
          "k8s-drift",
          "app-port-mismatch",
          "code-topic-undeclared",
          "broker-swap",
          "topic-scopes",
          "resiliency",
          "yaml",
          "duplicate-name",
          "unknown-component-type",
          "schema");

  /** The kinds of Dapr resource (apiVersion dapr.io/...) rules duplicate-name and schema check. */
  static final List<String> DAPR_KINDS =
      List.of("Component", "Subscription", "Resiliency", "Configuration");

  public DaprLint(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public static void main(String[] args) {
    System.exit(new picocli.CommandLine(new Cli()).execute(args));
  }

  /** tools/lint.sh's command line. Exit code: 0 no problems, 1 problems found, 2 bad usage. */
  @picocli.CommandLine.Command(
      name = "tools/lint.sh",
      usageHelpWidth = 100,
      description = {
        "Checks components/, subscriptions/, resiliency/, tools/dapr/config.yaml, dapr.yaml and k8s/",
        "against the component types tools/daprd registers and Dapr's CRDs in .runtime/k8s/crds/dapr",
        "(tools/bootstrap.sh copies them). Exit code: 0 no problems, 1 problems found, 2 bad usage."
      })
  static final class Cli implements java.util.concurrent.Callable<Integer> {
    enum Format {
      text,
      json
    }

    @picocli.CommandLine.Option(
        names = "--root",
        paramLabel = "DIR",
        description = "the project (default: the working directory)")
    Path root = Paths.get(".");

    @picocli.CommandLine.Option(
        names = "--format",
        paramLabel = "FORMAT",
        description = "text (file:line: error [rule] message) or json")
    Format format = Format.text;

    @picocli.CommandLine.Option(names = "--json", description = "the same as --format json")
    boolean json;

    @picocli.CommandLine.Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "this help")
    boolean help;

    @Override
    public Integer call() {
      List<Problem> found = new DaprLint(root).run();
      if (json || format == Format.json) {
        System.out.println(
            "[" + String.join(",\n ", found.stream().map(Problem::toJson).toList()) + "]");
      } else {
        found.forEach(System.out::println);
        System.out.println(
            found.isEmpty()
                ? "dapr-lint: no problems"
                : "dapr-lint: " + found.size() + " problem(s)");
      }
      return found.isEmpty() ? 0 : 1;
    }
  }

  /** Loads the project and applies every rule; the problems in file and line order. */
  public List<Problem> run() {
    load();
    Set<String> appIds = appIds();
    Set<String> localNames = names(localComponents);
    List<Doc> k8sComponents = ofKind(k8sBase, "Component");
    Set<String> topics = declaredTopics();

    deadLetterTopics();
    subscriptionTopics(topics);
    componentReferences(localNames, names(k8sComponents));
    appIdReferences(appIds, k8sComponents);
    plainTextSecrets();
    drift(k8sComponents);
    brokers();
    appPorts();
    codeTopics(topics);
    topicScopes(k8sComponents, topics);
    resiliency(appIds);
    duplicateNames();
    componentTypes();
    schemas();
    return problems.stream()
        .filter(p -> p.rule().equals("yaml") || !unparsed.contains(p.file()))
        .distinct()
        .sorted()
        .toList();
  }

  /** Where each broker's pubsub component lives (components/brokers/<broker>/), and the default. */
  static final String BROKERS = "components/brokers";

  static final String DEFAULT_BROKER = "kafka";

  /**
   * The broker swap (TODO_BROKER picks one folder of components/brokers/): every folder has the
   * same files, and each file defines the same objects as the default broker's file of that name,
   * with the same scopes, topic scoping and Resiliency targets, so that swapping changes how a name
   * is served, never which names exist or who may use them. None of them is also in components/,
   * which every sidecar loads whatever the broker.
   */
  private void brokers() {
    Set<String> common = names(ofKind(folder("components"), "Component"));
    List<String> brokers = brokerNames();
    Map<String, Map<String, List<Doc>>> files =
        new TreeMap<>(); // file name -> broker -> its documents
    for (String b : brokers) {
      for (Path f : brokerFiles(b)) {
        files
            .computeIfAbsent(f.getFileName().toString(), n -> new LinkedHashMap<>())
            .put(b, docs(f));
      }
    }
    files.forEach(
        (file, byBroker) -> {
          String refBroker =
              byBroker.containsKey(DEFAULT_BROKER)
                  ? DEFAULT_BROKER
                  : byBroker.keySet().iterator().next();
          String refFile = BROKERS + "/" + refBroker + "/" + file;
          List<Doc> reference = byBroker.get(refBroker);
          for (String b : brokers) {
            List<Doc> mine = byBroker.get(b);
            if (mine == null) {
              problems.add(
                  new Problem(
                      BROKERS + "/" + b + "/" + file,
                      1,
                      "broker-swap",
                      "broker "
                          + b
                          + " has no "
                          + file
                          + ", which "
                          + refFile
                          + " has: with TODO_BROKER="
                          + b
                          + " the sidecars would run without "
                          + String.join(", ", keys(reference))));
            } else if (!b.equals(refBroker)) {
              sameObjects(reference, mine, refFile, BROKERS + "/" + b + "/" + file);
            }
          }
        });
    for (String b : brokers) {
      for (Doc d : ofKind(folder(BROKERS + "/" + b), "Component")) {
        if (common.contains(d.name())) {
          problem(
              d,
              d.line("metadata", "name"),
              "broker-swap",
              "component "
                  + d.name()
                  + " is also defined in components/, which is loaded with every broker");
        }
      }
    }
  }

  private void sameObjects(List<Doc> reference, List<Doc> mine, String refFile, String file) {
    Map<String, Doc> ref = byKey(reference);
    Map<String, Doc> own = byKey(mine);
    own.forEach(
        (key, d) -> {
          Doc a = ref.get(key);
          if (a == null) {
            problem(
                d,
                d.line("metadata", "name"),
                "broker-swap",
                key + " is not in " + refFile + ", so swapping brokers would add or drop it");
            return;
          }
          Set<String> scopes = new TreeSet<>(Doc.strings(d.node("scopes")));
          Set<String> refScopes = new TreeSet<>(Doc.strings(a.node("scopes")));
          if (!scopes.equals(refScopes)) {
            problem(
                d,
                d.line("metadata", "name"),
                "broker-swap",
                key + " is scoped to " + scopes + " here but to " + refScopes + " in " + refFile);
          }
          if (d.kind().equals("Component") && !TopicScopes.of(a).equals(TopicScopes.of(d))) {
            problem(
                d,
                d.line("metadata", "name"),
                "broker-swap",
                key
                    + ": "
                    + TopicScopes.ALLOWED
                    + ", "
                    + TopicScopes.PUBLISHING
                    + " or "
                    + TopicScopes.SUBSCRIPTION
                    + " differ from "
                    + refFile);
          }
          Set<String> targets = targetDirections(d);
          Set<String> refTargets = targetDirections(a);
          if (!targets.equals(refTargets)) {
            problem(
                d,
                d.line("spec"),
                "broker-swap",
                key + " has the targets " + targets + " here but " + refTargets + " in " + refFile);
          }
        });
    for (String key : ref.keySet()) {
      if (!own.containsKey(key)) {
        problems.add(
            new Problem(
                file,
                mine.isEmpty() ? 1 : mine.get(0).line("metadata", "name"),
                "broker-swap",
                "no "
                    + key
                    + " here, but "
                    + refFile
                    + " defines it: swapping brokers would drop it"));
      }
    }
  }

  /** "Component pubsub": what a document defines, as Dapr tells objects apart. */
  private static Map<String, Doc> byKey(List<Doc> docs) {
    Map<String, Doc> out = new LinkedHashMap<>();
    docs.forEach(d -> out.putIfAbsent(d.kind() + " " + d.name(), d));
    return out;
  }

  private static List<String> keys(List<Doc> docs) {
    return List.copyOf(byKey(docs).keySet());
  }

  /** Folder names of components/brokers/, or the default broker alone where there are none. */
  private List<String> brokerNames() {
    List<String> names = brokerDirs().stream().map(b -> b.getFileName().toString()).toList();
    return names.isEmpty() ? List.of(DEFAULT_BROKER) : names;
  }

  /**
   * A broker folder's Dapr files (its kustomization.yaml only lets k8s/base include some of them).
   */
  private List<Path> brokerFiles(String broker) {
    Path dir = root.resolve(BROKERS).resolve(broker);
    return Files.isDirectory(dir)
        ? yamlFiles(dir, false).stream()
            .filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
            .toList()
        : List.of();
  }

  /** What a sidecar loads with TODO_BROKER=broker: dapr.yaml's resourcesPaths, in their order. */
  private List<Doc> sidecarResources(String broker) {
    List<Doc> out = new ArrayList<>(folder("components"));
    out.addAll(folder(BROKERS + "/" + broker));
    out.addAll(folder("subscriptions"));
    out.addAll(folder("resiliency"));
    return out;
  }

  // ---- resiliency ----------------------------------------------------------------------------

  /** Which policy section a target's field names a policy of. */
  private static final Map<String, String> POLICY_SECTIONS =
      Map.of("timeout", "timeouts", "retry", "retries", "circuitBreaker", "circuitBreakers");

  /** A target's reference to a policy, e.g. component pubsub (inbound) retry deliveryRetry. */
  private record PolicyRef(String target, String field, String policy, Node node) {}

  /** One finding of the resiliency rule, before it is known in which loading sets it holds. */
  private record Finding(String doc, String file, int line, String message) {}

  /**
   * daprd merges every Resiliency it loads (those unscoped or scoped to its app-id) into one set of
   * policies and one of targets, by name (pkg/resiliency FromConfigurations): a target may use a
   * policy of another object, a policy name no object defines leaves the target without that
   * policy, and a target defined twice keeps whichever object came last, without a word. Checked
   * for each app on each broker (components/, the broker's folder, subscriptions/, resiliency/) and
   * on k8s/base, where the operator hands every Resiliency of the namespace.
   */
  private void resiliency(Set<String> appIds) {
    Map<String, List<Doc>> sets = new LinkedHashMap<>();
    for (String b : brokerNames()) {
      sets.put("TODO_BROKER=" + b, ofKind(sidecarResources(b), "Resiliency"));
    }
    if (!k8sBase.isEmpty()) {
      sets.put("k8s/base", ofKind(k8sBase, "Resiliency"));
    }
    Set<String> apps = new TreeSet<>(appIds);
    sets.values().forEach(docs -> docs.forEach(d -> apps.addAll(Doc.strings(d.node("scopes")))));
    if (apps.isEmpty()) {
      apps.add(""); // an app no Resiliency is scoped to: it loads the unscoped ones
    }
    Map<String, Set<String>> loadedIn = new HashMap<>(); // document -> the sets that load it
    Map<Finding, Set<String>> found = new LinkedHashMap<>();
    sets.forEach(
        (label, docs) -> {
          docs.forEach(d -> loadedIn.computeIfAbsent(where(d), k -> new TreeSet<>()).add(label));
          for (String app : apps) {
            List<Doc> loaded =
                docs.stream()
                    .filter(
                        d -> {
                          List<String> scopes = Doc.strings(d.node("scopes"));
                          return scopes.isEmpty() || scopes.contains(app);
                        })
                    .toList();
            loadedTogether(loaded)
                .forEach(f -> found.computeIfAbsent(f, k -> new TreeSet<>()).add(label));
          }
        });
    found.forEach(
        (f, labels) -> {
          // Say where only if the problem is not everywhere the file is loaded.
          boolean everywhere = labels.equals(loadedIn.get(f.doc()));
          problems.add(
              new Problem(
                  f.file(),
                  f.line(),
                  "resiliency",
                  f.message() + (everywhere ? "" : " (" + String.join(", ", labels) + ")")));
        });
  }

  private static List<Finding> loadedTogether(List<Doc> loaded) {
    Map<String, Set<String>> policies = new HashMap<>();
    for (Doc d : loaded) {
      for (String section : POLICY_SECTIONS.values()) {
        policies
            .computeIfAbsent(section, k -> new HashSet<>())
            .addAll(Doc.entries(d.node("spec", "policies", section)).keySet());
      }
    }
    List<Finding> out = new ArrayList<>();
    Map<String, Doc> definedBy = new HashMap<>();
    for (Doc d : loaded) {
      for (PolicyRef r : policyRefs(d)) {
        if (!policies.get(POLICY_SECTIONS.get(r.field())).contains(r.policy())) {
          out.add(
              new Finding(
                  where(d),
                  d.file(),
                  d.line(r.node()),
                  "resiliency "
                      + d.name()
                      + ": "
                      + r.target()
                      + " uses "
                      + r.field()
                      + " "
                      + r.policy()
                      + ", which no Resiliency loaded with it defines in spec.policies."
                      + POLICY_SECTIONS.get(r.field())));
        }
      }
      targets(d)
          .forEach(
              (target, key) -> {
                Doc first = definedBy.putIfAbsent(target, d);
                if (first != null) {
                  out.add(
                      new Finding(
                          where(d),
                          d.file(),
                          d.line(key),
                          "resiliency "
                              + d.name()
                              + " defines the target "
                              + target
                              + ", which resiliency "
                              + first.name()
                              + " ("
                              + first
                                  .file()
                                  .replaceFirst("^" + BROKERS + "/[^/]+/", BROKERS + "/*/")
                              + ") defines too: the sidecar loads both and keeps one of them without a word"));
                }
              });
    }
    return out;
  }

  /** A document, the same whether k8s/base or a sidecar's folders load it. */
  private static String where(Doc d) {
    return d.file() + ":" + d.line(d.root());
  }

  /** A Resiliency's targets ("component pubsub", "app task-service") and the line of each key. */
  private static Map<String, Node> targets(Doc r) {
    Map<String, Node> out = new LinkedHashMap<>();
    for (String section : List.of("apps", "actors", "components")) {
      String kind = section.substring(0, section.length() - 1);
      Doc.keys(r.node("spec", "targets", section))
          .forEach((name, key) -> out.put(kind + " " + name, key));
    }
    return out;
  }

  /** The targets with the direction each sets for a component: "component pubsub (inbound)". */
  private static Set<String> targetDirections(Doc r) {
    Set<String> out = new TreeSet<>();
    targets(r)
        .keySet()
        .forEach(
            t -> {
              if (t.startsWith("component ")) {
                Doc.entries(
                        r.node("spec", "targets", "components", t.substring("component ".length())))
                    .keySet()
                    .forEach(direction -> out.add(t + " (" + direction + ")"));
              } else {
                out.add(t);
              }
            });
    return out;
  }

  private static List<PolicyRef> policyRefs(Doc r) {
    List<PolicyRef> out = new ArrayList<>();
    for (String section : List.of("apps", "actors", "components")) {
      String kind = section.substring(0, section.length() - 1);
      Doc.entries(r.node("spec", "targets", section))
          .forEach(
              (name, target) -> {
                if (section.equals("components")) {
                  Doc.entries(Optional.of(target))
                      .forEach(
                          (direction, policy) ->
                              policyRefs(kind + " " + name + " (" + direction + ")", policy, out));
                } else {
                  policyRefs(kind + " " + name, target, out);
                }
              });
    }
    return out;
  }

  private static void policyRefs(String target, Node names, List<PolicyRef> out) {
    Doc.entries(Optional.of(names))
        .forEach(
            (field, value) -> {
              if (POLICY_SECTIONS.containsKey(field)) {
                Doc.scalar(value)
                    .filter(v -> !v.isBlank())
                    .ifPresent(v -> out.add(new PolicyRef(target, field, v, value)));
              }
            });
  }

  /**
   * The component the apps write their own dead letters through (DaprNames.PUBSUB,
   * DeadLetterPublisher).
   */
  static final String APP_DEAD_LETTERS = "pubsub";

  /**
   * Least privilege on topics (Dapr's topic scoping). Each pub/sub component, local, per broker and
   * in k8s/: allowedTopics set, every scoped app in publishingScopes and subscriptionScopes. Each
   * subscription, against the components it runs with (components/ plus the default broker;
   * k8s/base): its app may subscribe to its topic and publish its deadLetterTopic there (the
   * sidecar dead-letters through the same component) and on pubsub (the app's own dead letters),
   * and some app may publish the topic at all. k8s/ must scope topics exactly as the default broker
   * and components/ do (the other brokers: rule broker-swap), so it passes the same checks.
   */
  private void topicScopes(List<Doc> k8sComponents, Set<String> declared) {
    List<Doc> local = pubsubs(localComponents);
    List<Doc> k8s = pubsubs(k8sComponents);
    List<Doc> all = new ArrayList<>(local);
    all.addAll(k8s);
    // The other brokers' topic scoping equals the default's (rule broker-swap).
    for (String b : brokerNames()) {
      if (!b.equals(DEFAULT_BROKER)) {
        all.addAll(pubsubs(folder(BROKERS + "/" + b)));
      }
    }
    Map<String, Doc> localByName = byName(local);
    k8s.forEach(k -> sameTopicScopes(localByName.get(k.name()), k));
    all.forEach(this::componentTopicScopes);
    subscriptionTopicScopes(local, "components/", declared);
    subscriptionTopicScopes(k8s, "k8s/base", declared);
  }

  private static List<Doc> pubsubs(Collection<Doc> docs) {
    return ofKind(docs, "Component").stream()
        .filter(d -> d.str("spec", "type").orElse("").startsWith("pubsub."))
        .toList();
  }

  private void componentTopicScopes(Doc d) {
    TopicScopes t = TopicScopes.of(d);
    if (t.allowed().isEmpty()) {
      problem(
          d,
          d.line("metadata", "name"),
          "topic-scopes",
          "pubsub component "
              + d.name()
              + " has no allowedTopics: its apps may create and use topics of any name");
    }
    for (String app : Doc.strings(d.node("scopes"))) {
      unscoped(d, app, TopicScopes.PUBLISHING, t.publishing(), "publish to");
      unscoped(d, app, TopicScopes.SUBSCRIPTION, t.subscribing(), "subscribe to");
    }
  }

  private void unscoped(
      Doc d, String app, String key, Map<String, Set<String>> scoped, String verb) {
    if (!scoped.containsKey(app)) {
      problem(
          d,
          topicScopesLine(d, key),
          "topic-scopes",
          "pubsub component "
              + d.name()
              + ": "
              + app
              + " is in scopes but not in "
              + key
              + ", so it may "
              + verb
              + " every topic (write "
              + app
              + "= for none)");
    }
  }

  /** The line of a topic scoping entry, or of the component's name if it has none. */
  private static int topicScopesLine(Doc d, String key) {
    return TopicScopes.entry(d, key).map(d::line).orElse(d.line("metadata", "name"));
  }

  private void sameTopicScopes(Doc reference, Doc d) {
    if (reference != null && !TopicScopes.of(reference).equals(TopicScopes.of(d))) {
      problem(
          d,
          d.line("metadata", "name"),
          "topic-scopes",
          "pubsub component "
              + d.name()
              + ": "
              + TopicScopes.ALLOWED
              + ", "
              + TopicScopes.PUBLISHING
              + " or "
              + TopicScopes.SUBSCRIPTION
              + " differ from "
              + reference.file());
    }
  }

  private void subscriptionTopicScopes(List<Doc> components, String where, Set<String> declared) {
    Map<String, Doc> byName = byName(components);
    for (Doc s : subscriptions) {
      Doc c = byName.get(s.str("spec", "pubsubname").orElse(""));
      // An unknown component or a topic no KafkaTopic declares is reported by its own rule.
      Optional<String> topic = s.str("spec", "topic").filter(declared::contains);
      Optional<String> dlq = s.str("spec", "deadLetterTopic").filter(declared::contains);
      if (c == null) {
        continue;
      }
      TopicScopes scopes = TopicScopes.of(c);
      Set<String> loaders = new LinkedHashSet<>(Doc.strings(c.node("scopes")));
      List<String> apps = Doc.strings(s.node("scopes"));
      // An unscoped subscription applies to every app that loads the component; an app the
      // component is not scoped to never sees the subscription.
      for (String app : apps.isEmpty() ? loaders : apps) {
        if (!loaders.isEmpty() && !loaders.contains(app)) {
          continue;
        }
        topic
            .filter(t -> !scopes.maySubscribe(app, t))
            .ifPresent(
                t ->
                    problem(
                        c,
                        topicScopesLine(c, TopicScopes.SUBSCRIPTION),
                        "topic-scopes",
                        "pubsub component "
                            + c.name()
                            + ": "
                            + app
                            + " may not subscribe to "
                            + t
                            + " (allowedTopics, "
                            + TopicScopes.SUBSCRIPTION
                            + "), which its subscription "
                            + s.name()
                            + " needs"));
        dlq.ifPresent(
            d -> {
              mayPublishDeadLetters(
                  c, app, d, "its sidecar dead-letters subscription " + s.name() + " there");
              Doc own = byName.get(APP_DEAD_LETTERS);
              if (own != null && own != c) {
                mayPublishDeadLetters(own, app, d, "the app writes its own dead letters there");
              }
            });
      }
      topic
          .filter(t -> components.stream().noneMatch(p -> mayBePublished(p, t)))
          .ifPresent(
              t ->
                  problem(
                      s,
                      s.line("spec", "topic"),
                      "topic-scopes",
                      "subscription "
                          + s.name()
                          + ": no app may publish "
                          + t
                          + " on any pubsub component in "
                          + where));
    }
  }

  private void mayPublishDeadLetters(Doc c, String app, String dlq, String why) {
    if (!TopicScopes.of(c).mayPublish(app, dlq)) {
      problem(
          c,
          topicScopesLine(c, TopicScopes.PUBLISHING),
          "topic-scopes",
          "pubsub component "
              + c.name()
              + ": "
              + app
              + " may not publish "
              + dlq
              + " (allowedTopics, "
              + TopicScopes.PUBLISHING
              + "), but "
              + why);
    }
  }

  private static boolean mayBePublished(Doc component, String topic) {
    TopicScopes t = TopicScopes.of(component);
    List<String> apps = Doc.strings(component.node("scopes"));
    // Unscoped, every app loads it, including ones no topic scope names.
    return (apps.isEmpty() ? List.of("") : apps).stream().anyMatch(app -> t.mayPublish(app, topic));
  }

  private List<Path> brokerDirs() {
    Path dir = root.resolve(BROKERS);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- what daprd and the API server refuse --------------------------------------------------

  /**
   * One name twice for one kind among what a sidecar loads together (per broker; k8s/base). daprd's
   * disk loader refuses the second Component or Subscription of a name before it looks at scopes
   * (pkg/internal/loader/disk), and merges two Resiliency objects of one name without a word; on
   * Kubernetes the second object of a kind and name, a Configuration too, replaces the first.
   */
  private void duplicateNames() {
    Map<String, List<Doc>> sets = new LinkedHashMap<>();
    for (String b : brokerNames()) {
      // Locally a sidecar reads its Configuration from one file (--config): no two to compare.
      sets.put(
          "TODO_BROKER=" + b,
          sidecarResources(b).stream().filter(d -> !d.kind().equals("Configuration")).toList());
    }
    sets.put("k8s/base", k8sBase);
    Map<List<Doc>, Set<String>> twice = new LinkedHashMap<>(); // [second, first] -> sets
    sets.forEach(
        (label, docs) -> {
          Map<String, Doc> first = new HashMap<>();
          for (Doc d : docs) {
            if (isDapr(d)) {
              Doc f = first.putIfAbsent(d.kind() + " " + d.name(), d);
              if (f != null && f != d) {
                twice.computeIfAbsent(List.of(d, f), k -> new TreeSet<>()).add(label);
              }
            }
          }
        });
    twice.forEach(
        (pair, labels) -> {
          Doc d = pair.get(0);
          Doc f = pair.get(1);
          problem(
              d,
              d.line("metadata", "name"),
              "duplicate-name",
              d.kind()
                  + " "
                  + d.name()
                  + " is defined at "
                  + f.file()
                  + ":"
                  + f.line("metadata", "name")
                  + " too, and both are loaded together ("
                  + String.join(", ", labels)
                  + ")");
        });
  }

  /**
   * Each Component's type and version must be one the daprd this project builds registers, read
   * from its source (DaprdTypes, tools/daprd): daprd cannot create any other, and then stops unless
   * the component sets ignoreErrors. Kubernetes runs the same daprd (tools/images.sh).
   */
  private void componentTypes() {
    DaprdTypes daprd = DaprdTypes.read(root);
    if (!daprd.unreadable().isEmpty()) {
      problems.addAll(daprd.unreadable()); // with some types unknown, a check would be a guess
      return;
    }
    for (Doc c : ofKind(daprResources(), "Component")) {
      Optional<String> type = c.str("spec", "type"); // (a missing one is for rule schema)
      if (type.isEmpty()) {
        continue;
      }
      String version = c.str("spec", "version").orElse("");
      Set<String> served = daprd.versions(type.get());
      String category = type.get().split("\\.", 2)[0];
      if (served.isEmpty()) {
        List<String> known = daprd.ofCategory(category);
        problem(
            c,
            c.line("spec", "type"),
            "unknown-component-type",
            "component "
                + c.name()
                + ": the daprd built from "
                + DaprdTypes.SOURCE
                + " registers no type "
                + type.get()
                + (known.isEmpty()
                    ? " (nor any " + category + " type)"
                    : " (its " + category + " types: " + String.join(", ", known) + ")"));
      } else if (!served.contains(version.toLowerCase(Locale.ROOT))) {
        problem(
            c,
            c.line("spec", "version"),
            "unknown-component-type",
            "component "
                + c.name()
                + ": the daprd built from "
                + DaprdTypes.SOURCE
                + " takes "
                + type.get()
                + " in version "
                + String.join(" or ", served.stream().filter(v -> !v.isEmpty()).sorted().toList())
                + " (or none), not "
                + version);
      }
    }
  }

  /**
   * Every Dapr resource against Dapr's CRD of its kind and version (CrdSchemas): types, required
   * fields and enum values, as the API server checks them on apply. daprd reads the same files
   * locally and skips one whose values do not fit its types. Without the CRDs (they are fetched,
   * not committed) the rule fails, and says how to get them.
   */
  private void schemas() {
    CrdSchemas crds = CrdSchemas.load(root);
    Set<String> missing = new TreeSet<>();
    for (Doc d : daprResources()) {
      Optional<CrdSchemas.Crd> crd = crds.of(d.kind());
      if (crd.isEmpty()) {
        missing.add(d.kind());
        continue;
      }
      String version = d.str("apiVersion").orElse("").substring(CrdSchemas.GROUP.length() + 1);
      Optional<List<CrdSchemas.Violation>> violations = crd.get().validate(version, d);
      if (violations.isEmpty()) {
        problem(
            d,
            d.line("apiVersion"),
            "schema",
            d.kind()
                + " "
                + d.name()
                + ": "
                + crd.get().name()
                + " serves no version "
                + version
                + " (it serves "
                + String.join(", ", crd.get().versions().keySet())
                + ")");
        continue;
      }
      for (CrdSchemas.Violation v : violations.get()) {
        problem(
            d,
            v.node().map(d::line).orElse(d.line("metadata", "name")),
            "schema",
            d.kind()
                + " "
                + d.name()
                + " does not match Dapr's CRD "
                + crd.get().name()
                + "/"
                + version
                + ": "
                + v.message());
      }
    }
    if (!missing.isEmpty()) {
      problems.add(
          new Problem(
              crds.where(root),
              1,
              "schema",
              "no CRD of "
                  + String.join(", ", missing)
                  + " here, so none is checked against Dapr's schema: run "
                  + CrdSchemas.FETCH
                  + ", which copies Dapr's CRDs from the dapr module daprd is built from"));
    }
  }

  // ---- loading -------------------------------------------------------------------------------

  private void load() {
    localComponents.addAll(ofKind(folder("components"), "Component"));
    // The default broker's pubsub, as dapr.yaml loads it; the others are checked by brokers().
    localComponents.addAll(ofKind(folder(BROKERS + "/" + DEFAULT_BROKER), "Component"));
    // Every broker's files too, for the rules on every file read (yaml, schema ...).
    brokerNames().forEach(b -> folder(BROKERS + "/" + b));
    subscriptions.addAll(ofKind(folder("subscriptions"), "Subscription"));
    // The Resiliency objects of the default broker's sidecars; the other brokers' have the same
    // targets (broker-swap) and are checked together with what they are loaded with (resiliency).
    resiliencies.addAll(ofKind(sidecarResources(DEFAULT_BROKER), "Resiliency"));
    Path run = root.resolve("dapr.yaml");
    if (Files.exists(run)) {
      runFile = docs(run).stream().findFirst().orElse(null);
    }
    // The Configurations the sidecars run with: dapr.yaml's common configFilePath and each app's.
    Set<Path> configFiles = new LinkedHashSet<>();
    configFiles.add(root.resolve("tools/dapr/config.yaml").normalize());
    if (runFile != null) {
      runFile
          .str("common", "configFilePath")
          .ifPresent(f -> configFiles.add(root.resolve(f).normalize()));
      for (Node app : Doc.items(runFile.node("apps"))) {
        // An app's paths are relative to its appDirPath (as the dapr CLI reads them).
        Path appDir = root.resolve(Doc.at(app, "appDirPath").flatMap(Doc::scalar).orElse("."));
        Doc.at(app, "configFilePath")
            .flatMap(Doc::scalar)
            .ifPresent(f -> configFiles.add(appDir.resolve(f).normalize()));
      }
    }
    for (Path config : configFiles) {
      if (Files.exists(config)) {
        configurations.addAll(ofKind(docs(config), "Configuration"));
      }
    }
    Path base = root.resolve("k8s/base");
    if (Files.isDirectory(base)) {
      kustomize(base, new HashSet<>(), k8sBase);
    }
    Path k8s = root.resolve("k8s");
    if (Files.isDirectory(k8s)) {
      for (Path f : yamlFiles(k8s, true)) {
        for (Doc d : docs(f)) {
          k8sAll.add(d);
          if (d.kind().equals("Kustomization")
              || d.kind().equals("Component")
                  && d.str("apiVersion").orElse("").startsWith("kustomize")) {
            inlinePatches(d);
          }
        }
      }
    }
  }

  private List<Doc> folder(String name) {
    Path dir = root.resolve(name);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    return yamlFiles(dir, false).stream()
        .filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
        .flatMap(f -> docs(f).stream())
        .toList();
  }

  private static List<Path> yamlFiles(Path dir, boolean deep) {
    try (Stream<Path> s = deep ? Files.walk(dir) : Files.list(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Follows a kustomization's resources (files and folders) as kustomize does, without patches. */
  private void kustomize(Path dir, Set<Path> seen, List<Doc> into) {
    Path k = dir.resolve("kustomization.yaml");
    if (!seen.add(dir.normalize()) || !Files.exists(k)) {
      return;
    }
    for (Doc d : docs(k)) {
      for (String res : Doc.strings(d.node("resources"))) {
        Path p = dir.resolve(res).normalize();
        if (Files.isDirectory(p)) {
          kustomize(p, seen, into);
        } else if (Files.exists(p)) {
          into.addAll(docs(p));
        } else {
          problems.add(
              new Problem(
                  d.file(),
                  d.line("resources"),
                  "k8s-drift",
                  "kustomization resource " + res + " does not exist"));
        }
      }
    }
  }

  /** Inline patches (a YAML string under "patch") are documents too: their values count. */
  private void inlinePatches(Doc kustomization) {
    for (Node p : Doc.items(kustomization.node("patches"))) {
      Optional<Node> text = Doc.at(p, "patch");
      Optional<String> patch = text.flatMap(Doc::scalar);
      if (patch.isPresent()) {
        // The patch's first line is the one after the key's (a block scalar, |-).
        int offset = kustomization.line(text.get());
        try {
          k8sAll.addAll(Doc.embedded(kustomization.file(), patch.get(), offset));
        } catch (YAMLException e) {
          syntaxError(kustomization.file(), offset, e);
        }
      }
    }
  }

  /**
   * A file's documents, parsed once. One that does not parse is a problem at the parser's mark, and
   * has no documents: daprd, too, only warns and skips it (pkg/internal/loader/disk).
   */
  private List<Doc> docs(Path file) {
    return parsed.computeIfAbsent(
        file.normalize(),
        f -> {
          try {
            return Doc.load(root, f);
          } catch (YAMLException e) {
            String name = root.relativize(f).toString();
            unparsed.add(name);
            syntaxError(name, 0, e);
            return List.of();
          }
        });
  }

  /**
   * The parser's message on one line, at its mark (lineOffset: lines of the file before the YAML).
   */
  private void syntaxError(String file, int lineOffset, YAMLException e) {
    int line = lineOffset + 1;
    String message = String.valueOf(e.getMessage());
    if (e instanceof MarkedYAMLException m) {
      Mark mark = m.getProblemMark() != null ? m.getProblemMark() : m.getContextMark();
      if (mark != null) {
        line = lineOffset + mark.getLine() + 1;
      }
      message =
          Stream.of(m.getContext(), m.getProblem())
              .filter(Objects::nonNull)
              .collect(Collectors.joining(": "));
    }
    problems.add(new Problem(file, line, "yaml", message.replaceAll("\\s+", " ").trim()));
  }

  /** Every Dapr resource of the files read (not the inline patches: they are fragments). */
  private List<Doc> daprResources() {
    return parsed.values().stream().flatMap(List::stream).filter(DaprLint::isDapr).toList();
  }

  private static boolean isDapr(Doc d) {
    return DAPR_KINDS.contains(d.kind())
        && d.str("apiVersion").orElse("").startsWith(CrdSchemas.GROUP + "/");
  }

  private static List<Doc> ofKind(Collection<Doc> docs, String kind) {
    return docs.stream().filter(d -> d.kind().equals(kind)).toList();
  }

  private static Set<String> names(Collection<Doc> docs) {
    Set<String> out = new TreeSet<>();
    docs.forEach(d -> out.add(d.name()));
    return out;
  }

  private Set<String> appIds() {
    Set<String> ids = new LinkedHashSet<>();
    if (runFile != null) {
      for (Node app : Doc.items(runFile.node("apps"))) {
        Doc.at(app, "appID").flatMap(Doc::scalar).ifPresent(ids::add);
      }
    }
    return ids;
  }

  private Set<String> declaredTopics() {
    Set<String> topics = new TreeSet<>();
    for (Doc d : ofKind(k8sAll, "KafkaTopic")) {
      topics.add(d.str("spec", "topicName").orElse(d.name()));
    }
    return topics;
  }

  private void problem(Doc d, int line, String rule, String message) {
    problems.add(new Problem(d.file(), line, rule, message));
  }

  // ---- rules ---------------------------------------------------------------------------------

  private void deadLetterTopics() {
    for (Doc s : subscriptions) {
      if (s.str("spec", "deadLetterTopic").filter(t -> !t.isBlank()).isEmpty()) {
        problem(
            s,
            s.line("spec"),
            "no-dead-letter-topic",
            "subscription "
                + s.name()
                + " has no deadLetterTopic: a message that keeps failing would be dropped");
      }
    }
  }

  private void subscriptionTopics(Set<String> topics) {
    for (Doc s : subscriptions) {
      for (String field : List.of("topic", "deadLetterTopic")) {
        s.str("spec", field)
            .filter(t -> !topics.contains(t))
            .ifPresent(
                t ->
                    problem(
                        s,
                        s.line("spec", field),
                        "undeclared-topic",
                        "subscription "
                            + s.name()
                            + ": "
                            + field
                            + " "
                            + t
                            + " is not declared by any KafkaTopic in k8s/"));
      }
    }
  }

  private void componentReferences(Set<String> local, Set<String> k8s) {
    for (Doc s : subscriptions) {
      s.str("spec", "pubsubname")
          .ifPresent(
              p -> {
                if (!local.contains(p) || !k8s.isEmpty() && !k8s.contains(p)) {
                  problem(
                      s,
                      s.line("spec", "pubsubname"),
                      "unknown-component",
                      "subscription "
                          + s.name()
                          + ": pubsubname "
                          + p
                          + " is not a component"
                          + (local.contains(p)
                              ? " in k8s/base"
                              : " in components/ or " + BROKERS + "/" + DEFAULT_BROKER));
                }
              });
    }
    for (Doc r : resiliencies) {
      Doc.entries(r.node("spec", "targets", "components"))
          .forEach(
              (name, node) -> {
                if (!local.contains(name)) {
                  problem(
                      r,
                      r.line(node) - 1,
                      "unknown-component",
                      "resiliency "
                          + r.name()
                          + " targets component "
                          + name
                          + ", which neither components/ nor "
                          + BROKERS
                          + "/"
                          + DEFAULT_BROKER
                          + " defines");
                }
              });
    }
    Path names =
        root.resolve("libs/event-contracts/src/main/java/dev/todoevents/contracts/DaprNames.java");
    if (Files.exists(names)) {
      List<String> lines = readLines(names);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).contains("class AppIds")) {
          break; // app-ids follow; they are checked against dapr.yaml instead
        }
        Matcher m = JAVA_STRING_CONSTANT.matcher(lines.get(i));
        if (m.find() && !m.group(1).equals("PARTITION_KEY") && !local.contains(m.group(2))) {
          problems.add(
              new Problem(
                  root.relativize(names).toString(),
                  i + 1,
                  "unknown-component",
                  "the code uses component "
                      + m.group(2)
                      + " (DaprNames."
                      + m.group(1)
                      + "), which components/ does not define"));
        }
      }
    }
  }

  private void appIdReferences(Set<String> appIds, List<Doc> k8sComponents) {
    if (appIds.isEmpty()) {
      return;
    }
    List<Doc> scoped = new ArrayList<>(localComponents);
    scoped.addAll(k8sComponents);
    scoped.addAll(subscriptions);
    for (Doc d : scoped) {
      for (Node scope : Doc.items(d.node("scopes"))) {
        Doc.scalar(scope)
            .filter(id -> !appIds.contains(id))
            .ifPresent(
                id ->
                    problem(
                        d,
                        d.line(scope),
                        "unknown-app-id",
                        d.kind()
                            + " "
                            + d.name()
                            + " is scoped to "
                            + id
                            + ", which dapr.yaml does not run"));
      }
    }
    for (Doc r : resiliencies) {
      Doc.entries(r.node("spec", "targets", "apps"))
          .forEach(
              (id, node) -> {
                if (!appIds.contains(id)) {
                  problem(
                      r,
                      r.line(node) - 1,
                      "unknown-app-id",
                      "resiliency "
                          + r.name()
                          + " targets app "
                          + id
                          + ", which dapr.yaml does not run");
                }
              });
    }
    for (Doc dep : ofKind(k8sBase, "Deployment")) {
      dep.node("spec", "template", "metadata", "annotations", "dapr.io/app-id")
          .ifPresent(
              n ->
                  Doc.scalar(n)
                      .ifPresent(
                          id -> {
                            if (!appIds.contains(id)) {
                              problem(
                                  dep,
                                  dep.line(n),
                                  "unknown-app-id",
                                  "Deployment "
                                      + dep.name()
                                      + " has dapr.io/app-id "
                                      + id
                                      + ", which dapr.yaml does not run");
                            } else if (!id.equals(dep.name())) {
                              problem(
                                  dep,
                                  dep.line(n),
                                  "unknown-app-id",
                                  "Deployment "
                                      + dep.name()
                                      + " has dapr.io/app-id "
                                      + id
                                      + "; the app-id must equal the app's name");
                            }
                          }));
    }
  }

  private void plainTextSecrets() {
    List<Doc> all = new ArrayList<>(localComponents);
    brokerNames().forEach(b -> all.addAll(folder(BROKERS + "/" + b)));
    all.addAll(k8sAll);
    all.addAll(subscriptions);
    all.addAll(resiliencies);
    all.addAll(configurations);
    Set<String> seen = new HashSet<>();
    for (Doc d : all) {
      walk(d, d.root(), seen);
    }
    if (runFile != null) {
      List<Node> envs = new ArrayList<>();
      runFile.node("common", "env").ifPresent(envs::add);
      Doc.items(runFile.node("apps")).forEach(app -> Doc.at(app, "env").ifPresent(envs::add));
      for (Node env : envs) {
        Doc.entries(Optional.of(env)).forEach((k, v) -> secretValue(runFile, k, v, seen));
      }
    }
  }

  /** Every name/value pair (Dapr metadata, container env, patch values) anywhere in a document. */
  private void walk(Doc d, Node n, Set<String> seen) {
    if (n instanceof MappingNode m) {
      Map<String, Node> e = Doc.entries(Optional.of(m));
      Node name = e.get("name");
      Node value = e.get("value");
      if (name != null && value != null) {
        Doc.scalar(name).ifPresent(k -> secretValue(d, k, value, seen));
      }
      for (NodeTuple t : m.getValue()) {
        walk(d, t.getValueNode(), seen);
      }
    } else if (n instanceof SequenceNode s) {
      s.getValue().forEach(c -> walk(d, c, seen));
    }
  }

  private void secretValue(Doc d, String name, Node value, Set<String> seen) {
    if (SECRET_NAME.matcher(name).matches()
        && value instanceof ScalarNode s
        && !s.getValue().isBlank()
        && seen.add(d.file() + ":" + d.line(value))) {
      problem(
          d,
          d.line(value),
          "plain-text-secret",
          name
              + " is set in plain text; take it from a secret "
              + "(secretKeyRef with the secret store, envRef locally, valueFrom.secretKeyRef in a Deployment)");
    }
  }

  private void drift(List<Doc> k8sComponents) {
    if (k8sBase.isEmpty()) {
      return;
    }
    Map<String, Doc> k8sByName = byName(k8sComponents);
    for (Doc local : localComponents) {
      Doc k = k8sByName.get(local.name());
      if (k == null) {
        problem(
            local,
            local.line("metadata", "name"),
            "k8s-drift",
            "component " + local.name() + " has no counterpart in k8s/base");
        continue;
      }
      String localType = local.str("spec", "type").orElse("");
      String k8sType = k.str("spec", "type").orElse("");
      if (!localType.equals(k8sType)
          && !localType.equals(k.str("metadata", "annotations", LOCAL_TYPE).orElse(""))) {
        problem(
            k,
            k.line("spec", "type"),
            "k8s-drift",
            "component "
                + k.name()
                + " is "
                + k8sType
                + " here but "
                + localType
                + " in "
                + local.file()
                + " (annotate "
                + LOCAL_TYPE
                + ": "
                + localType
                + " if that is intended)");
      }
      sameScopes(local, k);
    }
    Set<String> localNames = names(localComponents);
    for (Doc k : k8sComponents) {
      if (!localNames.contains(k.name())) {
        problem(
            k,
            k.line("metadata", "name"),
            "k8s-drift",
            "component " + k.name() + " exists only in k8s/, not in components/");
      }
    }
    compare(subscriptions, ofKind(k8sBase, "Subscription"), "subscription", List.of("spec"));
    compare(resiliencies, ofKind(k8sBase, "Resiliency"), "resiliency", List.of("spec"));
    compare(configurations, ofKind(k8sBase, "Configuration"), "configuration", List.of("spec"));
  }

  private void sameScopes(Doc local, Doc k) {
    Set<String> a = new TreeSet<>(Doc.strings(local.node("scopes")));
    Set<String> b = new TreeSet<>(Doc.strings(k.node("scopes")));
    if (!a.equals(b)) {
      problem(
          k,
          k.line("metadata", "name"),
          "k8s-drift",
          k.kind()
              + " "
              + k.name()
              + " is scoped to "
              + b
              + " here but to "
              + a
              + " in "
              + local.file());
    }
  }

  /** Same names; for each pair the same spec (topics, routes, policies ...) and scopes. */
  private void compare(List<Doc> local, List<Doc> k8s, String what, List<String> parts) {
    Map<String, Doc> k8sByName = byName(k8s);
    for (Doc l : local) {
      Doc k = k8sByName.get(l.name());
      if (k == null) {
        problem(
            l,
            l.line("metadata", "name"),
            "k8s-drift",
            what + " " + l.name() + " has no counterpart in k8s/base");
        continue;
      }
      if (k == l || k.file().equals(l.file())) {
        continue; // k8s/base includes this very file
      }
      for (String part : parts) {
        Object a = l.node(part).map(Doc::plain).orElse(null);
        Object b = k.node(part).map(Doc::plain).orElse(null);
        if (!Objects.equals(a, b)) {
          problem(
              k,
              k.line(part),
              "k8s-drift",
              what + " " + k.name() + ": " + part + " differs from " + l.file());
        }
      }
      sameScopes(l, k);
    }
    Set<String> localNames = names(local);
    for (Doc k : k8s) {
      if (!localNames.contains(k.name())) {
        problem(
            k,
            k.line("metadata", "name"),
            "k8s-drift",
            what + " " + k.name() + " exists only in k8s/");
      }
    }
  }

  private static Map<String, Doc> byName(List<Doc> docs) {
    Map<String, Doc> out = new LinkedHashMap<>();
    docs.forEach(d -> out.putIfAbsent(d.name(), d));
    return out;
  }

  private void appPorts() {
    if (runFile == null) {
      return;
    }
    Map<String, Doc> deployments = byName(ofKind(k8sBase, "Deployment"));
    for (Node app : Doc.items(runFile.node("apps"))) {
      String id = Doc.at(app, "appID").flatMap(Doc::scalar).orElse(null);
      Optional<Node> portNode = Doc.at(app, "appPort");
      if (id == null || portNode.isEmpty()) {
        continue;
      }
      String port = Doc.scalar(portNode.get()).orElse("");
      Doc.at(app, "env", "QUARKUS_HTTP_PORT")
          .ifPresent(
              n ->
                  portDiffers(
                      runFile,
                      runFile.line(n),
                      id,
                      "its env QUARKUS_HTTP_PORT",
                      Doc.scalar(n).orElse(""),
                      port));
      Path props =
          root.resolve("services").resolve(id).resolve("src/main/resources/application.properties");
      if (Files.exists(props)) {
        List<String> lines = readLines(props);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i).trim();
          if (line.startsWith("quarkus.http.port=")) {
            String p = line.substring("quarkus.http.port=".length()).trim();
            if (!p.equals(port)) {
              problems.add(
                  new Problem(
                      root.relativize(props).toString(),
                      i + 1,
                      "app-port-mismatch",
                      id + " listens on " + p + " but dapr.yaml gives appPort " + port));
            }
          }
        }
      }
      if (k8sBase.isEmpty()) {
        continue;
      }
      Doc dep = deployments.get(id);
      if (dep == null) {
        problem(
            runFile,
            runFile.line(app),
            "k8s-drift",
            "app " + id + " has no Deployment in k8s/base");
        continue;
      }
      dep.node("spec", "template", "metadata", "annotations", "dapr.io/app-port")
          .ifPresentOrElse(
              n ->
                  portDiffers(
                      dep,
                      dep.line(n),
                      id,
                      "its dapr.io/app-port annotation",
                      Doc.scalar(n).orElse(""),
                      port),
              () ->
                  problem(
                      dep,
                      dep.line("metadata", "name"),
                      "app-port-mismatch",
                      "Deployment " + id + " has no dapr.io/app-port annotation"));
      List<Node> containers = Doc.items(dep.node("spec", "template", "spec", "containers"));
      if (!containers.isEmpty()) {
        Node c = containers.get(0);
        for (Node p : Doc.items(Doc.at(c, "ports"))) {
          Doc.at(p, "containerPort")
              .ifPresent(
                  n ->
                      portDiffers(
                          dep,
                          dep.line(n),
                          id,
                          "its containerPort",
                          Doc.scalar(n).orElse(""),
                          port));
        }
        for (Node e : Doc.items(Doc.at(c, "env"))) {
          if (Doc.at(e, "name").flatMap(Doc::scalar).orElse("").equals("QUARKUS_HTTP_PORT")) {
            Doc.at(e, "value")
                .ifPresent(
                    n ->
                        portDiffers(
                            dep,
                            dep.line(n),
                            id,
                            "its env QUARKUS_HTTP_PORT",
                            Doc.scalar(n).orElse(""),
                            port));
          }
        }
      }
    }
  }

  private void portDiffers(Doc d, int line, String id, String where, String value, String port) {
    if (!value.equals(port)) {
      problem(
          d,
          line,
          "app-port-mismatch",
          id + ": " + where + " is " + value + " but dapr.yaml gives appPort " + port);
    }
  }

  private void codeTopics(Set<String> topics) {
    Path topic =
        root.resolve("libs/event-contracts/src/main/java/dev/todoevents/contracts/Topic.java");
    if (!Files.exists(topic)) {
      return;
    }
    List<String> lines = readLines(topic);
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = TOPIC_CONSTANT.matcher(lines.get(i));
      if (m.find()) {
        for (String t : List.of(m.group(1), m.group(1) + "-dlq")) {
          if (!topics.contains(t)) {
            problems.add(
                new Problem(
                    root.relativize(topic).toString(),
                    i + 1,
                    "code-topic-undeclared",
                    "the code uses topic " + t + ", which no KafkaTopic in k8s/ declares"));
          }
        }
      }
    }
  }

  private static List<String> readLines(Path p) {
    try {
      return Files.readAllLines(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
