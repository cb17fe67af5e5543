package dev.todoevents.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.todoevents.contracts.DaprNames.AppIds;
import dev.todoevents.runtime.ProjectPaths;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The OpenAPI document each Java app's build writes (target/openapi/openapi.json,
 * quarkus-smallrye-openapi) is valid for the reference parser, lists every JAX-RS endpoint the
 * packaged app has (found by reflection in its jar, not from the document), and documents each one:
 * a description, who may call it (a user's token or the sidecar's app token, never nobody) and the
 * error body.
 */
class OpenApiDocumentsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> HTTP = List.of("get", "put", "post", "delete", "patch");

  @ParameterizedTest
  @ValueSource(
      strings = {
        AppIds.TASK_SERVICE,
        AppIds.AUDIT_SERVICE,
        AppIds.RECURRING_TASK_SERVICE,
        AppIds.NOTIFICATION_SERVICE,
        AppIds.REALTIME_SERVICE
      })
  void everyEndpointIsDocumentedAndSecured(String app) throws Exception {
    Path service = ProjectPaths.root().resolve("services").resolve(app);
    Path file = service.resolve("target/openapi/openapi.json");
    assertThat(file).as("built by ./mvnw package -pl services/%s", app).exists();
    String json = Files.readString(file);

    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(json, null, options);
    assertThat(parsed.getOpenAPI()).as("%s's document parses", app).isNotNull();
    assertThat(parsed.getMessages()).as("%s's document", app).isEmpty();

    JsonNode doc = JSON.readTree(json);
    TreeSet<String> documented = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields();
        paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (String method : HTTP) {
        JsonNode op = path.getValue().get(method);
        if (op == null) {
          continue;
        }
        String name = method.toUpperCase() + " " + path.getKey();
        documented.add(name);
        assertThat(op.path("description").asText())
            .as("%s %s: description", app, name)
            .isNotBlank();
        assertThat(fieldNames(op.path("security")))
            .as("%s %s: who may call it", app, name)
            .hasSize(1)
            .first()
            .isIn("user-token", "app-token");
        assertThat(op.at("/responses/default/$ref").asText())
            .as("%s %s: the error body", app, name)
            .isEqualTo("#/components/responses/error");
      }
    }
    assertThat(documented)
        .as("%s: documented = its JAX-RS endpoints", app)
        .isEqualTo(endpoints(service, app));
  }

  private static List<String> fieldNames(JsonNode security) {
    List<String> names = new ArrayList<>();
    security.forEach(requirement -> requirement.fieldNames().forEachRemaining(names::add));
    return names;
  }

  /** "METHOD /path" of every resource method in the packaged app's own jar. */
  private static TreeSet<String> endpoints(Path service, String app) throws IOException {
    Path quarkusApp = service.resolve("target/quarkus-app");
    List<URL> urls = new ArrayList<>();
    Path appJar = quarkusApp.resolve("app").resolve(app + "-0.1.0-SNAPSHOT.jar");
    urls.add(appJar.toUri().toURL());
    try (Stream<Path> libs = Files.list(quarkusApp.resolve("lib/main"))) {
      for (Path lib : libs.toList()) {
        urls.add(lib.toUri().toURL());
      }
    }
    TreeSet<String> out = new TreeSet<>();
    try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), null);
        JarFile jar = new JarFile(appJar.toFile())) {
      for (String name :
          jar.stream()
              .map(e -> e.getName())
              .filter(n -> n.endsWith(".class") && n.startsWith("dev/todoevents/"))
              .toList()) {
        Class<?> c;
        try {
          c = Class.forName(name.replace('/', '.').replace(".class", ""), false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
          throw new AssertionError("cannot load " + name + " from " + appJar, e);
        }
        String base = path(c.getAnnotations());
        if (base == null) {
          continue;
        }
        for (Method m : c.getDeclaredMethods()) {
          String verb = httpMethod(m.getAnnotations());
          if (verb != null) {
            String sub = path(m.getAnnotations());
            out.add(verb + " " + join(base, sub));
          }
        }
      }
    }
    return out;
  }

  private static String join(String base, String sub) {
    String p = "/" + base.replaceAll("^/|/$", "");
    if (sub != null && !sub.isBlank() && !sub.equals("/")) {
      p += "/" + sub.replaceAll("^/|/$", "");
    }
    return p;
  }

  /** The value of a jakarta.ws.rs.Path among {@code annotations}, or null. */
  private static String path(Annotation[] annotations) {
    for (Annotation a : annotations) {
      if (a.annotationType().getName().equals("jakarta.ws.rs.Path")) {
        try {
          return (String) a.annotationType().getMethod("value").invoke(a);
        } catch (ReflectiveOperationException e) {
          throw new AssertionError(e);
        }
      }
    }
    return null;
  }

  /** GET, POST ...: an annotation that is itself annotated with jakarta.ws.rs.HttpMethod. */
  private static String httpMethod(Annotation[] annotations) {
    for (Annotation a : annotations) {
      for (Annotation meta : a.annotationType().getAnnotations()) {
        if (meta.annotationType().getName().equals("jakarta.ws.rs.HttpMethod")) {
          return a.annotationType().getSimpleName();
        }
      }
    }
    return null;
  }
}
