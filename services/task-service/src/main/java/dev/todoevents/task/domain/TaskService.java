package dev.todoevents.task.domain;

import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.TaskData;
import dev.todoevents.contracts.TaskEvent;
import dev.todoevents.contracts.TaskEventType;
import dev.todoevents.contracts.TaskUpdateEvent;
import dev.todoevents.contracts.Topic;
import dev.todoevents.task.events.Outbox;
import dev.todoevents.task.events.OutboxRelay;
import dev.todoevents.task.events.PublishFailedException;
import dev.todoevents.task.events.RequestContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Task lifecycle. A change and its events - a TaskEvent (the whole task) for task-events and a
 * TaskUpdateEvent (what changed) for task-updates - are written in one transaction, the events to
 * the outbox, which {@link OutboxRelay} publishes after the commit. While the relay has been
 * failing to publish for a while, changes are refused ({@link PublishFailedException}, answered
 * 503).
 */
@ApplicationScoped
public class TaskService {

  private final Outbox outbox;
  private final OutboxRelay relay;
  private final Event<ReminderClock.RemindAtSet> remindAtSet;

  public TaskService(
      Outbox outbox, OutboxRelay relay, Event<ReminderClock.RemindAtSet> remindAtSet) {
    this.outbox = outbox;
    this.relay = relay;
    this.remindAtSet = remindAtSet;
  }

  /** A new task, or the existing one if {@code spec.id()} names a task that exists already. */
  public record Created(Task task, boolean isNew) {}

  /**
   * Creates a task. With a caller-chosen id the call is idempotent: a task that already exists
   * under that id for the same user, series and occurrence is returned unchanged and nothing is
   * published, so a retried or redelivered "create the next occurrence" creates nothing twice. Any
   * other task under that id is a conflict, never "already done": a series cannot be taken over or
   * ended by a task planted under its next id.
   */
  @Transactional
  public Created create(String userId, NewTask spec, RequestContext ctx) {
    UUID id = spec.id() != null ? spec.id() : UUID.randomUUID();
    UUID seriesId = spec.seriesId() != null ? spec.seriesId() : id;
    int occurrence = spec.occurrence() != null ? spec.occurrence() : 1;
    if (spec.id() != null) {
      Optional<Task> existing = Task.findByIdOptional(id);
      if (existing.isPresent()) {
        Task e = existing.get();
        if (!e.userId.equals(userId)) {
          throw new TaskConflictException(id, "belongs to another user");
        }
        if (!seriesId.equals(e.seriesId) || !Objects.equals(occurrence, e.occurrence)) {
          throw new TaskConflictException(
              id,
              "is occurrence "
                  + e.occurrence
                  + " of series "
                  + e.seriesId
                  + ", not occurrence "
                  + occurrence
                  + " of series "
                  + seriesId);
        }
        return new Created(e, false);
      }
    }
    TaskChanges c = spec.fields();
    Instant now = Events.now();
    Task t = new Task();
    t.id = id;
    t.seriesId = seriesId;
    t.occurrence = occurrence;
    t.userId = userId;
    t.title = c.title();
    t.description = c.description();
    t.dueAt = c.dueAt();
    t.remindAt = c.remindAt();
    t.recurrence = c.recurrence() == null ? "none" : c.recurrence();
    t.priority = c.priority() == null ? "medium" : c.priority();
    t.status = c.status() == null ? TaskData.PENDING : c.status();
    t.createdAt = now;
    t.updatedAt = now;
    if (TaskData.COMPLETED.equals(t.status)) {
      t.completedAt = now;
    }
    t.persist();
    publish(TaskEventType.CREATED, t, null, ctx);
    return new Created(t, true);
  }

  /** The task if it is {@code userId}'s: another user's task is not found, as a missing one. */
  public Optional<Task> find(String userId, UUID id) {
    return Task.<Task>findByIdOptional(id).filter(t -> t.userId.equals(userId));
  }

  /**
   * One page of the user's tasks in (created_at, id) order: at most {@code limit}, after {@code
   * after} (null: from the start).
   */
  public List<Task> listByUser(String userId, PageCursor after, int limit) {
    return Task.byUser(userId, after, limit);
  }

  /**
   * Applies the given fields. Setting status to completed is the same as {@link #complete}; a
   * change that changes nothing publishes nothing.
   */
  @Transactional
  public Task update(String userId, UUID id, TaskChanges c, RequestContext ctx) {
    Task t = load(userId, id);
    TaskData before = t.snapshot();
    if (c.title() != null) {
      t.title = c.title();
    }
    if (c.description() != null) {
      t.description = c.description();
    }
    if (c.priority() != null) {
      t.priority = c.priority();
    }
    if (c.dueAt() != null) {
      t.dueAt = c.dueAt();
    }
    if (c.remindAt() != null) {
      t.remindAt = c.remindAt();
    }
    if (c.recurrence() != null) {
      t.recurrence = c.recurrence();
    }
    boolean completing =
        TaskData.COMPLETED.equals(c.status()) && !TaskData.COMPLETED.equals(t.status);
    if (c.status() != null) {
      t.status = c.status();
      if (!TaskData.COMPLETED.equals(t.status)) {
        t.completedAt = null;
      }
    }
    if (before.equals(t.snapshot())) {
      return t;
    }
    Instant now = Events.now();
    t.updatedAt = now;
    if (completing) {
      t.completedAt = now;
    }
    publish(completing ? TaskEventType.COMPLETED : TaskEventType.UPDATED, t, before, ctx);
    return t;
  }

  /** Completing a completed task changes nothing and publishes nothing (a retried request). */
  @Transactional
  public Task complete(String userId, UUID id, RequestContext ctx) {
    Task t = load(userId, id);
    if (TaskData.COMPLETED.equals(t.status)) {
      return t;
    }
    TaskData before = t.snapshot();
    Instant now = Events.now();
    t.status = TaskData.COMPLETED;
    t.completedAt = now;
    t.updatedAt = now;
    publish(TaskEventType.COMPLETED, t, before, ctx);
    return t;
  }

  @Transactional
  public void delete(String userId, UUID id, RequestContext ctx) {
    Task t = load(userId, id);
    TaskData before = t.snapshot();
    t.updatedAt = Events.now();
    publish(TaskEventType.DELETED, t, before, ctx);
    t.delete();
  }

  /** {@code userId}'s task, loaded once in the caller's transaction; else TaskNotFoundException. */
  private Task load(String userId, UUID id) {
    return find(userId, id).orElseThrow(() -> new TaskNotFoundException(id));
  }

  /**
   * @param before the task before the change, or null for a new task (then every field is new)
   */
  private void publish(TaskEventType type, Task t, TaskData before, RequestContext ctx) {
    if (relay.refusingWrites()) {
      // The event bus has been down for a while: tell the caller rather than pile up events.
      throw new PublishFailedException("the event bus is unavailable", null);
    }
    TaskData after = t.snapshot();
    // Into the outbox, in this transaction: the relay publishes them once it has committed.
    outbox.add(Topic.TASK_EVENTS, TaskEvent.of(type, t.id, t.userId, after), ctx);
    Map<String, Object> delta = type == TaskEventType.DELETED ? Map.of() : changes(before, after);
    outbox.add(
        Topic.TASK_UPDATES,
        new TaskUpdateEvent(
            UUID.randomUUID(),
            TaskUpdateEvent.SCHEMA_VERSION,
            Events.now(),
            type,
            t.id,
            t.userId,
            delta),
        ctx);
    if (type != TaskEventType.DELETED
        && after.remindAt() != null
        && (before == null || !after.remindAt().equals(before.remindAt()))) {
      remindAtSet.fire(new ReminderClock.RemindAtSet(after.remindAt()));
    }
  }

  /** The fields of {@code after} that differ from {@code before}, by their JSON names. */
  static Map<String, Object> changes(TaskData before, TaskData after) {
    Map<String, Object> afterJson = Events.MAPPER.convertValue(after, Events.MAP_TYPE);
    Map<String, Object> beforeJson =
        before == null ? Map.of() : Events.MAPPER.convertValue(before, Events.MAP_TYPE);
    Map<String, Object> out = new LinkedHashMap<>();
    for (var e : afterJson.entrySet()) {
      if (!Objects.equals(e.getValue(), beforeJson.get(e.getKey()))) {
        out.put(e.getKey(), e.getValue());
      }
    }
    for (String removed : beforeJson.keySet()) {
      if (!afterJson.containsKey(removed)) {
        out.put(removed, null);
      }
    }
    return out;
  }
}
