package io.shoal.notify;

import static io.shoal.engine.support.Events.by;
import static io.shoal.engine.support.Events.order;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.KafkaConfig;
import io.shoal.config.ShoalConfig;
import io.shoal.engine.support.Poll;
import io.shoal.testing.KafkaBroker;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Kafka mode publishes every notification to {@code shoal.notifications} once, in order, and a
 * restarted server resumes after the last one the topic holds: a real broker, a real server,
 * read back by a plain read_committed consumer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaNotificationRelayTest {

  private KafkaBroker broker;
  private String databaseUrl;
  private Path dataDir;
  private TestServer server;

  @BeforeAll
  void start() {
    broker = KafkaBroker.start(KafkaBroker.tempDir());
    databaseUrl = TestDatabase.createDatabase();
    dataDir = TestServer.tempDir();
    server = startServer();
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
    if (broker != null) {
      broker.close();
    }
    TestDatabase.dropDatabase(databaseUrl);
  }

  /** A server on this class's database and broker: a restart finds both as the last one left them. */
  private TestServer startServer() {
    Map<String, String> env = new HashMap<>();
    env.put(ShoalConfig.HTTP_HOST, "127.0.0.1");
    env.put(ShoalConfig.HTTP_PORT, "0");
    env.put(ShoalConfig.DATA_DIR, dataDir.toString());
    env.put(ShoalConfig.PG_URL, databaseUrl);
    env.put(ShoalConfig.ADMIN_KEY, ADMIN_KEY);
    env.put(KafkaConfig.BOOTSTRAP, broker.bootstrap());
    env.put(KafkaConfig.PARTITIONS, "2");
    env.put(KafkaConfig.NODE_ID, "relay-test-node");
    return TestServer.start(ShoalConfig.fromMap(env));
  }

  private static final String ADMIN_KEY = "wk_admin_test_relay0000000000000000000";

  @Test
  void everyNotificationIsPublishedOnceInOrderAndARestartResumesAfterTheLast() {
    TestStore store = server.createStore("Relay");
    List<String> customers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      customers.add(store.createCustomer(new JsonObject().put("email", "c" + i + "@example.com")).getString("id"));
    }
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    for (int i = 0; i < customers.size(); i++) {
      store.api().post(store.path("/events"), by(order("o" + i, "10.00", at), customers.get(i))).expect(202);
    }
    Map<String, JsonObject> published = awaitSame(store, customers.size() * 2);
    JsonObject first = published.values().iterator().next();
    assertEquals(store.id(), first.getString("store_id"));
    assertEquals("event", first.getString("object"));

    // a new server on the same database and topic: nothing again, the new ones after
    server.close();
    server = startServer();
    store = new TestStore(store.id(), store.apiKey(), server.withKey(store.apiKey()));
    String another = store.createCustomer(new JsonObject().put("email", "late@example.com")).getString("id");
    store.api().post(store.path("/events"), by(order("o-late", "5.00", at), another)).expect(202);
    Map<String, JsonObject> after = awaitSame(store, published.size() + 2);
    assertTrue(after.keySet().containsAll(published.keySet()));
  }

  /**
   * A notification whose transaction commits after the relay stopped waiting for it (past its
   * settle limit, later ones published meanwhile) is published once when it commits, even when
   * the relay restarted in between: the doubt travels with the topic's last transaction.
   */
  @Test
  void aNotificationCommittedAfterTheSettleLimitIsPublishedOnceEvenAcrossARestart() throws Exception {
    TestStore store = server.createStore("Held");
    String customer = store.createCustomer(new JsonObject().put("email", "held@example.com")).getString("id");
    try (java.sql.Connection held = TestDatabase.connect(databaseUrl)) {
      held.setAutoCommit(false);
      try (java.sql.Statement st = held.createStatement()) {
        // as every writer of notifications, it has its transaction id before its seq (NotificationLog)
        st.execute("SELECT pg_current_xact_id()");
        st.execute("INSERT INTO notifications (store_id, id, type, customer_id, data) VALUES ('" + store.id()
            + "', 'evt_held_relay', 'customer.segment.entered', '" + customer + "', '{}')");
      }
      store.api().post(store.path("/events"), by(order("o-held", "10.00", Instant.now()), customer)).expect(202);
      List<String> later = Poll.until("the later notifications published past the settle limit", Duration.ofSeconds(30),
          () -> new ArrayList<>(readTopic(store.id(), false).keySet()), ids -> ids.size() >= 2);
      assertTrue(!later.contains("evt_held_relay"), later::toString);

      server.close(); // the relay stops with the held seq in doubt
      server = null;
      held.commit();
    }
    server = startServer();
    TestStore restarted = new TestStore(store.id(), store.apiKey(), server.withKey(store.apiKey()));
    Map<String, JsonObject> topic = Poll.until("the held notification published", Duration.ofSeconds(30),
        () -> readTopic(store.id(), false), t -> t.containsKey("evt_held_relay"));
    Thread.sleep(1_000);
    Map<String, JsonObject> after = readTopic(store.id(), false); // fails on a repeat
    assertEquals(topic.keySet(), after.keySet());
    assertEquals(new java.util.HashSet<>(notificationIds(restarted)), after.keySet(), "every notification, once");
  }

  /**
   * Waits until the topic holds exactly the store's notifications (at least {@code count}), in
   * the order the API lists them: each once, none missing. A repeat fails at once.
   */
  private Map<String, JsonObject> awaitSame(TestStore store, int count) {
    List<Object> seen = Poll.until("the topic to hold the store's " + count + " notifications", Duration.ofSeconds(30),
        () -> List.of(notificationIds(store), readTopic(store.id())),
        both -> {
          @SuppressWarnings("unchecked")
          List<String> ids = (List<String>) both.get(0);
          @SuppressWarnings("unchecked")
          Map<String, JsonObject> topic = (Map<String, JsonObject>) both.get(1);
          return ids.size() >= count && ids.equals(new ArrayList<>(topic.keySet()));
        });
    @SuppressWarnings("unchecked")
    Map<String, JsonObject> topic = (Map<String, JsonObject>) seen.get(1);
    return topic;
  }

  /** The store's notifications from the API, oldest first. */
  private static List<String> notificationIds(TestStore store) {
    JsonArray data = store.api().get(store.path("/events?limit=100")).expect(200).getJsonArray("data");
    List<String> ids = new ArrayList<>();
    for (int i = data.size() - 1; i >= 0; i--) {
      ids.add(data.getJsonObject(i).getString("id"));
    }
    return ids;
  }

  private Map<String, JsonObject> readTopic(String storeId) {
    return readTopic(storeId, true);
  }

  /**
   * The store's notifications in the topic, in topic order; each at most once. {@code inSeqOrder}:
   * seqs grow along the topic (true unless a writer committed past the relay's settle limit).
   */
  private Map<String, JsonObject> readTopic(String storeId, boolean inSeqOrder) {
    Properties props = new Properties();
    props.put("bootstrap.servers", broker.bootstrap());
    props.put("isolation.level", "read_committed");
    props.put("key.deserializer", StringDeserializer.class.getName());
    props.put("value.deserializer", StringDeserializer.class.getName());
    Map<String, JsonObject> out = new LinkedHashMap<>();
    long lastSeq = 0;
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      TopicPartition tp = new TopicPartition("shoal.notifications", 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (consumer.position(tp) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          JsonObject n = new JsonObject(r.value());
          if (!storeId.equals(n.getString("store_id"))) {
            continue;
          }
          long seq = Long.parseLong(new String(r.headers().lastHeader("shoal-seq").value(), StandardCharsets.UTF_8));
          assertTrue(!inSeqOrder || seq > lastSeq, "seq grows along the topic: " + seq + " after " + lastSeq);
          lastSeq = Math.max(lastSeq, seq);
          assertTrue(r.key().startsWith(n.getString("store_id") + "/"), "keyed by store and customer: " + r.key());
          JsonObject previous = out.put(n.getString("id"), n);
          assertEquals(null, previous, "published twice: " + n.encode());
        }
      }
    }
    return out;
  }

}
