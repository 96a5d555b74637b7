package io.shoal.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.KafkaConfig;
import io.shoal.db.Database;
import io.shoal.kernel.CustomerPartitions;
import io.shoal.notify.SseClient;
import io.shoal.outbox.ClusterWakes;
import io.shoal.outbox.Notification;
import io.shoal.outbox.NotificationLog;
import io.shoal.segment.SegmentRepository;
import io.shoal.testing.ApiClient;
import io.shoal.testing.KafkaBroker;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Kafka mode, one Shoal node in this JVM (real broker, real PostgreSQL) and a second node played
 * by the test with Shoal's own classes where a whole second server is not needed:
 *
 * <ul>
 *   <li>a profile change sent to a partition while the second node takes it over is not lost: the
 *       node here still runs the partition (it has not heard of the take-over), evaluates the
 *       change, its batch is refused (fenced), and the change is re-sent to the new owner (a small
 *       HTTP server on the internal endpoint that records what it is sent);</li>
 *   <li>a live stream on this node sees a notification the other node commits at once (LISTEN/
 *       NOTIFY), not at its next heartbeat 15 s later;</li>
 *   <li>a segment's sync_progress counts what partitions on the other node stored;</li>
 *   <li>an export's download link works on a node that does not have the file.</li>
 * </ul>
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaPeerNodeTest {

  private static KafkaBroker broker;
  private static TestServer server;
  private static Vertx otherNode;
  private static HttpServer newOwner;
  private static final List<JsonObject> received = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    broker = KafkaBroker.start(KafkaBroker.tempDir());
    server = TestServer.start(Map.of(KafkaConfig.BOOTSTRAP, broker.bootstrap(), KafkaConfig.PARTITIONS, "2"));
    otherNode = Vertx.vertx();
    newOwner = ApiClient.await(otherNode.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      received.add(body.toJsonObject());
      req.response().putHeader("Content-Type", "application/json").end("{}"); // a ProfileChanged's answer
    })).listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (otherNode != null) {
      ApiClient.await(otherNode.close());
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  @Order(3) // last: a partition of this node then belongs to the stand-in, which answers only profile changes
  void aProfileChangeFencedOnTheOldOwnerIsSentToTheNewOne() throws Exception {
    TestStore shop = server.createStore("Moves");
    String customer = shop.createCustomer(new JsonObject().put("email", "ann@before.example")).getString("id");
    String segment = shop.api().post(shop.path("/segments"), new JsonObject().put("name", "Moved").put("is_dynamic", true)
        .put("rules", new JsonArray().add(new JsonObject().put("field", "email").put("operator", "contains")
            .put("value", "@moved.example")))).expect(201).getString("id");
    until(() -> "done".equals(shop.api().get(shop.path("/segments/" + segment)).expect(200).getString("sync_status")),
        "the segment synced");
    int p = CustomerPartitions.of(shop.id(), customer, 2);
    // the customer evaluated by its partition here: an explain is answered behind its create's evaluation
    // (which entered nothing, so wrote nothing: a new customer's state row waits until it has something to keep)
    assertEquals(false, shop.api().get(shop.path("/segments/" + segment + "/explain?customer_id=" + customer))
        .expect(200).getBoolean("member"));

    // the other node takes partition p over, as EvaluationStore.takeOver does; this node has not heard of it
    TestDatabase.execute(server.databaseUrl(), "INSERT INTO cluster_nodes (node_id, url) VALUES ('node-b',"
        + " 'http://127.0.0.1:" + newOwner.actualPort() + "')");
    TestDatabase.execute(server.databaseUrl(), "UPDATE evaluator_checkpoints SET epoch = epoch + 1, owner = 'node-b'"
        + " WHERE partition = " + p);

    shop.api().patch(shop.customer(customer), new JsonObject().put("email", "ann@moved.example")).expect(200);

    until(() -> received.stream().anyMatch(m -> "ProfileChanged".equals(m.getString("kind"))
        && customer.equals(m.getString("customer_id"))), "the profile change sent to the new owner of partition " + p);
    // the old owner's evaluation was refused: nothing of it was written
    assertEquals(0L, count("SELECT count(*) FROM segment_memberships WHERE segment_id = '" + segment + "'"));
  }

  @Test
  @Order(1)
  void aStreamHereSeesWhatAnotherNodeCommitsAtOnce() throws Exception {
    TestStore shop = server.createStore("Streams");
    PgConnectOptions options = Database.parseUrl(server.databaseUrl());
    Pool pool = PgBuilder.pool().connectingTo(options).using(otherNode).build();
    NotificationLog log = new NotificationLog(otherNode, new NotificationLog.Fanout() {
      @Override
      public Future<Void> recorded(SqlConnection conn, List<NotificationLog.Recorded> recorded) {
        return Future.succeededFuture();
      }

      @Override
      public void committed(List<Notification> committed) {}
    });
    ClusterWakes wakes = new ClusterWakes(otherNode, pool, options, "node-b");
    log.alsoWake(wakes);
    try (SseClient sse = SseClient.connect(server.clientVertx(), server.port(), shop.path("/events/stream"),
        shop.apiKey(), null)) {
      Thread.sleep(500); // the stream has taken its position
      List<Notification> written = List.of(Notification.of(shop.id(), "customer.updated", "cus_elsewhere",
          new JsonObject().put("id", "cus_elsewhere")));
      long sent = System.nanoTime();
      ApiClient.await(pool.withTransaction(conn -> log.record(conn, written)));
      log.wake(written);
      List<SseClient.Event> got = sse.take(1, 5);
      long ms = (System.nanoTime() - sent) / 1_000_000;
      assertEquals("customer.updated", got.get(0).type());
      System.out.println("a notification committed on another node reached a stream here in " + ms + " ms");
    } finally {
      ApiClient.await(wakes.close().eventually(pool::close));
    }
  }

  @Test
  @Order(2)
  void theSyncProgressOfPartitionsOnAnotherNodeShowsHere() throws Exception {
    TestStore shop = server.createStore("Progress");
    shop.createCustomer(new JsonObject().put("email", "bo@progress.example"));
    String segment = shop.api().post(shop.path("/segments"), new JsonObject().put("name", "Any").put("is_dynamic", true)
        .put("rules", new JsonArray().add(new JsonObject().put("field", "email").put("operator", "contains")
            .put("value", "@")))).expect(201).getString("id");
    until(() -> "done".equals(shop.api().get(shop.path("/segments/" + segment)).expect(200).getString("sync_status")),
        "the segment synced");
    // a sync started on the other node, whose partition 1 is half done there and partition 0 not begun
    int version = (int) count("SELECT version FROM segments WHERE id = '" + segment + "'");
    TestDatabase.execute(server.databaseUrl(), "UPDATE segments SET sync_status = 'in_progress' WHERE id = '"
        + segment + "'");
    Pool pool = PgBuilder.pool().connectingTo(Database.parseUrl(server.databaseUrl())).using(otherNode).build();
    try {
      SegmentRepository there = new SegmentRepository(pool);
      ApiClient.await(there.saveSyncProgress(shop.id(), segment, version, 1, 0.5));
      ApiClient.await(there.saveSyncProgress(shop.id(), segment, version, 1, 0.25)); // late: never goes back
      ApiClient.await(there.saveSyncProgress(shop.id(), segment, version - 1, 0, 1.0)); // an older version's
      JsonObject seg = shop.api().get(shop.path("/segments/" + segment)).expect(200);
      assertEquals(0.25, seg.getDouble("sync_progress"), 1e-9, seg.encode());
      // the sync ends: its rows go with it
      ApiClient.await(there.markSynced(shop.id(), segment, version));
      assertEquals(0L, count("SELECT count(*) FROM segment_sync_progress WHERE segment_id = '" + segment + "'"));
      assertEquals(null, shop.api().get(shop.path("/segments/" + segment)).expect(200).getValue("sync_progress"));
    } finally {
      ApiClient.await(pool.close());
    }
  }

  @Test
  @Order(2)
  void anExportFileWrittenByAnotherNodeDownloadsHere() throws Exception {
    TestStore shop = server.createStore("Exports");
    for (int i = 0; i < 3; i++) {
      shop.createCustomer(new JsonObject().put("email", "m" + i + "@exports.example"));
    }
    String segment = shop.api().post(shop.path("/segments"), new JsonObject().put("name", "All").put("is_dynamic", true)
        .put("rules", new JsonArray().add(new JsonObject().put("field", "email").put("operator", "contains")
            .put("value", "@exports.example")))).expect(201).getString("id");
    until(() -> shop.api().get(shop.path("/segments/" + segment)).expect(200).getLong("customer_count") == 3,
        "three members");
    String id = shop.api().post(shop.path("/segments/" + segment + "/exports"), new JsonObject().put("format", "csv")
        .put("email", "ops@exports.example")).expect(202).getString("id");
    until(() -> "completed".equals(shop.api().get(shop.path("/segment-exports/" + id)).expect(200).getString("status")),
        "the export completed");
    // the link's token is only emailed: give the export one the test knows
    TestDatabase.execute(server.databaseUrl(), "UPDATE segment_exports SET token_hash = encode(sha256('known'::bytea),"
        + " 'hex') WHERE id = '" + id + "'");
    java.nio.file.Path dir = server.dataDir().resolve("exports");
    byte[] written;
    try (var files = java.nio.file.Files.list(dir)) {
      java.nio.file.Path file = files.filter(f -> f.getFileName().toString().contains(id)).findFirst().orElseThrow();
      written = java.nio.file.Files.readAllBytes(file);
      java.nio.file.Files.delete(file); // as on a node that did not write it
    }
    io.shoal.testing.ApiResponse got = ApiClient.await(server.anonymous().send(io.vertx.core.http.HttpMethod.GET,
        shop.path("/segment-exports/" + id + "/download?token=known"), null, null, null));
    assertEquals(200, got.status(), got::toString);
    assertTrue(got.header("Content-Type").startsWith("text/csv"));
    assertEquals(new String(written, java.nio.charset.StandardCharsets.UTF_8), got.body().toString());
    assertEquals(4, got.body().toString().split("\r\n").length, "a header and three members");
  }

  private static long count(String sql) {
    try (var conn = TestDatabase.connect(server.databaseUrl()); var st = conn.createStatement();
         var rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void until(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
    while (!done.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "not within 45 s: " + what);
      Thread.sleep(100);
    }
  }
}
