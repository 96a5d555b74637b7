package io.shoal.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.ShoalConfig;
import io.shoal.kernel.Channel;
import io.shoal.delivery.OutboundMessage.Source;
import io.shoal.kernel.Ids;
import io.shoal.engine.support.ShoalProcess;
import io.shoal.testing.ApiClient;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Shoal killed (SIGKILL) while messages are queued, being sent, and sent, then started again:
 * every recipient gets exactly one message. Shoal runs as a separate JVM on the test database.
 * The provider (push, with an Idempotency-Key as Lob's) holds some requests without answering
 * when the kill comes: it may have acted on them, which is the case the key is for.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DeliveryCrashTest {

  private Vertx vertx;
  private WebClient web;
  private String databaseUrl;
  private Path dataDir;
  private final String adminKey = "wk_admin_crash_" + Ids.random(24);
  private ShoalProcess shoal;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    web = WebClient.create(vertx);
    databaseUrl = TestDatabase.createDatabase();
    dataDir = TestServer.tempDir();
  }

  @AfterEach
  void tearDown() throws InterruptedException, IOException {
    if (shoal != null) {
      shoal.close();
    }
    ApiClient.await(vertx.close());
    TestDatabase.dropDatabase(databaseUrl);
    try (var paths = Files.walk(dataDir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void messagesQueuedSendingAndSentWhenShoalIsKilledReachEveryRecipientExactlyOnce() throws Exception {
    int recipients = 60;
    try (ProviderStub provider = ProviderStub.start(vertx)) {
      // the first 20 requests are answered, the next ones held: in flight at the kill
      provider.failing(n -> n <= 20 ? 0 : ProviderStub.HANG);
      int port = startShoal(provider, "first");
      JsonObject store = call(port, "POST", "/v1/stores", adminKey, new JsonObject().put("name", "Crash"), 201);
      String key = store.getString("api_key");
      String storeId = store.getString("id");
      String base = "/v1/stores/" + storeId;
      String template = call(port, "POST", base + "/templates", key, new JsonObject().put("name", "t")
          .put("channel", "push").put("text", "Hello {{first_name}}"), 201).getString("id");
      List<OutboundMessage> messages = new ArrayList<>();
      for (int i = 0; i < recipients; i++) {
        String customer = call(port, "POST", base + "/customers", key, new JsonObject()
            .put("external_id", "device-" + i).put("first_name", "N" + i).put("push_consent", true), 201)
            .getString("id");
        messages.add(new OutboundMessage(storeId, customer, Channel.PUSH, Source.CAMPAIGN, "cmp_crash",
            "cmp_crash:" + customer, template, new JsonObject(), null));
      }
      Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(databaseUrl)).using(vertx).build();
      List<String> ids = ApiClient.await(pool.withTransaction(tx -> MessageQueue.enqueue(tx, messages)));
      ApiClient.await(pool.close());
      assertEquals(recipients, ids.stream().filter(java.util.Objects::nonNull).count());

      assertTrue(DeliveryTest.eventually(30, () -> provider.requestCount() >= 28), "sending when killed");
      shoal.kill();
      int createdBeforeRestart = provider.created().size();
      assertTrue(createdBeforeRestart < recipients, "some were still queued at the crash: " + createdBeforeRestart);

      provider.failing(n -> 0);
      int port2 = startShoal(provider, "second");
      assertTrue(DeliveryTest.eventually(60, () -> sent(port2, base, key).size() == recipients),
          () -> "after the restart " + sent(port2, base, key).size() + " of " + recipients + " are sent");

      // the provider created exactly one push per message: the resends of the held ones were
      // recognised by their Idempotency-Key
      Map<String, String> created = provider.created();
      assertEquals(recipients, created.size());
      assertTrue(created.keySet().containsAll(ids));
      Map<String, Integer> accepted = new HashMap<>();
      provider.accepted("/push").forEach(r -> accepted.merge(r.headers().get("Idempotency-Key"), 1, Integer::sum));
      for (JsonObject m : sent(port2, base, key)) {
        assertEquals(created.get(m.getString("id")), m.getString("provider_message_id"), m.encode());
        assertEquals(1, accepted.get(m.getString("id")), () -> "answered once: " + m.encode());
      }
      shoal.stop(Duration.ofSeconds(30)); // SIGTERM: a graceful stop (fails the test if it does not exit)
    }
  }

  private List<JsonObject> sent(int port, String base, String key) {
    JsonArray data = call(port, "GET", base + "/messages?status=sent&limit=100", key, null, 200).getJsonArray("data");
    List<JsonObject> out = new ArrayList<>();
    data.forEach(o -> out.add((JsonObject) o));
    return out;
  }

  private int startShoal(ProviderStub provider, String name) {
    Map<String, String> env = new HashMap<>();
    env.put(ShoalConfig.PG_URL, databaseUrl);
    env.put(ShoalConfig.DATA_DIR, dataDir.toString());
    env.put(ShoalConfig.ADMIN_KEY, adminKey);
    env.put(ShoalConfig.HTTP_HOST, "127.0.0.1");
    env.put(ShoalConfig.HTTP_PORT, "0");
    env.put(ShoalConfig.HTTP_INSTANCES, "1");
    env.put(ShoalConfig.PG_POOL_SIZE, "4");
    env.put(ShoalConfig.EVALUATOR_PARTITIONS, "1");
    env.put("SHOAL_PUSH_URL", provider.url() + "/push");
    env.put("SHOAL_DELIVERY_CONCURRENCY", "8");
    env.put("SHOAL_DELIVERY_TIMEOUT_MS", "60000");
    env.put("SHOAL_DELIVERY_POLL_INTERVAL_MS", "100");
    shoal = ShoalProcess.start(env, dataDir.resolve(name + ".log"));
    return shoal.port();
  }

  private JsonObject call(int port, String method, String uri, String key, JsonObject body, int expected) {
    var request = web.request(io.vertx.core.http.HttpMethod.valueOf(method), port, "127.0.0.1", uri)
        .putHeader("Authorization", "Bearer " + key);
    HttpResponse<Buffer> r = ApiClient.await(body == null ? request.send() : request.sendJsonObject(body));
    assertEquals(expected, r.statusCode(), () -> method + " " + uri + ": " + r.bodyAsString());
    return r.bodyAsJsonObject();
  }
}
