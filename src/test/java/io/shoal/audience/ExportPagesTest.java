package io.shoal.audience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An export reads its members page by page with a fixed number of statements per page (never one
 * per member), so it completes on ONE connection of the exports' own pool; a database that is
 * away while it runs fails it with that reason, while the API, on its own pool, keeps answering;
 * one export more than the server runs at once is answered 503 with Retry-After.
 *
 * <p>The members are written by SQL, as a bulk import (or bench/audiences) leaves them: the
 * evaluator has not loaded them, so their metrics come from their stored state. Before this
 * class, the evaluator loaded each one with its own query (10,000 queries here; at 1,000,000 the
 * pool ran dry and the status answered 500).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ExportPagesTest {

  private static final int MEMBERS = 10_000;
  private static final String SEGMENT = "seg_exportpages";

  private TestServer server;
  private TestStore store;

  @BeforeEach
  void aServerWhoseExportsHaveOneConnection() throws Exception {
    // the API keeps its default pool: with a pool of one, the server's own pollers (some wait
    // behind the lock below as well) already leave a request nothing to run on
    server = TestServer.start(Map.of("SHOAL_EXPORT_CONNECTIONS", "1", "SHOAL_EXPORTS_MAX_RUNNING", "1"));
    store = server.createStore("Export pages");
    try (Connection c = TestDatabase.connect(server.databaseUrl()); Statement st = c.createStatement()) {
      st.execute("INSERT INTO customers (store_id, id, first_name, email, total_orders, total_spent)"
          + " SELECT '" + store.id() + "', 'cust_x' || lpad(i::text, 6, '0'), 'Name' || i, 'm' || i || '@example.com',"
          + " i % 5, (i % 100) + 0.5 FROM generate_series(1, " + MEMBERS + ") i");
      st.execute("INSERT INTO segments (store_id, id, name, type) VALUES ('" + store.id() + "', '" + SEGMENT
          + "', 'bulk imported', 'static')");
      st.execute("INSERT INTO segment_members (store_id, segment_id, customer_id) SELECT store_id, '" + SEGMENT
          + "', id FROM customers WHERE store_id = '" + store.id() + "'");
      st.execute("ANALYZE customers");
      st.execute("ANALYZE segment_members");
    }
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void anExportOfTenThousandMembersCostsAFixedNumberOfStatementsPerPageAndFitsInOneConnection() {
    long before = sqlStatements();
    long t0 = System.nanoTime();
    JsonObject done = awaitEnd(start("csv").getString("id"));
    double seconds = (System.nanoTime() - t0) / 1e9;
    long statements = sqlStatements() - before;

    assertEquals("completed", done.getString("status"), done::encode);
    assertEquals(MEMBERS, done.getLong("rows_written"));
    assertEquals(1.0, done.getDouble("progress"));
    // 11 pages (the last one empty) x (member ids, profiles, segments, metrics per partition,
    // progress) plus the start, the completion, the email and the server's own pollers meanwhile;
    // reading each member on its own costs at least MEMBERS statements
    int pages = MEMBERS / SegmentExports.PAGE + 1;
    assertTrue(statements < MEMBERS / 10, () -> statements + " SQL statements for " + MEMBERS + " members in "
        + pages + " pages over " + seconds + " s: some are per member");
    System.out.printf("export of %,d members: %d SQL statements (%.1f per page, pollers included) in %.1f s%n",
        MEMBERS, statements, (double) statements / pages, seconds);
  }

  @Test
  void aDatabaseThatIsAwayFailsTheExportWithThatReasonWhileTheApiKeepsAnswering() throws Exception {
    String id = start("xlsx").getString("id");
    awaitRowsWritten(id, SegmentExports.PAGE);
    try (Connection c = TestDatabase.connect(server.databaseUrl()); Statement st = c.createStatement()) {
      // every read of a customer waits behind this lock: the exports' one connection stays busy,
      // the export's other statements wait for a connection and time out (10 s) as with an
      // exhausted pool
      c.setAutoCommit(false);
      st.execute("LOCK TABLE customers IN ACCESS EXCLUSIVE MODE");
      awaitLockWaiter(server.databaseUrl());
      // the page's next statement waits for the exports' one connection and fails after 10 s;
      // the API's connections are not theirs: the status is answered all along, promptly
      long deadline = System.currentTimeMillis() + 60_000;
      JsonObject meanwhile;
      do {
        long t0 = System.nanoTime();
        ApiResponse r = store.api().get(store.path("/segment-exports/" + id));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(200, r.status(), r::toString);
        assertTrue(ms < 5_000, () -> "the status took " + ms + " ms while the export's connection was stuck");
        meanwhile = r.json();
        assertTrue(System.currentTimeMillis() < deadline, meanwhile::encode);
        sleep(200);
      } while ("running".equals(meanwhile.getString("status")));
      c.rollback();
    }
    JsonObject failed = awaitEnd(id);
    assertEquals("failed", failed.getString("status"), failed::encode);
    assertTrue(failed.getString("error").startsWith("the database was unavailable while exporting"),
        failed::encode);
    assertTrue(failed.getLong("rows_written") < MEMBERS, failed::encode);
    assertTrue(failed.getDouble("progress") < 1.0, failed::encode);

    // the database is back: a new export of the same segment completes
    JsonObject again = awaitEnd(start("csv").getString("id"));
    assertEquals("completed", again.getString("status"), again::encode);
    assertEquals(MEMBERS, again.getLong("rows_written"));
  }

  @Test
  void oneExportMoreThanTheServerRunsAtOnceIsAnswered503WithRetryAfter() throws Exception {
    String first;
    try (Connection c = TestDatabase.connect(server.databaseUrl()); Statement st = c.createStatement()) {
      // the first export waits behind this lock: it stays running while the second is asked for
      c.setAutoCommit(false);
      st.execute("LOCK TABLE customers IN ACCESS EXCLUSIVE MODE");
      first = start("csv").getString("id");
      ApiResponse busy = store.api().post(store.path("/segments/" + SEGMENT + "/exports"),
          new JsonObject().put("format", "xlsx").put("email", "ops@acme.example"));
      assertEquals(503, busy.status(), busy::toString);
      assertEquals("exports_busy", busy.json().getJsonObject("error").getString("code"), busy::toString);
      assertEquals(String.valueOf(SegmentExports.BUSY_RETRY_AFTER_SECONDS), busy.header("Retry-After"));
      c.rollback();
    }
    JsonObject done = awaitEnd(first);
    assertEquals("completed", done.getString("status"), done::encode);
    // once it has ended, the next one is taken
    JsonObject next = awaitEnd(start("xlsx").getString("id"));
    assertEquals("completed", next.getString("status"), next::encode);
    assertEquals(MEMBERS, next.getLong("rows_written"));
  }

  /** Until a session of the server waits for the lock (the pool's one connection is then busy). */
  private static void awaitLockWaiter(String databaseUrl) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    try (Connection c = TestDatabase.connect(databaseUrl); Statement st = c.createStatement()) {
      while (true) {
        try (var rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            + " AND datname = current_database()")) {
          rs.next();
          if (rs.getLong(1) > 0) {
            return;
          }
        }
        assertTrue(System.currentTimeMillis() < deadline, "no statement ever waited for the lock");
        sleep(20);
      }
    }
  }

  private JsonObject start(String format) {
    return store.api().post(store.path("/segments/" + SEGMENT + "/exports"), new JsonObject().put("format", format)
        .put("email", "ops@acme.example")).expect(202);
  }

  private void awaitRowsWritten(String id, long rows) {
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      JsonObject now = store.api().get(store.path("/segment-exports/" + id)).expect(200);
      assertEquals("running", now.getString("status"), () -> "ended before the database went away: " + now.encode());
      if (now.getLong("rows_written") >= rows) {
        return;
      }
      assertTrue(System.currentTimeMillis() < deadline, now::encode);
      sleep(20);
    }
  }

  private JsonObject awaitEnd(String id) {
    long deadline = System.currentTimeMillis() + 120_000;
    while (true) {
      ApiResponse r = store.api().get(store.path("/segment-exports/" + id));
      if (r.status() == 200 && !"running".equals(r.json().getString("status"))) {
        return r.json();
      }
      assertTrue(r.status() == 200 || r.status() == 503, r::toString);
      assertTrue(System.currentTimeMillis() < deadline, r::toString);
      sleep(200);
    }
  }

  /** SQL statements the server has run so far: the Vert.x SQL client's request count from /metrics. */
  private long sqlStatements() {
    String text = server.anonymous().get("/metrics").text();
    long sum = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      if (line.startsWith("vertx_sql_processing_time_seconds_count")) {
        sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        found = true;
      }
    }
    assertTrue(found, "no vertx_sql_processing_time_seconds_count in /metrics");
    return sum;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
