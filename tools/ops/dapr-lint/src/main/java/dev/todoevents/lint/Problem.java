package dev.todoevents.lint;

/** One finding: where (file relative to the project root, 1-based line), which rule, what. */
public record Problem(String file, int line, String rule, String message)
    implements Comparable<Problem> {

  @Override
  public int compareTo(Problem o) {
    int c = file.compareTo(o.file);
    if (c != 0) {
      return c;
    }
    c = Integer.compare(line, o.line);
    return c != 0 ? c : rule.compareTo(o.rule);
  }

  @Override
  public String toString() {
    return file + ":" + line + ": error [" + rule + "] " + message;
  }

  public String toJson() {
    return "{\"file\":"
        + quote(file)
        + ",\"line\":"
        + line
        + ",\"rule\":"
        + quote(rule)
        + ",\"message\":"
        + quote(message)
        + "}";
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (ch < 0x20) {
            b.append(String.format("\\u%04x", (int) ch));
          } else {
            b.append(ch);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
