package dev.todoevents.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** tools/schemas.sh registers every contract: a new schema file cannot be left out. */
class SchemasToolTest {

  @Test
  void everySchemaFileHasASubject() throws Exception {
    Set<String> files;
    try (Stream<Path> all =
        Files.list(Path.of("../../../libs/event-contracts/src/main/resources/schemas"))) {
      files =
          all.map(p -> "schemas/" + p.getFileName()).collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(files, new TreeSet<>(SchemasTool.SUBJECTS.values()));
  }
}
