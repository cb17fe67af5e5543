package dev.todoevents.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server from Debian's postgresql package: initdb into a temporary folder,
 * postgres on a free loopback port, trust auth for a database {@code app}. PostgreSQL refuses to
 * run as root, so under root it runs as the {@code postgres} user via setpriv.
 */
public final class PostgresServer implements AutoCloseable {

  public static final String DATABASE = "app";
  public static final String USER = "app";

  private final int port;
  private final ManagedProcess process;

  private PostgresServer(int port, ManagedProcess process) {
    this.port = port;
    this.process = process;
  }

  public static PostgresServer start(Path dir) {
    Path bin = binDir();
    int port = Ports.free();
    try {
      Path data = dir.resolve("pgdata");
      Files.createDirectories(dir);
      boolean root = "root".equals(System.getProperty("user.name"));
      if (root) {
        chownTree(dir, "postgres");
      }
      List<String> initdb =
          asPostgres(
              root,
              bin.resolve("initdb").toString(),
              "-D",
              data.toString(),
              "-U",
              USER,
              "--auth=trust",
              "--encoding=UTF8",
              "--no-sync");
      ManagedProcess init =
          ManagedProcess.start("initdb", initdb, Map.of(), dir, dir.resolve("initdb.log"));
      int code = init.awaitExit(Duration.ofSeconds(120));
      if (code != 0) {
        throw new IllegalStateException("initdb failed (exit " + code + "):\n" + init.tail(40));
      }
      List<String> server =
          asPostgres(
              root,
              bin.resolve("postgres").toString(),
              "-D",
              data.toString(),
              "-p",
              Integer.toString(port),
              "-h",
              "127.0.0.1",
              "-k",
              dir.toString(),
              "-c",
              "fsync=off");
      ManagedProcess p =
          ManagedProcess.start("postgres", server, Map.of(), dir, dir.resolve("postgres.log"));
      try {
        p.awaitLog("database system is ready to accept connections", Duration.ofSeconds(60));
      } catch (RuntimeException e) {
        p.close(); // not left running when it never became ready
        throw e;
      }
      ManagedProcess create =
          ManagedProcess.start(
              "createdb",
              List.of(
                  bin.resolve("createdb").toString(),
                  "-h",
                  "127.0.0.1",
                  "-p",
                  Integer.toString(port),
                  "-U",
                  USER,
                  DATABASE),
              Map.of(),
              dir,
              dir.resolve("createdb.log"));
      if (create.awaitExit(Duration.ofSeconds(30)) != 0) {
        p.close();
        throw new IllegalStateException("createdb failed:\n" + create.tail(20));
      }
      return new PostgresServer(port, p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String jdbcUrl() {
    return jdbcUrl(DATABASE);
  }

  /** The JDBC URL of another database in this server (see {@link #createDatabase(String)}). */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /**
   * Creates another database, owned by {@link #USER}: e.g. one per service, as two services share
   * one server on a cluster. @return its JDBC URL
   */
  public String createDatabase(String name) {
    Path dir = process.log().getParent();
    ManagedProcess create =
        ManagedProcess.start(
            "createdb-" + name,
            List.of(
                binDir().resolve("createdb").toString(),
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-U",
                USER,
                name),
            Map.of(),
            dir,
            dir.resolve("createdb-" + name + ".log"));
    if (create.awaitExit(Duration.ofSeconds(30)) != 0) {
      throw new IllegalStateException("createdb " + name + " failed:\n" + create.tail(20));
    }
    return jdbcUrl(name);
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(20));
  }

  /** The newest /usr/lib/postgresql/N/bin, or $PG_BIN; fails saying which package to install. */
  static Path binDir() {
    String env = System.getenv("PG_BIN");
    if (env != null && Files.isExecutable(Paths.get(env, "postgres"))) {
      return Paths.get(env);
    }
    Path base = Paths.get("/usr/lib/postgresql");
    if (Files.isDirectory(base)) {
      try (Stream<Path> versions = Files.list(base)) {
        return versions
            .map(v -> v.resolve("bin"))
            .filter(b -> Files.isExecutable(b.resolve("postgres")))
            .max(
                Comparator.comparing(
                    b ->
                        Integer.parseInt(
                            b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
            .orElseThrow(PostgresServer::missing);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw missing();
  }

  private static IllegalStateException missing() {
    return new IllegalStateException(
        "PostgreSQL server binaries not found: run tools/bootstrap.sh, or install them with "
            + "`apt-get install -y postgresql` (or set PG_BIN to a folder with postgres and initdb)");
  }

  private static List<String> asPostgres(boolean root, String... cmd) {
    List<String> out = new ArrayList<>();
    if (root) {
      out.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"));
    }
    out.addAll(List.of(cmd));
    return out;
  }

  private static void chownTree(Path dir, String user) throws IOException {
    UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
    UserPrincipal owner = lookup.lookupPrincipalByName(user);
    GroupPrincipal group = lookup.lookupPrincipalByGroupName(user);
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Files.setOwner(p, owner);
        Files.getFileAttributeView(p, java.nio.file.attribute.PosixFileAttributeView.class)
            .setGroup(group);
      }
    }
  }
}
