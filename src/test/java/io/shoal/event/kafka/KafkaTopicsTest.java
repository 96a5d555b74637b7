package io.shoal.event.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.KafkaConfig;
import io.shoal.event.EventLog;
import io.shoal.kernel.CustomerPartitions;
import io.shoal.testing.KafkaBroker;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Start-up's check of the events topic against a real broker: a topic an earlier version wrote
 * (records placed by Kafka's own partitioner, or of another record version) stops start-up with a
 * message naming the topic and what to do; a topic this version wrote passes.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaTopicsTest {

  private static KafkaBroker broker;

  @BeforeAll
  static void start() {
    broker = KafkaBroker.start(KafkaBroker.tempDir());
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  private static KafkaConfig config(String prefix) {
    return KafkaConfig.from(Map.of(KafkaConfig.BOOTSTRAP, broker.bootstrap(), KafkaConfig.TOPIC_PREFIX, prefix,
        KafkaConfig.PARTITIONS, "3")::get).orElseThrow();
  }

  /** Writes one event of customer c of store s to {@code partition} of {@code topic} (made with 3 partitions). */
  private static void write(String topic, int partition, String customer, String value) throws Exception {
    Map<String, Object> props = Map.of("bootstrap.servers", broker.bootstrap());
    try (Admin admin = Admin.create(props)) {
      if (!admin.listTopics().names().get().contains(topic)) {
        admin.createTopics(List.of(new NewTopic(topic, Optional.of(3), Optional.empty()))).all().get();
      }
    }
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
        new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, partition, "s/" + customer, value)).get();
    }
  }

  private static String event(String customer) {
    return EventRecord.value(new EventLog.Pending("s", "evt_" + customer, null, "page.viewed", customer,
        Instant.parse("2026-12-04T10:00:00Z"), new JsonObject()));
  }

  @Test
  void aTopicWhoseRecordsSitOnAnotherPartitionStopsStartUpNamingIt() throws Exception {
    int right = CustomerPartitions.of("s", "c1", 3);
    write("old.events", (right + 1) % 3, "c1", event("c1")); // where Kafka's default partitioner put it
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> KafkaTopics.ensureBlocking(config("old.")));
    assertTrue(e.getMessage().contains("old.events") && e.getMessage().contains("earlier version")
        && e.getMessage().contains("belongs to partition " + right) && e.getMessage().contains(KafkaConfig.TOPIC_PREFIX),
        e.getMessage());
  }

  @Test
  void aRecordOfAnotherVersionStopsStartUp() throws Exception {
    write("v0.events", CustomerPartitions.of("s", "c2", 3), "c2", new JsonObject().put("v", 0).encode());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> KafkaTopics.ensureBlocking(config("v0.")));
    assertTrue(e.getMessage().contains("v0.events") && e.getMessage().contains("unknown event record version"),
        e.getMessage());
  }

  @Test
  void aTopicThisVersionWrotePasses() throws Exception {
    for (int c = 0; c < 20; c++) {
      write("new.events", CustomerPartitions.of("s", "c" + c, 3), "c" + c, event("c" + c));
    }
    assertEquals(3, KafkaTopics.ensureBlocking(config("new.")));
  }
}
