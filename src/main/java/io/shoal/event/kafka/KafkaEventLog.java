package io.shoal.event.kafka;

import io.shoal.config.KafkaConfig;
import io.shoal.event.EventLog;
import io.shoal.event.LoggedEvent;
import io.shoal.kernel.CustomerPartitions;
import io.shoal.event.PgEventLog;
import io.shoal.kernel.DomainException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.kafka.client.producer.RecordMetadata;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka mode's event log. An append is produced to the events topic, keyed by customer, with an
 * idempotent producer and {@code acks=all}; it completes (and the API answers 202) only once the
 * brokers acknowledged every event. The node that owns the event's partition then projects it
 * into PostgreSQL exactly once ({@link KafkaEventProjector}), where the evaluators, automations,
 * attribution and the timeline read it as in embedded mode.
 *
 * <pre>
 *   append --> dedupe keys already logged? --> answer those as repeats
 *          --> produce the others (acks=all) --> [owner of the partition is here?
 *                                                  wait until projected: read-your-writes] --> 202
 *   broker away --> 503 + Retry-After, never a 202
 * </pre>
 *
 * A key repeated while its first event is still on its way (the milliseconds before the
 * projection) is produced twice; the projection keeps the first and drops the repeat, so it is
 * never applied twice, but that second answer carries the repeat's own id.
 */
public final class KafkaEventLog implements EventLog {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaEventLog.class);

  private static final String SQL_LOGGED_KEYS =
      "SELECT seq, store_id, id, dedupe_key, type, customer_id, occurred_at, received_at, data FROM events"
          + " WHERE store_id = $1 AND dedupe_key = ANY($2)";

  private final Pool pool;
  private final PgEventLog projection;
  private final KafkaProducer<String, String> producer;
  private final String topic;
  /** The events topic's partitions: as many as the evaluator partitions (checked at start). */
  private final int partitions;
  private final KafkaEventProjector.Positions positions;

  public KafkaEventLog(Vertx vertx, KafkaConfig config, Pool pool, PgEventLog projection,
                       KafkaEventProjector.Positions positions) {
    this.pool = pool;
    this.projection = projection;
    this.topic = config.eventsTopic();
    this.partitions = config.partitions();
    this.positions = positions;
    Map<String, String> props = new HashMap<>(config.clientProperties());
    props.put("acks", "all");
    props.put("enable.idempotence", "true");
    props.put("max.in.flight.requests.per.connection", "5");
    props.put("linger.ms", "1");
    props.put("compression.type", "lz4");
    // a broker away is answered 503 within seconds, not after the two-minute default
    props.put("max.block.ms", "3000");
    props.put("request.timeout.ms", "3000");
    props.put("delivery.timeout.ms", "6000");
    props.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    props.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    this.producer = KafkaProducer.create(vertx, props);
  }

  @Override
  public Future<List<Appended>> append(List<Pending> events) {
    return alreadyLogged(events).compose(logged -> {
      List<Future<RecordMetadata>> sends = new ArrayList<>(events.size());
      Map<String, Integer> firstInBatch = new HashMap<>();
      int[] repeatOf = new int[events.size()];
      for (int i = 0; i < events.size(); i++) {
        Pending p = events.get(i);
        repeatOf[i] = -1;
        String key = p.dedupeKey() == null ? null : p.storeId() + "/" + p.dedupeKey();
        if (key != null && logged.containsKey(key)) {
          sends.add(null);
        } else if (key != null && firstInBatch.containsKey(key)) {
          repeatOf[i] = firstInBatch.get(key); // a repeat within this very append
          sends.add(null);
        } else {
          if (key != null) {
            firstInBatch.put(key, i);
          }
          // the partition is the customer's evaluator partition: its owner projects and evaluates it
          int partition = CustomerPartitions.of(p.storeId(), p.customerId(), partitions);
          sends.add(producer.send(KafkaProducerRecord.create(topic, EventRecord.key(p.storeId(), p.customerId()),
              EventRecord.value(p), null, partition)));
        }
      }
      List<Future<RecordMetadata>> produced = sends.stream().filter(f -> f != null).toList();
      return Future.all(produced)
          .recover(failure -> {
            LOG.warn("events not acknowledged by Kafka: {}", failure.toString());
            return Future.failedFuture(unavailable());
          })
          .compose(acked -> {
            List<Future<Long>> projections = new ArrayList<>(events.size());
            for (Future<RecordMetadata> f : sends) {
              projections.add(f == null ? null : positions.awaitProjected(f.result().getPartition(), f.result().getOffset()));
            }
            return Future.all(projections.stream().filter(f -> f != null).toList()).map(projections);
          })
          .map(seqs -> {
            Instant now = Instant.now();
            List<Appended> out = new ArrayList<>(events.size());
            for (int i = 0; i < events.size(); i++) {
              Pending p = events.get(i);
              if (repeatOf[i] >= 0) {
                out.add(new Appended(out.get(repeatOf[i]).event(), true));
              } else if (sends.get(i) == null) {
                out.add(new Appended(logged.get(p.storeId() + "/" + p.dedupeKey()), true));
              } else {
                RecordMetadata m = sends.get(i).result();
                // the seq the events table gave it, when this node projected it; else -1
                out.add(new Appended(new LoggedEvent(seqs.get(i).result(), p.storeId(), p.id(), p.type(), p.customerId(),
                    p.occurredAt(), m.getTimestamp() > 0 ? Instant.ofEpochMilli(m.getTimestamp()) : now, p.data()),
                    false));
              }
            }
            return out;
          });
    });
  }

  /** The events already logged under the dedupe keys of these, by {@code store/key}. */
  private Future<Map<String, LoggedEvent>> alreadyLogged(List<Pending> events) {
    Map<String, List<String>> keysByStore = new HashMap<>();
    for (Pending p : events) {
      if (p.dedupeKey() != null) {
        keysByStore.computeIfAbsent(p.storeId(), s -> new ArrayList<>()).add(p.dedupeKey());
      }
    }
    Map<String, LoggedEvent> found = new HashMap<>();
    List<Future<Void>> lookups = new ArrayList<>();
    keysByStore.forEach((store, keys) -> lookups.add(pool.preparedQuery(SQL_LOGGED_KEYS)
        .execute(Tuple.tuple().addString(store).addArrayOfString(keys.toArray(String[]::new)))
        .map(rows -> {
          for (Row r : rows) {
            found.put(store + "/" + r.getString("dedupe_key"), PgEventLog.logged(r));
          }
          return null;
        })));
    return Future.all(lookups).map(found);
  }

  private static DomainException unavailable() {
    return new DomainException(503, "api_error", "event_log_unavailable",
        "the event log (Kafka) is not reachable; the event was not stored, retry it", null);
  }

  @Override
  public Future<String> customerOfOrder(String storeId, String orderId) {
    return projection.customerOfOrder(storeId, orderId);
  }

  @Override
  public Future<List<LoggedEvent>> readAfter(long afterSeq, int limit) {
    return projection.readAfter(afterSeq, limit);
  }

  @Override
  public Future<List<LoggedEvent>> ordersAfter(long afterSeq, int limit) {
    return projection.ordersAfter(afterSeq, limit);
  }

  @Override
  public Future<Long> lastSeq() {
    return projection.lastSeq();
  }

  public Future<Void> close() {
    return producer.close();
  }
}
