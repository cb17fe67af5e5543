package dev.todoevents.contracts;

/** What the regular expressions of the contract share with their JSON Schema form. */
final class Patterns {

  /**
   * End of input. {@code $} would also match before a final line break in Java and in Python's
   * {@code re} (stats-service validates with the same schema files), so "…Z\n" would pass; an empty
   * lookahead for any character is the end of input in Java, Python and ECMA-262 alike.
   */
  static final String END = "(?![\\s\\S])";

  private Patterns() {}
}
