package dev.todoevents.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todoevents.contracts.Causality;
import dev.todoevents.contracts.CloudEvent;
import dev.todoevents.contracts.Event;
import dev.todoevents.contracts.EventSchemas;
import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.ReminderEvent;
import dev.todoevents.contracts.TaskEvent;
import dev.todoevents.contracts.TaskUpdateEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The event contracts in a schema registry, run by tools/schemas.sh: {@code register} puts each
 * JSON Schema of libs/event-contracts under its subject with the BACKWARD compatibility rule (the
 * registry then refuses a version that could not read the data of the one before), {@code check}
 * asks whether the schemas at hand would be accepted, without registering them.
 *
 * <p>It speaks the Confluent Schema Registry API, which Apicurio Registry (its {@code
 * /apis/ccompat/v7}), Confluent Cloud and Redpanda serve. Subjects follow the record-name strategy
 * (the contract's Java class name), not the topic: the Kafka record is a CloudEvent whose {@code
 * data} has the contract's schema, and Dapr reads and writes those records as JSON without the
 * registry (its Kafka component's registry support is for Avro), so the registry is the contracts'
 * gate, not the wire format.
 */
@Command(
    name = "tools/schemas.sh",
    sortOptions = false,
    usageHelpWidth = 100,
    description = {
      "The event contracts in a schema registry (Confluent API: Apicurio, Confluent Cloud, Redpanda).",
      "  register  each contract under its subject, with the BACKWARD rule (exit 1 when refused)",
      "  check     whether the contracts would be accepted, registering nothing (exit 1 if not)",
      "  subjects  the subjects and the file each comes from"
    })
public final class SchemasTool implements Callable<Integer> {

  /** Schema resource by subject (the contract's class), in the order they are registered. */
  public static final Map<String, String> SUBJECTS = subjects();

  private static Map<String, String> subjects() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(CloudEvent.class.getName(), Causality.ENVELOPE_SCHEMA);
    for (Class<? extends Event> type :
        java.util.List.of(TaskEvent.class, ReminderEvent.class, TaskUpdateEvent.class)) {
      m.put(type.getName(), EventSchemas.resourceFor(type));
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "this help")
  boolean help;

  @Parameters(index = "0", paramLabel = "COMMAND", description = "register, check or subjects")
  String command;

  @Option(
      names = "--registry",
      paramLabel = "URL",
      defaultValue = "${TODO_SCHEMA_REGISTRY_URL}",
      description =
          "the registry's Confluent API, e.g. http://127.0.0.1:8080/apis/ccompat/v7 (default:"
              + " $TODO_SCHEMA_REGISTRY_URL); credentials: $TODO_SCHEMA_REGISTRY_AUTH=key:secret")
  String registry;

  @Option(
      names = "--compatibility",
      paramLabel = "RULE",
      defaultValue = "BACKWARD",
      description =
          "the rule register sets on each subject first (default: BACKWARD; FORWARD for a new field"
              + " in an open schema, see docs/events.md)")
  String compatibility;

  @Option(
      names = "--schemas",
      paramLabel = "DIR",
      description = "read the schema files from DIR instead of libs/event-contracts")
  Path schemas;

  private PrintStream out = System.out;
  private Map<String, String> env = System.getenv();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err, System.getenv()));
  }

  /**
   * @return 0 done (and compatible), 1 refused or failed, 2 bad usage
   */
  public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    SchemasTool tool = new SchemasTool();
    tool.out = out;
    tool.env = env;
    return Cli.execute("schemas", tool, args, out, err);
  }

  @Override
  public Integer call() throws Exception {
    if (command.equals("subjects")) {
      SUBJECTS.forEach((subject, file) -> out.printf("%s  %s%n", subject, file));
      return 0;
    }
    if (!command.equals("register") && !command.equals("check")) {
      throw new IllegalArgumentException("unknown command " + command + " (register, check)");
    }
    if (registry == null || registry.isBlank()) {
      throw new IllegalArgumentException("no registry: give --registry URL");
    }
    int refused = 0;
    for (Map.Entry<String, String> s : SUBJECTS.entrySet()) {
      String subject = s.getKey();
      String schema = read(s.getValue());
      boolean ok = command.equals("register") ? register(subject, schema) : check(subject, schema);
      refused += ok ? 0 : 1;
    }
    out.printf(
        "%s: %d of %d subject(s) %s%n",
        command,
        SUBJECTS.size() - refused,
        SUBJECTS.size(),
        command.equals("register") ? "registered" : "compatible");
    return refused == 0 ? 0 : 1;
  }

  /** Sets the subject's rule, then registers the schema (an identical one: no new version). */
  private boolean register(String subject, String schema) throws Exception {
    HttpResponse<String> rule =
        send("PUT", "/config/" + enc(subject), "{\"compatibility\":\"" + compatibility + "\"}");
    if (rule.statusCode() != 200) {
      throw new IllegalStateException(
          subject + ": setting " + compatibility + " failed: " + rule.body());
    }
    HttpResponse<String> r = send("POST", "/subjects/" + enc(subject) + "/versions", body(schema));
    if (r.statusCode() == 409 || r.statusCode() == 422) {
      out.printf("%s: REFUSED (%d): %s%n", subject, r.statusCode(), reason(r.body()));
      return false;
    }
    if (r.statusCode() != 200) {
      throw new IllegalStateException(subject + ": " + r.statusCode() + " " + r.body());
    }
    JsonNode found =
        Events.MAPPER.readTree(send("POST", "/subjects/" + enc(subject), body(schema)).body());
    out.printf(
        "%s: version %s (id %s), %s%n",
        subject, found.path("version").asText("?"), found.path("id").asText("?"), compatibility);
    return true;
  }

  /** Whether the registry would take the schema as the subject's next version. */
  private boolean check(String subject, String schema) throws Exception {
    HttpResponse<String> r =
        send(
            "POST",
            "/compatibility/subjects/" + enc(subject) + "/versions/latest?verbose=true",
            body(schema));
    if (r.statusCode() == 404) {
      out.printf("%s: new subject, nothing to be compatible with%n", subject);
      return true;
    }
    if (r.statusCode() != 200) {
      throw new IllegalStateException(subject + ": " + r.statusCode() + " " + r.body());
    }
    JsonNode answer = Events.MAPPER.readTree(r.body());
    boolean compatible = answer.path("is_compatible").asBoolean(false);
    out.printf(
        "%s: %s%s%n",
        subject,
        compatible ? "compatible" : "INCOMPATIBLE",
        answer.path("messages").isEmpty() ? "" : " " + answer.path("messages"));
    return compatible;
  }

  private String read(String resource) throws IOException {
    if (schemas != null) {
      return Files.readString(schemas.resolve(Path.of(resource).getFileName()));
    }
    try (InputStream in = EventSchemas.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no " + resource + " on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String body(String schema) {
    ObjectNode n = Events.MAPPER.createObjectNode().put("schemaType", "JSON").put("schema", schema);
    return n.toString();
  }

  private static String reason(String body) {
    try {
      return Events.MAPPER.readTree(body).path("message").asText(body);
    } catch (IOException e) {
      return body;
    }
  }

  private static String enc(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8);
  }

  private HttpResponse<String> send(String method, String path, String json) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(registry.replaceAll("/+$", "") + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", CONTENT_TYPE)
            .header("Accept", CONTENT_TYPE)
            .method(method, HttpRequest.BodyPublishers.ofString(json));
    String auth = env.get("TODO_SCHEMA_REGISTRY_AUTH");
    if (auth != null && !auth.isBlank()) {
      b.header(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8)));
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach the registry at " + registry + ": " + e, e);
    }
  }
}
