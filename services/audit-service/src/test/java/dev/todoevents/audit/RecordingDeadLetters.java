package dev.todoevents.audit;

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

  public record Letter(Topic source, String eventId, String reason) {}

  private final List<Letter> letters = new CopyOnWriteArrayList<>();
  private volatile boolean failing;

  public RecordingDeadLetters() {
    super(null, "audit-service");
  }

  @Override
  protected void write(Topic source, String partitionKey, DeadLetter letter) {
    if (failing) {
      throw new IllegalStateException("sidecar unavailable (test)");
    }
    letters.add(new Letter(source, letter.eventId(), letter.error()));
  }

  public List<Letter> letters() {
    return List.copyOf(letters);
  }

  public void reset() {
    letters.clear();
    failing = false;
  }

  public void failing(boolean failing) {
    this.failing = failing;
  }
}
