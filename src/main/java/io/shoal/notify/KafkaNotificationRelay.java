package io.shoal.notify;

import io.shoal.config.KafkaConfig;
import io.shoal.outbox.Notification;
import io.shoal.outbox.NotificationLog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka mode: publishes every notification of the outbox (segment enters and leaves, customer,
 * order, campaign and data-request events: what webhooks and streams carry) to the
 * {@code <prefix>notifications} topic, once per notification. One job on one node (a lease).
 *
 * <pre>
 *   start: initTransactions (fences a previous relay still producing)
 *          --> position = highest shoal-seq header in the topic (committed records only)
 *   wake (NEW_NOTIFICATIONS) | every 200 ms
 *     --> page of notifications after position, with the snapshot's horizon
 *     --> settled? (no transaction that could still commit a smaller seq is running)
 *     --> one Kafka transaction: the page's records, each with its seq --> commit --> position
 * </pre>
 *
 * The topic is its own checkpoint: the position is read back from the records committed, and
 * a relay that lost its lease is fenced by the next one's {@code initTransactions}, so a
 * notification is neither skipped nor published twice across crashes and moves. Record: key
 * {@code <store_id>/<customer_id>} (one customer's notifications stay in order), value the
 * notification as webhooks carry it, headers {@code shoal-seq}, {@code shoal-store},
 * {@code shoal-type}. Read it with {@code isolation.level=read_committed}.
 */
public final class KafkaNotificationRelay extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaNotificationRelay.class);

  public static final String SEQ_HEADER = "shoal-seq";
  public static final String STORE_HEADER = "shoal-store";
  public static final String TYPE_HEADER = "shoal-type";

  private static final int PAGE = 500;
  private static final long IDLE_MS = 200;
  private static final long SETTLE_CHECK_MS = 3;
  /** A transaction running longer than this is not waited for (as for the live streams). */
  private static final long SETTLE_LIMIT_MS = 2_000;
  private static final long RETRY_MS = 1_000;

  private final KafkaConfig config;
  private final DeliveryStore store;
  private KafkaProducer<String, String> producer;
  private MessageConsumer<String> wakes;
  private long timer = -1;

  private long position;
  private boolean relaying;
  private boolean again;
  private boolean stopping;

  public KafkaNotificationRelay(KafkaConfig config, DeliveryStore store) {
    this.config = config;
    this.store = store;
  }

  @Override
  public Future<?> start() {
    Map<String, String> props = new HashMap<>(config.clientProperties());
    props.put("transactional.id", config.topicPrefix() + "notifications-relay");
    props.put("enable.idempotence", "true");
    props.put("acks", "all");
    props.put("linger.ms", "1");
    props.put("compression.type", "lz4");
    props.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    props.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    producer = KafkaProducer.create(vertx, props);
    return producer.initTransactions()
        .compose(v -> vertx.executeBlocking(this::lastPublishedBlocking, false))
        .onSuccess(seq -> {
          position = seq;
          LOG.info("Relaying notifications to {} after seq {}", config.notificationsTopic(), seq);
          wakes = vertx.eventBus().localConsumer(NotificationLog.NEW_NOTIFICATIONS, m -> relay());
          timer = vertx.setPeriodic(IDLE_MS, id -> relay());
          relay();
        });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(timer);
    Future<Void> unregistered = wakes == null ? Future.succeededFuture() : wakes.unregister();
    return unregistered.transform(ar -> producer.close());
  }

  /** The highest seq committed to the topic, read back from its last records; 0 when empty. */
  private Long lastPublishedBlocking() {
    Map<String, Object> props = new HashMap<>(config.clientProperties());
    props.put("isolation.level", "read_committed");
    props.put("enable.auto.commit", "false");
    props.put("key.deserializer", StringDeserializer.class.getName());
    props.put("value.deserializer", StringDeserializer.class.getName());
    long highest = 0;
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(config.notificationsTopic(), Duration.ofSeconds(20))) {
        partitions.add(new TopicPartition(p.topic(), p.partition()));
      }
      consumer.assign(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(20));
      for (TopicPartition tp : partitions) {
        highest = Math.max(highest, lastSeqBlocking(consumer, tp, ends.get(tp)));
      }
    }
    return highest;
  }

  /** Reads back from the end of one partition, a window at a time, until a record is found. */
  private static long lastSeqBlocking(KafkaConsumer<String, String> consumer, TopicPartition tp, long end) {
    long from = end;
    while (from > 0) {
      long to = from;
      from = Math.max(0, from - 256);
      consumer.seek(tp, from);
      long highest = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (consumer.position(tp) < to && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200)).records(tp)) {
          Header seq = r.headers().lastHeader(SEQ_HEADER);
          if (seq != null && r.offset() < to) {
            highest = Math.max(highest, Long.parseLong(new String(seq.value(), StandardCharsets.UTF_8)));
          }
        }
      }
      if (highest > 0) {
        return highest;
      }
    }
    return 0;
  }

  private void relay() {
    if (stopping) {
      return;
    }
    if (relaying) {
      again = true;
      return;
    }
    relaying = true;
    again = false;
    relayPage().onComplete(ar -> {
      relaying = false;
      if (ar.failed()) {
        LOG.warn("Relaying notifications after seq {} failed; retrying: {}", position, ar.cause().toString());
        vertx.setTimer(RETRY_MS, t -> relay());
      } else if (ar.result() || again) {
        relay();
      }
    });
  }

  /** Publishes the next settled page; answers whether it was full (more may be waiting). */
  private Future<Boolean> relayPage() {
    long from = position;
    return store.readAllAfter(from, PAGE).compose(page -> {
      if (page.rows().isEmpty()) {
        return Future.succeededFuture(false);
      }
      if (page.xmin() >= page.ref()) { // nothing older than the read was running: all final
        return publish(page.rows()).map(page.rows().size() == PAGE);
      }
      // a transaction running when the page was read may still commit a smaller seq: wait for it
      long last = page.rows().get(page.rows().size() - 1).seq();
      return settled(page.ref(), System.nanoTime() + SETTLE_LIMIT_MS * 1_000_000)
          .compose(v -> store.readAllAfter(from, PAGE))
          .compose(again -> {
            List<DeliveryStore.Stored> rows = again.rows().stream().filter(r -> r.seq() <= last).toList();
            return publish(rows).map(rows.size() == PAGE);
          });
    });
  }

  /** Completes once every transaction below {@code ref} has ended, or at the deadline. */
  private Future<Void> settled(long ref, long deadlineNanos) {
    Promise<Void> done = Promise.promise();
    checkSettled(ref, deadlineNanos, done);
    return done.future();
  }

  private void checkSettled(long ref, long deadlineNanos, Promise<Void> done) {
    store.horizon().onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
      } else if (ar.result() >= ref || System.nanoTime() > deadlineNanos) {
        done.complete();
      } else {
        vertx.setTimer(SETTLE_CHECK_MS, t -> checkSettled(ref, deadlineNanos, done));
      }
    });
  }

  private Future<Void> publish(List<DeliveryStore.Stored> rows) {
    if (rows.isEmpty()) {
      return Future.succeededFuture();
    }
    return producer.beginTransaction()
        .compose(v -> {
          List<Future<?>> sends = new ArrayList<>(rows.size());
          for (DeliveryStore.Stored row : rows) {
            sends.add(producer.send(record(row)));
          }
          return Future.all(sends);
        })
        .compose(v -> producer.commitTransaction())
        .onSuccess(v -> position = rows.get(rows.size() - 1).seq())
        .recover(failure -> producer.abortTransaction().transform(ar -> Future.failedFuture(failure)));
  }

  private KafkaProducerRecord<String, String> record(DeliveryStore.Stored row) {
    Notification n = row.notification();
    String key = n.storeId() + "/" + (n.customerId() == null ? "" : n.customerId());
    KafkaProducerRecord<String, String> record = KafkaProducerRecord.create(config.notificationsTopic(), key,
        n.toJson().encode());
    record.addHeader(KafkaHeader.header(SEQ_HEADER, Long.toString(row.seq())));
    record.addHeader(KafkaHeader.header(STORE_HEADER, n.storeId()));
    record.addHeader(KafkaHeader.header(TYPE_HEADER, n.type()));
    return record;
  }
}
