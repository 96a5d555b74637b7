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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A first sync's memberships are written lean (the numbers a backfill added, not the whole state
 * row: EvaluationStore.SQL_LEAN_STATES). Shoal killed (SIGKILL) in the middle of one pass that
 * syncs a burst of new segments, while live events make customers enter and leave them, then
 * started again: the syncs resume and every segment ends with exactly the members its rule names
 * (as an uninterrupted sync would), counted right, each state row's numbers ascending, distinct
 * and as many as its since-times, an older segment's since-times kept.
 *
 * The kill waits for an observed state, not a time: the first members of the last-created
 * segment committed by its pass (polled in the database); and the test fails unless, once Shoal
 * is dead, that pass is seen cut: some but not all of the segment's members committed. The pass
 * is long enough for that because events flow during it (a live event in the batch gathering
 * keeps bulk slices and batches small: SegmentEvaluatorVerticle.LIVE_SLICE, LIVE_ROOM), and it
 * starts only a second after the last create (the store is larger than a slice per partition).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BackfillCrashTest {

  private static final int CUSTOMERS = 20_000;
  private static final int SEGMENTS = 120;
  /** Customers below this index get a live event during the pass (see {@link #liveEvent}). */
  private static final int LIVE = 2_000;
  private static final Path LOG = Path.of("target", "backfill-crash-shoal.log");
  /** State rows whose packed list (V74) is missing or is not their numbers packed (the migration's function). */
  private static final String NOT_PACKED = "SELECT count(*) FROM customer_eval_state WHERE segment_nums IS NOT NULL"
      + " AND segment_nums_packed IS DISTINCT FROM segment_nums_pack(segment_nums)";
  private static final Path LOG_AFTER = Path.of("target", "backfill-crash-shoal-restarted.log");

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
      Files.deleteIfExists(LOG_AFTER);
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
        // a create answers at once (in_progress) instead of waiting for its sync: the burst waits for quiet, one pass
        "SHOAL_SEGMENT_WAIT_CUSTOMERS", "0",
        "SHOAL_ADMIN_KEY", "wk_admin_backfill_crash_" + Ids.random(24));
  }

  @AfterEach
  void cleanUp() {
    processes.forEach(ShoalProcess::close);
    io.shoal.testing.ApiClient.await(clientVertx.close());
    TestDatabase.dropDatabase(databaseUrl);
  }

  private ShoalProcess startShoal(Path log) {
    ShoalProcess p = ShoalProcess.start(env, log);
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

  /**
   * During the pass, customer i < LIVE with i % 5 == 0 (no order yet) places an order of 100.00
   * now (entering every segment of the burst), one with i % 5 == 1 has its order cancelled
   * (leaving every one it was in); the others get none.
   */
  private static JsonObject liveEvent(int i, Instant at) {
    if (i >= LIVE || i % 5 > 1) {
      return null;
    }
    JsonObject e = i % 5 == 0 ? Events.order("n" + i, "100.00", at) : Events.cancel("o" + i, at);
    return Events.byExternalId(e, "x" + i);
  }

  /** Customer i's total spent once the live events are applied (0: no counted order). */
  private static int spent(int i) {
    if (i < LIVE && i % 5 == 0) {
      return 100;
    }
    if (i < LIVE && i % 5 == 1) {
      return 0;
    }
    return ordered(i) ? total(i) : 0;
  }

  /** Whether customer i ordered in the last day once the live events are applied. */
  private static boolean recent(int i) {
    if (i < LIVE && i % 5 == 0) {
      return true;
    }
    if (i < LIVE && i % 5 == 1) {
      return false;
    }
    return ordered(i) && i % 48 <= 23;
  }

  @Test
  void syncsKilledMidwayEndWithTheMembersTheirRulesName() throws Exception {
    ShoalProcess first = startShoal(LOG);
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
    Map<String, String> olderSince = olderSince(shop.id(), older);

    // events flow from now on, one at a time: first customers entering and leaving the segments
    // below (before and while they sync), then page views of one customer until the kill. A live
    // event in the batch gathering keeps the pass's slices and batches small: the pass is long.
    Instant liveAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    AtomicInteger acked = new AtomicInteger();
    AtomicBoolean stopSending = new AtomicBoolean();
    RemoteApi sender = RemoteApi.connect(clientVertx, first.port(), env.get("SHOAL_ADMIN_KEY"), 1);
    StoreDriver liveShop = new StoreDriver(shop.id(), sender);
    Thread live = new Thread(() -> {
      for (int i = 0; !stopSending.get(); i++) {
        JsonObject e = i < LIVE ? liveEvent(i, liveAt)
            : Events.byExternalId(Events.pageView("/live", Instant.now()), "x" + LIVE);
        if (e == null) {
          continue;
        }
        try {
          liveShop.send(e);
        } catch (RuntimeException | AssertionError killed) {
          return; // Shoal was killed: the live events not acked are sent again after the restart
        }
        acked.set(Math.min(i + 1, LIVE));
        try {
          Thread.sleep(5);
        } catch (InterruptedException e2) {
          return;
        }
      }
    }, "live-events");
    live.start();

    // a burst of new segments, a time-dependent one among them; the last created, spent_0 (every
    // customer with an order), is in the last pass whatever passes the burst is split into: the
    // kill comes once that pass committed its first members of spent_0
    Map<String, IntPredicate> burst = new LinkedHashMap<>();
    String recent = shop.createSegment(new JsonObject().put("name", "recent").put("is_dynamic", true)
        .put("rules", rules(cond("last_order_at", "within_last", "1_days")))).getString("id");
    burst.put(recent, BackfillCrashTest::recent);
    String all = null;
    for (int k = SEGMENTS - 1; k >= 0; k--) {
      int threshold = k % 25 * 4 + 1;
      String id = shop.createSegment(new JsonObject().put("name", "spent_" + k).put("is_dynamic", true)
          .put("rules", rules(cond("total_spent", "gte", threshold)))).getString("id");
      burst.put(id, i -> spent(i) >= threshold);
      all = id;
    }
    long allWant = expected(i -> i >= LIVE && ordered(i)).size();
    String committed = "SELECT count(*) FROM customer_eval_state s JOIN customers c ON c.store_id = s.store_id"
        + " AND c.id = s.customer_id WHERE (SELECT num FROM segments WHERE id = '" + all + "') = ANY(s.segment_nums)"
        + " AND substr(c.external_id, 2)::int >= " + LIVE;
    long seen;
    try (Connection c = TestDatabase.connect(databaseUrl); Statement st = c.createStatement()) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      do {
        try (ResultSet rs = st.executeQuery(committed)) {
          rs.next();
          seen = rs.getLong(1);
        }
        assertTrue(System.nanoTime() < deadline, "no membership of the pass committed within 60 s");
      } while (seen == 0);
    }
    first.kill();
    stopSending.set(true);
    live.join();
    long atKill = count(committed);
    int doneBeforeKill = (int) count("SELECT count(*) FROM segments WHERE sync_status = 'done' AND id IN ("
        + String.join(",", burst.keySet().stream().map(id -> "'" + id + "'").toList()) + ")");
    int liveAcked = acked.get();
    sender.close();
    admin.close();
    // the guard: the kill cut the pass (once Shoal is dead, what is committed is final)
    assertTrue(atKill > 0 && atKill < allWant, "the kill came in the middle of the pass: " + atKill + " of " + allWant
        + " members of " + all + " committed (seen " + seen + " before the kill; syncs done " + doneBeforeKill + ")");
    // the lean writes kept each list packed (V74's segment_nums_packed, what the start reads), none left unpacked
    assertEquals(0, count(NOT_PACKED), "lists not packed as their numbers at the kill");

    ShoalProcess second = startShoal(LOG_AFTER);
    RemoteApi admin2 = RemoteApi.connect(clientVertx, second.port(), env.get("SHOAL_ADMIN_KEY"), 8);
    StoreDriver shop2 = new StoreDriver(shop.id(), admin2);
    // the live events not acked before the kill (one may have been logged anyway: each is idempotent)
    for (int i = liveAcked; i < LIVE; i++) {
      JsonObject e = liveEvent(i, liveAt);
      if (e != null) {
        shop2.send(e);
      }
    }
    for (Map.Entry<String, IntPredicate> s : burst.entrySet()) {
      JsonObject synced = Poll.until("segment " + s.getKey() + " synced", Duration.ofSeconds(90),
          () -> shop2.segment(s.getKey()), x -> "done".equals(x.getString("sync_status")));
      Set<String> want = expected(s.getValue());
      String what = "members of " + synced.getString("name") + " (killed with " + atKill + " of " + allWant
          + " committed, " + liveAcked + " of " + LIVE + " live customers' events acked)";
      // the live events sent after the restart may still be on their way
      assertMembers(want, () -> externalIdsOf(shop.id(), s.getKey()), what);
      Poll.until("count of " + synced.getString("name"), Duration.ofSeconds(10), () -> shop2.segment(s.getKey()),
          x -> x.getLong("customer_count") == want.size());
    }
    assertMembers(expected(i -> spent(i) >= 50), () -> externalIdsOf(shop.id(), older), "members of older");
    assertEquals(0, count("SELECT count(*) FROM customer_eval_state WHERE cardinality(segment_nums)"
        + " IS DISTINCT FROM cardinality(segment_since)"
        + " OR segment_nums <> ARRAY(SELECT DISTINCT n FROM unnest(segment_nums) n ORDER BY n)"), "lists in order");
    assertEquals(0, count(NOT_PACKED), "lists not packed as their numbers after the restart");
    // the older segment's since-times kept for the customers whose orders did not change
    Map<String, String> olderAfter = olderSince(shop.id(), older);
    olderSince.keySet().removeIf(x -> Integer.parseInt(x.substring(1)) < LIVE);
    olderAfter.keySet().removeIf(x -> Integer.parseInt(x.substring(1)) < LIVE);
    assertEquals(olderSince, olderAfter, "since-times of older");
    admin2.close();
  }

  /**
   * Waits up to 30 s for {@code members} to answer {@code want} (live events sent after the restart
   * may still be on their way), then fails naming the first customers missing and extra.
   */
  private static void assertMembers(Set<String> want, java.util.function.Supplier<Set<String>> members, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Set<String> got = members.get();
    while (!want.equals(got) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      got = members.get();
    }
    Set<String> missing = new TreeSet<>(want);
    missing.removeAll(got);
    Set<String> extra = new TreeSet<>(got);
    extra.removeAll(want);
    assertTrue(missing.isEmpty() && extra.isEmpty(), what + ": " + missing.size() + " missing "
        + missing.stream().limit(20).toList() + ", " + extra.size() + " extra " + extra.stream().limit(20).toList());
  }

  /** Each member's time of entering {@code segmentId} as stored in its list, by external id. */
  private Map<String, String> olderSince(String storeId, String segmentId) throws Exception {
    Map<String, String> out = new java.util.TreeMap<>();
    try (Connection c = TestDatabase.connect(databaseUrl); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT c.external_id, s.segment_since[array_position(s.segment_nums,"
             + " (SELECT num FROM segments WHERE id = '" + segmentId + "'))]::text FROM customer_eval_state s"
             + " JOIN customers c ON c.store_id = s.store_id AND c.id = s.customer_id WHERE s.store_id = '" + storeId
             + "' AND (SELECT num FROM segments WHERE id = '" + segmentId + "') = ANY(s.segment_nums)")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getString(2));
      }
    }
    return out;
  }

  /** External ids of the customers for whose index {@code member} holds. */
  private static Set<String> expected(IntPredicate member) {
    Set<String> out = new TreeSet<>();
    for (int i = 0; i < CUSTOMERS; i++) {
      if (member.test(i)) {
        out.add("x" + i);
      }
    }
    return out;
  }

  /** The segment's members as every SQL reader sees them (segment_member_ids), by external id. */
  private Set<String> externalIdsOf(String storeId, String segmentId) {
    Set<String> out = new TreeSet<>();
    try (Connection c = TestDatabase.connect(databaseUrl); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT c.external_id FROM segment_member_ids('" + storeId + "', '" + segmentId
             + "') m JOIN customers c ON c.store_id = '" + storeId + "' AND c.id = m.customer_id")) {
      while (rs.next()) {
        assertTrue(out.add(rs.getString(1)), "listed twice: " + rs.getString(1));
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
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
