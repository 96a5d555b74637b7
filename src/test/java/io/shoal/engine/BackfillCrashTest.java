package io.shoal.engine;

import static io.shoal.engine.support.StoreDriver.cond;
import static io.shoal.engine.support.StoreDriver.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.engine.support.Events;
import io.shoal.engine.support.Poll;
import io.shoal.engine.support.RemoteApi;
import io.shoal.engine.support.ShoalProcess;
import io.shoal.engine.support.StoreDriver;
import io.shoal.kernel.Ids;
import io.shoal.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A first sync's memberships are written lean (the numbers a backfill added, not the whole state
 * row: EvaluationStore.SQL_LEAN_STATES). Shoal killed (SIGKILL) in the middle of the syncs of a
 * burst of new segments, then started again: the syncs resume and every segment ends with exactly
 * the members its rule names (as an uninterrupted sync would), counted right, each state row's
 * numbers ascending, distinct and as many as its since-times.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BackfillCrashTest {

  private static final int CUSTOMERS = 6_000;
  private static final int SEGMENTS = 120;
  private static final Path LOG = Path.of("target", "backfill-crash-shoal.log");

  private String databaseUrl;
  @TempDir
  Path dataDir;
  private Vertx clientVertx;
  private final List<ShoalProcess> processes = new ArrayList<>();
  private Map<String, String> env;

  @BeforeEach
  void freshDatabase() {
    databaseUrl = TestDatabase.createDatabase();
    clientVertx = Vertx.vertx();
    try {
      Files.deleteIfExists(LOG);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    env = Map.of(
        "SHOAL_HTTP_HOST", "127.0.0.1",
        "SHOAL_HTTP_PORT", "0",
        "SHOAL_HTTP_INSTANCES", "2",
        "SHOAL_EVALUATOR_PARTITIONS", "2",
        "SHOAL_DATA_DIR", dataDir.toString(),
        "SHOAL_PG_URL", databaseUrl,
        "SHOAL_PG_POOL_SIZE", "8",
        "SHOAL_ADMIN_KEY", "wk_admin_backfill_crash_" + Ids.random(24));
  }

  @AfterEach
  void cleanUp() {
    processes.forEach(ShoalProcess::close);
    io.shoal.testing.ApiClient.await(clientVertx.close());
    TestDatabase.dropDatabase(databaseUrl);
  }

  private ShoalProcess startShoal() {
    ShoalProcess p = ShoalProcess.start(env, LOG);
    processes.add(p);
    return p;
  }

  /** Customer i's one order (i not a multiple of 5): total i % 100 + 1, placed i % 48 hours ago. */
  private static boolean ordered(int i) {
    return i % 5 != 0;
  }

  private static int total(int i) {
    return i % 100 + 1;
  }

  @Test
  void syncsKilledMidwayEndWithTheMembersTheirRulesName() throws Exception {
    ShoalProcess first = startShoal();
    RemoteApi admin = RemoteApi.connect(clientVertx, first.port(), env.get("SHOAL_ADMIN_KEY"), 8);
    StoreDriver shop = StoreDriver.create(admin, "BackfillCrash");
    // an older segment, so the new ones are appended to lists that hold numbers already
    String older = shop.dynamicSegment("older", rules(cond("total_spent", "gte", 50)));

    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    for (int from = 0; from < CUSTOMERS; from += 1_000) {
      List<JsonObject> events = new ArrayList<>();
      for (int i = from; i < from + 1_000; i++) {
        Instant at = now.minus(i % 48, ChronoUnit.HOURS).minusSeconds(60);
        JsonObject e = ordered(i) ? Events.order("o" + i, total(i) + ".00", at) : Events.pageView("/p", at);
        events.add(Events.byExternalId(e, "x" + i));
      }
      shop.sendBatch(events);
    }
    Poll.until("every customer's events applied", Duration.ofSeconds(60),
        () -> count("SELECT count(*) FROM customer_eval_state WHERE state_bin IS NOT NULL"), n -> n == CUSTOMERS);
    Poll.until("older synced and counted", Duration.ofSeconds(30), () -> shop.segment(older),
        s -> s.getLong("customer_count") == expected(i -> ordered(i) && total(i) >= 50).size());

    // a burst of new segments, a time-dependent one among them; killed while they sync
    Map<String, java.util.function.IntPredicate> burst = new LinkedHashMap<>();
    for (int k = 0; k < SEGMENTS; k++) {
      int threshold = k % 25 * 4 + 1;
      String id = shop.createSegment(new JsonObject().put("name", "spent_" + k).put("is_dynamic", true)
          .put("rules", rules(cond("total_spent", "gte", threshold)))).getString("id");
      burst.put(id, i -> ordered(i) && total(i) >= threshold);
    }
    String recent = shop.createSegment(new JsonObject().put("name", "recent").put("is_dynamic", true)
        .put("rules", rules(cond("last_order_at", "within_last", "1_days")))).getString("id");
    burst.put(recent, i -> ordered(i) && i % 48 <= 23);
    // one pass syncs the burst: killed once its first batch of memberships committed
    Poll.until("a sync under way", Duration.ofSeconds(30), () -> count("SELECT count(*) FROM customer_eval_state"
        + " WHERE (SELECT num FROM segments WHERE id = '" + recent + "') = ANY(segment_nums)"), n -> n > 0);
    first.kill();
    int doneBeforeKill = (int) count("SELECT count(*) FROM segments WHERE sync_status = 'done' AND id IN ("
        + String.join(",", burst.keySet().stream().map(id -> "'" + id + "'").toList()) + ")");
    admin.close();

    ShoalProcess second = startShoal();
    RemoteApi admin2 = RemoteApi.connect(clientVertx, second.port(), env.get("SHOAL_ADMIN_KEY"), 8);
    StoreDriver shop2 = new StoreDriver(shop.id(), admin2);
    for (Map.Entry<String, java.util.function.IntPredicate> s : burst.entrySet()) {
      JsonObject synced = Poll.until("segment " + s.getKey() + " synced", Duration.ofSeconds(90),
          () -> shop2.segment(s.getKey()), x -> "done".equals(x.getString("sync_status")));
      Set<String> want = expected(s.getValue());
      assertEquals(want, externalIdsOf(shop.id(), s.getKey()), "members of " + synced.getString("name")
          + " (syncs done before the kill: " + doneBeforeKill + ")");
      Poll.until("count of " + synced.getString("name"), Duration.ofSeconds(10), () -> shop2.segment(s.getKey()),
          x -> x.getLong("customer_count") == want.size());
    }
    assertEquals(expected(i -> ordered(i) && total(i) >= 50), externalIdsOf(shop.id(), older));
    assertEquals(0, count("SELECT count(*) FROM customer_eval_state WHERE cardinality(segment_nums)"
        + " IS DISTINCT FROM cardinality(segment_since)"
        + " OR segment_nums <> ARRAY(SELECT DISTINCT n FROM unnest(segment_nums) n ORDER BY n)"), "lists in order");
    assertTrue(doneBeforeKill < burst.size(), "the kill came before every sync was done");
    admin2.close();
  }

  /** External ids of the customers for whose index {@code member} holds. */
  private static Set<String> expected(java.util.function.IntPredicate member) {
    Set<String> out = new TreeSet<>();
    for (int i = 0; i < CUSTOMERS; i++) {
      if (member.test(i)) {
        out.add("x" + i);
      }
    }
    return out;
  }

  /** The segment's members as every SQL reader sees them (segment_member_ids), by external id. */
  private Set<String> externalIdsOf(String storeId, String segmentId) throws Exception {
    Set<String> out = new TreeSet<>();
    try (Connection c = TestDatabase.connect(databaseUrl); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT c.external_id FROM segment_member_ids('" + storeId + "', '" + segmentId
             + "') m JOIN customers c ON c.store_id = '" + storeId + "' AND c.id = m.customer_id")) {
      while (rs.next()) {
        assertTrue(out.add(rs.getString(1)), "listed twice: " + rs.getString(1));
      }
    }
    return out;
  }

  private long count(String sql) {
    try (Connection c = TestDatabase.connect(databaseUrl); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
