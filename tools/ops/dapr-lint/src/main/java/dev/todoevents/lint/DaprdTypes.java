package dev.todoevents.lint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The component types the daprd of this project registers, read from the Go source that
 * tools/bootstrap.sh builds it from (tools/daprd/*.go), so that the linter and the binary cannot
 * disagree. Each RegisterComponent, RegisterInputBinding, RegisterOutputBinding or
 * RegisterComponentWithVersions call on the DefaultRegistry of a loader package
 * github.com/dapr/dapr/pkg/components/{category} registers {category}.{name}, "/" in the category
 * read as "." (middleware/http: middleware.http.{name}), as each registry's createFullName does. A
 * call this reader cannot follow (a name that is not a string literal, an unknown registry) is
 * reported, never guessed.
 */
final class DaprdTypes {

  static final String SOURCE = "tools/daprd";
  private static final String LOADERS = "github.com/dapr/dapr/pkg/components/";

  /**
   * An unversioned registration serves these spec.version values: daprd's registries fall back to
   * it for "", v0 and v1 (components.IsInitialVersion).
   */
  private static final Set<String> INITIAL_VERSIONS = Set.of("", "v0", "v1");

  private static final Pattern IMPORT =
      Pattern.compile("(?m)^\\s*(?:import\\s+)?(\\w+\\s+)?\"" + LOADERS + "([\\w/]+)\"");
  private static final Pattern CALL =
      Pattern.compile("\\b(\\w+)\\.DefaultRegistry\\.(Register\\w*)\\s*\\(");
  private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern VERSION = Pattern.compile("\\bVersion\\s*:\\s*\"([^\"]*)\"");

  /** Type in lower case (daprd compares them so) -> the spec.version values daprd takes for it. */
  private final Map<String, Set<String>> versions = new TreeMap<>();

  private final List<Problem> unreadable = new ArrayList<>();

  private DaprdTypes() {}

  static DaprdTypes read(Path root) {
    DaprdTypes t = new DaprdTypes();
    Path dir = root.resolve(SOURCE);
    List<Path> sources = List.of();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        sources =
            s.filter(f -> f.toString().endsWith(".go") && !f.toString().endsWith("_test.go"))
                .sorted()
                .toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    for (Path f : sources) {
      try {
        t.readFile(root.relativize(f).toString(), Files.readString(f));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + f, e);
      }
    }
    if (t.versions.isEmpty() && t.unreadable.isEmpty()) {
      t.unreadable.add(
          new Problem(
              SOURCE + "/main.go",
              1,
              "unknown-component-type",
              "no component registrations found in "
                  + SOURCE
                  + "/*.go, so no Component type can be checked against the daprd it builds"));
    }
    return t;
  }

  private void readFile(String file, String text) {
    String code = withoutComments(text);
    Map<String, String> categories = new HashMap<>(); // import name -> category
    Matcher m = IMPORT.matcher(code);
    while (m.find()) {
      String path = m.group(2);
      String name =
          m.group(1) != null ? m.group(1).trim() : path.substring(path.lastIndexOf('/') + 1);
      categories.put(name, path.replace('/', '.'));
    }
    Matcher call = CALL.matcher(code);
    while (call.find()) {
      int line = lineOf(code, call.start());
      String category = categories.get(call.group(1));
      List<String> args = arguments(code, call.end());
      if (category == null) {
        cannotRead(file, line, call.group(), "its registry is not a loader package of dapr");
        continue;
      }
      if (args == null) {
        cannotRead(file, line, call.group(), "its parentheses do not close");
        continue;
      }
      switch (call.group(2)) {
        case "RegisterComponent", "RegisterInputBinding", "RegisterOutputBinding" -> {
          List<String> names = args.subList(Math.min(1, args.size()), args.size());
          if (names.isEmpty() || !names.stream().allMatch(a -> STRING.matcher(a).matches())) {
            cannotRead(file, line, call.group(), "its names are not string literals");
          }
          for (String a : names) {
            Matcher s = STRING.matcher(a);
            if (s.matches()) {
              add(category + "." + s.group(1), INITIAL_VERSIONS);
            }
          }
        }
        case "RegisterComponentWithVersions" -> {
          Matcher name = args.size() == 2 ? STRING.matcher(args.get(0)) : null;
          String versioning = name != null && name.matches() ? versioning(code, args.get(1)) : null;
          if (versioning == null) {
            cannotRead(file, line, call.group(), "its name or its Versioning is not a literal");
            continue;
          }
          // The Default version serves an empty spec.version; every listed Version serves itself.
          Set<String> served = new TreeSet<>(Set.of(""));
          Matcher v = VERSION.matcher(versioning);
          while (v.find()) {
            served.add(v.group(1));
          }
          add(category + "." + name.group(1), served);
        }
        default -> cannotRead(file, line, call.group(), "an unknown way to register");
      }
    }
  }

  private void add(String type, Set<String> served) {
    versions
        .computeIfAbsent(type.toLowerCase(Locale.ROOT), k -> new TreeSet<>())
        .addAll(served.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList());
  }

  private void cannotRead(String file, int line, String call, String why) {
    unreadable.add(
        new Problem(
            file,
            line,
            "unknown-component-type",
            "cannot read the component types of "
                + call
                + "...): "
                + why
                + "; the linter reads the registered types from here (DaprdTypes)"));
  }

  /** Problems reading the source: each Component type check would be a guess without it. */
  List<Problem> unreadable() {
    return unreadable;
  }

  /** The versions daprd takes for a type, empty if it does not register the type at all. */
  Set<String> versions(String type) {
    return versions.getOrDefault(type.toLowerCase(Locale.ROOT), Set.of());
  }

  /** The registered types of a category ("state" for state.sqlite ...). */
  List<String> ofCategory(String category) {
    String prefix = category.toLowerCase(Locale.ROOT) + ".";
    return versions.keySet().stream().filter(t -> t.startsWith(prefix)).toList();
  }

  /**
   * The Versioning an argument is: a composite literal, or the variable it was assigned to in the
   * same file; the literal's text, or null.
   */
  private static String versioning(String code, String arg) {
    if (arg.matches("(?s)[\\w.]*Versioning\\s*\\{.*")) {
      return arg;
    }
    if (!arg.matches("\\w+")) {
      return null;
    }
    Matcher def =
        Pattern.compile("\\b" + arg + "\\s*:?=\\s*[\\w.]*Versioning\\s*\\{").matcher(code);
    if (!def.find()) {
      return null;
    }
    int brace = def.end() - 1;
    int end = closing(code, brace, '{', '}');
    return end < 0 ? null : code.substring(brace, end + 1);
  }

  /**
   * The top-level arguments of a call whose "(" is just before {@code from}, trimmed; null if it
   * does not close.
   */
  private static List<String> arguments(String code, int from) {
    int end = closing(code, from - 1, '(', ')');
    if (end < 0) {
      return null;
    }
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = from;
    for (int i = from; i < end; i++) {
      char c = code.charAt(i);
      if (c == '"') {
        i = endOfString(code, i);
      } else if (c == '(' || c == '{' || c == '[') {
        depth++;
      } else if (c == ')' || c == '}' || c == ']') {
        depth--;
      } else if (c == ',' && depth == 0) {
        out.add(code.substring(start, i).trim());
        start = i + 1;
      }
    }
    String last = code.substring(start, end).trim();
    if (!last.isEmpty()) {
      out.add(last); // (a trailing comma leaves nothing after it)
    }
    return out;
  }

  /** The index of the quote closing the Go string that opens at {@code quote}, or the end. */
  private static int endOfString(String code, int quote) {
    for (int i = quote + 1; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        return i;
      }
    }
    return code.length();
  }

  /** The index of the bracket closing the one at {@code open}, skipping strings; -1 if none. */
  private static int closing(String code, int open, char opening, char close) {
    int depth = 0;
    for (int i = open; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c == '"') {
        i = endOfString(code, i);
      } else if (c == opening) {
        depth++;
      } else if (c == close && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Go source with its comments blanked out (line breaks kept, so lines still count), so that a
   * registration quoted in a comment does not count; strings, raw strings and runes are kept.
   */
  private static String withoutComments(String src) {
    StringBuilder out = new StringBuilder(src);
    int i = 0;
    while (i < src.length()) {
      char c = src.charAt(i);
      if (c == '"' || c == '\'' || c == '`') {
        int j = i + 1;
        while (j < src.length() && src.charAt(j) != c && (c == '`' || src.charAt(j) != '\n')) {
          j += c != '`' && src.charAt(j) == '\\' ? 2 : 1;
        }
        i = j + 1;
      } else if (src.startsWith("//", i)) {
        int end = src.indexOf('\n', i);
        end = end < 0 ? src.length() : end;
        blank(out, i, end);
        i = end;
      } else if (src.startsWith("/*", i)) {
        int end = src.indexOf("*/", i + 2);
        end = end < 0 ? src.length() : end + 2;
        blank(out, i, end);
        i = end;
      } else {
        i++;
      }
    }
    return out.toString();
  }

  private static void blank(StringBuilder b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b.charAt(i) != '\n') {
        b.setCharAt(i, ' ');
      }
    }
  }

  private static int lineOf(String text, int index) {
    int line = 1;
    for (int i = 0; i < index; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }
}
