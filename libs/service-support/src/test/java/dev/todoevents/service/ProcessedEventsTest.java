package dev.todoevents.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todoevents.contracts.Topic;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The in-memory part of ProcessedEvents (the state-store part runs in the e2e tests). */
class ProcessedEventsTest {

  private final ProcessedEvents memory =
      new ProcessedEvents(null, TodoConfig.Dedupe.MEMORY, new SimpleMeterRegistry());

  @Test
  void anEventIsProcessedOncePerTopic() {
    String id = UUID.randomUUID().toString();
    assertThat(memory.alreadyProcessed(Topic.TASK_EVENTS, id)).isFalse();
    memory.markProcessed(Topic.TASK_EVENTS, id);
    assertThat(memory.alreadyProcessed(Topic.TASK_EVENTS, id)).isTrue();
    assertThat(memory.alreadyProcessed(Topic.REMINDERS, id)).isFalse();
  }

  @Test
  void theCacheKeepsTheLast10000() {
    String first = UUID.randomUUID().toString();
    memory.markProcessed(Topic.TASK_EVENTS, first);
    String last = null;
    for (int i = 0; i < ProcessedEvents.CACHE_SIZE; i++) {
      last = UUID.randomUUID().toString();
      memory.markProcessed(Topic.TASK_EVENTS, last);
    }
    assertThat(memory.alreadyProcessed(Topic.TASK_EVENTS, last)).isTrue();
    assertThat(memory.alreadyProcessed(Topic.TASK_EVENTS, first))
        .as("evicted, bounded memory")
        .isFalse();
  }

  @Test
  void offRemembersNothingAndABadModeIsRefused() {
    ProcessedEvents off =
        new ProcessedEvents(null, TodoConfig.Dedupe.OFF, new SimpleMeterRegistry());
    off.markProcessed(Topic.TASK_EVENTS, "e1");
    assertThat(off.alreadyProcessed(Topic.TASK_EVENTS, "e1")).isFalse();
    assertThatThrownBy(() -> TodoConfig.Dedupe.parse("redis"))
        .hasMessageContaining("state-store, memory or off");
  }
}
