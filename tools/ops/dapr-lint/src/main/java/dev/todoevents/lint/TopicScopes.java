package dev.todoevents.lint;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * A pub/sub component's topic scoping metadata, read as daprd 1.17 reads it (pkg/scopes,
 * pkg/runtime/pubsub IsOperationAllowed): keys case-insensitive, spaces dropped, apps split at ";",
 * an app from its topics at "=", topics at ",". {@code app=} gives that app the one topic "", i.e.
 * none; an app not named at all may use every topic not protected.
 *
 * @param allowed allowedTopics (empty: any topic)
 * @param isProtected protectedTopics: only apps that name them may use them
 * @param publishing publishingScopes per app
 * @param subscribing subscriptionScopes per app
 */
record TopicScopes(
    Set<String> allowed,
    Set<String> isProtected,
    Map<String, Set<String>> publishing,
    Map<String, Set<String>> subscribing) {

  static final String ALLOWED = "allowedTopics";
  static final String PROTECTED = "protectedTopics";
  static final String PUBLISHING = "publishingScopes";
  static final String SUBSCRIPTION = "subscriptionScopes";

  static TopicScopes of(Doc component) {
    return new TopicScopes(
        topics(value(component, ALLOWED)),
        topics(value(component, PROTECTED)),
        apps(value(component, PUBLISHING)),
        apps(value(component, SUBSCRIPTION)));
  }

  /**
   * The metadata entry's value node (only a plain value counts: daprd resolves no reference here).
   */
  static Optional<Node> entry(Doc component, String key) {
    for (Node m : Doc.items(component.node("spec", "metadata"))) {
      if (Doc.at(m, "name").flatMap(Doc::scalar).filter(key::equalsIgnoreCase).isPresent()) {
        return Doc.at(m, "value");
      }
    }
    return Optional.empty();
  }

  private static String value(Doc component, String key) {
    return entry(component, key).flatMap(Doc::scalar).orElse("").replace(" ", "");
  }

  private static Set<String> topics(String value) {
    return value.isEmpty() ? Set.of() : new LinkedHashSet<>(List.of(value.split(",", -1)));
  }

  private static Map<String, Set<String>> apps(String value) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    if (value.isEmpty()) {
      return out;
    }
    for (String app : value.split(";", -1)) {
      String[] parts = app.split("=", -1);
      if (parts.length >= 2) {
        out.computeIfAbsent(parts[0], a -> new LinkedHashSet<>())
            .addAll(List.of(parts[1].split(",", -1)));
      }
    }
    return out;
  }

  boolean mayPublish(String app, String topic) {
    return allowed(topic, publishing.getOrDefault(app, Set.of()));
  }

  boolean maySubscribe(String app, String topic) {
    return allowed(topic, subscribing.getOrDefault(app, Set.of()));
  }

  /** daprd's IsOperationAllowed. */
  private boolean allowed(String topic, Set<String> scoped) {
    if (!allowed.isEmpty() && !allowed.contains(topic)) {
      return false;
    }
    if (!isProtected.contains(topic) && scoped.isEmpty()) {
      return true;
    }
    return scoped.contains(topic);
  }
}
