package io.shoal.notify;

import io.shoal.config.KafkaConfig;
import io.shoal.outbox.Doubts;
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
 *          --> position and doubts = the shoal-relay header of the last transaction in the topic
 *   wake (NEW_NOTIFICATIONS) | every 200 ms
 *     --> doubts? the ones visible now --> one Kafka transaction (late records) --> settle
 *     --> page of notifications after position, with the snapshot's horizon
 *     --> settled? (no transaction that could still commit a smaller seq is running; waited for
 *         up to 2 s, then the range's absent seqs become doubts, see outbox.Doubts)
 *     --> one Kafka transaction: the page's records, each with its seq --> commit --> position
 * </pre>
 *
 * The topic is its own checkpoint: every record carries the relay's state after its
 * transaction ({@code shoal-relay}: a transaction counter, the position, the doubts), read back
 * at start from the last transaction, and a relay that lost its lease is fenced by the next
 * one's {@code initTransactions}, so a notification is neither skipped nor published twice
 * across crashes and moves. Record: key {@code <store_id>/<customer_id>} (one customer's
 * notifications stay in order), value the notification as webhooks carry it, headers
 * {@code shoal-seq}, {@code shoal-store}, {@code shoal-type}, {@code shoal-relay}. Seqs grow
 * along the topic, except a notification whose transaction committed more than 2 s after
 * later ones: it comes when it commits. Read it with {@code isolation.level=read_committed}.
 */
public final class KafkaNotificationRelay extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaNotificationRelay.class);

  public static final String SEQ_HEADER = "shoal-seq";
  public static final String STORE_HEADER = "shoal-store";
  public static final String TYPE_HEADER = "shoal-type";
  /** The relay's state after the record's transaction: {@code <counter>;<position>;<doubts>}. */
  public static final String STATE_HEADER = "shoal-relay";

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
  /** Seqs passed over while a writer older than their reference ran; see {@link Doubts}. */
  private Doubts doubts = new Doubts();
  /** Kafka transactions published, across relays: the state of the highest is the relay's. */
  private long transactions;
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
        .onSuccess(state -> {
          transactions = state.transactions();
          position = state.position();
          doubts = state.doubts();
          LOG.info("Relaying notifications to {} after seq {} ({} in doubt)", config.notificationsTopic(), position,
              doubts.size());
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

  /** What a relay's transaction left: see {@link #STATE_HEADER}. */
  record State(long transactions, long position, Doubts doubts) {

    static State parse(String header) {
      String[] parts = header.split(";", -1);
      if (parts.length != 3) {
        throw new IllegalArgumentException("not a relay state: " + header);
      }
      return new State(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Doubts.decode(parts[2]));
    }

    String header() {
      return transactions + ";" + position + ";" + doubts.encode();
    }
  }

  /**
   * The state the last transaction committed to the topic left, read back from the last
   * record of each partition; a topic written before the state header: the highest seq.
   */
  private State lastPublishedBlocking() {
    Map<String, Object> props = new HashMap<>(config.clientProperties());
    props.put("isolation.level", "read_committed");
    props.put("enable.auto.commit", "false");
    props.put("key.deserializer", StringDeserializer.class.getName());
    props.put("value.deserializer", StringDeserializer.class.getName());
    State last = new State(0, 0, new Doubts());
    long highestSeq = 0;
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(config.notificationsTopic(), Duration.ofSeconds(20))) {
        partitions.add(new TopicPartition(p.topic(), p.partition()));
      }
      consumer.assign(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(20));
      for (TopicPartition tp : partitions) {
        ConsumerRecord<String, String> tail = lastRecordBlocking(consumer, tp, ends.get(tp));
        if (tail == null) {
          continue;
        }
        highestSeq = Math.max(highestSeq, header(tail, SEQ_HEADER));
        Header state = tail.headers().lastHeader(STATE_HEADER);
        if (state != null) {
          State s = State.parse(new String(state.value(), StandardCharsets.UTF_8));
          if (s.transactions() > last.transactions()) {
            last = s;
          }
        }
      }
    }
    return last.transactions() > 0 ? last : new State(0, highestSeq, new Doubts());
  }

  private static long header(ConsumerRecord<String, String> r, String name) {
    return Long.parseLong(new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8));
  }

  /** Reads back from the end of one partition, a window at a time, until a relayed record is found. */
  private static ConsumerRecord<String, String> lastRecordBlocking(KafkaConsumer<String, String> consumer,
                                                                   TopicPartition tp, long end) {
    long from = end;
    while (from > 0) {
      long to = from;
      from = Math.max(0, from - 256);
      consumer.seek(tp, from);
      ConsumerRecord<String, String> last = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (consumer.position(tp) < to && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200)).records(tp)) {
          if (r.headers().lastHeader(SEQ_HEADER) != null && r.offset() < to
              && (last == null || r.offset() > last.offset())) {
            last = r;
          }
        }
      }
      if (last != null) {
        return last;
      }
    }
    return null;
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

  /** Publishes the doubts that came, then the next settled page; answers whether it was full (more may be waiting). */
  private Future<Boolean> relayPage() {
    return relayDoubts().compose(v -> {
      long from = position;
      return store.readAllAfter(from, PAGE).compose(page -> {
        if (page.rows().isEmpty()) {
          return Future.succeededFuture(false);
        }
        if (page.xmin() >= page.ref()) { // nothing older than the read was running: all final
          return publish(page.rows(), page.rows().get(page.rows().size() - 1).seq()).map(page.rows().size() == PAGE);
        }
        // a transaction running when the page was read may still commit a smaller seq: wait for it
        long last = page.rows().get(page.rows().size() - 1).seq();
        return settled(page.ref(), System.nanoTime() + SETTLE_LIMIT_MS * 1_000_000)
            // past the limit: what is absent, asked before the page is read again (a row that
            // commits in between is in that page)
            .compose(ended -> ended ? Future.<List<Long>>succeededFuture() : store.absentSeqs(from, last))
            .compose(absent -> store.readAllAfter(from, PAGE).compose(again -> {
              List<DeliveryStore.Stored> all = again.rows();
              long upTo = all.size() == PAGE ? Math.min(last, all.get(PAGE - 1).seq()) : last;
              List<DeliveryStore.Stored> rows = all.stream().filter(r -> r.seq() <= upTo).toList();
              return publish(rows, upTo, absent == null ? doubts : withDoubts(absent, rows, upTo, page.ref()))
                  .map(all.size() == PAGE);
            }));
      });
    });
  }

  /** The doubts, and the seqs absent before the read that the rows relayed up to {@code upTo} do not hold. */
  private Doubts withDoubts(List<Long> absent, List<DeliveryStore.Stored> rows, long upTo, long ref) {
    Doubts next = doubts.copy();
    List<Long> doubtful = next.missed(absent, DeliveryStore.seqs(rows), upTo, ref);
    if (!doubtful.isEmpty()) {
      LOG.info("Notifications {} not committed after {} ms; relayed when they are", doubtful, SETTLE_LIMIT_MS);
    }
    return next;
  }

  /** Publishes the doubts visible now, late, and ends those that never will be. */
  private Future<Void> relayDoubts() {
    if (doubts.isEmpty()) {
      return Future.succeededFuture();
    }
    return store.readAt(doubts.seqs(), null).compose(page -> {
      Doubts after = doubts.copy();
      after.settle(page.seen(), page.xmin());
      if (page.rows().isEmpty()) {
        doubts = after; // nothing to publish: those that never committed are forgotten with the next transaction
        return Future.succeededFuture();
      }
      return publish(page.rows(), position, after);
    });
  }

  /** Completes with true once every transaction below {@code ref} has ended, false at the deadline. */
  private Future<Boolean> settled(long ref, long deadlineNanos) {
    Promise<Boolean> done = Promise.promise();
    checkSettled(ref, deadlineNanos, done);
    return done.future();
  }

  private void checkSettled(long ref, long deadlineNanos, Promise<Boolean> done) {
    store.horizon().onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
      } else if (ar.result() >= ref) {
        done.complete(true);
      } else if (System.nanoTime() > deadlineNanos) {
        done.complete(false);
      } else {
        vertx.setTimer(SETTLE_CHECK_MS, t -> checkSettled(ref, deadlineNanos, done));
      }
    });
  }

  /** Publishes the page's rows and moves the position to {@code upTo}, the doubts as they are. */
  private Future<Void> publish(List<DeliveryStore.Stored> rows, long upTo) {
    return publish(rows, upTo, doubts);
  }

  /**
   * One Kafka transaction of {@code rows}, each carrying the state after it (position
   * {@code upTo}, doubts {@code next}); the state is taken once it commits.
   */
  private Future<Void> publish(List<DeliveryStore.Stored> rows, long upTo, Doubts next) {
    if (rows.isEmpty()) {
      return Future.succeededFuture();
    }
    State after = new State(transactions + 1, upTo, next);
    String state = after.header();
    return producer.beginTransaction()
        .compose(v -> {
          List<Future<?>> sends = new ArrayList<>(rows.size());
          for (DeliveryStore.Stored row : rows) {
            sends.add(producer.send(record(row).addHeader(KafkaHeader.header(STATE_HEADER, state))));
          }
          return Future.all(sends);
        })
        .compose(v -> producer.commitTransaction())
        .onSuccess(v -> {
          transactions = after.transactions();
          position = after.position();
          doubts = after.doubts();
        })
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
