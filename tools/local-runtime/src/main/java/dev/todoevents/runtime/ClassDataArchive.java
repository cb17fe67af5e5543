package dev.todoevents.runtime;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A class-data archive (JDK 17 dynamic AppCDS) per packaged app, kept beside its jar: the first
 * start of a jar writes one when the JVM exits in order, later starts map it, and a JVM then needs
 * about 40 % less CPU to start (task-service: 10.6 s to 6.3 s of CPU, docs/testing.md). On two
 * cores that is most of what a system start waits for.
 *
 * <p>Why not Quarkus' own {@code quarkus.package.jar.appcds.enabled}: its archive records the class
 * path as {@code quarkus-run.jar} relative to the package folder, so the JVM must run there, and
 * the apps run in their own work folders. The file name carries the jar's size and time, so a
 * rebuilt jar gets a new archive; a JVM that finds an archive it cannot use runs without one.
 */
final class ClassDataArchive {

  // The dump names every class it skips (proxies, unlinked classes): not for the app's log.
  private static final String QUIET = "-Xlog:cds=off,cds+dynamic=off";

  private static final long STALE_CLAIM_MS = 15 * 60_000;

  private final Path archive;
  private final Path partial;
  private final Path claim;
  private boolean writing;

  private ClassDataArchive(Path archive) {
    this.archive = archive;
    this.partial = archive.resolveSibling(archive.getFileName() + ".partial");
    this.claim = archive.resolveSibling(archive.getFileName() + ".writer");
  }

  static ClassDataArchive of(Path jar) {
    try {
      String stamp = Files.size(jar) + "-" + Files.getLastModifiedTime(jar).toMillis();
      return new ClassDataArchive(jar.resolveSibling("todo-cds-" + stamp + ".jsa"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * The JVM flags for the next start: use the archive, or write it (one JVM at a time), or none.
   */
  List<String> flags() {
    if (Files.exists(archive)) {
      return List.of("-XX:SharedArchiveFile=" + archive, QUIET);
    }
    try {
      if (Files.exists(claim)
          && Files.getLastModifiedTime(claim).toMillis()
              < System.currentTimeMillis() - STALE_CLAIM_MS) {
        Files.deleteIfExists(claim); // its writer died with the JVM that started it
      }
      Files.createFile(claim); // another instance of this jar may be writing it right now
      writing = true;
      return List.of("-XX:ArchiveClassesAtExit=" + partial, QUIET);
    } catch (FileAlreadyExistsException e) {
      return List.of();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * After the JVM has ended: an archive it wrote becomes the archive (a JVM that was killed wrote
   * none, or half of one, which the next JVM's check refuses).
   */
  void exited(boolean inOrder) {
    if (!writing) {
      return;
    }
    writing = false;
    try {
      if (inOrder && Files.exists(partial)) {
        Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.deleteIfExists(partial);
      Files.deleteIfExists(claim);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
