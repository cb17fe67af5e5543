package dev.todoevents.lint;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * One YAML document of a file, kept as SnakeYAML's node tree so every value still knows its line.
 *
 * @param file the file, relative to the project root (as reported)
 * @param lineOffset lines before the document's text in the file (for YAML embedded in a string)
 */
record Doc(String file, Node root, int lineOffset) {

  static List<Doc> load(Path root, Path file) {
    try (Reader r = Files.newBufferedReader(file)) {
      return parse(root.relativize(file).toString(), r, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** YAML inside a scalar (a kustomize inline patch) starting on the line after {@code at}. */
  static List<Doc> embedded(String file, String text, int lineOffset) {
    return parse(file, new StringReader(text), lineOffset);
  }

  private static List<Doc> parse(String file, Reader r, int offset) {
    List<Doc> docs = new ArrayList<>();
    for (Node n : new Yaml(new LoaderOptions()).composeAll(r)) {
      if (n != null) {
        docs.add(new Doc(file, n, offset));
      }
    }
    return docs;
  }

  String kind() {
    return str("kind").orElse("");
  }

  String name() {
    return str("metadata", "name").orElse("");
  }

  /** The node at a path of mapping keys, if there. */
  Optional<Node> node(String... path) {
    return at(root, path);
  }

  static Optional<Node> at(Node from, String... path) {
    Node n = from;
    for (String key : path) {
      if (!(n instanceof MappingNode m)) {
        return Optional.empty();
      }
      Node next = null;
      for (NodeTuple t : m.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
          next = t.getValueNode();
        }
      }
      if (next == null) {
        return Optional.empty();
      }
      n = next;
    }
    return Optional.of(n);
  }

  Optional<String> str(String... path) {
    return node(path).flatMap(Doc::scalar);
  }

  static Optional<String> scalar(Node n) {
    return n instanceof ScalarNode s ? Optional.of(s.getValue()) : Optional.empty();
  }

  static List<Node> items(Optional<Node> n) {
    return n.filter(SequenceNode.class::isInstance)
        .map(s -> ((SequenceNode) s).getValue())
        .orElse(List.of());
  }

  /** A mapping's entries by key, in order (empty if not a mapping). */
  static Map<String, Node> entries(Optional<Node> n) {
    Map<String, Node> out = new LinkedHashMap<>();
    if (n.isPresent() && n.get() instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k) {
          out.put(k.getValue(), t.getValueNode());
        }
      }
    }
    return out;
  }

  /** A mapping's key nodes by key, in order: where an entry starts (empty if not a mapping). */
  static Map<String, Node> keys(Optional<Node> n) {
    Map<String, Node> out = new LinkedHashMap<>();
    if (n.isPresent() && n.get() instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k) {
          out.put(k.getValue(), k);
        }
      }
    }
    return out;
  }

  /** Scalars of a sequence (e.g. scopes). */
  static List<String> strings(Optional<Node> n) {
    return items(n).stream().flatMap(i -> scalar(i).stream()).toList();
  }

  /** 1-based line of a node in its file. */
  int line(Node n) {
    return lineOffset + n.getStartMark().getLine() + 1;
  }

  int line(String... path) {
    return node(path).map(this::line).orElse(line(root));
  }

  /** A plain, comparable form of a node: maps, lists and strings. */
  static Object plain(Node n) {
    if (n instanceof ScalarNode s) {
      return s.getValue();
    }
    if (n instanceof SequenceNode s) {
      return s.getValue().stream().map(Doc::plain).toList();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    entries(Optional.of(n)).forEach((k, v) -> m.put(k, plain(v)));
    return m;
  }
}
