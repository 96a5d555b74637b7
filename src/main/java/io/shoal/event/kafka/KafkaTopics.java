package io.shoal.event.kafka;

import io.shoal.config.KafkaConfig;
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
import org.apache.kafka.common.errors.TopicExistsException;

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
}
