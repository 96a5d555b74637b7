package io.shoal.testing;

import io.shoal.db.Database;
import io.vertx.pgclient.PgConnectOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * One real PostgreSQL for the whole test JVM: the one named by {@code SHOAL_TEST_PG_URL} when
 * set, otherwise an embedded one started on first use and stopped by a shutdown hook. Test
 * classes each take a fresh database on it ({@link #createDatabase()}), so no class sees
 * another's rows and each runs Shoal's migrations from scratch.
 */
public final class TestDatabase {

  public static final String URL_VARIABLE = "SHOAL_TEST_PG_URL";

  private TestDatabase() {}

  /** The server's URL, {@code postgresql://user:pass@host:port/db}. Starts it on first call. */
  public static String url() {
    return Server.URL;
  }

  /** Creates an empty database {@code shoal_test_<random>} and answers its URL. */
  public static String createDatabase() {
    String name = "shoal_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    execute(url(), "CREATE DATABASE " + name);
    return withDatabase(url(), name);
  }

  /** Creates an empty database as {@link #createDatabase()} does, with Shoal's migrations applied. */
  public static String createMigratedDatabase() {
    String url = createDatabase();
    migrate(url, null);
    return url;
  }

  /** Applies Shoal's migrations up to {@code target} (a version such as "31"; null: all of them). */
  public static void migrate(String databaseUrl, String target) {
    var o = Database.parseUrl(databaseUrl);
    var flyway = org.flywaydb.core.Flyway.configure()
        .dataSource("jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase(), o.getUser(),
            o.getPassword())
        .locations("classpath:db/migration").outOfOrder(true);
    if (target != null) {
      flyway.target(target);
    }
    flyway.load().migrate();
  }

  /** Drops a database made by {@link #createDatabase()}; connections still open are ended. */
  public static void dropDatabase(String databaseUrl) {
    String name = Database.parseUrl(databaseUrl).getDatabase();
    if (!name.startsWith("shoal_test_")) {
      throw new IllegalArgumentException("not a test database: " + name);
    }
    execute(url(), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  /** Runs one statement over JDBC: for test set-up the API cannot do yet, and for housekeeping. */
  public static int execute(String databaseUrl, String sql) {
    try (Connection c = connect(databaseUrl); Statement st = c.createStatement()) {
      return st.executeUpdate(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed: " + sql, e);
    }
  }

  /** The first column of a query's rows, as text, in the query's order. */
  public static java.util.List<String> column(String databaseUrl, String sql) {
    java.util.List<String> out = new java.util.ArrayList<>();
    try (Connection c = connect(databaseUrl); Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed: " + sql, e);
    }
    return out;
  }

  public static Connection connect(String databaseUrl) throws SQLException {
    PgConnectOptions o = Database.parseUrl(databaseUrl);
    String jdbc = "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
    return DriverManager.getConnection(jdbc, o.getUser(), o.getPassword());
  }

  static String withDatabase(String serverUrl, String database) {
    PgConnectOptions o = Database.parseUrl(serverUrl);
    StringBuilder url = new StringBuilder("postgresql://");
    if (o.getUser() != null) {
      url.append(encode(o.getUser()));
      if (o.getPassword() != null) {
        url.append(':').append(encode(o.getPassword()));
      }
      url.append('@');
    }
    return url.append(o.getHost()).append(':').append(o.getPort()).append('/').append(database).toString();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Lazy holder: the JVM starts the embedded server at most once, on the first {@link #url()}. */
  private static final class Server {
    static final String URL = start();

    private static String start() {
      String external = System.getenv(URL_VARIABLE);
      if (external != null && !external.isBlank()) {
        return external.trim();
      }
      try {
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
            .setServerConfig("max_connections", "300")
            .setServerConfig("fsync", "off")
            .setServerConfig("synchronous_commit", "off")
            .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            pg.close();
          } catch (IOException e) {
            // the JVM is exiting; the temporary data directory is removed with the server
          }
        }, "test-postgres-shutdown"));
        return String.format(Locale.ROOT, "postgresql://postgres:postgres@localhost:%d/postgres", pg.getPort());
      } catch (IOException e) {
        throw new UncheckedIOException("could not start embedded PostgreSQL (set " + URL_VARIABLE
            + " to use another one)", e);
      }
    }
  }
}
