package io.shoal.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.ShoalConfig;
import io.shoal.kernel.Ids;
import io.shoal.testing.ApiClient;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code SHOAL_PG_URL}, the PostgreSQL server process is stopped under a steady load of
 * events and started again: while it is away every answer is a 503 with {@code Retry-After}
 * (never a 500, never a 202 for an event that was not stored, never a request left hanging),
 * and once it is back Shoal serves again by itself. Every event answered 202 is in the log.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PostgresRestartTest {

  private static final int CLIENTS = 4;
  private static final long SLOWEST_ANSWER_MS = 20_000;

  @TempDir
  Path dir;
  private EmbeddedPostgres postgres;
  private TestServer server;

  record Sent(int status, String retryAfter, String eventId, long millis, String body) {}

  private EmbeddedPostgres startPostgres(int port) throws IOException {
    return EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).setCleanDataDirectory(false)
        .setPort(port).setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on").start();
  }

  @AfterEach
  void cleanUp() throws IOException {
    if (server != null) {
      server.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void aPostgresRestartUnderLoadIs503WithRetryAfterAndShoalRecoversByItself() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.createDirectories(dir.resolve("pg"));
    postgres = startPostgres(port);
    String url = "postgresql://postgres:postgres@localhost:" + port + "/postgres";
    server = TestServer.start(ShoalConfig.fromMap(Map.of(
        ShoalConfig.HTTP_HOST, "127.0.0.1",
        ShoalConfig.HTTP_PORT, "0",
        ShoalConfig.HTTP_INSTANCES, "2",
        ShoalConfig.DATA_DIR, dir.resolve("data").toString(),
        ShoalConfig.PG_URL, url,
        ShoalConfig.PG_POOL_SIZE, "8",
        ShoalConfig.ADMIN_KEY, "wk_admin_pgrestart_" + Ids.random(24))));
    TestStore store = server.createStore("Restarted");
    String events = store.path("/events");

    ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
    AtomicBoolean running = new AtomicBoolean(true);
    List<Future<Void>> clients = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      int client = c;
      Promise<Void> done = Promise.promise();
      clients.add(done.future());
      sendNext(store, events, client, new int[] {0}, sent, running, done);
    }
    Thread.sleep(3_000);
    int before = sent.size();
    postgres.close(); // fast shutdown: sessions end, the port closes
    postgres = null;
    long stoppedAt = System.nanoTime();
    Thread.sleep(6_000);
    int whileDown = sent.size();
    postgres = startPostgres(port);
    long restartedAt = System.nanoTime();
    // Shoal serves again by itself: wait for a run of 202s after the restart
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && !recovered(sent, 20)) {
      Thread.sleep(200);
    }
    long recoveredAfterMs = (System.nanoTime() - restartedAt) / 1_000_000;
    running.set(false);
    ApiClient.await(Future.all(clients), 60);

    List<Sent> all = new ArrayList<>(sent);
    long accepted = all.stream().filter(s -> s.status() == 202).count();
    long unavailable = all.stream().filter(s -> s.status() == 503).count();
    System.out.printf("postgres restart: %d requests (%d before the stop, %d while down), %d answered 202, %d answered"
        + " 503, recovered %d ms after the restart (down %d ms)%n", all.size(), before, whileDown - before, accepted,
        unavailable, recoveredAfterMs, (restartedAt - stoppedAt) / 1_000_000);
    for (Sent s : all) {
      assertTrue(s.status() == 202 || s.status() == 503, () -> "answer " + s.status() + " " + s.body());
      if (s.status() == 503) {
        assertTrue(s.retryAfter() != null && Integer.parseInt(s.retryAfter()) > 0, () -> "503 without Retry-After");
      }
      assertTrue(s.millis() < SLOWEST_ANSWER_MS, () -> "an answer took " + s.millis() + " ms");
    }
    assertTrue(unavailable > 0, "the clients met the database away");
    assertTrue(recovered(sent, 20), "Shoal serves again after the restart");

    // every 202 is a stored event
    Set<String> acked = new HashSet<>();
    all.stream().filter(s -> s.status() == 202).forEach(s -> acked.add(s.eventId()));
    Set<String> stored = new HashSet<>();
    try (Connection c = TestDatabase.connect(url);
         PreparedStatement st = c.prepareStatement("SELECT id FROM events WHERE store_id = ? AND id = ANY(?)")) {
      st.setString(1, store.id());
      st.setArray(2, c.createArrayOf("text", acked.toArray()));
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          stored.add(rs.getString(1));
        }
      }
    }
    Set<String> lost = new HashSet<>(acked);
    lost.removeAll(stored);
    assertEquals(Set.of(), lost, "events answered 202 but not stored");
    // and the rest of Shoal works again: a customer is created and read back
    String id = store.createCustomer(new JsonObject().put("email", "after@example.com")).getString("id");
    store.api().get(store.customer(id)).expect(200);
  }

  private static boolean recovered(ConcurrentLinkedQueue<Sent> sent, int lastN) {
    List<Sent> all = new ArrayList<>(sent);
    if (all.size() < lastN) {
      return false;
    }
    return all.subList(all.size() - lastN, all.size()).stream().allMatch(s -> s.status() == 202);
  }

  private void sendNext(TestStore store, String uri, int client, int[] n, ConcurrentLinkedQueue<Sent> sent,
                               AtomicBoolean running, Promise<Void> done) {
    if (!running.get()) {
      done.complete();
      return;
    }
    JsonObject event = new JsonObject().put("type", "custom.ping").put("id", "c" + client + "-" + n[0]++)
        .put("customer", new JsonObject().put("email", "client" + client + "@example.com"));
    long start = System.nanoTime();
    store.api().sendJson(HttpMethod.POST, uri, event, null).onComplete(ar -> {
      long ms = (System.nanoTime() - start) / 1_000_000;
      if (ar.succeeded()) {
        ApiResponse r = ar.result();
        String eventId = null;
        if (r.status() == 202) {
          eventId = r.json().getString("id");
        }
        sent.add(new Sent(r.status(), r.header("Retry-After"), eventId, ms, r.status() == 202 ? "" : r.text()));
      } else {
        sent.add(new Sent(-1, null, null, ms, String.valueOf(ar.cause())));
      }
      // a client that was told to come back later does so a little later (not at once)
      if (ar.succeeded() && ar.result().status() == 202) {
        sendNext(store, uri, client, n, sent, running, done);
      } else {
        server.clientVertx().setTimer(100, t -> sendNext(store, uri, client, n, sent, running, done));
      }
    });
  }
}
