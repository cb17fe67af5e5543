package dev.todoevents.task.domain;

import dev.todoevents.contracts.Events;
import dev.todoevents.contracts.TaskEvent;
import dev.todoevents.contracts.TaskEventType;
import dev.todoevents.task.events.EventPublisher;
import dev.todoevents.task.events.RequestContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Task lifecycle. Each change is written and its TaskEvent published in one transaction: the
 * publish waits for the broker's acknowledgement, and a failed publish rolls the change back,
 * so the API never answers success for a change that no consumer will hear of. (A crash between
 * the broker's ack and the commit can still publish an event for a change that was rolled back;
 * the transactional outbox that closes that gap is a later issue.)
 */
@ApplicationScoped
public class TaskService {

  private final EventPublisher publisher;

  public TaskService(EventPublisher publisher) {
    this.publisher = publisher;
  }

  @Transactional
  public Task create(String userId, TaskChanges c, RequestContext ctx) {
    Instant now = Events.now();
    Task t = new Task();
    t.id = UUID.randomUUID();
    t.userId = userId;
    t.title = c.title();
    t.description = c.description();
    t.dueAt = c.dueAt();
    t.remindAt = c.remindAt();
    t.recurrence = c.recurrence() == null ? "none" : c.recurrence();
    t.status = Task.OPEN;
    t.createdAt = now;
    t.updatedAt = now;
    t.persist();
    publish(TaskEventType.CREATED, t, ctx);
    return t;
  }

  public Optional<Task> find(UUID id) {
    return Task.findByIdOptional(id);
  }

  public List<Task> listByUser(String userId) {
    return Task.byUser(userId);
  }

  @Transactional
  public Task update(UUID id, TaskChanges c, RequestContext ctx) {
    Task t = load(id);
    if (c.title() != null) {
      t.title = c.title();
    }
    if (c.description() != null) {
      t.description = c.description();
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
    t.updatedAt = Events.now();
    publish(TaskEventType.UPDATED, t, ctx);
    return t;
  }

  /** Completing a completed task changes nothing and publishes nothing (a retried request). */
  @Transactional
  public Task complete(UUID id, RequestContext ctx) {
    Task t = load(id);
    if (Task.COMPLETED.equals(t.status)) {
      return t;
    }
    Instant now = Events.now();
    t.status = Task.COMPLETED;
    t.completedAt = now;
    t.updatedAt = now;
    publish(TaskEventType.COMPLETED, t, ctx);
    return t;
  }

  @Transactional
  public void delete(UUID id, RequestContext ctx) {
    Task t = load(id);
    t.updatedAt = Events.now();
    publish(TaskEventType.DELETED, t, ctx);
    t.delete();
  }

  private Task load(UUID id) {
    return Task.<Task>findByIdOptional(id).orElseThrow(() -> new TaskNotFoundException(id));
  }

  private void publish(TaskEventType type, Task t, RequestContext ctx) {
    // Flush first: a constraint violation must fail the request before anything is published.
    Task.flush();
    publisher.publish(TaskEvent.of(type, t.id, t.userId, t.snapshot()), ctx);
  }
}
