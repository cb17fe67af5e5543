package dev.todoevents.recurring;

import dev.todoevents.contracts.DeadLetter;
import dev.todoevents.contracts.Topic;
import dev.todoevents.service.DeadLetterPublisher;
import io.quarkus.test.Mock;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Unit tests only: records dead letters instead of publishing them through a sidecar. */
@Mock
@ApplicationScoped
public class RecordingDeadLetters extends DeadLetterPublisher {

  public record Letter(Topic source, String partitionKey, DeadLetter letter) {}

  private final List<Letter> letters = new CopyOnWriteArrayList<>();

  public RecordingDeadLetters() {
    super(null, "recurring-task-service");
  }

  @Override
  protected void write(Topic source, String partitionKey, DeadLetter letter) {
    letters.add(new Letter(source, partitionKey, letter));
  }

  public List<Letter> letters() {
    return List.copyOf(letters);
  }

  public void reset() {
    letters.clear();
  }
}
