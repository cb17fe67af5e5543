package dev.todoevents.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** task-service on a real PostgreSQL server: the configuration a deployment uses. */
@QuarkusTest
@TestProfile(PostgresTaskTest.OnPostgres.class)
class PostgresTaskTest {

  public static class OnPostgres implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.datasource.db-kind", "postgresql");
    }

    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(PostgresResource.class));
    }
  }

  @Inject AgroalDataSource dataSource;
  @Inject RecordingPublisher publisher;

  @Test
  void tasksAreStoredInPostgres() throws Exception {
    publisher.reset();
    String id =
        TaskResourceTest.as("pg-user")
            .contentType(ContentType.JSON)
            .body(
                "{\"user_id\":\"pg-user\",\"title\":\"On Postgres\",\"due_at\":\"2026-12-01T10:00:00Z\"}")
            .post("/tasks")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    TaskResourceTest.as("pg-user")
        .post("/tasks/" + id + "/complete")
        .then()
        .statusCode(200)
        .body("status", equalTo("completed"));
    TaskResourceTest.as("pg-user")
        .queryParam("user_id", "pg-user")
        .get("/tasks")
        .then()
        .statusCode(200)
        .body("$", hasSize(1));

    try (Connection c = dataSource.getConnection();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "select version(), title, status from tasks where id = '" + id + "'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).startsWith("PostgreSQL");
      assertThat(rs.getString(2)).isEqualTo("On Postgres");
      assertThat(rs.getString(3)).isEqualTo("completed");
    }
    assertThat(publisher.published()).hasSize(2);
  }
}
