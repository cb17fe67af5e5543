// BROKEN on purpose (dapr-lint corpus): code-topic-undeclared. Replaces Topic.java in a copy of
// the project: a new topic in code that no KafkaTopic in k8s/ declares (nor its -dlq).
package dev.todoevents.contracts;

public enum Topic {
  TASK_EVENTS("task-events"),
  REMINDERS("reminders"),
  TASK_UPDATES("task-updates"),
  TASK_COMMENTS("task-comments");

  Topic(String name) {}
}
