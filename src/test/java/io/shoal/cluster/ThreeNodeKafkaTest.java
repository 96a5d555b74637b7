package io.shoal.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.shoal.config.KafkaConfig;
import io.shoal.config.ShoalConfig;
import io.shoal.config.WebhookConfig;
import io.shoal.engine.support.ShoalProcess;
import io.shoal.kernel.Ids;
import io.shoal.testing.ApiClient;
import io.shoal.testing.KafkaBroker;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three Shoal nodes on one PostgreSQL and one Kafka broker, each its own JVM as in production.
 * Events arrive at every node; one node is killed (SIGKILL) half-way, another is added after.
 * Afterwards every acknowledged event was applied exactly once, every segment entry was recorded
 * once and reached the webhook receiver, the killed node's partitions run elsewhere, and any node
 * answers for a customer whose partition another node owns.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class ThreeNodeKafkaTest {

  private static final int PARTITIONS = 6;
  private static final int CUSTOMERS = 24;
  private static final int ROUNDS = 4;

  private Vertx vertx;
  private WebClient web;
  private KafkaBroker broker;
  private String databaseUrl;
  private Path dir;
  private final String adminKey = "wk_admin_cluster_" + Ids.random(24);
  private final Map<String, ShoalProcess> nodes = new LinkedHashMap<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    web = WebClient.create(vertx);
    dir = TestServer.tempDir();
    broker = KafkaBroker.start(KafkaBroker.tempDir());
    databaseUrl = TestDatabase.createDatabase();
  }

  @AfterEach
  void tearDown() {
    nodes.values().forEach(ShoalProcess::close);
    ApiClient.await(vertx.close());
    if (broker != null) {
      broker.close();
    }
    TestDatabase.dropDatabase(databaseUrl);
  }

  @Test
  void aNodeKilledUnderIngestLosesNothingAndItsPartitionsMoveToTheOthers() throws Exception {
    Set<String> received = ConcurrentHashMap.newKeySet();
    AtomicInteger deliveries = new AtomicInteger();
    HttpServer receiver = ApiClient.await(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      deliveries.incrementAndGet();
      received.add(body.toJsonObject().getString("id"));
      req.response().setStatusCode(200).end();
    })).listen(0, "127.0.0.1"));

    start("node-1");
    start("node-2");
    start("node-3");
    awaitOwners(Set.of("node-1", "node-2", "node-3"), "all partitions owned by the three nodes");

    JsonObject store = call("node-1", "POST", "/v1/stores", adminKey, new JsonObject().put("name", "Cluster"), 201);
    String key = store.getString("api_key");
    String base = "/v1/stores/" + store.getString("id");
    // created on one node, backfilled by the partitions of all three
    String segment = call("node-2", "POST", base + "/segments", key, new JsonObject().put("name", "Two orders or more")
        .put("is_dynamic", true).put("rules", new JsonArray().add(new JsonObject().put("field", "total_orders")
            .put("operator", "gte").put("value", 2))), 201).getString("id");
    until(60, "the segment synced on every partition",
        () -> "done".equals(call("node-3", "GET", base + "/segments/" + segment, key, null, 200).getString("sync_status")));
    call("node-3", "POST", base + "/webhook-endpoints", key, new JsonObject()
        .put("url", "http://127.0.0.1:" + receiver.actualPort() + "/hook")
        .put("events", new JsonArray().add("customer.segment.entered")), 201);

    List<String> customers = new ArrayList<>();
    List<String> live = new ArrayList<>(List.of("node-1", "node-2", "node-3"));
    for (int c = 0; c < CUSTOMERS; c++) {
      customers.add(call(live.get(c % live.size()), "POST", base + "/customers", key,
          new JsonObject().put("email", "c" + c + "@cluster.example"), 201).getString("id"));
    }

    Map<String, Integer> acked = new HashMap<>();
    long killedAt = 0;
    for (int round = 0; round < ROUNDS; round++) {
      if (round == ROUNDS / 2) {
        nodes.get("node-2").kill(); // mid-run: its partitions, leases and in-flight work go with it
        killedAt = System.currentTimeMillis();
        live.remove("node-2");
        watchTakeover(killedAt);
      }
      for (int c = 0; c < CUSTOMERS; c++) {
        JsonObject event = new JsonObject().put("id", "order-" + c + "-" + round).put("type", "order.completed")
            .put("customer_id", customers.get(c)).put("data", new JsonObject().put("order_id", "O-" + c + "-" + round)
                .put("total", "10.00").put("currency", "EUR"));
        send(live, c + round, base + "/events", key, event);
        acked.merge(customers.get(c), 1, Integer::sum);
      }
    }
    awaitOwners(Set.of("node-1", "node-3"), "the killed node's partitions taken over");
    until(10, "the takeover timed", () -> takeover.get() > 0);
    System.out.printf("ThreeNodeKafkaTest: partitions of the killed node running elsewhere %d ms after the kill%n",
        takeover.get() - killedAt);

    start("node-4");
    long added = System.currentTimeMillis();
    long rebalanced = awaitOwnersIncluding("node-4", "the added node owns partitions");
    System.out.printf("ThreeNodeKafkaTest: the added node owns partitions %d ms after it listened%n", rebalanced - added);

    // every acknowledged event applied exactly once: the aggregates equal an uninterrupted run
    for (String customer : customers) {
      until(120, "customer " + customer + " has its " + acked.get(customer) + " orders",
          () -> acked.get(customer).equals(call("node-4", "GET", base + "/customers/" + customer, key, null, 200)
              .getInteger("total_orders")));
    }
    assertEquals(CUSTOMERS * ROUNDS, count("SELECT count(*) FROM events WHERE type = 'order.completed'"),
        "each event once in the log, whatever node took it and however often it was sent");

    // each customer entered once, recorded once, announced once
    until(60, "every member counted", () -> call("node-1", "GET", base + "/segments/" + segment, key, null, 200)
        .getInteger("customer_count") == CUSTOMERS);
    assertEquals(CUSTOMERS, count("SELECT count(*) FROM segment_transitions WHERE segment_id = '" + segment
        + "' AND kind = 'entered'"), "one entry per customer, none twice");
    assertEquals(CUSTOMERS, count("SELECT count(DISTINCT customer_id) FROM segment_transitions WHERE segment_id = '"
        + segment + "'"));
    assertEquals(0, count("SELECT count(*) FROM segment_transitions WHERE segment_id = '" + segment
        + "' AND kind = 'left'"));
    Set<String> announced = new HashSet<>(strings("SELECT id FROM notification_log WHERE type = 'customer.segment.entered'"));
    assertEquals(CUSTOMERS, announced.size());
    until(90, "every entry reached the webhook receiver", () -> received.containsAll(announced));
    assertEquals(announced, received, "only the announced entries, each under its own id");
    System.out.printf("ThreeNodeKafkaTest: %d deliveries for %d event ids%n", deliveries.get(), announced.size());

    // any node answers for any customer, wherever its partition runs
    for (String node : List.of("node-1", "node-3", "node-4")) {
      for (String customer : customers) {
        JsonObject explained = call(node, "GET", base + "/segments/" + segment + "/explain?customer_id=" + customer,
            key, null, 200);
        assertTrue(explained.getBoolean("member"), () -> node + " explains " + customer + ": " + explained.encode());
      }
    }
    Set<String> owners = new HashSet<>(strings("SELECT DISTINCT owner FROM evaluator_checkpoints"));
    assertTrue(Set.of("node-1", "node-3", "node-4").containsAll(owners), "owners now: " + owners);

    for (ShoalProcess node : nodes.values()) {
      if (node.isAlive()) {
        node.stop(Duration.ofSeconds(60));
      }
    }
  }

  private final java.util.concurrent.atomic.AtomicLong takeover = new java.util.concurrent.atomic.AtomicLong();

  /** Notes when no partition is owned by the killed node any more, while the test keeps sending. */
  private void watchTakeover(long since) {
    Thread watcher = new Thread(() -> {
      while (System.currentTimeMillis() - since < 300_000) {
        try {
          List<String> owners = strings("SELECT owner FROM evaluator_checkpoints");
          if (owners.size() == PARTITIONS && !owners.contains("node-2")) {
            takeover.set(System.currentTimeMillis());
            return;
          }
        } catch (RuntimeException e) {
          // the next look
        }
        sleep(100);
      }
    }, "takeover-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  // --- nodes -----------------------------------------------------------------------------------

  private void start(String nodeId) {
    Map<String, String> env = new HashMap<>();
    env.put(ShoalConfig.PG_URL, databaseUrl);
    env.put(ShoalConfig.DATA_DIR, dir.resolve(nodeId).toString());
    env.put(ShoalConfig.ADMIN_KEY, adminKey);
    env.put(ShoalConfig.HTTP_HOST, "127.0.0.1");
    env.put(ShoalConfig.HTTP_PORT, "0");
    env.put(ShoalConfig.HTTP_INSTANCES, "1");
    env.put(ShoalConfig.PG_POOL_SIZE, "4");
    env.put(KafkaConfig.BOOTSTRAP, broker.bootstrap());
    env.put(KafkaConfig.PARTITIONS, String.valueOf(PARTITIONS));
    env.put(KafkaConfig.NODE_ID, nodeId);
    env.put(KafkaConfig.LEASE_TTL_MS, "6000");
    env.put(WebhookConfig.RETRY_BASE_MS, "100");
    env.put(WebhookConfig.POLL_INTERVAL_MS, "100");
    nodes.put(nodeId, ShoalProcess.start(env, dir.resolve(nodeId + ".log")));
  }

  /** Sends to the live nodes in turn until one acknowledges (a resend carries the same event id). */
  private void send(List<String> live, int turn, String path, String key, JsonObject event) {
    long deadline = System.currentTimeMillis() + 60_000;
    for (int attempt = 0; System.currentTimeMillis() < deadline; attempt++) {
      String node = live.get((turn + attempt) % live.size());
      try {
        HttpResponse<Buffer> r = ApiClient.await(web.request(HttpMethod.POST, nodes.get(node).port(), "127.0.0.1", path)
            .putHeader("Authorization", "Bearer " + key).timeout(20_000).sendJsonObject(event));
        if (r.statusCode() == 202) {
          return;
        }
        if (r.statusCode() != 503) {
          fail(node + " answered " + r.statusCode() + " to " + event.encode() + ": " + r.bodyAsString());
        }
      } catch (RuntimeException e) {
        // the node is gone or slow: the next one gets the same event
      }
      sleep(200);
    }
    fail("no node acknowledged " + event.encode());
  }

  private JsonObject call(String node, String method, String uri, String key, JsonObject body, int expected) {
    var request = web.request(HttpMethod.valueOf(method), nodes.get(node).port(), "127.0.0.1", uri)
        .putHeader("Authorization", "Bearer " + key).timeout(60_000);
    HttpResponse<Buffer> r = ApiClient.await(body == null ? request.send() : request.sendJsonObject(body));
    assertEquals(expected, r.statusCode(), () -> node + ": " + method + " " + uri + ": " + r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  /** Waits until every partition's events and evaluator are owned by these nodes; answers when. */
  private long awaitOwners(Set<String> owners, String what) throws Exception {
    until(120, what, () -> {
      List<String> events = strings("SELECT e.owner FROM evaluator_checkpoints e");
      return events.size() == PARTITIONS && owners.containsAll(events)
          && count("SELECT count(*) FROM kafka_offsets") == PARTITIONS;
    });
    return System.currentTimeMillis();
  }

  private long awaitOwnersIncluding(String node, String what) throws Exception {
    until(120, what, () -> strings("SELECT owner FROM evaluator_checkpoints").contains(node));
    return System.currentTimeMillis();
  }

  // --- plumbing --------------------------------------------------------------------------------

  private void until(int seconds, String what, BooleanSupplier condition) {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException | AssertionError e) {
        // not yet
      }
      sleep(250);
    }
    StringBuilder logs = new StringBuilder();
    nodes.forEach((id, p) -> logs.append("\n--- ").append(id).append(" ---\n").append(p.logTail()));
    fail("not within " + seconds + " s: " + what + "\n" + diagnostics() + logs);
  }

  /** What the database shows when a wait fails: owners, counts, and who waits on what. */
  private String diagnostics() {
    try {
      return "owners " + strings("SELECT partition || '=' || coalesce(owner, '-') || '@' || epoch || '/' || last_seq"
          + " FROM evaluator_checkpoints ORDER BY partition")
          + "\noffsets " + strings("SELECT partition || '=' || next_offset || '@' || epoch FROM kafka_offsets ORDER BY partition")
          + "\nsegments " + strings("SELECT segment_id || ' members ' || sum(members) FROM segment_member_counts GROUP BY segment_id")
          + "\nmember rows " + count("SELECT count(*) FROM segment_members")
          + "\ntransitions " + strings("SELECT kind || ' ' || count(*) FROM segment_transitions GROUP BY kind")
          + "\nactivity " + strings("SELECT coalesce(wait_event_type, '') || ':' || coalesce(wait_event, '') || ' '"
          + " || state || ' ' || left(query, 120) FROM pg_stat_activity WHERE datname = current_database()"
          + " AND pid <> pg_backend_pid()");
    } catch (RuntimeException e) {
      return "(no diagnostics: " + e + ")";
    }
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

  private List<String> strings(String sql) {
    try (Connection c = TestDatabase.connect(databaseUrl); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery(sql)) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
