package dev.todoevents.contracts;

import java.time.Instant;
import java.util.UUID;

/** What every event of the contract carries, whatever its type. */
public interface Event {
  UUID eventId();

  int schemaVersion();

  Instant timestamp();

  String userId();

  /** The CloudEvents {@code type} attribute of the envelope that carries this event. */
  String cloudEventType();
}
