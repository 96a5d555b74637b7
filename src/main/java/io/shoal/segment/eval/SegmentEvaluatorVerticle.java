package io.shoal.segment.eval;

import io.shoal.event.EventLog;
import io.shoal.event.LoggedEvent;
import io.shoal.kernel.Ids;
import io.shoal.metrics.CustomerMetrics;
import io.shoal.metrics.PurchaseLog;
import io.shoal.metrics.RepeatHistory;
import io.shoal.metrics.live.LiveMetrics;
import io.shoal.metrics.live.MetricsJson;
import io.shoal.metrics.live.PartitionHistories;
import io.shoal.outbox.NotificationLog;
import io.shoal.segment.SegmentDefinition;
import io.shoal.segment.SegmentRepository;
import io.shoal.segment.rule.CompiledRule;
import io.shoal.segment.rule.RuleCompiler;
import io.shoal.segment.rule.RuleException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition of the segment engine. It owns the customers that hash to it, in memory, and
 * keeps their aggregates and segment memberships current, one event at a time:
 *
 * <pre>
 *   event (seq order) --> CustomerState.apply --> changed fields
 *       --> segments reading those fields --> rule.test --> enter / leave
 *       --> next instant a time-relative rule may flip --> time queue
 *   time queue due --> re-test the store's time-dependent segments --> enter / leave
 *   changes --> batch --(one transaction: state, members, transitions, checkpoint)--> PostgreSQL
 * </pre>
 *
 * At start it loads states and memberships, then replays the log from its checkpoint, so a crash
 * loses nothing acknowledged and records no transition twice. Batches are group-committed: one
 * in flight, the next gathers meanwhile.
 */
public final class SegmentEvaluatorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SegmentEvaluatorVerticle.class);
  private static final int REPLAY_PAGE = 5_000;

  private final int partition;
  private final int partitions;
  private final EvaluationStore db;
  private final SegmentRepository segmentRepository;
  private final EventLog log;

  private final Map<String, StoreRuntime> stores = new HashMap<>();
  private final Map<String, Integer> slots = new HashMap<>();
  private final BitSet usedSlots = new BitSet();
  private long appliedSeq;
  /** Events received but waiting for their customer to load: the checkpoint must stay below them. */
  private final java.util.TreeSet<Long> deferred = new java.util.TreeSet<>();
  private long stamp;

  /**
   * Customers whose data is being erased (store/customer): never loaded again by this partition,
   * so an event or profile change racing with the erasure cannot bring their state back. After a
   * restart the set is empty, and the erased rows are gone from the database.
   */
  private final Set<String> erased = new java.util.HashSet<>();

  /** Customers being (re)loaded from the database, with the work waiting for them. */
  private final Map<String, Queue<java.util.function.Consumer<CustomerState>>> loading = new HashMap<>();

  private record Check(long at, CustomerState customer) {}

  private final PriorityQueue<Check> checks = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
  private long timerId = -1;
  private long timerAt = Long.MAX_VALUE;

  // the batch being gathered
  private Map<CustomerState, Boolean> dirty = new IdentityHashMap<>();
  private List<EvaluationStore.Transition> transitions = new ArrayList<>();
  private Map<String, long[]> countDeltas = new HashMap<>();
  private boolean flushing;
  private long flushFailures;
  private final List<Runnable> afterFlush = new ArrayList<>();

  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  private final NotificationLog notifications;
  private final LiveMetrics metrics;

  public SegmentEvaluatorVerticle(int partition, int partitions, io.vertx.sqlclient.Pool pool,
                                  SegmentRepository segmentRepository, EventLog log, NotificationLog notifications,
                                  LiveMetrics metrics) {
    this.metrics = metrics;
    this.partition = partition;
    this.partitions = partitions;
    this.notifications = notifications;
    this.db = new EvaluationStore(pool, notifications);
    this.segmentRepository = segmentRepository;
    this.log = log;
  }

  public static String eventAddress(int partition) {
    return "shoal.segment.eval." + partition + ".events";
  }

  public static String controlAddress(int partition) {
    return "shoal.segment.eval." + partition + ".control";
  }

  public static int partitionOf(String storeId, String customerId, int partitions) {
    int h = storeId.hashCode() * 31 + customerId.hashCode();
    return Math.floorMod(h ^ (h >>> 16), partitions);
  }

  private boolean mine(String storeId, String customerId) {
    return partitionOf(storeId, customerId, partitions) == partition;
  }

  // --- start: load, replay, listen ----------------------------------------------------------

  @Override
  public Future<?> start() {
    long started = System.nanoTime();
    return segmentRepository.allEvaluated()
        .compose(defs -> {
          for (SegmentDefinition d : defs) {
            install(d);
          }
          return db.scanCustomers(this::loadCustomerRow);
        })
        .compose(v -> db.scanMemberships(this::loadMembership))
        .compose(v -> db.checkpoint(partition))
        .compose(seq -> {
          appliedSeq = seq;
          return replay();
        })
        .map(v -> {
          // segments whose sync was interrupted are resumed by SegmentEngine.resumeSyncs
          consumers.add(vertx.eventBus().<LoggedEvent>localConsumer(eventAddress(partition), m -> onEvent(m.body())));
          consumers.add(vertx.eventBus().<JsonObject>localConsumer(controlAddress(partition), this::onControl));
          armTimer();
          int customers = stores.values().stream().mapToInt(rt -> rt.customers.size()).sum();
          LOG.info("Evaluator partition {}/{} ready: {} customers, log at seq {}, in {} ms", partition, partitions,
              customers, appliedSeq, (System.nanoTime() - started) / 1_000_000);
          return null;
        });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    consumers.forEach(MessageConsumer::unregister);
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
    return flushAndWait();
  }

  /** While stopping, a failed batch is not retried: the log replay at the next start redoes it. */
  private boolean stopping;

  private void loadCustomerRow(Row r) {
    String storeId = r.getString("store_id");
    String id = r.getString("id");
    if (!mine(storeId, id)) {
      return;
    }
    CustomerState c = new CustomerState(storeId, id, metrics);
    Object state = r.getValue("eval_state");
    c.loadJson(state instanceof JsonObject o ? o : null);
    c.countInMetrics();
    c.setProfile(r);
    store(storeId).customers.put(id, c);
    if (c.nextCheckAt != Long.MAX_VALUE) {
      checks.add(new Check(c.nextCheckAt, c));
    }
    if (state == null || c.profileChangedSinceEvaluated()) {
      // the profile changed after this customer was last evaluated (or never was): evaluate all
      afterLoad.add(c);
    }
  }

  private final List<CustomerState> afterLoad = new ArrayList<>();

  private void loadMembership(Row r) {
    String storeId = r.getString("store_id");
    String customerId = r.getString("customer_id");
    if (!mine(storeId, customerId)) {
      return;
    }
    StoreRuntime rt = stores.get(storeId);
    CustomerState c = rt == null ? null : rt.customers.get(customerId);
    LiveSegment s = rt == null ? null : rt.segments.get(r.getString("segment_id"));
    if (c != null && s != null) {
      c.segments.set(s.slot);
    }
  }

  /** Applies the log after the checkpoint, page by page (iteratively: see EvaluationStore.readAll). */
  private Future<Void> replay() {
    Promise<Void> replayed = Promise.promise();
    replayNext(replayed);
    return replayed.future().compose(v -> {
      Instant now = Instant.now();
      for (CustomerState c : afterLoad) {
        StoreRuntime rt = stores.get(c.storeId);
        evaluate(rt, c, rt.segments.values(), now, "profile", null);
        markDirty(c);
      }
      afterLoad.clear();
      return flushAndWait();
    });
  }

  private void replayNext(Promise<Void> replayed) {
    log.readAfter(appliedSeq, REPLAY_PAGE).onComplete(ar -> {
      if (ar.failed()) {
        replayed.fail(ar.cause());
        return;
      }
      for (LoggedEvent e : ar.result()) {
        onEvent(e);
      }
      if (ar.result().size() < REPLAY_PAGE) {
        replayed.complete();
      } else {
        replayNext(replayed);
      }
    });
  }

  // --- events ---------------------------------------------------------------------------------

  private void onEvent(LoggedEvent e) {
    if (e.seq() <= appliedSeq) {
      return;
    }
    appliedSeq = e.seq();
    if (!mine(e.storeId(), e.customerId())) {
      return;
    }
    boolean reload = e.type().equals("customer.updated");
    deferred.add(e.seq());
    withCustomer(e.storeId(), e.customerId(), reload, c -> {
      deferred.remove(e.seq());
      if (c == null || e.seq() <= c.appliedSeq) {
        return; // the customer is gone, or its stored state already holds this event
      }
      c.appliedSeq = e.seq();
      StoreRuntime rt = stores.get(c.storeId);
      Set<String> changed = c.apply(e);
      Instant now = Instant.now();
      if (reload || c.fresh) {
        c.fresh = false;
        evaluate(rt, c, rt.segments.values(), now, e.id(), e.id());
      } else {
        evaluate(rt, c, candidates(rt, changed), now, e.id(), e.id());
      }
      markDirty(c);
    });
    requestFlush();
  }

  private Collection<LiveSegment> candidates(StoreRuntime rt, Set<String> changed) {
    long pass = ++stamp;
    List<LiveSegment> out = new ArrayList<>();
    for (String f : changed) {
      for (LiveSegment s : rt.reading(f)) {
        if (s.stamp != pass) {
          s.stamp = pass;
          out.add(s);
        }
      }
    }
    return out;
  }

  /**
   * Runs {@code action} with the customer's state, loading it first when it is not in memory
   * (a customer created since start) or when its profile must be re-read. Work for a customer
   * being loaded waits in order behind the load. A deleted customer is forgotten, and the
   * waiting work runs with {@code null}.
   */
  private void withCustomer(String storeId, String customerId, boolean reloadProfile,
                            java.util.function.Consumer<CustomerState> action) {
    String key = storeId + "/" + customerId;
    Queue<java.util.function.Consumer<CustomerState>> waiting = loading.get(key);
    if (waiting != null) {
      waiting.add(action);
      return;
    }
    if (erased.contains(key)) {
      action.accept(null);
      return;
    }
    StoreRuntime rt = store(storeId);
    CustomerState existing = rt.customers.get(customerId);
    if (existing != null && !reloadProfile) {
      action.accept(existing);
      return;
    }
    Queue<java.util.function.Consumer<CustomerState>> queue = new ArrayDeque<>();
    queue.add(action);
    loading.put(key, queue);
    db.loadCustomer(storeId, customerId).onComplete(ar -> {
      Queue<java.util.function.Consumer<CustomerState>> actions = loading.remove(key);
      if (ar.failed()) {
        LOG.error("Could not load customer {} of store {}; its pending work is retried", customerId, storeId, ar.cause());
        vertx.setTimer(500, t -> actions.forEach(a -> withCustomer(storeId, customerId, true, a)));
        return;
      }
      Row row = ar.result();
      CustomerState c = rt.customers.get(customerId);
      boolean erasing = erased.contains(key);
      if (row == null || erasing) {
        if (c != null) {
          forgetCustomer(rt, c, erasing);
        }
        // the customer is gone: the waiting work runs with null and has nothing left to change
        actions.forEach(a -> a.accept(null));
        requestFlush();
        return;
      }
      if (c == null) {
        c = new CustomerState(storeId, customerId, metrics);
        Object state = row.getValue("eval_state");
        c.loadJson(state instanceof JsonObject o ? o : null);
        c.countInMetrics();
        c.fresh = true;
        rt.customers.put(customerId, c);
      }
      c.setProfile(row);
      for (java.util.function.Consumer<CustomerState> a : actions) {
        a.accept(c);
      }
      requestFlush();
    });
  }

  /**
   * The customer was deleted: it leaves every segment (its member rows went with it). When its
   * data is erased, the leave is announced with cause {@code customer_erased} and no profile.
   */
  private void forgetCustomer(StoreRuntime rt, CustomerState c, boolean erasing) {
    Instant now = Instant.now();
    for (LiveSegment s : rt.segments.values()) {
      if (c.segments.get(s.slot)) {
        c.segments.clear(s.slot);
        change(c, s, false, erasing ? "customer_erased" : "customer_deleted", null, now,
            erasing ? null : summary(c));
      }
    }
    rt.customers.remove(c.customerId);
    dirty.remove(c);
  }

  // --- evaluation -----------------------------------------------------------------------------

  private void evaluate(StoreRuntime rt, CustomerState c, Collection<LiveSegment> segments, Instant now,
                        String cause, String eventId) {
    long next = c.nextCheckAt > now.toEpochMilli() ? c.nextCheckAt : Long.MAX_VALUE;
    for (LiveSegment s : segments) {
      boolean in = s.rule.test(c, now);
      if (in != c.segments.get(s.slot)) {
        c.segments.set(s.slot, in);
        change(c, s, in, cause, eventId, now);
      }
      if (s.rule.isTimeDependent()) {
        Instant flip = s.rule.nextFlip(c, now);
        if (flip != null) {
          next = Math.min(next, flip.toEpochMilli());
        }
      }
    }
    schedule(c, next);
  }

  private void change(CustomerState c, LiveSegment s, boolean entered, String cause, String eventId, Instant now) {
    change(c, s, entered, cause, eventId, now, summary(c));
  }

  private void change(CustomerState c, LiveSegment s, boolean entered, String cause, String eventId, Instant now,
                      JsonObject customer) {
    String causeKind = eventId != null && cause.equals(eventId) ? "event" : cause;
    transitions.add(new EvaluationStore.Transition(c.storeId, Ids.newId("trn"), s.id(), c.customerId, entered,
        s.announcesAt(now), causeKind, eventId, now, s.definition.name(), customer));
    countDeltas.computeIfAbsent(c.storeId + "\u0000" + s.id(), k -> new long[1])[0] += entered ? 1 : -1;
  }

  private static JsonObject summary(CustomerState c) {
    return NotificationLog.customerSummary((String) c.value("email"), (String) c.value("first_name"),
        (String) c.value("last_name"));
  }

  private void schedule(CustomerState c, long at) {
    if (at == c.nextCheckAt) {
      return;
    }
    c.nextCheckAt = at;
    markDirty(c);
    if (at != Long.MAX_VALUE) {
      checks.add(new Check(at, c));
      if (at < timerAt) {
        armTimer();
      }
    }
  }

  private void armTimer() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
      timerAt = Long.MAX_VALUE;
    }
    Check head = checks.peek();
    if (head == null) {
      return;
    }
    long delay = Math.max(1, head.at - System.currentTimeMillis());
    timerAt = head.at;
    timerId = vertx.setTimer(Math.min(delay, 60_000), id -> {
      timerId = -1;
      timerAt = Long.MAX_VALUE;
      runDueChecks();
    });
  }

  /** Time transitions: customers whose next flip instant has come are re-tested, no event needed. */
  private void runDueChecks() {
    long nowMs = System.currentTimeMillis();
    Instant now = Instant.ofEpochMilli(nowMs);
    int ran = 0;
    while (!checks.isEmpty() && checks.peek().at <= nowMs && ran < 10_000) {
      Check due = checks.poll();
      CustomerState c = due.customer;
      if (c.nextCheckAt != due.at) {
        continue; // superseded by a later scheduling
      }
      StoreRuntime rt = stores.get(c.storeId);
      if (rt == null || rt.customers.get(c.customerId) != c) {
        continue;
      }
      c.nextCheckAt = Long.MAX_VALUE;
      evaluate(rt, c, rt.timeDependent(), now, "time", null);
      markDirty(c);
      ran++;
    }
    requestFlush();
    armTimer();
  }

  // --- segment changes, backfill --------------------------------------------------------------

  private void onControl(Message<JsonObject> m) {
    JsonObject body = m.body();
    switch (body.getString("op")) {
      case "profile" -> {
        withCustomer(body.getString("store_id"), body.getString("customer_id"), true, c -> {
          if (c == null) {
            return;
          }
          StoreRuntime rt = stores.get(c.storeId);
          evaluate(rt, c, rt.segments.values(), Instant.now(), "profile", null);
          markDirty(c);
        });
        m.reply(null);
      }
      case "segment" -> segmentRepository.get(body.getString("store_id"), body.getString("segment_id"))
          .onComplete(ar -> {
            if (ar.succeeded()) {
              SegmentDefinition def = ar.result();
              if (def == null || !def.isEvaluated()) {
                uninstall(body.getString("store_id"), body.getString("segment_id"));
                m.reply(new JsonObject().put("done", true).put("version", def == null ? -1 : def.version()));
              } else {
                LiveSegment s = install(def);
                backfill(store(def.storeId()), s, Instant.now(), body.getBoolean("edited", false));
                whenFlushed(() -> m.reply(new JsonObject().put("done", true).put("version", def.version())));
                requestFlush();
              }
            } else {
              m.fail(500, ar.cause().getMessage());
            }
          });
      case "erase" -> erase(body.getString("store_id"), body.getString("customer_id"), m);
      case "explain" -> m.reply(explain(body));
      case "metrics" -> customerMetrics(body, m);
      case "histories" -> m.reply(histories(body.getString("store_id"), body.getLong("as_of")));
      case "recompute" -> recomputeMetrics(body.getString("store_id"), m);
      case "preview" -> m.reply(preview(body));
      default -> m.fail(400, "unknown op");
    }
  }

  /**
   * Forgets an erased customer: it leaves its segments (written with the next batch) and is never
   * loaded again. Replies once that batch is written. Idempotent: a customer not in memory has
   * nothing to leave.
   */
  private void erase(String storeId, String customerId, Message<JsonObject> m) {
    String key = storeId + "/" + customerId;
    erased.add(key);
    Queue<java.util.function.Consumer<CustomerState>> waiting = loading.get(key);
    java.util.function.Consumer<CustomerState> reply = ignored -> {
      whenFlushed(() -> m.reply(new JsonObject().put("done", true)));
      requestFlush();
    };
    if (waiting != null) {
      // the load in progress sees the customer as erased and forgets it before running this
      waiting.add(reply);
      return;
    }
    StoreRuntime rt = stores.get(storeId);
    CustomerState c = rt == null ? null : rt.customers.get(customerId);
    if (c != null) {
      forgetCustomer(rt, c, true);
    }
    reply.accept(null);
  }

  // --- metrics ---------------------------------------------------------------------------------

  /** One customer's metrics as of now; {@code found: false} when there is no such customer. */
  private void customerMetrics(JsonObject body, Message<JsonObject> m) {
    withCustomer(body.getString("store_id"), body.getString("customer_id"), false, c -> {
      CustomerMetrics now = c == null ? null : c.metricsAt(System.currentTimeMillis());
      m.reply(now == null ? new JsonObject().put("found", c != null)
          : new JsonObject().put("found", true).put("metrics", MetricsJson.customer(c.customerId, now, metrics.settings())));
    });
    requestFlush();
  }

  /**
   * The histories of this partition's customers of a store as of an instant, for a model fit,
   * with their current RFM values (to rebuild the quintile sketches after a live fit).
   */
  private PartitionHistories histories(String storeId, long asOfMs) {
    StoreRuntime rt = stores.get(storeId);
    List<RepeatHistory> out = new ArrayList<>();
    int n = rt == null ? 0 : rt.customers.size();
    long[] lastDays = new long[n];
    int[] days = new int[n];
    double[] totals = new double[n];
    int buyers = 0;
    if (rt != null) {
      for (CustomerState c : rt.customers.values()) {
        PurchaseLog p = c.purchaseLog();
        RepeatHistory h = p.isEmpty() ? null : p.asOf(asOfMs);
        if (h != null) {
          out.add(h);
        }
        if (!p.isEmpty()) {
          lastDays[buyers] = PurchaseLog.day(p.lastAt());
          days[buyers] = p.asOf(p.lastAt()).x() + 1;
          totals[buyers] = p.total();
          buyers++;
        }
      }
    }
    return new PartitionHistories(out, Arrays.copyOf(lastDays, buyers), Arrays.copyOf(days, buyers),
        Arrays.copyOf(totals, buyers));
  }

  /** Customers recomputed per turn of the event loop: other work interleaves between slices. */
  private static final int RECOMPUTE_SLICE = 2_000;

  /**
   * Recomputes every metric of the store's customers (after a refit, and as time passes) and
   * re-tests the segments that read a metric field; changes are recorded with cause "metrics".
   * Runs in slices so a large store does not hold the event loop (about 10 µs a customer).
   */
  private void recomputeMetrics(String storeId, Message<JsonObject> m) {
    StoreRuntime rt = stores.get(storeId);
    List<CustomerState> all = rt == null ? List.of() : new ArrayList<>(rt.customers.values());
    recomputeSlice(rt, all, 0, m);
  }

  private void recomputeSlice(StoreRuntime rt, List<CustomerState> all, int from, Message<JsonObject> m) {
    if (from >= all.size()) {
      requestFlush();
      m.reply(new JsonObject().put("customers", all.size()));
      return;
    }
    long nowMs = System.currentTimeMillis();
    Instant now = Instant.ofEpochMilli(nowMs);
    Collection<LiveSegment> reading = candidates(rt, LiveMetrics.FIELDS);
    int to = Math.min(all.size(), from + RECOMPUTE_SLICE);
    for (CustomerState c : all.subList(from, to)) {
      if (rt.customers.get(c.customerId) != c) {
        continue; // deleted or reloaded meanwhile
      }
      c.refreshMetrics(nowMs);
      if (!reading.isEmpty()) {
        int before = transitions.size();
        evaluate(rt, c, reading, now, "metrics", null);
        if (transitions.size() != before) {
          markDirty(c);
        }
      }
    }
    requestFlush();
    vertx.runOnContext(v -> recomputeSlice(rt, all, to, m));
  }

  private LiveSegment install(SegmentDefinition def) {
    CompiledRule rule;
    try {
      rule = RuleCompiler.compile(def.rules());
    } catch (RuleException e) {
      LOG.error("Segment {} of store {} has rules that no longer compile; it is not evaluated: {}",
          def.id(), def.storeId(), e.getMessage());
      return null;
    }
    StoreRuntime rt = store(def.storeId());
    LiveSegment old = rt.segments.get(def.id());
    int slot = old != null ? old.slot : slotFor(def.id());
    LiveSegment s = new LiveSegment(def, rule, slot);
    rt.put(s);
    return s;
  }

  private void uninstall(String storeId, String segmentId) {
    StoreRuntime rt = stores.get(storeId);
    if (rt == null) {
      return;
    }
    LiveSegment removed = rt.remove(segmentId);
    if (removed != null) {
      for (CustomerState c : rt.customers.values()) {
        c.segments.clear(removed.slot);
      }
      slots.remove(segmentId);
      usedSlots.clear(removed.slot);
    }
  }

  private int slotFor(String segmentId) {
    return slots.computeIfAbsent(segmentId, k -> {
      int free = usedSlots.nextClearBit(0);
      usedSlots.set(free);
      return free;
    });
  }

  /**
   * Brings a new or edited segment's members in line with its rules for this partition's
   * customers. The first sync of a new segment records no transitions (nobody "entered"
   * anything a store could have seen); an edit records exactly the real changes.
   */
  private void backfill(StoreRuntime rt, LiveSegment s, Instant now, boolean edited) {
    if (s == null) {
      return;
    }
    for (CustomerState c : rt.customers.values()) {
      boolean in = s.rule.test(c, now);
      if (in != c.segments.get(s.slot)) {
        c.segments.set(s.slot, in);
        if (edited) {
          change(c, s, in, "segment_updated", null, now);
        } else {
          transitions.add(new EvaluationStore.Transition(c.storeId, Ids.newId("trn"), s.id(), c.customerId, in,
              false, "segment_created", null, now, s.definition.name(), null));
          countDeltas.computeIfAbsent(c.storeId + "\u0000" + s.id(), k -> new long[1])[0] += in ? 1 : -1;
        }
      }
      if (s.rule.isTimeDependent()) {
        Instant flip = s.rule.nextFlip(c, now);
        if (flip != null && flip.toEpochMilli() < c.nextCheckAt) {
          schedule(c, flip.toEpochMilli());
        }
      }
    }
  }

  private JsonObject explain(JsonObject body) {
    StoreRuntime rt = stores.get(body.getString("store_id"));
    CustomerState c = rt == null ? null : rt.customers.get(body.getString("customer_id"));
    if (c == null) {
      return new JsonObject().put("found", false);
    }
    CompiledRule rule = RuleCompiler.compile(body.getJsonArray("rules"));
    LiveSegment live = rt.segments.get(body.getString("segment_id"));
    return new JsonObject()
        .put("found", true)
        .put("member", live != null && c.segments.get(live.slot))
        .put("explanation", render(rule.explain(c, Instant.now())))
        .put("aggregates", jsonObject(c.aggregates()));
  }

  private static JsonObject render(io.shoal.segment.rule.Explanation e) {
    JsonArray rules = new JsonArray();
    for (io.shoal.segment.rule.Explanation.Check check : e.checks()) {
      rules.add(new JsonObject()
          .put("path", check.path())
          .put("field", check.field())
          .put("operator", check.operator())
          .put("value", jsonValue(check.expected()))
          .put("actual", jsonValue(check.actual()))
          .put("holds", check.holds()));
    }
    return new JsonObject().put("matches", e.matches()).put("rules", rules);
  }

  private static JsonObject jsonObject(Map<String, ?> map) {
    JsonObject o = new JsonObject();
    map.forEach((k, v) -> o.put(k, jsonValue(v)));
    return o;
  }

  /** Explanations hold plain Java values; JSON wants times as wire strings and money as numbers. */
  private static Object jsonValue(Object v) {
    if (v instanceof Instant i) {
      return io.shoal.kernel.Wire.time(i);
    }
    if (v instanceof Map<?, ?> m) {
      JsonObject o = new JsonObject();
      m.forEach((k, x) -> o.put(String.valueOf(k), jsonValue(x)));
      return o;
    }
    if (v instanceof Collection<?> c) {
      JsonArray a = new JsonArray();
      c.forEach(x -> a.add(jsonValue(x)));
      return a;
    }
    return v;
  }

  /** Counts, for this partition, how many customers pass the first k top-level rules, for each k. */
  private JsonObject preview(JsonObject body) {
    StoreRuntime rt = stores.get(body.getString("store_id"));
    List<CompiledRule> steps = RuleCompiler.compile(body.getJsonArray("rules")).topLevel();
    long[] passing = new long[steps.size() + 1];
    Instant now = Instant.now();
    // "members": true also answers who passes every rule (a static segment built from rules)
    JsonArray members = body.getBoolean("members", false) ? new JsonArray() : null;
    if (rt != null) {
      for (CustomerState c : rt.customers.values()) {
        passing[0]++;
        int i = 0;
        for (; i < steps.size(); i++) {
          if (!steps.get(i).test(c, now)) {
            break;
          }
          passing[i + 1]++;
        }
        if (members != null && i == steps.size()) {
          members.add(c.customerId);
        }
      }
    }
    JsonArray counts = new JsonArray();
    for (long p : passing) {
      counts.add(p);
    }
    JsonObject answer = new JsonObject().put("counts", counts);
    return members == null ? answer : answer.put("members", members);
  }

  private StoreRuntime store(String storeId) {
    return stores.computeIfAbsent(storeId, StoreRuntime::new);
  }

  // --- persistence ------------------------------------------------------------------------------

  private void markDirty(CustomerState c) {
    dirty.put(c, Boolean.TRUE);
  }

  /** Starts a batch unless one is in flight (then the next one, started when it ends, takes these). */
  private void requestFlush() {
    if (!flushing) {
      flushing = true;
      // let the events already queued on this loop join the batch first
      vertx.runOnContext(v -> flush());
    }
  }

  private Future<Void> flushAndWait() {
    Promise<Void> done = Promise.promise();
    whenFlushed(done::complete);
    if (!flushing) {
      flushing = true;
      flush();
    }
    return done.future();
  }

  private void whenFlushed(Runnable r) {
    afterFlush.add(r);
  }

  private void flush() {
    if (dirty.isEmpty() && transitions.isEmpty() && countDeltas.isEmpty()) {
      flushing = false;
      if (!afterFlush.isEmpty()) {
        // nothing to write, but the checkpoint may have moved: persist it so replays stay short
        List<Runnable> waiting = new ArrayList<>(afterFlush);
        afterFlush.clear();
        waiting.forEach(Runnable::run);
      }
      return;
    }
    flushing = true;
    List<EvaluationStore.CustomerWrite> writes = new ArrayList<>(dirty.size());
    List<CustomerState> aggregated = new ArrayList<>();
    for (CustomerState c : dirty.keySet()) {
      if (c.aggregatesDirty) {
        aggregated.add(c);
      }
      JsonObject state = c.toJson();
      writes.add(new EvaluationStore.CustomerWrite(c.storeId, c.customerId, c.aggregatesDirty, c.totalOrders(),
          c.totalSpent(), c.firstOrderAt(), c.lastOrderAt(), c.lastSeenAt(), state));
      c.aggregatesDirty = false;
    }
    List<Tuple> deltas = new ArrayList<>(countDeltas.size());
    countDeltas.forEach((k, v) -> {
      if (v[0] != 0) {
        int sep = k.indexOf('\u0000');
        deltas.add(Tuple.of(k.substring(0, sep), k.substring(sep + 1), v[0]));
      }
    });
    List<EvaluationStore.Transition> batchTransitions = transitions;
    List<Runnable> waiting = new ArrayList<>(afterFlush);
    afterFlush.clear();
    long checkpoint = deferred.isEmpty() ? appliedSeq : deferred.first() - 1;
    EvaluationStore.Batch batch = new EvaluationStore.Batch(partition, checkpoint, writes, batchTransitions, deltas);
    Map<CustomerState, Boolean> batchDirty = dirty;
    Map<String, long[]> batchDeltas = countDeltas;
    dirty = new IdentityHashMap<>();
    transitions = new ArrayList<>();
    countDeltas = new HashMap<>();
    db.persist(batch).onComplete(ar -> {
      if (ar.failed()) {
        flushFailures++;
        if (stopping) {
          LOG.warn("Evaluator partition {} stopped without writing its last batch; it is replayed at start", partition);
          flushing = false;
          waiting.forEach(Runnable::run);
          return;
        }
        LOG.error("Evaluator partition {} could not persist a batch ({} customers); retrying", partition,
            writes.size(), ar.cause());
        // put the batch back in front of what gathered meanwhile, and retry with backoff
        aggregated.forEach(c -> c.aggregatesDirty = true);
        batchDirty.putAll(dirty);
        dirty = batchDirty;
        batchTransitions.addAll(transitions);
        transitions = batchTransitions;
        countDeltas.forEach((k, v) -> batchDeltas.computeIfAbsent(k, x -> new long[1])[0] += v[0]);
        countDeltas = batchDeltas;
        afterFlush.addAll(0, waiting);
        vertx.setTimer(Math.min(5_000, 100L << Math.min(6, flushFailures)), t -> flush());
        return;
      }
      flushFailures = 0;
      notifications.wake(ar.result());
      waiting.forEach(Runnable::run);
      flush();
    });
  }
}
