package io.shoal.engine;

import static io.shoal.engine.support.Events.by;
import static io.shoal.engine.support.Events.cart;
import static io.shoal.engine.support.Events.order;
import static io.shoal.engine.support.Events.pageView;
import static io.shoal.engine.support.Events.refund;
import static io.shoal.engine.support.StoreDriver.cond;
import static io.shoal.engine.support.StoreDriver.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.ShoalConfig;
import io.shoal.engine.support.Api;
import io.shoal.engine.support.Poll;
import io.shoal.engine.support.StoreDriver;
import io.shoal.kernel.Ids;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clean stop and start on the same database: memberships, aggregates and transitions are
 * exactly as before, nothing is recorded again, events accepted just before the stop are
 * there, and a time transition whose instant passed while Shoal was down happens at start.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RestartTest {

  private String databaseUrl;
  /** Shoal's data directory; JUnit removes it after the test. */
  @TempDir
  Path dataDir;
  private ShoalConfig config;
  private TestServer server;

  @BeforeEach
  void freshDatabase() {
    databaseUrl = TestDatabase.createDatabase();
    config = ShoalConfig.fromMap(Map.of(
        ShoalConfig.HTTP_HOST, "127.0.0.1",
        ShoalConfig.HTTP_PORT, "0",
        ShoalConfig.HTTP_INSTANCES, "2",
        ShoalConfig.DATA_DIR, dataDir.toString(),
        ShoalConfig.PG_URL, databaseUrl,
        ShoalConfig.PG_POOL_SIZE, "8",
        ShoalConfig.ADMIN_KEY, "wk_admin_restart_" + Ids.random(24)));
    server = TestServer.start(config);
  }

  @AfterEach
  void cleanUp() {
    if (server != null) {
      server.close();
    }
    TestDatabase.dropDatabase(databaseUrl);
  }

  @Test
  void afterACleanRestartEverythingIsAsBeforeAndNothingIsRecordedTwice() {
    JsonObject created = server.admin().post("/v1/stores", new JsonObject().put("name", "Restart")).expect(201);
    String apiKey = created.getString("api_key");
    StoreDriver shop = new StoreDriver(created.getString("id"), Api.of(server.withKey(apiKey)));

    Map<String, String> segments = new LinkedHashMap<>();
    segments.put("spent_100", shop.dynamicSegment("spent_100", rules(cond("total_spent", "gte", 100))));
    segments.put("two_orders", shop.dynamicSegment("two_orders", rules(cond("total_orders", "gte", 2))));
    segments.put("vip", shop.dynamicSegment("vip", rules(cond("tags", "contains", "vip"))));
    segments.put("browsers", shop.dynamicSegment("browsers", rules(new JsonObject().put("performed",
        new JsonObject().put("event", "page.viewed").put("within_days", 30).put("at_least", 2)))));
    String passive = shop.createSegment(new JsonObject().put("name", "carts").put("type", "passive")
        .put("rules", rules(cond("cart.value", "gte", 10)))).getString("id");
    segments.put("carts", passive);
    String recent = shop.dynamicSegment("ordered_in_last_4s", rules(cond("last_order_at", "after", "4_seconds_ago")));

    Instant base = Instant.now().minus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    List<String> customers = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      JsonObject fields = new JsonObject().put("email", "r" + i + "@example.com");
      if (i % 4 == 0) {
        fields.put("tags", new JsonArray().add("vip"));
      }
      String c = shop.newCustomer(fields);
      customers.add(c);
      for (int k = 0; k <= i % 3; k++) {
        shop.send(by(order(i + "-" + k, (30 + 10 * i) + ".00", base.plusSeconds(60L * (i * 3 + k))), c));
      }
      if (i % 3 == 1) {
        shop.send(by(refund(i + "-0", "15.00", base.plusSeconds(3600)), c));
      }
      if (i % 2 == 0) {
        shop.send(by(pageView("/a", base.plusSeconds(7200)), c));
        shop.send(by(pageView("/b", base.plusSeconds(7300)), c));
      }
      if (i % 5 == 0) {
        shop.send(by(cart("cart-" + i, "25.00", 2, base.plusSeconds(86_400)), c));
      }
    }
    String fixed = shop.createSegment(new JsonObject().put("name", "hand-picked").put("type", "static")
        .put("customer_ids", new JsonArray().add(customers.get(1)).add(customers.get(2)))).getString("id");
    segments.put("hand-picked", fixed);
    customers.forEach(shop::barrier);

    // One customer orders now; the 4-second window closes while Shoal is down.
    String latest = customers.get(3);
    Instant orderedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    shop.send(by(order("latest", "1.00", orderedAt), latest));
    shop.awaitMembers(recent, Set.of(latest));
    // Accepted just before the stop, with no waiting: it must be there after the start.
    String lastMinute = customers.get(5);
    shop.send(by(order("last-minute", "500.00", base.plusSeconds(99)), lastMinute));

    Snapshot before = snapshot(shop, customers, segments);
    assertFalse(before.members.get("spent_100").isEmpty());

    StoreDriver after = restartOnceTheWindowHasClosed(shop, apiKey, orderedAt.plusSeconds(4));
    JsonObject lastMinuteCustomer = after.customer(lastMinute);
    Snapshot afterRestart = snapshot(after, customers, segments);
    assertEquals(before.customersWithout(lastMinute), afterRestart.customersWithout(lastMinute));
    assertEquals(before.members, afterRestart.members, "memberships");
    assertEquals(before.counts, afterRestart.counts, "member counts");
    assertEquals(before.transitions, afterRestart.transitions, "transitions: none recorded again, none lost");
    assertEquals(4, lastMinuteCustomer.getInteger("total_orders"), "3 orders, and the one sent just before the stop");

    // The time transition that came due while Shoal was down happens at start, caused by time.
    List<JsonObject> timeTransitions = Poll.until("the overdue leave", () -> after.transitions(recent, latest),
        t -> t.size() == 2);
    JsonObject left = timeTransitions.get(1);
    assertEquals("customer.segment.left", left.getString("type"));
    assertEquals("time", left.getString("cause"));
    assertNull(left.getString("event_id"));
    assertFalse(Instant.parse(left.getString("occurred_at")).isBefore(orderedAt.plusSeconds(4)), left::encode);
    assertEquals(Set.of(), after.members(recent));

    // And the engine goes on: a new event after the restart moves segments as before.
    String newcomer = customers.get(9); // one order so far
    after.send(by(order("after-restart", "1.00", Instant.now()), newcomer));
    after.awaitMembers(segments.get("two_orders"), with(before.members.get("two_orders"), newcomer));
  }

  /**
   * The time checks that came due while Shoal was down go in batches of about a slice (1,000
   * customers and their flips), not in one batch of all a partition's checks, also before any event
   * comes: an event right after a start would otherwise wait behind a batch of thousands of state
   * rows (2.5-3.4 s to write at 100k x 1,000, bench/engine's twenty-eighth pass). 6,000 customers
   * leave a 30-second window while a one-partition server is down; each batch is one transaction,
   * so the state rows a batch wrote share their {@code xmin}. With the room bulk work takes when no
   * event came (20,000), the first batch held the first slice and the second the other ~5,000.
   */
  @Test
  void theChecksThatCameDueWhileDownGoInBatchesOfASlice() {
    server.close();
    server = null;
    Map<String, String> onePartition = new HashMap<>(Map.of(
        ShoalConfig.HTTP_HOST, "127.0.0.1",
        ShoalConfig.HTTP_PORT, "0",
        ShoalConfig.HTTP_INSTANCES, "1",
        ShoalConfig.DATA_DIR, dataDir.toString(),
        ShoalConfig.PG_URL, databaseUrl,
        ShoalConfig.PG_POOL_SIZE, "8",
        ShoalConfig.EVALUATOR_PARTITIONS, "1",
        ShoalConfig.ADMIN_KEY, "wk_admin_restart_" + Ids.random(24)));
    config = ShoalConfig.fromMap(onePartition);
    server = TestServer.start(config);
    JsonObject created = server.admin().post("/v1/stores", new JsonObject().put("name", "Overdue")).expect(201);
    String apiKey = created.getString("api_key");
    StoreDriver shop = new StoreDriver(created.getString("id"), Api.of(server.withKey(apiKey)));
    String recent = shop.dynamicSegment("ordered_in_last_30s", rules(cond("last_order_at", "after", "30_seconds_ago")));
    int customers = 6_000;
    Instant orderedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    for (int from = 0; from < customers; from += 1_000) {
      List<JsonObject> events = new ArrayList<>();
      for (int i = from; i < from + 1_000; i++) {
        events.add(io.shoal.engine.support.Events.byEmail(order("due-" + i, "5.00", orderedAt), "due" + i + "@example.com"));
      }
      assertEquals(1_000, shop.sendBatch(events).getInteger("accepted"));
    }
    String members = "SELECT count(*) FROM segment_member_ids('" + shop.id() + "', '" + recent + "')";
    Poll.until("every customer in the window", Duration.ofSeconds(25), () -> count(members), n -> n == customers);

    StoreDriver after = restartOnceTheWindowHasClosed(shop, apiKey, orderedAt.plusSeconds(30));
    Poll.until("every customer out of the window", Duration.ofSeconds(60), () -> count(members), n -> n == 0);
    assertEquals(customers, Integer.parseInt(TestDatabase.column(databaseUrl, "SELECT count(*) FROM segment_transitions"
        + " WHERE store_id = '" + after.id() + "' AND cause = 'time'").get(0)), "one time transition a customer");
    long largest = count("SELECT max(n) FROM (SELECT count(*) n FROM customer_eval_state WHERE store_id = '"
        + after.id() + "' GROUP BY xmin::text) b");
    System.out.println("largest batch of the overdue checks' state rows: " + largest);
    // a slice (PartitionCore.DUE_CHECKS_PER_TURN) a batch, two at most; before: ~5,000
    assertTrue(largest <= 2_000, "a batch wrote " + largest + " of the " + customers + " overdue customers' state rows");
  }

  private long count(String sql) {
    return Long.parseLong(TestDatabase.column(databaseUrl, sql).get(0));
  }

  /**
   * A stop while the evaluator still has work to write: the stop completes promptly, the
   * evaluator writes its last batch before the database pool closes (none is left to the replay at
   * the next start), and nothing is lost.
   */
  @Test
  void aStopWhileTheEvaluatorIsBusyCompletesPromptlyAndLosesNothing() {
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
        new ch.qos.logback.core.read.ListAppender<>();
    logs.start();
    ch.qos.logback.classic.Logger writer = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
        "io.shoal.segment.eval.BatchWriter");
    writer.addAppender(logs);
    try {
      busyStops();
    } finally {
      writer.detachAppender(logs);
    }
    assertEquals(List.of(), logs.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
        .filter(m -> m.contains("without writing its last batch")).toList(), "every stop wrote the evaluators' last batch");
  }

  private void busyStops() {
    JsonObject created = server.admin().post("/v1/stores", new JsonObject().put("name", "Busy")).expect(201);
    String apiKey = created.getString("api_key");
    StoreDriver shop = new StoreDriver(created.getString("id"), Api.of(server.withKey(apiKey)));
    String twoOrders = shop.dynamicSegment("two_orders", rules(cond("total_orders", "gte", 2)));
    Instant at = Instant.now().minus(1, ChronoUnit.DAYS);
    int rounds = 4;
    int perRound = 300;
    for (int round = 0; round < rounds; round++) {
      List<JsonObject> events = new ArrayList<>();
      for (int i = 0; i < perRound; i++) {
        events.add(io.shoal.engine.support.Events.byEmail(order(round + "-" + i, "10.00", at), "busy" + (i % 100) + "@example.com"));
      }
      assertEquals(perRound, shop.sendBatch(events).getInteger("accepted"));
      long stopping = System.nanoTime();
      server.close(); // at once: the evaluator is still applying and writing the batch
      server = null;
      assertTrue(System.nanoTime() - stopping < TimeUnit.SECONDS.toNanos(10), "the stop took more than 10 s");
      server = TestServer.start(config);
      shop = new StoreDriver(shop.id(), Api.of(server.withKey(apiKey)));
    }
    StoreDriver last = shop;
    List<JsonObject> customers = Poll.until("every order applied", () -> last.all(last.path("/customers")),
        all -> all.size() == 100 && all.stream().allMatch(c -> c.getInteger("total_orders") == rounds * perRound / 100));
    assertEquals(100, last.members(twoOrders).size());
    assertEquals(100, last.transitions(twoOrders).size(), "each customer entered once");
    assertEquals(100, customers.size());
  }

  /**
   * Customers whose profile changed while Shoal was down are re-tested at start, in slices of
   * bounded batches (holding every change of one pass filled the heap at a million customers):
   * every one of them moves exactly once, and the engine is live afterwards.
   */
  @Test
  void profilesChangedWhileDownAreReTestedAtStartEachMovingOnce() {
    JsonObject created = server.admin().post("/v1/stores", new JsonObject().put("name", "Changed")).expect(201);
    String apiKey = created.getString("api_key");
    StoreDriver shop = new StoreDriver(created.getString("id"), Api.of(server.withKey(apiKey)));
    String vip = shop.dynamicSegment("vip", rules(cond("tags", "contains", "vip")));
    String buyers = shop.dynamicSegment("buyers", rules(cond("total_orders", "gte", 1)));
    int customers = 3_500; // several re-test slices and several bounded batches
    Instant at = Instant.now().minus(1, ChronoUnit.DAYS);
    for (int from = 0; from < customers; from += 500) {
      List<JsonObject> events = new ArrayList<>();
      for (int i = from; i < from + 500; i++) {
        events.add(io.shoal.engine.support.Events.byEmail(order("o" + i, "10.00", at), "changed" + i + "@example.com"));
      }
      assertEquals(500, shop.sendBatch(events).getInteger("accepted"));
    }
    StoreDriver first = shop;
    Poll.until("every customer a buyer", () -> first.segment(buyers).getInteger("customer_count"),
        n -> n == customers);

    server.close();
    server = null;
    // while Shoal is down, two thirds of the customers get the tag (another tool, a restore)
    int tagged = TestDatabase.execute(databaseUrl, "UPDATE customers SET tags = ARRAY['vip'], updated_at = now()"
        + " WHERE store_id = '" + shop.id() + "' AND email ~ '[0-6]@'");
    assertTrue(tagged > customers / 2, "tagged " + tagged);
    server = TestServer.start(config);
    StoreDriver after = new StoreDriver(shop.id(), Api.of(server.withKey(apiKey)));

    assertEquals(tagged, after.segment(vip).getInteger("customer_count"), "every tagged customer entered");
    assertEquals(tagged, after.members(vip).size());
    List<JsonObject> entered = after.transitions(vip);
    assertEquals(tagged, entered.size(), "each entered once");
    assertTrue(entered.stream().allMatch(t -> "customer.segment.entered".equals(t.getString("type"))
        && "profile".equals(t.getString("cause"))), entered.get(0)::encode);
    assertEquals(customers, after.segment(buyers).getInteger("customer_count"), "no other segment moved");
    assertEquals(customers, after.transitions(buyers).size());
  }

  /**
   * A busy evaluator writes its member counts about once a second, so a crash may lose the deltas
   * since (bench/engine's twenty-fifth pass). At start each partition's rows are replaced by the
   * count of the memberships it loaded, and rows no partition writes (V63's moved counts, a
   * partition no longer configured) are dropped: the counts equal the members again.
   */
  @Test
  void countsThatDisagreeWithTheMembersAreRecountedAtStart() {
    JsonObject created = server.admin().post("/v1/stores", new JsonObject().put("name", "Recount")).expect(201);
    String apiKey = created.getString("api_key");
    StoreDriver shop = new StoreDriver(created.getString("id"), Api.of(server.withKey(apiKey)));
    String spent = shop.dynamicSegment("spent_100", rules(cond("total_spent", "gte", 100)));
    String buyers = shop.dynamicSegment("buyers", rules(cond("total_orders", "gte", 1)));
    Instant at = Instant.now().minus(1, ChronoUnit.DAYS);
    List<String> big = new ArrayList<>();
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String c = shop.newCustomer("recount" + i + "@example.com");
      all.add(c);
      if (i % 2 == 0) {
        big.add(c);
      }
      shop.send(by(order("r" + i, i % 2 == 0 ? "150.00" : "50.00", at), c));
    }
    shop.awaitMembers(spent, Set.copyOf(big));
    shop.awaitMembers(buyers, Set.copyOf(all));

    server.close();
    server = null;
    // what a crash may leave: deltas never written, and rows of writers that are no partition
    String store = "'" + shop.id() + "'";
    TestDatabase.execute(databaseUrl, "UPDATE segment_member_counts SET members = members - 3 WHERE store_id = " + store);
    TestDatabase.execute(databaseUrl, "INSERT INTO segment_member_counts VALUES (" + store + ", '" + spent + "', -1, 40),"
        + " (" + store + ", '" + buyers + "', 250, 5)");
    server = TestServer.start(config);
    StoreDriver after = new StoreDriver(shop.id(), Api.of(server.withKey(apiKey)));

    assertEquals(big.size(), after.segment(spent).getInteger("customer_count"));
    assertEquals(all.size(), after.segment(buyers).getInteger("customer_count"));
    assertEquals(0, TestDatabase.execute(databaseUrl, "UPDATE segment_member_counts SET members = members"
        + " WHERE writer < 0 OR writer >= 250"), "rows of no partition are gone");
  }

  private StoreDriver restartOnceTheWindowHasClosed(StoreDriver shop, String apiKey, Instant flip) {
    server.close();
    server = null;
    Poll.sleepUntil(flip.plusMillis(500));
    server = TestServer.start(config);
    return new StoreDriver(shop.id(), Api.of(server.withKey(apiKey)));
  }

  private static Set<String> with(Set<String> set, String one) {
    Set<String> out = new java.util.TreeSet<>(set);
    out.add(one);
    return out;
  }

  /** Everything a store can read about its customers and segments. */
  private record Snapshot(Map<String, JsonObject> customers, Map<String, Set<String>> members,
                          Map<String, Integer> counts, Map<String, List<JsonObject>> transitions) {

    Map<String, JsonObject> customersWithout(String id) {
      Map<String, JsonObject> out = new TreeMap<>(customers);
      out.remove(id);
      return out;
    }
  }

  private static Snapshot snapshot(StoreDriver shop, List<String> customers, Map<String, String> segments) {
    Map<String, JsonObject> byId = new TreeMap<>();
    customers.forEach(c -> byId.put(c, shop.customer(c)));
    Map<String, Set<String>> members = new TreeMap<>();
    Map<String, Integer> counts = new TreeMap<>();
    Map<String, List<JsonObject>> transitions = new HashMap<>();
    segments.forEach((name, id) -> {
      members.put(name, shop.members(id));
      counts.put(name, shop.segment(id).getInteger("customer_count"));
      transitions.put(name, shop.transitions(id));
    });
    return new Snapshot(byId, members, counts, transitions);
  }
}
