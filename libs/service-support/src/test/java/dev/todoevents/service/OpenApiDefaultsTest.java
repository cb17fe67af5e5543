package dev.todoevents.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.junit.jupiter.api.Test;

class OpenApiDefaultsTest {

  /** The documented error body is the one the mappers write: the same fields, nested too. */
  @Test
  void theErrorSchemaNamesApiErrorsFields() {
    Schema schema = OpenApiDefaults.errorSchema();
    assertThat(schema.getProperties().keySet()).containsExactlyInAnyOrder(names(ApiError.class));
    assertThat(schema.getProperties().get("details").getItems().getProperties().keySet())
        .containsExactlyInAnyOrder(names(ApiError.FieldProblem.class));
  }

  private static String[] names(Class<? extends Record> record) {
    return Arrays.stream(record.getRecordComponents())
        .map(RecordComponent::getName)
        .toArray(String[]::new);
  }
}
