package dev.todoevents.service;

import java.util.LinkedHashMap;
import java.util.Map;

/** The bounded in-memory caches: the least recently used entry goes once there are too many. */
final class Lru {
  private Lru() {}

  /** A map of at most {@code capacity} entries, in access order; not thread-safe by itself. */
  static <K, V> Map<K, V> map(int capacity) {
    return new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
      }
    };
  }
}
