package dev.todoevents.e2e;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The figures of {@link BrokerMatrixIT}, kept across its runs (one per broker) so that the docs'
 * broker table can be pasted from one place: each figure is printed as it is measured ({@code
 * [broker x] figure: value}), each broker's run ends with one machine-readable {@code
 * [broker-table]} line, and {@link #markdown()} gives rows = figures, columns = brokers.
 */
final class BrokerFigures {

  static final String NOT_REACHED = "not reached";

  private final List<String> brokers;

  /** figure -> broker -> value; rows in the order the figures were first measured. */
  private final Map<String, Map<String, String>> rows = new LinkedHashMap<>();

  BrokerFigures(List<String> brokers) {
    this.brokers = List.copyOf(brokers);
  }

  /** Records a figure of {@code broker} and prints it. */
  synchronized void put(String broker, String figure, String format, Object... args) {
    // A cell must not break the markdown table or the one-line format.
    String value =
        String.format(java.util.Locale.ROOT, format, args).replace('|', '/').replace('\n', ' ');
    rows.computeIfAbsent(figure, f -> new LinkedHashMap<>()).put(broker, value);
    System.out.printf("[broker %s] %s: %s%n", broker, figure, value);
  }

  synchronized String get(String broker, String figure) {
    return rows.getOrDefault(figure, Map.of()).getOrDefault(broker, NOT_REACHED);
  }

  /** One line with every figure of {@code broker}, for scripts (and for a reader of CI logs). */
  synchronized String line(String broker) {
    return "[broker-table] "
        + broker
        + " | "
        + rows.keySet().stream()
            .map(f -> f + ": " + get(broker, f))
            .collect(Collectors.joining(" | "));
  }

  /** The table: one row per figure, one column per broker; a figure a run did not reach says so. */
  synchronized String markdown() {
    StringBuilder out =
        new StringBuilder("| figure | ").append(String.join(" | ", brokers)).append(" |\n|---|");
    brokers.forEach(b -> out.append("---|"));
    for (String figure : rows.keySet()) {
      out.append("\n| ").append(figure).append(" | ");
      out.append(brokers.stream().map(b -> get(b, figure)).collect(Collectors.joining(" | ")))
          .append(" |");
    }
    return out.toString();
  }
}
