package dev.todoevents.lint;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.path.NodePath;
import com.networknt.schema.path.PathType;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Dapr's CustomResourceDefinitions as JSON Schemas: the openAPIV3Schema of each served version, in
 * networknt's OpenAPI 3.0 dialect (draft 4 based), without the x-kubernetes-* extensions (they
 * steer the API server's pruning and defaulting, not which values are valid). The CRDs are not
 * committed: tools/bootstrap.sh (every run) copies them from the dapr module daprd is built from
 * (charts/dapr/crds, so they follow tools/daprd/go.mod) into .runtime/k8s/crds/dapr, or
 * $TODO_RUNTIME_DIR/k8s/crds/dapr, where the manifest tests read them too.
 */
final class CrdSchemas {

  static final String FETCH = "tools/bootstrap.sh";
  static final String GROUP = "dapr.io";

  /** Jackson 3, the validator's: the trees are built here for it, not converted. */
  private static final ObjectMapper JSON = JsonMapper.shared();

  private static final SchemaRegistry SCHEMAS =
      SchemaRegistry.withDefaultDialect(
          Dialects.getOpenApi30(),
          b ->
              b.schemaRegistryConfig(
                  SchemaRegistryConfig.builder()
                      .locale(Locale.ENGLISH)
                      .pathType(PathType.JSON_PATH)
                      .build()));

  /** One CRD: its name (components.dapr.io) and the schema of each served version. */
  record Crd(String name, Map<String, Schema> versions) {

    /**
     * The violations of a document of this kind, or empty if the CRD does not serve its version.
     */
    Optional<List<Violation>> validate(String version, Doc d) {
      return Optional.ofNullable(versions.get(version))
          .map(schema -> CrdSchemas.validate(schema, d));
    }
  }

  private final Path dir;
  private final Map<String, Crd> byKind;

  private CrdSchemas(Path dir, Map<String, Crd> byKind) {
    this.dir = dir;
    this.byKind = byKind;
  }

  static CrdSchemas load(Path root) {
    String env = System.getenv("TODO_RUNTIME_DIR");
    Path runtime = env != null && !env.isBlank() ? Paths.get(env) : root.resolve(".runtime");
    Path dir = runtime.resolve("k8s/crds/dapr").toAbsolutePath().normalize();
    Map<String, Crd> byKind = new LinkedHashMap<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        for (Path f : s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
          read(f, byKind);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new CrdSchemas(dir, byKind);
  }

  private static void read(Path file, Map<String, Crd> into) throws IOException {
    try (Reader r = Files.newBufferedReader(file)) {
      for (Object o : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(r)) {
        JsonNode crd = JSON.valueToTree(o);
        if (!crd.path("kind").asString("").equals("CustomResourceDefinition")
            || !crd.path("spec").path("group").asString("").equals(GROUP)) {
          continue;
        }
        Map<String, Schema> versions = new LinkedHashMap<>();
        for (JsonNode v : crd.path("spec").path("versions")) {
          JsonNode schema = v.path("schema").path("openAPIV3Schema");
          if (v.path("served").asBoolean(false) && schema.isObject()) {
            versions.put(v.path("name").asString(""), SCHEMAS.getSchema(withoutExtensions(schema)));
          }
        }
        into.put(
            crd.path("spec").path("names").path("kind").asString(""),
            new Crd(crd.path("metadata").path("name").asString(""), versions));
      }
    }
  }

  /** A copy of a schema without its x-kubernetes-* keys, at any depth. */
  private static JsonNode withoutExtensions(JsonNode schema) {
    JsonNode copy = schema.deepCopy();
    strip(copy);
    return copy;
  }

  private static void strip(JsonNode n) {
    if (n instanceof ObjectNode o) {
      o.remove(o.propertyNames().stream().filter(k -> k.startsWith("x-kubernetes-")).toList());
    }
    n.forEach(CrdSchemas::strip);
  }

  /** Where the CRDs are looked for, relative to the project root when inside it. */
  String where(Path root) {
    return dir.startsWith(root) ? root.relativize(dir).toString() : dir.toString();
  }

  Optional<Crd> of(String kind) {
    return Optional.ofNullable(byKind.get(kind));
  }

  /** One violation, at the YAML node it is about (the line of its key), if the path leads there. */
  record Violation(String message, Optional<Node> node) {}

  private static List<Violation> validate(Schema schema, Doc d) {
    List<Violation> out = new ArrayList<>();
    for (Error e : schema.validate(json(d.root(), new Scalars()))) {
      // Where (a JSON path: "$.spec.metadata[0]"), then what, as validator 1.x wrote them.
      out.add(
          new Violation(
              e.getInstanceLocation() + ": " + e.getMessage(),
              locate(d.root(), e.getInstanceLocation())));
    }
    return out;
  }

  /**
   * The node a path names: the key of a mapping entry (where a reader looks for it), an item of a
   * sequence; empty for the document itself or a path that leads nowhere (a merge key ...).
   */
  private static Optional<Node> locate(Node root, NodePath path) {
    Node n = root;
    Node at = null;
    for (int i = 0; i < path.getNameCount(); i++) {
      Object step = path.getElement(i);
      at = null;
      if (n instanceof MappingNode m && step instanceof String key) {
        for (NodeTuple t : m.getValue()) {
          if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
            at = k;
            n = t.getValueNode();
          }
        }
      } else if (n instanceof SequenceNode s
          && step instanceof Integer index
          && index < s.getValue().size()) {
        n = s.getValue().get(index);
        at = n;
      }
      if (at == null) {
        return Optional.empty();
      }
    }
    return Optional.ofNullable(at);
  }

  /**
   * A node as JSON, its scalars typed as the API server's YAML reader types them (YAML 1.1 ints,
   * floats, bools, nulls, which SnakeYAML resolves alike), timestamps kept as text.
   */
  private static JsonNode json(Node n, Scalars scalars) {
    if (n instanceof MappingNode m) {
      ObjectNode o = JSON.createObjectNode();
      for (NodeTuple t : m.getValue()) {
        o.set(
            Doc.scalar(t.getKeyNode()).orElse(String.valueOf(Doc.plain(t.getKeyNode()))),
            json(t.getValueNode(), scalars));
      }
      return o;
    }
    if (n instanceof SequenceNode s) {
      ArrayNode a = JSON.createArrayNode();
      s.getValue().forEach(i -> a.add(json(i, scalars)));
      return a;
    }
    return JSON.valueToTree(scalars.of(n));
  }

  private static final class Scalars extends SafeConstructor {
    Scalars() {
      super(new LoaderOptions());
      yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
    }

    Object of(Node scalar) {
      return constructObject(scalar);
    }
  }
}
