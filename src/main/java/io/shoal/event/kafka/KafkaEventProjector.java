package io.shoal.event.kafka;

import io.shoal.config.KafkaConfig;
import io.shoal.event.EventIngestion;
import io.shoal.event.EventLog;
import io.shoal.event.PgEventLog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Projects the events topic into PostgreSQL, exactly once: for each partition this node was
 * given by the consumer group, its records go into the {@code events} table together with the
 * partition's next offset, in one transaction ({@link PgEventLog#append(List, java.util.function.Function)}).
 * A partition that moves to another node resumes there from that stored offset; Kafka's own
 * group offsets are never used. The move is fenced: a write whose stored offset is no longer the
 * one it started from (another node got there first) is rolled back and the partition re-read.
 *
 * <pre>
 *   assigned(p) --> take p over (epoch + 1; waits for the previous owner's write in flight)
 *               --> the owner's evaluator partition p starts (loads, replays the events table)
 *               --> seek to the stored offset
 *   room for the evaluators? (at most the backlog's wait, then poll anyway)
 *   poll --> records of owned partitions at their expected offsets --> one transaction:
 *            INSERT events (repeats dropped) + notifications + next offsets (fenced by offset and epoch)
 *        --> the log's subscriber (evaluators, automations, attribution) --> positions advance --> poll
 *   revoked(p), or a write fenced by a newer owner --> forget p, stop evaluator partition p
 * </pre>
 *
 * The producer picks each event's partition with the evaluator's own function, so the node that
 * projects a customer's events is the one that evaluates them. The projection keeps pace with
 * this node's evaluators ({@code evaluatorsRoom}): what they have not taken yet waits in the
 * topic, not on the heap.
 */
public final class KafkaEventProjector extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaEventProjector.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final long AWAIT_MS = 5_000;

  private static final String SQL_OFFSET =
      "SELECT next_offset, epoch FROM kafka_offsets WHERE topic = $1 AND partition = $2";
  private static final String SQL_TAKE =
      "INSERT INTO kafka_offsets (topic, partition, next_offset, epoch) VALUES ($1, $2, 0, 1)"
          + " ON CONFLICT (topic, partition) DO UPDATE SET epoch = kafka_offsets.epoch + 1, updated_at = clock_timestamp()"
          + " RETURNING next_offset, epoch";
  private static final String SQL_ADVANCE =
      "UPDATE kafka_offsets SET next_offset = $4, updated_at = clock_timestamp()"
          + " WHERE topic = $1 AND partition = $2 AND next_offset = $3 AND epoch = $5";

  /** What runs beside the projection of each events partition this node owns: its evaluator partition. */
  public interface PartitionWork {
    /** Starts the work of partition p; the projection of p starts once this completes. */
    Future<Void> take(int partition);

    /** Stops the work of partition p (another node owns it now). */
    Future<Void> release(int partition);
  }

  /**
   * Where this node's projection stands, readable from any thread: the API waits on it so that a
   * read after a 202 on the owning node sees the event.
   */
  public static final class Positions {
    private static final long ELSEWHERE_POLL_MS = 5;
    private final Map<Integer, Long> next = new ConcurrentHashMap<>();
    private final Map<Integer, List<Waiter>> waiters = new ConcurrentHashMap<>();
    /** Waiting for partitions another node projects: answered from its stored offset. */
    private final Map<Integer, List<Waiter>> elsewhere = new HashMap<>();
    /**
     * The seqs of the offsets this node projected last, per partition: the projection can pass a
     * record before its producer's acknowledgement reaches the appender, which then still learns
     * its seq here.
     */
    private final Map<Integer, RecentSeqs> recent = new HashMap<>();
    private boolean polling;
    private io.vertx.core.Vertx vertx;
    private Pool pool;
    private String topic;

    /** Offsets per partition whose seq {@link #recent} keeps. */
    private static final int RECENT_SEQS = 8_192;

    /** How long a 202 waits for its projection at most. */
    private final long giveUpMs;

    public Positions() {
      this(AWAIT_MS);
    }

    Positions(long giveUpMs) {
      this.giveUpMs = giveUpMs;
    }

    /** Where the stored offsets are read from, for partitions another node projects. */
    void attach(io.vertx.core.Vertx vertx, Pool pool, String topic) {
      this.vertx = vertx;
      this.pool = pool;
      this.topic = topic;
    }

    private record Waiter(long offset, Promise<Long> promise) {}

    /**
     * Completes once {@code offset} of {@code partition} is projected, so that a read after the
     * 202 on any node sees the event: here, with the seq it got in the events table; when another
     * node owns the partition, once its stored offset passed it (seq -1). After 5 s at most: the
     * event is durable already, a slow projection delays the answer but never fails it.
     */
    public Future<Long> awaitProjected(int partition, long offset) {
      if (vertx == null) {
        return Future.succeededFuture(-1L);
      }
      if (next.get(partition) == null) {
        return awaitElsewhere(partition, offset);
      }
      Promise<Long> promise = Promise.promise();
      synchronized (this) {
        Long now = next.get(partition);
        if (now == null || now > offset) {
          return Future.succeededFuture(recentSeq(partition, offset));
        }
        waiters.computeIfAbsent(partition, p -> new ArrayList<>()).add(new Waiter(offset, promise));
      }
      vertx.setTimer(giveUpMs, t -> promise.tryComplete(-1L));
      return promise.future();
    }

    /** {@code partition} is projected up to {@code nextOffset}; {@code seqs} holds the seq of each offset just projected. */
    synchronized void advance(int partition, long nextOffset, Map<Long, Long> seqs) {
      next.put(partition, nextOffset);
      RecentSeqs kept = recent.computeIfAbsent(partition, p -> new RecentSeqs());
      seqs.forEach(kept::put);
      List<Waiter> list = waiters.get(partition);
      if (list != null) {
        list.removeIf(w -> {
          if (w.offset < nextOffset) {
            w.promise.tryComplete(seqs.getOrDefault(w.offset, -1L));
            return true;
          }
          return false;
        });
      }
    }

    /** The seq this node's projection gave an offset lately, or -1 (another node's, or long ago). */
    private long recentSeq(int partition, long offset) {
      RecentSeqs kept = recent.get(partition);
      return kept == null ? -1L : kept.get(offset);
    }

    /** The seqs of the last offsets projected (a ring by offset: a newer offset takes an older one's place). */
    private static final class RecentSeqs {
      private final long[] offsets = new long[RECENT_SEQS];
      private final long[] seqs = new long[RECENT_SEQS];

      RecentSeqs() {
        java.util.Arrays.fill(offsets, -1L);
      }

      void put(long offset, long seq) {
        int slot = (int) (offset % RECENT_SEQS);
        offsets[slot] = offset;
        seqs[slot] = seq;
      }

      long get(long offset) {
        int slot = (int) (offset % RECENT_SEQS);
        return offsets[slot] == offset ? seqs[slot] : -1L;
      }
    }

    synchronized void forget(int partition) {
      next.remove(partition);
      recent.remove(partition);
      List<Waiter> list = waiters.remove(partition);
      if (list != null) {
        list.forEach(w -> w.promise.tryComplete(-1L));
      }
    }

    private synchronized Future<Long> awaitElsewhere(int partition, long offset) {
      Promise<Long> promise = Promise.promise();
      elsewhere.computeIfAbsent(partition, p -> new ArrayList<>()).add(new Waiter(offset, promise));
      vertx.setTimer(giveUpMs, t -> promise.tryComplete(-1L));
      if (!polling) {
        polling = true;
        vertx.setTimer(ELSEWHERE_POLL_MS, t -> pollElsewhere());
      }
      return promise.future();
    }

    /** One query for every partition waited on; again every few milliseconds while anyone waits. */
    private void pollElsewhere() {
      Integer[] partitions;
      synchronized (this) {
        elsewhere.values().forEach(list -> list.removeIf(w -> w.promise.future().isComplete()));
        elsewhere.values().removeIf(List::isEmpty);
        if (elsewhere.isEmpty()) {
          polling = false;
          return;
        }
        partitions = elsewhere.keySet().toArray(Integer[]::new);
      }
      pool.preparedQuery("SELECT partition, next_offset FROM kafka_offsets WHERE topic = $1 AND partition = ANY($2)")
          // addValue, not Tuple.of(topic, partitions): varargs would spread the array into parameters
          .execute(Tuple.tuple().addValue(topic).addValue(partitions))
          .onComplete(ar -> {
            if (ar.failed()) {
              LOG.warn("could not read the stored offsets of partitions owned elsewhere: {}", ar.cause().toString());
            }
            if (ar.succeeded()) {
              synchronized (this) {
                ar.result().forEach(row -> {
                  List<Waiter> list = elsewhere.get(row.getInteger(0));
                  long nextOffset = row.getLong(1);
                  if (list != null) {
                    list.removeIf(w -> {
                      if (w.offset < nextOffset) {
                        w.promise.tryComplete(-1L);
                        return true;
                      }
                      return false;
                    });
                  }
                });
              }
            }
            vertx.setTimer(ELSEWHERE_POLL_MS, t -> pollElsewhere());
          });
    }

    public Set<Integer> owned() {
      return Set.copyOf(next.keySet());
    }
  }

  private final KafkaConfig config;
  private final Pool pool;
  private final PgEventLog projection;
  private final Positions positions;
  private final String nodeId;
  private final PartitionWork work;
  /** Completes when this node's evaluators have room for more events. */
  private final EventIngestion.Admission evaluatorsRoom;
  private KafkaConsumer<String, String> consumer;
  /** Expected next offset per owned partition; absent while it is being taken over. */
  private final Map<Integer, Long> expected = new HashMap<>();
  /** The epoch each owned partition was taken over with; every write names it. */
  private final Map<Integer, Long> epochs = new HashMap<>();
  /** The partitions the consumer group gave this node, including those still being taken over. */
  private final Set<Integer> assigned = new java.util.HashSet<>();
  private boolean stopping;
  private Promise<Void> stopped;

  public KafkaEventProjector(KafkaConfig config, Pool pool, PgEventLog projection, Positions positions, String nodeId,
                             PartitionWork work, EventIngestion.Admission evaluatorsRoom) {
    this.config = config;
    this.evaluatorsRoom = evaluatorsRoom;
    this.work = work;
    this.pool = pool;
    this.projection = projection;
    this.positions = positions;
    this.nodeId = nodeId;
  }

  @Override
  public Future<?> start() {
    positions.attach(vertx, pool, config.eventsTopic());
    Map<String, String> props = new HashMap<>(config.clientProperties());
    props.put("group.id", config.evaluatorGroup());
    props.put("client.id", "shoal-projector-" + nodeId);
    props.put("enable.auto.commit", "false");
    props.put("auto.offset.reset", "earliest");
    props.put("isolation.level", "read_committed");
    props.put("max.poll.records", "2000");
    props.put("session.timeout.ms", "10000");
    props.put("heartbeat.interval.ms", "2000");
    props.put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
    props.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    props.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    consumer = KafkaConsumer.create(vertx, props);
    consumer.partitionsAssignedHandler(this::assigned);
    consumer.partitionsRevokedHandler(this::revoked);
    return consumer.subscribe(config.eventsTopic()).onSuccess(v -> pollLoop());
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    stopped = Promise.promise();
    // the evaluator partitions write their last batch before the pool closes
    return stopped.future().compose(v -> consumer.close()).compose(v -> {
      List<Future<Void>> released = new ArrayList<>();
      for (int p : Set.copyOf(assigned)) {
        released.add(work.release(p));
      }
      assigned.clear();
      return Future.join(released);
    });
  }

  private void assigned(Set<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      assigned.add(tp.getPartition());
      take(tp);
    }
  }

  /**
   * Takes partition p over: raises its epoch (waiting for the previous owner's projection in
   * flight, and fencing its later ones), starts its evaluator partition, then seeks to the
   * stored offset. Retried while the partition stays assigned here.
   */
  private void take(TopicPartition tp) {
    int p = tp.getPartition();
    expected.remove(p);
    pool.preparedQuery(SQL_TAKE).execute(Tuple.of(config.eventsTopic(), p))
        .map(rows -> rows.iterator().next())
        .compose(row -> work.take(p).map(row))
        .compose(row -> consumer.seek(tp, row.getLong(0)).map(row))
        .onSuccess(row -> {
          if (!assigned.contains(p)) {
            work.release(p); // revoked while it was being taken
            return;
          }
          long offset = row.getLong(0);
          expected.put(p, offset);
          epochs.put(p, row.getLong(1));
          positions.advance(p, offset, Map.of());
          LOG.info("events partition {} owned here (epoch {}) from offset {}", p, row.getLong(1), offset);
        })
        .onFailure(e -> {
          LOG.warn("could not take events partition {}, retrying: {}", p, e.toString());
          vertx.setTimer(1_000, t -> {
            if (assigned.contains(p) && !expected.containsKey(p) && !stopping) {
              take(tp);
            }
          });
        });
  }

  private void revoked(Set<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      assigned.remove(tp.getPartition());
      lose(tp.getPartition());
    }
  }

  /** Another node owns p now: nothing of p is projected or evaluated here any more. */
  private void lose(int p) {
    expected.remove(p);
    epochs.remove(p);
    positions.forget(p);
    work.release(p);
  }

  private void pollLoop() {
    if (stopping) {
      stopped.tryComplete();
      return;
    }
    // a wait that gives up polls anyway: the consumer must poll to keep its partitions
    evaluatorsRoom.room(0).otherwiseEmpty()
        .compose(v -> consumer.poll(POLL))
        .compose(this::project)
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.warn("projecting events failed, retrying: {}", ar.cause().toString());
            vertx.setTimer(500, t -> pollLoop());
          } else {
            pollLoop();
          }
        });
  }

  /** One transaction for everything usable in this poll. */
  private Future<Void> project(KafkaConsumerRecords<String, String> records) {
    if (records.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<Integer, long[]> ranges = new LinkedHashMap<>(); // partition -> {from, nextAfter}
    List<EventLog.Pending> pending = new ArrayList<>();
    List<KafkaConsumerRecord<String, String>> projected = new ArrayList<>(); // the record of each pending
    for (int i = 0; i < records.size(); i++) {
      KafkaConsumerRecord<String, String> r = records.recordAt(i);
      Long want = expected.get(r.partition());
      long[] range = ranges.get(r.partition());
      long at = range != null ? range[1] : want == null ? -1 : want;
      if (want == null || r.offset() < at) {
        continue; // not ours (yet), or projected already
      }
      if (r.offset() > at) {
        LOG.warn("events partition {} skips from offset {} to {} (records removed by retention?)",
            r.partition(), at, r.offset());
      }
      try {
        pending.add(EventRecord.pending(r.value()));
        projected.add(r);
      } catch (RuntimeException e) {
        LOG.error("events partition {} offset {}: unreadable record skipped: {}", r.partition(), r.offset(), e.toString());
      }
      if (range == null) {
        ranges.put(r.partition(), new long[] {want, r.offset() + 1});
      } else {
        range[1] = r.offset() + 1;
      }
    }
    if (ranges.isEmpty()) {
      return Future.succeededFuture();
    }
    return projection.append(pending, conn -> advance(conn, ranges))
        .onSuccess(appended -> {
          Map<Integer, Map<Long, Long>> seqs = new HashMap<>();
          for (int i = 0; i < appended.size(); i++) {
            KafkaConsumerRecord<String, String> r = projected.get(i);
            seqs.computeIfAbsent(r.partition(), k -> new HashMap<>()).put(r.offset(), appended.get(i).event().seq());
          }
          ranges.forEach((p, range) -> {
            if (expected.containsKey(p)) {
              expected.put(p, range[1]);
            }
            positions.advance(p, range[1], seqs.getOrDefault(p, Map.of()));
          });
        })
        .recover(failure -> reread(ranges.keySet()).compose(v -> Future.failedFuture(failure)))
        .mapEmpty();
  }

  /** Moves each partition's stored offset from where this node expects it; fails if another node moved it. */
  private Future<Void> advance(SqlConnection conn, Map<Integer, long[]> ranges) {
    Future<Void> all = Future.succeededFuture();
    for (Map.Entry<Integer, long[]> e : ranges.entrySet()) {
      int p = e.getKey();
      long[] range = e.getValue();
      Long epoch = epochs.get(p);
      all = all.compose(v -> conn.preparedQuery(SQL_ADVANCE)
          .execute(Tuple.of(config.eventsTopic(), p, range[0], range[1], epoch == null ? -1L : epoch))
          .compose(rows -> rows.rowCount() == 1 ? Future.succeededFuture()
              : Future.failedFuture(new IllegalStateException("events partition " + p
                  + " was advanced by another node; re-reading it"))));
    }
    return all;
  }

  /**
   * After a failed write: read the stored offsets again and seek there; a partition whose epoch
   * moved on was taken over by another node, and is let go.
   */
  private Future<Void> reread(Set<Integer> partitions) {
    List<Future<Void>> seeks = new ArrayList<>();
    for (int p : partitions) {
      if (!expected.containsKey(p)) {
        continue;
      }
      seeks.add(pool.preparedQuery(SQL_OFFSET).execute(Tuple.of(config.eventsTopic(), p))
          .map(rows -> rows.iterator().next())
          .compose(row -> {
            long offset = row.getLong(0);
            if (!Long.valueOf(row.getLong(1)).equals(epochs.get(p))) {
              LOG.warn("events partition {} was taken over by another node (epoch {})", p, row.getLong(1));
              lose(p);
              return Future.succeededFuture();
            }
            return consumer.seek(new TopicPartition(config.eventsTopic(), p), offset).map(v -> {
              if (expected.containsKey(p)) {
                expected.put(p, offset);
                positions.advance(p, offset, Map.of());
              }
              return null;
            });
          }));
    }
    return Future.join(seeks).mapEmpty();
  }
}
