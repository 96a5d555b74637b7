package io.shoal.segment.eval;

import io.shoal.event.LoggedEvent;
import io.shoal.metrics.live.MetricsSource;
import io.shoal.metrics.live.PartitionHistories;
import io.shoal.segment.SegmentDefinition;
import io.shoal.segment.SegmentRepository;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segment engine as the rest of Shoal sees it: routes events and profile changes to the
 * partition that owns the customer, tells every partition about segment changes and marks a
 * segment synced once all have backfilled it, and gathers explain and preview answers.
 */
public final class SegmentEngine implements MetricsSource {

  private static final Logger LOG = LoggerFactory.getLogger(SegmentEngine.class);
  private static final String CONTROL_CODEC = EvaluatorPartitions.CONTROL_CODEC;
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  /** How long a quick question to a partition may take (explain, metrics, a profile change). */
  private static final long CONTROL = 30_000;
  /** How long a partition may take over a whole pass of its customers (backfill, preview, refit). */
  private static final long BACKFILL = 600_000;

  private final Vertx vertx;
  private final EvaluatorPartitions evaluators;
  private final int partitions;
  private final SegmentRepository segments;
  /** The events handed to this node's partitions and not yet written, which admits the ingestion. */
  private final EvaluationBacklog backlog;
  /** How long an ingest request may wait for the evaluators to catch up before it is answered 503. */
  static final long ADMISSION_WAIT_MS = 30_000;
  /** Segments whose sync is running: store/segment -> each partition's fraction done, of the latest version. */
  private final ConcurrentHashMap<String, double[]> syncing = new ConcurrentHashMap<>();
  /** Store -> its customers at its latest sync (see {@link #lastKnownCustomers}). */
  private final ConcurrentHashMap<String, Long> storeSizes = new ConcurrentHashMap<>();

  /** Where partitions report how far a backfill got (local, by reference). */
  static final String PROGRESS_ADDRESS = "shoal.segment.eval.progress";
  static final DeliveryOptions LOCAL_PROGRESS = new DeliveryOptions().setLocalOnly(true)
      .setCodecName("shoal-segment-progress");

  /** One partition's backfill of a version of a segment is {@code fraction} done. */
  record Progress(String storeId, String segmentId, int version, int partition, double fraction) {}

  public SegmentEngine(Vertx vertx, EvaluatorPartitions evaluators, SegmentRepository segments) {
    this(vertx, evaluators, segments, 0);
  }

  /**
   * @param maxBacklog events handed to this node's partitions and not yet written beyond which
   *                   ingestion waits for them ({@link EvaluationBacklog}); 0: never
   */
  public SegmentEngine(Vertx vertx, EvaluatorPartitions evaluators, SegmentRepository segments, long maxBacklog) {
    this.vertx = vertx;
    this.evaluators = evaluators;
    this.partitions = evaluators.count();
    this.segments = segments;
    this.backlog = new EvaluationBacklog(vertx, partitions, maxBacklog, ADMISSION_WAIT_MS);
    vertx.eventBus().registerDefaultCodec(LoggedEvent.class, new LocalCodec<>("shoal-logged-event"));
    vertx.eventBus().registerDefaultCodec(PartitionHistories.class, new LocalCodec<>("shoal-partition-histories"));
    vertx.eventBus().registerCodec(new LocalCodec<ControlMessage>(CONTROL_CODEC));
    vertx.eventBus().registerCodec(new LocalCodec<Progress>("shoal-segment-progress"));
    vertx.eventBus().<Progress>localConsumer(PROGRESS_ADDRESS, m -> {
      Progress p = m.body();
      if (evaluators.spread()) {
        // Kafka mode: the GET may come to any node; the initiator may be another one
        saveProgress(p.storeId(), p.segmentId(), p.version(), p.partition(), p.fraction());
      }
      double[] parts = syncing.get(p.storeId() + "/" + p.segmentId());
      if (parts != null && p.partition() < parts.length) {
        synchronized (parts) {
          parts[p.partition()] = Math.max(parts[p.partition()], p.fraction());
        }
      }
    });
  }

  public int partitions() {
    return partitions;
  }

  /** What ingestion waits on, and what the partitions report their written events to. */
  public EvaluationBacklog backlog() {
    return backlog;
  }

  /** Called by the event log, in seq order, for every newly logged event. */
  public void deliver(LoggedEvent e) {
    int p = SegmentEvaluatorVerticle.partitionOf(e.storeId(), e.customerId(), partitions);
    backlog.delivered(p);
    vertx.eventBus().send(SegmentEvaluatorVerticle.eventAddress(p), e, LOCAL);
  }

  /** A profile was created, edited or deleted through the API: re-evaluate that customer. */
  public void profileChanged(String storeId, String customerId) {
    tell(storeId, customerId, new ControlMessage.ProfileChanged(storeId, customerId),
        "profile change of customer {} not evaluated now (its next event will): {}");
  }

  /**
   * A customer was created through the API, {@code row} as its create returned it (see
   * {@link ControlMessage.Created}): its partition evaluates it from that row, without reading it.
   */
  public void created(String storeId, String customerId, io.vertx.sqlclient.Row row) {
    tell(storeId, customerId, new ControlMessage.Created(storeId, customerId, row),
        "new customer {} not evaluated now (its next event or edit will): {}");
  }

  /** Sends a customer's control message to its partition; a failure is logged with {@code warning}. */
  private void tell(String storeId, String customerId, ControlMessage message, String warning) {
    int p = SegmentEvaluatorVerticle.partitionOf(storeId, customerId, partitions);
    evaluators.request(p, message, CONTROL).onFailure(e -> LOG.warn(warning, customerId, e.toString()));
  }

  /**
   * The customer's data is being erased: its partition drops the in-memory state (after the
   * customer leaves its segments, announced without any profile data) and refuses to load it
   * again. Answers once those changes are written.
   */
  public Future<Void> erase(String storeId, String customerId) {
    int p = SegmentEvaluatorVerticle.partitionOf(storeId, customerId, partitions);
    ControlMessage msg = new ControlMessage.Erase(storeId, customerId);
    return evaluators.request(p, msg, BACKFILL).mapEmpty();
  }

  /**
   * An anonymous profile ({@code fromId}, already deleted) was merged into {@code intoId}, whose
   * its events now are: the anonymous one leaves its segments, the person takes its history and
   * is re-tested once, transitions announced as usual. Answers once the person's changes are written.
   */
  public Future<Void> merged(String storeId, String fromId, String intoId, List<LoggedEvent> moved) {
    profileChanged(storeId, fromId);
    int p = SegmentEvaluatorVerticle.partitionOf(storeId, intoId, partitions);
    ControlMessage msg = new ControlMessage.Merge(storeId, intoId, List.copyOf(moved));
    return evaluators.request(p, msg, BACKFILL).mapEmpty();
  }

  /**
   * A segment was created, edited or deleted: every partition (re)installs and backfills it.
   * When all have answered for this version, the segment is marked synced. Answers the funnel
   * the backfills counted on the way (as {@link #preview} would), or null when some partition's
   * pass was cut short by a newer change of the segment.
   */
  public Future<long[]> segmentChanged(SegmentDefinition def, boolean edited) {
    Promise<long[]> synced = Promise.promise();
    syncUntilDone(def, edited, 0, synced);
    return synced.future();
  }

  /** The longest wait before a failed sync is tried again. */
  static final long SYNC_RETRY_MAX_MS = 60_000;

  /**
   * Runs the sync until it succeeds: a partition that could not answer (its read of the
   * definition timed out waiting for a connection under load, its answer timed out) would
   * otherwise leave the segment in_progress until the next restart, with nothing logged (seen in
   * bench/engine: 107 of 1,000 segments created at load 17). Sending the change again is safe: a
   * partition re-reads the definition, and a backfill of what it already applied changes nothing.
   */
  private void syncUntilDone(SegmentDefinition def, boolean edited, int failures, Promise<long[]> synced) {
    syncOnce(def, edited).onComplete(ar -> {
      if (ar.succeeded()) {
        synced.complete(ar.result());
        return;
      }
      long delay = Math.min(SYNC_RETRY_MAX_MS, 1_000L << Math.min(6, failures));
      LOG.warn("sync of segment {} (version {}) failed: {}; trying again in {} ms", def.id(), def.version(),
          ar.cause().toString(), delay);
      vertx.setTimer(delay, t -> syncUntilDone(def, edited, failures + 1, synced));
    });
  }

  private Future<long[]> syncOnce(SegmentDefinition def, boolean edited) {
    String key = def.storeId() + "/" + def.id();
    double[] done = new double[partitions];
    syncing.put(key, done);
    ControlMessage msg = new ControlMessage.SegmentChanged(def.storeId(), def.id(), edited);
    List<Future<JsonObject>> answers = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      int partition = p;
      answers.add(evaluators.<JsonObject>request(p, msg, BACKFILL).compose(answer -> {
        synchronized (done) {
          done[partition] = 1.0;
        }
        // stored before the segment is marked synced, which deletes the rows
        return evaluators.spread() ? saveProgress(def.storeId(), def.id(), def.version(), partition, 1.0).map(answer)
            : Future.succeededFuture(answer);
      }));
    }
    return Future.all(answers).transform(ar -> {
      syncing.remove(key, done);
      if (ar.failed()) {
        return Future.failedFuture(ar.cause());
      }
      long customers = 0;
      long[] funnel = new long[def.rules().size() + 1];
      boolean whole = true;
      for (Future<JsonObject> answer : answers) {
        JsonObject a = answer.result();
        customers += a.getLong("customers", 0L);
        JsonArray counts = a.getJsonArray("counts");
        if (counts == null || counts.size() != funnel.length) {
          whole = false;
          continue;
        }
        for (int i = 0; i < funnel.length; i++) {
          funnel[i] += counts.getLong(i);
        }
      }
      storeSizes.put(def.storeId(), customers);
      long[] answered = whole ? funnel : null;
      return def.isEvaluated()
          ? segments.markSynced(def.storeId(), def.id(), def.version()).map(answered)
          : Future.succeededFuture(answered);
    });
  }

  /**
   * How many customers the store had at its last sync, summed over the partitions; -1 before
   * any. What lets the API tell a sync that finishes at once from one worth not waiting for.
   */
  public long lastKnownCustomers(String storeId) {
    return storeSizes.getOrDefault(storeId, -1L);
  }

  /**
   * Resumes the syncs a stop interrupted. A segment past version 1 was edited, so its sync
   * records the real changes as an edit does.
   */
  public Future<Void> resumeSyncs() {
    return segments.unsynced().map(defs -> {
      defs.forEach(d -> segmentChanged(d, d.version() > 1));
      return null;
    });
  }

  public void segmentDeleted(String storeId, String segmentId) {
    ControlMessage msg = new ControlMessage.SegmentChanged(storeId, segmentId, false);
    for (int p = 0; p < partitions; p++) {
      evaluators.request(p, msg, BACKFILL)
          .onFailure(e -> LOG.warn("segment {} deleted but not dropped by a partition yet: {}", segmentId, e.toString()));
    }
  }

  /**
   * How far the sync of this segment is, from 0 to 1: the mean over the partitions of the
   * fraction of their customers backfilled (reported slice by slice); null when no sync runs here.
   */
  public Double syncProgress(String storeId, String segmentId) {
    double[] done = syncing.get(storeId + "/" + segmentId);
    if (done == null) {
      return null;
    }
    synchronized (done) {
      double sum = 0;
      for (double d : done) {
        sum += d;
      }
      return sum / partitions;
    }
  }

  /**
   * sync_progress as a GET of a segment whose sync runs answers it: on one node, what this
   * node's partitions reported ({@link #syncProgress}); in Kafka mode, what every node's
   * partitions stored for this version of the segment (its partitions run on several nodes, and
   * the sync may have been started by another one). Null when nothing is known.
   */
  public Future<Double> syncProgressOf(SegmentDefinition def) {
    Double here = syncProgress(def.storeId(), def.id());
    if (!evaluators.spread()) {
      return Future.succeededFuture(here);
    }
    return segments.syncProgressSum(def.storeId(), def.id(), def.version())
        .map(sum -> here == null ? Double.valueOf(Math.min(1.0, sum / partitions)) : Math.max(here, sum / partitions))
        .otherwise(here);
  }

  private Future<Void> saveProgress(String storeId, String segmentId, int version, int partition, double fraction) {
    return segments.saveSyncProgress(storeId, segmentId, version, partition, fraction)
        .onFailure(e -> LOG.debug("sync progress of segment {} not stored: {}", segmentId, e.toString()))
        .otherwiseEmpty();
  }

  /** Rule by rule, why the customer is or is not in the segment; null if there is no such customer. */
  public Future<JsonObject> explain(SegmentDefinition def, String customerId) {
    int p = SegmentEvaluatorVerticle.partitionOf(def.storeId(), customerId, partitions);
    ControlMessage msg = new ControlMessage.Explain(def.storeId(), def.id(), customerId, def.rules());
    return evaluators.<JsonObject>request(p, msg, CONTROL).map(answer -> answer.getBoolean("found") ? answer : null);
  }

  /**
   * How many of the store's customers pass the first k rules, for k = 0..n, summed over the
   * partitions: index 0 is every customer, the last is the segment's size.
   */
  public Future<long[]> preview(String storeId, JsonArray rules) {
    ControlMessage msg = new ControlMessage.Preview(storeId, rules, false);
    List<Future<JsonObject>> answers = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      answers.add(evaluators.request(p, msg, BACKFILL));
    }
    return Future.all(answers).map(all -> {
      long[] sum = new long[rules.size() + 1];
      for (Future<JsonObject> f : answers) {
        JsonArray counts = f.result().getJsonArray("counts");
        for (int i = 0; i < sum.length && i < counts.size(); i++) {
          sum[i] += counts.getLong(i);
        }
      }
      return sum;
    });
  }

  /** A calculation of rules over the store's customers now: the funnel counts and who passes them all. */
  public record Calculation(long[] counts, List<String> members) {}

  /**
   * Like {@link #preview} and also who passes every rule, gathered from all partitions: what a
   * static segment built from rules is fixed to when it is created or refreshed.
   */
  public Future<Calculation> calculate(String storeId, JsonArray rules) {
    ControlMessage msg = new ControlMessage.Preview(storeId, rules, true);
    List<Future<JsonObject>> answers = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      answers.add(evaluators.request(p, msg, BACKFILL));
    }
    return Future.all(answers).map(all -> {
      long[] sum = new long[rules.size() + 1];
      List<String> members = new ArrayList<>();
      for (Future<JsonObject> f : answers) {
        JsonArray counts = f.result().getJsonArray("counts");
        for (int i = 0; i < sum.length && i < counts.size(); i++) {
          sum[i] += counts.getLong(i);
        }
        for (Object id : f.result().getJsonArray("members", new JsonArray())) {
          members.add((String) id);
        }
      }
      return new Calculation(sum, members);
    });
  }

  // --- metrics ---------------------------------------------------------------------------------

  /** The customer's metrics as of now (the customer_metrics object); null if there is no such customer. */
  @Override
  public Future<JsonObject> customerMetrics(String storeId, String customerId) {
    int p = SegmentEvaluatorVerticle.partitionOf(storeId, customerId, partitions);
    ControlMessage msg = new ControlMessage.Metrics(storeId, customerId);
    return evaluators.<JsonObject>request(p, msg, CONTROL).map(answer -> answer.getJsonObject("metrics"));
  }

  /**
   * Several customers' metrics as of now, one request per partition (not one per customer):
   * customer id -> metrics; customers not found are left out.
   */
  public Future<java.util.Map<String, JsonObject>> customersMetrics(String storeId, List<String> customerIds) {
    java.util.Map<Integer, List<String>> byPartition = new java.util.HashMap<>();
    for (String id : customerIds) {
      byPartition.computeIfAbsent(SegmentEvaluatorVerticle.partitionOf(storeId, id, partitions),
          k -> new ArrayList<>()).add(id);
    }
    List<Future<JsonObject>> answers = new ArrayList<>();
    byPartition.forEach((p, ids) -> answers.add(evaluators.request(p, new ControlMessage.MetricsOf(storeId, ids),
        CONTROL)));
    return Future.all(answers).map(all -> {
      java.util.Map<String, JsonObject> out = new java.util.HashMap<>();
      answers.forEach(a -> a.result().forEach(e -> out.put(e.getKey(), (JsonObject) e.getValue())));
      return out;
    });
  }

  /** Every partition's histories of the store's customers as of {@code asOfMs}, for a model fit. */
  @Override
  public Future<List<PartitionHistories>> histories(String storeId, long asOfMs) {
    ControlMessage msg = new ControlMessage.Histories(storeId, asOfMs);
    List<Future<PartitionHistories>> answers = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      answers.add(evaluators.request(p, msg, BACKFILL));
    }
    return Future.all(answers).map(all -> answers.stream().map(Future::result).toList());
  }

  /** Every partition recomputes the store's customers' metrics and re-tests segments reading them. */
  @Override
  public Future<Void> recomputeMetrics(String storeId) {
    ControlMessage msg = new ControlMessage.Recompute(storeId);
    List<Future<Object>> answers = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      answers.add(evaluators.request(p, msg, BACKFILL));
    }
    return Future.all(answers).mapEmpty();
  }

  /** Passes objects between verticles of this JVM by reference: no copy, no encoding. */
  private static final class LocalCodec<T> implements MessageCodec<T, T> {
    private final String name;

    LocalCodec(String name) {
      this.name = name;
    }

    @Override
    public void encodeToWire(Buffer buffer, T t) {
      throw new UnsupportedOperationException("local only");
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("local only");
    }

    @Override
    public T transform(T t) {
      return t;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
