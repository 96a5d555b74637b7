package io.shoal.event.kafka;

import io.shoal.config.KafkaConfig;
import io.shoal.kernel.CustomerPartitions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The topics of Kafka mode, checked (and created when missing) once at start-up, on a worker: the
 * events topic, keyed by customer, and the outbound notifications topic. A broker that cannot be
 * reached stops start-up with a message that names it.
 */
public final class KafkaTopics {

  private static final long TIMEOUT_S = 20;

  private KafkaTopics() {}

  /** @return the number of partitions of the events topic: always the configured number, else start-up stops */
  public static int ensureBlocking(KafkaConfig config) {
    Map<String, Object> props = new HashMap<>(config.clientProperties());
    props.put("request.timeout.ms", "10000");
    props.put("default.api.timeout.ms", String.valueOf(TimeUnit.SECONDS.toMillis(TIMEOUT_S)));
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS);
      Optional<Short> replication = config.replicationFactor().isPresent()
          ? Optional.of((short) config.replicationFactor().getAsInt()) : Optional.empty();
      for (String topic : List.of(config.eventsTopic(), config.notificationsTopic())) {
        if (!existing.contains(topic)) {
          int partitions = topic.equals(config.eventsTopic()) ? config.partitions() : 1;
          try {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), replication)))
                .all().get(TIMEOUT_S, TimeUnit.SECONDS);
          } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) { // another node made it meanwhile
              throw e;
            }
          }
        }
      }
      TopicDescription events = admin.describeTopics(List.of(config.eventsTopic())).allTopicNames()
          .get(TIMEOUT_S, TimeUnit.SECONDS).get(config.eventsTopic());
      int partitions = events.partitions().size();
      if (partitions != config.partitions()) {
        // events are produced to the customer's evaluator partition: the counts must agree
        throw new IllegalStateException("the Kafka topic " + config.eventsTopic() + " has " + partitions
            + " partitions but " + KafkaConfig.PARTITIONS + " is " + config.partitions()
            + ": set it to " + partitions + " (the evaluator partitions follow the topic's)");
      }
      checkPlacement(config, props, partitions);
      return partitions;
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka at " + config.bootstrap() + " (" + KafkaConfig.BOOTSTRAP
          + ") did not answer within " + TIMEOUT_S + " s: is the broker running and reachable?", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Kafka at " + config.bootstrap() + " (" + KafkaConfig.BOOTSTRAP
          + ") refused to set up the topics: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking the Kafka topics", e);
    }
  }

  /** How many of the newest records of each partition {@link #checkPlacement} reads. */
  static final int SAMPLE = 50;

  /**
   * Stops start-up when the events topic was written by an earlier version of Kafka mode, whose
   * records were placed by Kafka's default partitioner (a hash of the key), not on the customer's
   * evaluator partition ({@link CustomerPartitions}), or carry another record version: the
   * owner of a partition would apply events of customers it does not hold. Reads the newest
   * {@link #SAMPLE} records of each partition; the message names the topic and what to do.
   */
  static void checkPlacement(KafkaConfig config, Map<String, Object> props, int partitions) {
    String topic = config.eventsTopic();
    Map<String, Object> consumerProps = new HashMap<>(props);
    consumerProps.put("key.deserializer", StringDeserializer.class.getName());
    consumerProps.put("value.deserializer", StringDeserializer.class.getName());
    consumerProps.put("enable.auto.commit", "false");
    consumerProps.put("isolation.level", "read_committed");
    consumerProps.remove("group.id");
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
      List<TopicPartition> all = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        all.add(new TopicPartition(topic, p));
      }
      consumer.assign(all);
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(all, Duration.ofSeconds(TIMEOUT_S));
      Map<TopicPartition, Long> end = consumer.endOffsets(all, Duration.ofSeconds(TIMEOUT_S));
      Map<TopicPartition, Long> left = new HashMap<>();
      for (TopicPartition tp : all) {
        long from = Math.max(begin.get(tp), end.get(tp) - SAMPLE);
        if (from < end.get(tp)) {
          consumer.seek(tp, from);
          left.put(tp, end.get(tp));
        }
      }
      consumer.assign(left.keySet());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
      while (!left.isEmpty() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          String wrong = misplaced(r, partitions);
          if (wrong != null) {
            throw new IllegalStateException("the Kafka topic " + topic + " was written by an earlier version of"
                + " Shoal's Kafka mode (partition " + r.partition() + ", offset " + r.offset() + ": " + wrong
                + "); this version cannot use it. Let the previous version project it to its end (stop"
                + " ingest and wait), stop every node, then start this version with " + KafkaConfig.TOPIC_PREFIX
                + " set to a new prefix (new topics and consumer group; what was projected stays in PostgreSQL)."
                + " See the README, \"Topics of an earlier version\".");
          }
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          if (left.containsKey(tp) && r.offset() + 1 >= left.get(tp)) {
            left.remove(tp);
          }
        }
      }
    }
  }

  /** Why this record cannot have been written by this version; null when it can. */
  static String misplaced(ConsumerRecord<String, String> r, int partitions) {
    String key = r.key();
    int slash = key == null ? -1 : key.indexOf('/');
    if (slash < 0) {
      return "its key '" + key + "' is not store/customer";
    }
    int want = CustomerPartitions.of(key.substring(0, slash), key.substring(slash + 1), partitions);
    if (want != r.partition()) {
      return "customer " + key + " belongs to partition " + want + " of " + partitions;
    }
    try {
      EventRecord.pending(r.value());
    } catch (RuntimeException e) {
      return "unreadable record: " + e.getMessage();
    }
    return null;
  }
}
