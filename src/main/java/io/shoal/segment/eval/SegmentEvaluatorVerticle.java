package io.shoal.segment.eval;

import io.shoal.customer.ProfileCache;
import io.shoal.event.EventLog;
import io.shoal.event.LoggedEvent;
import io.shoal.metrics.CustomerMetrics;
import io.shoal.metrics.live.LiveMetrics;
import io.shoal.metrics.live.MetricsJson;
import io.shoal.metrics.live.PartitionHistories;
import io.shoal.outbox.NotificationLog;
import io.shoal.segment.SegmentDefinition;
import io.shoal.segment.SegmentRepository;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition of the segment engine, on its own event loop. It wires three jobs:
 *
 * <pre>
 *   start: EvaluationStore (customers, memberships, checkpoint) --> PartitionCore --> replay the log
 *   event bus: logged events, ControlMessages --> load the customer if needed --> PartitionCore
 *   timer at PartitionCore.nextCheckAt --> runDueChecks
 *   once the server answers: the checks that came due while it was down --> runOverdueChecks, a slice a turn
 *   after each piece of work --> BatchWriter.requestFlush --> one transaction per batch
 * </pre>
 *
 * The decisions are {@link PartitionCore}'s, the writes {@link BatchWriter}'s; this class does
 * what needs the event loop or the database: loading customers, timers, messages. A crash loses
 * nothing acknowledged and records no transition twice: states, memberships, transitions and
 * the checkpoint are written in one transaction, and the log is replayed from the checkpoint.
 */
public final class SegmentEvaluatorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SegmentEvaluatorVerticle.class);
  private static final int REPLAY_PAGE = 5_000;
  /**
   * Logged events applied per turn of the event loop during the replay at start (a page is up to
   * 5,000 events, each re-testing its customer against the segments its fields touch), with room
   * in the batch checked between slices as for the other bulk work (whenRoom).
   */
  private static final int REPLAY_SLICE = 500;
  /**
   * Times a read of the log during the replay is retried before the start fails: on a loaded
   * machine a read can wait past the pool's limit for a connection (while loops are blocked for
   * seconds, or busy pools hold them), and one such wait failed the whole start.
   */
  private static final int REPLAY_RETRIES = 5;
  /** Customers recomputed per turn of the event loop: other work interleaves between slices. */
  private static final int RECOMPUTE_SLICE = 2_000;
  /** Customer tests of a backfill pass (customers x its segments) per turn of the event loop. */
  static final int BACKFILL_SLICE = 5_000;
  /**
   * A large store's pass starts once no sync came for 1 s, at most 30 s after its oldest: a script
   * creating a thousand segments meets a database not busy with their syncs and syncs them in a
   * pass or two (bench/engine, create-side-by-side.sh). 250 ms was too short on a loaded machine:
   * at 1M customers a gap between two creates started a pass after 91 of 1,000, and the other 909
   * waited for that pass over the million customers to end before their own began.
   */
  static final BackfillPasses.Debounce BACKFILL_DEBOUNCE = new BackfillPasses.Debounce(1_000, 30_000);
  /** Customers re-tested against every segment per turn of the event loop, after the replay at start. */
  private static final int RETEST_SLICE = 1_000;
  /** Customers plus transitions a batch gathers before bulk work waits for the writer to take it. */
  static final int BATCH_ROOM = 20_000;
  /**
   * The same while events flow ({@link BatchWriter#liveRecently}) but no live work waits in the batch:
   * it bounds the bulk batch a live event can find in flight. At 20,000 a sync's batches took
   * 0.5-1.9 s to write and live flips waited ~5 s at a sync's end (30k x 1,000, bench/engine's
   * twenty-eighth pass); at 2,000 their p99 was 0.11x and the sync 0.76x as long.
   */
  public static final int BUSY_ROOM = 2_000;
  /**
   * The same while live work (an event, a time check, a message) waits in the batch: live first.
   * A batch of 20,000 took 0.5-1 s to write, and a live event waited in it or behind it (the
   * metrics refit's recompute under load, bench/engine's eighteenth pass); 500 rows are a fortieth of that.
   */
  static final int LIVE_ROOM = 500;
  /** Customers (backfill: customer tests) a slice of bulk work takes while live work waits in the batch. */
  static final int LIVE_SLICE = 100;

  private final int partition;
  private final int partitions;
  private final EvaluationStore db;
  private final SegmentRepository segmentRepository;
  private final EventLog log;
  private final NotificationLog notifications;
  private final LiveMetrics metrics;
  private final EvaluationBacklog backlog;
  /** Who owns the partition while this runs (the node id), recorded when it takes it over. */
  private final String owner;

  private PartitionCore core;
  /** Embedded mode's start: the customer table is read once for all partitions (null: read here). */
  private SharedCustomerScan sharedScan;
  private BatchWriter writer;
  private BackfillPasses backfills;

  /** Customers being (re)loaded from the database, with the work waiting for them. */
  private final Map<String, Queue<Consumer<CustomerState>>> loading = new HashMap<>();
  /**
   * Customers of {@link #loading} whose profile changed after their read was asked: that read may
   * predate the change, so it is done again before the waiting work runs (also when the first read
   * had not been sent yet: one read more, only when an edit meets a load under way).
   */
  private final Set<String> readAgain = new HashSet<>();
  /**
   * Loads asked for in this turn of the loop, by store: read together, one query per store, once the
   * messages already queued have run (a batch of creates tells of each of its customers in a burst; one
   * SELECT each was a statement a create at a million customers, issue 17's twenty-fourth pass).
   */
  private final Map<String, List<String>> toLoad = new LinkedHashMap<>();
  /** The most customers read by one query of {@link #toLoad}. */
  private static final int LOAD_SET = 256;

  private long timerId = -1;
  private long timerAt = Long.MAX_VALUE;
  /**
   * Until the start is done no time check runs: those due meanwhile ran between the replay's pages
   * (a fifth of a start's samples at 200,000 customers, bench/engine's seventeenth pass). An event
   * for such a customer still catches its check up first (PartitionCore.catchUp), so the replay is
   * the same either way.
   */
  private boolean running;
  /** The checks that came due while the partition was down run once this completes (the server answers). */
  private Future<Void> overdueChecksAfter = Future.succeededFuture();
  private boolean stopped;
  /** Completed once no customer load is in flight, after a stop: the stop's last batch then holds their work. */
  private Promise<Void> loadsLanded;

  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  public SegmentEvaluatorVerticle(int partition, int partitions, io.vertx.sqlclient.Pool pool,
                                  SegmentRepository segmentRepository, EventLog log, NotificationLog notifications,
                                  LiveMetrics metrics, String owner, ProfileCache profiles, EvaluationBacklog backlog) {
    this.metrics = metrics;
    this.backlog = backlog;
    this.owner = owner;
    this.partition = partition;
    this.partitions = partitions;
    this.notifications = notifications;
    this.db = new EvaluationStore(pool, notifications, profiles);
    this.segmentRepository = segmentRepository;
    this.log = log;
  }

  /**
   * Loads this partition's customers through {@code scan}, one read of the table shared with the
   * partitions starting with it, instead of a scan of its own.
   */
  SegmentEvaluatorVerticle loadingWith(SharedCustomerScan scan) {
    this.sharedScan = scan;
    return this;
  }

  /**
   * The time checks that came due while the partition was down run once {@code serving} completes
   * (the server answers), not before: by default at the end of the partition's start.
   */
  SegmentEvaluatorVerticle overdueChecksAfter(Future<Void> serving) {
    this.overdueChecksAfter = serving;
    return this;
  }

  public static String eventAddress(int partition) {
    return "shoal.segment.eval." + partition + ".events";
  }

  public static String controlAddress(int partition) {
    return "shoal.segment.eval." + partition + ".control";
  }

  public static int partitionOf(String storeId, String customerId, int partitions) {
    return PartitionCore.partitionOf(storeId, customerId, partitions);
  }

  // --- start: load, replay, listen ----------------------------------------------------------

  @Override
  public Future<?> start() {
    long started = System.nanoTime();
    core = new PartitionCore(partition, partitions, metrics, at -> {
      if (running && at < timerAt) {
        armTimer();
      }
    });
    // the partition is taken over first: a previous owner's batch in flight commits before
    // anything is read here, and none of its later batches can land after
    Future<Void> loaded = db.takeOver(partition, owner)
        .compose(ownership -> {
          core.startAt(ownership.checkpoint());
          writer = new BatchWriter(vertx, core, db, notifications, ownership.epoch(), this::fenced,
              events -> backlog.written(partition, events));
          backfills = new BackfillPasses(core, backfillHost(), BACKFILL_SLICE, BACKFILL_DEBOUNCE);
          return segmentRepository.allEvaluated();
        })
        .compose(defs -> {
          for (SegmentDefinition d : defs) {
            if (PartitionCore.isLive(d)) {
              if (sharedScan == null) {
                core.install(d);
              } else {
                core.install(d, sharedScan::compiled);
              }
            }
          }
          StartLoad load = new StartLoad(core);
          return (sharedScan == null ? db.scanCustomers(load::stateRow, load::profileRow)
              : sharedScan.join(partition, context, load::stateRow, load::profileRow, db))
              .onSuccess(v -> {
                int unmatched = load.dropUnmatched();
                if (unmatched > 0) {
                  LOG.warn("Evaluator partition {}: {} state rows without their customer dropped", partition, unmatched);
                }
              });
        })
        .onFailure(e -> {
          if (sharedScan != null) {
            sharedScan.leave(partition, db); // the others do not wait for a partition that failed
          }
        });
    return loaded
        .compose(v -> {
          // the counts of what was loaded replace the stored ones: deltas lost in a crash are made good
          writer.recount(partitions, core.takeRecount());
          return replay();
        })
        .map(v -> {
          // segments whose sync was interrupted are resumed by SegmentEngine.resumeSyncs
          consumers.add(vertx.eventBus().<LoggedEvent>localConsumer(eventAddress(partition), m -> {
            if (stopped) {
              return; // delivered as the consumer unregistered: replayed from the log at the next start
            }
            writer.eventTaken();
            onEvent(m.body());
          }));
          backlog.listening(partition);
          consumers.add(vertx.eventBus().<ControlMessage>localConsumer(controlAddress(partition), this::onControl));
          running = true;
          int overdue = core.takeOverdue(System.currentTimeMillis());
          armTimer();
          long readyAt = System.nanoTime();
          overdueChecksAfter.onComplete(x -> context.runOnContext(y -> runOverdue(overdue, readyAt)));
          LOG.info("Evaluator partition {}/{} ready: {} customers, log at seq {}, in {} ms", partition, partitions,
              core.customerCount(), core.appliedSeq(), (System.nanoTime() - started) / 1_000_000);
          return null;
        });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    consumers.forEach(MessageConsumer::unregister);
    backlog.stopped(partition);
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
    if (writer == null) {
      return Future.succeededFuture();
    }
    // the events taken whose customer is still loading are applied first, then written with the
    // rest: a load landing after the last batch would write to a pool that is closing (RestartTest)
    loadsLanded = Promise.promise();
    context.runOnContext(v -> landedIfNoLoads()); // after a load asked for in this turn has started
    return loadsLanded.future().compose(v -> writer.stop());
  }

  private void landedIfNoLoads() {
    if (loadsLanded != null && loading.isEmpty() && toLoad.isEmpty()) {
      loadsLanded.tryComplete();
    }
  }

  /** Another node took this partition over (Kafka mode): stop evaluating here at once. */
  private void fenced() {
    stopped = true;
    consumers.forEach(MessageConsumer::unregister);
    consumers.clear();
    backlog.stopped(partition);
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
    if (deploymentID() != null) {
      vertx.undeploy(deploymentID());
    }
  }

  /** Applies the log after the checkpoint, page by page (iteratively: see EvaluationStore.readPages). */
  private Future<Void> replay() {
    Promise<Void> replayed = Promise.promise();
    replayNext(replayed, 0);
    return replayed.future().compose(v -> {
      Promise<Void> evaluated = Promise.promise();
      evaluateLoaded(evaluated);
      return evaluated.future();
    }).compose(v -> writer.flushAndWait());
  }

  /** The customers to re-test after the replay, a slice at a time, each slice's writes bounded. */
  private void evaluateLoaded(Promise<Void> done) {
    if (core.evaluateLoaded(Instant.now(), RETEST_SLICE)) {
      whenRoom(() -> evaluateLoaded(done));
    } else {
      done.complete();
    }
  }

  /**
   * Runs the next slice of bulk work on a later turn of the loop (events, time checks and
   * messages run in between); when the batch gathering already holds {@link #BATCH_ROOM}
   * customers and transitions ({@link #LIVE_ROOM} while live work waits in it, {@link #BUSY_ROOM}
   * while events flow), only once the writer has taken it.
   */
  private void whenRoom(Runnable next) {
    whenRoom(next, BATCH_ROOM);
  }

  /** {@link #whenRoom(Runnable)} with at most {@code quietRoom} gathered while no event came recently. */
  private void whenRoom(Runnable next, int quietRoom) {
    if (core.pendingSize() < (writer.liveWaiting() ? LIVE_ROOM : writer.liveRecently() ? BUSY_ROOM : quietRoom)) {
      writer.requestFlush();
      vertx.runOnContext(v -> next.run());
    } else {
      writer.whenTaken(next);
    }
  }

  /** A slice of bulk work: {@code full}, or {@link #LIVE_SLICE} while live work waits in the batch. */
  private int bulkSlice(int full) {
    return writer.liveWaiting() ? Math.min(full, LIVE_SLICE) : full;
  }

  private void replayNext(Promise<Void> replayed, int failures) {
    log.readAfter(core.appliedSeq(), REPLAY_PAGE).onComplete(ar -> {
      if (ar.failed()) {
        if (failures >= REPLAY_RETRIES) {
          replayed.fail(ar.cause());
          return;
        }
        LOG.warn("Evaluator partition {}: reading the log after seq {} failed ({}); retrying", partition,
            core.appliedSeq(), ar.cause().toString());
        vertx.setTimer(500L << failures, t -> replayNext(replayed, failures + 1));
        return;
      }
      List<LoggedEvent> events = ar.result();
      replaySlice(events, 0, () -> {
        if (events.size() < REPLAY_PAGE) {
          replayed.complete();
        } else {
          replayNext(replayed, 0);
        }
      });
    });
  }

  /** Applies {@link #REPLAY_SLICE} events of a page per turn, each slice's writes bounded (whenRoom). */
  private void replaySlice(List<LoggedEvent> events, int from, Runnable then) {
    int to = Math.min(events.size(), from + REPLAY_SLICE);
    for (int i = from; i < to; i++) {
      onEvent(events.get(i));
    }
    whenRoom(to < events.size() ? () -> replaySlice(events, to, then) : then);
  }

  // --- events ---------------------------------------------------------------------------------

  private void onEvent(LoggedEvent e) {
    if (!core.accept(e)) {
      return;
    }
    boolean reload = e.type().equals("customer.updated");
    withCustomer(e.storeId(), e.customerId(), reload, c -> {
      if (c == null) {
        core.skip(e); // the customer is gone
      } else {
        core.apply(e, c, reload, Instant.now());
      }
    });
    writer.requestFlush();
  }

  /**
   * Runs {@code action} with the customer's state, loading it first when it is not in memory
   * (a customer created since start) or when its profile must be re-read. Work for a customer
   * being loaded waits in order behind the load. A deleted customer is forgotten, and the
   * waiting work runs with {@code null}.
   */
  private void withCustomer(String storeId, String customerId, boolean reloadProfile,
                            Consumer<CustomerState> action) {
    String key = PartitionCore.key(storeId, customerId);
    Queue<Consumer<CustomerState>> waiting = loading.get(key);
    if (waiting != null) {
      if (reloadProfile) {
        readAgain.add(key);
      }
      waiting.add(action);
      return;
    }
    if (core.isErased(storeId, customerId)) {
      action.accept(null);
      return;
    }
    CustomerState existing = core.customer(storeId, customerId);
    if (existing != null && !reloadProfile) {
      action.accept(existing);
      return;
    }
    Queue<Consumer<CustomerState>> queue = new ArrayDeque<>();
    queue.add(action);
    askLoad(storeId, customerId, queue);
  }

  private void askLoad(String storeId, String customerId, Queue<Consumer<CustomerState>> waiting) {
    loading.put(PartitionCore.key(storeId, customerId), waiting);
    if (toLoad.isEmpty()) {
      context.runOnContext(v -> loadAsked());
    }
    toLoad.computeIfAbsent(storeId, s -> new ArrayList<>()).add(customerId);
  }

  /** Reads the customers asked for since the last call: one query per store (and {@link #LOAD_SET} customers). */
  private void loadAsked() {
    List<Map.Entry<String, List<String>>> asked = new ArrayList<>(toLoad.entrySet());
    toLoad.clear();
    for (Map.Entry<String, List<String>> store : asked) {
      String storeId = store.getKey();
      List<String> ids = store.getValue();
      for (int from = 0; from < ids.size(); from += LOAD_SET) {
        List<String> set = ids.subList(from, Math.min(ids.size(), from + LOAD_SET));
        if (set.size() == 1) {
          String id = set.get(0);
          db.loadCustomer(storeId, id).onComplete(ar -> loaded(storeId, id, ar.failed() ? ar.cause() : null,
              ar.succeeded() ? ar.result() : null));
        } else {
          db.loadCustomers(storeId, set).onComplete(ar -> {
            for (String id : set) {
              loaded(storeId, id, ar.failed() ? ar.cause() : null, ar.succeeded() ? ar.result().get(id) : null);
            }
          });
        }
      }
    }
  }

  /** A load is done: its row (null when the customer is gone) or its failure (retried). */
  private void loaded(String storeId, String customerId, Throwable failure, Row row) {
    String key = PartitionCore.key(storeId, customerId);
    Queue<Consumer<CustomerState>> actions = loading.remove(key);
    boolean stale = readAgain.remove(key);
    if (failure == null && stale && !stopped) {
      // a profile edit was told of while this row was read: read the edited row before any waiting work
      askLoad(storeId, customerId, actions);
      return;
    }
    if (failure != null) {
      if (stopped) {
        // its events stay above the checkpoint: the next start replays them from the log
        LOG.info("Evaluator partition {} stopped while loading customer {}: its work is redone at start", partition,
            customerId);
        landedIfNoLoads();
        return;
      }
      LOG.error("Could not load customer {} of store {}; its pending work is retried", customerId, storeId, failure);
      vertx.setTimer(500, t -> {
        if (!stopped) {
          actions.forEach(a -> withCustomer(storeId, customerId, true, a));
        }
      });
      return;
    }
    CustomerState c = core.customer(storeId, customerId);
    boolean erasing = core.isErased(storeId, customerId);
    if (row == null || erasing) {
      if (c != null) {
        core.forget(c, erasing, Instant.now());
      }
      // the customer is gone: the waiting work runs with null and has nothing left to change
      actions.forEach(a -> a.accept(null));
      writer.requestFlush();
      landedIfNoLoads();
      return;
    }
    if (c == null) {
      c = core.newCustomer(storeId, customerId, EvaluationStore.storedState(row));
      core.loadMemberships(c, EvaluationStore.segmentNumsPacked(row), EvaluationStore.segmentNums(row));
      core.adoptFresh(c);
    }
    c.setProfile(row);
    for (Consumer<CustomerState> a : actions) {
      a.accept(c);
    }
    writer.requestFlush();
    landedIfNoLoads();
  }

  // --- time -----------------------------------------------------------------------------------

  /**
   * Runs the time checks that came due while the partition was down, a slice per turn of the loop
   * (events, messages and the checks coming due now run in between, so those still flip on time),
   * in batches of about {@link #BUSY_ROOM} customers and transitions (a slice, or two) whether or not
   * events flow yet;
   * a stop leaves the rest to the next start (their stored check is still due).
   */
  private void runOverdue(int taken, long since) {
    if (stopped) {
      return;
    }
    if (core.runOverdueChecks(System.currentTimeMillis(), PartitionCore.DUE_CHECKS_PER_TURN)) {
      // batches of BUSY_ROOM even before the first event: the live events that come right after a
      // start would otherwise wait behind a batch of thousands of customers (2.5-3.4 s to write at
      // 100k x 1,000, bench/engine's twenty-eighth pass)
      whenRoom(() -> runOverdue(taken, since), BUSY_ROOM);
    } else {
      writer.requestFlush();
      LOG.info("Evaluator partition {}/{}: {} time checks due while it was down ran, done {} ms after it was ready",
          partition, partitions, taken, (System.nanoTime() - since) / 1_000_000);
    }
  }

  private void armTimer() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
      timerAt = Long.MAX_VALUE;
    }
    long head = core.nextCheckAt();
    if (head == Long.MAX_VALUE) {
      return;
    }
    long delay = Math.max(1, head - System.currentTimeMillis());
    timerAt = head;
    timerId = vertx.setTimer(Math.min(delay, 60_000), id -> {
      timerId = -1;
      timerAt = Long.MAX_VALUE;
      core.runDueChecks(System.currentTimeMillis());
      writer.liveTaken();
      writer.requestFlush();
      armTimer();
    });
  }

  // --- control messages -----------------------------------------------------------------------

  private void onControl(Message<ControlMessage> m) {
    ControlMessage body = m.body();
    if (body instanceof ControlMessage.ProfileChanged p) {
      profileChanged(p.storeId(), p.customerId(), m);
    } else if (body instanceof ControlMessage.Created n) {
      created(n, m);
    } else if (body instanceof ControlMessage.SegmentChanged s) {
      segmentChanged(s, m);
    } else if (body instanceof ControlMessage.Erase e) {
      erase(e.storeId(), e.customerId(), m);
    } else if (body instanceof ControlMessage.Merge g) {
      withCustomer(g.storeId(), g.customerId(), true, c -> {
        if (c != null) {
          core.absorb(c, g.moved(), Instant.now());
        }
        writer.replyWhenWritten(m, new JsonObject().put("done", true));
      });
    } else if (body instanceof ControlMessage.Explain e) {
      // behind a load under way (a profile edit just made): explain sees what the API last wrote
      withCustomer(e.storeId(), e.customerId(), false,
          c -> m.reply(core.explain(c, e.storeId(), e.segmentId(), e.rules(), Instant.now())));
    } else if (body instanceof ControlMessage.Metrics q) {
      customerMetrics(q, m);
    } else if (body instanceof ControlMessage.MetricsOf q) {
      customersMetrics(q, m);
    } else if (body instanceof ControlMessage.Histories h) {
      m.reply(core.histories(h.storeId(), h.asOfMs()));
    } else if (body instanceof ControlMessage.Recompute r) {
      recomputeSlice(r.storeId(), core.customersOf(r.storeId()), 0, m);
    } else if (body instanceof ControlMessage.Preview p) {
      List<String> members = p.members() ? new ArrayList<>() : null;
      JsonArray counts = new JsonArray();
      for (long c : core.preview(p.storeId(), p.rules(), Instant.now(), members)) {
        counts.add(c);
      }
      JsonObject answer = new JsonObject().put("counts", counts);
      m.reply(members == null ? answer : answer.put("members", new JsonArray(new ArrayList<Object>(members))));
    }
  }

  private void profileChanged(String storeId, String customerId, Message<ControlMessage> m) {
    withCustomer(storeId, customerId, true, c -> {
      if (c != null) {
        core.evaluateAll(c, Instant.now(), "profile");
      }
      writer.replyWhenWritten(m, null);
    });
  }

  /**
   * A customer created through the API, from the row its create returned: no read of it (issue
   * 17, thirty-third pass: the evaluator's reads of new customers were 0.033 ms of PostgreSQL a
   * create at a million customers), and no state row unless its tests left something to keep
   * ({@link PartitionCore#evaluateCreated}). One this partition holds or is reading already (an
   * event of it came first) is re-read as any profile change.
   */
  private void created(ControlMessage.Created n, Message<ControlMessage> m) {
    String storeId = n.storeId();
    String customerId = n.customerId();
    if (loading.containsKey(PartitionCore.key(storeId, customerId)) || core.isErased(storeId, customerId)
        || core.customer(storeId, customerId) != null) {
      profileChanged(storeId, customerId, m);
      return;
    }
    CustomerState c = core.newCustomer(storeId, customerId, null);
    c.setCreatedProfile(n.row());
    core.adoptFresh(c);
    core.evaluateCreated(c, Instant.now());
    writer.replyWhenWritten(m, null);
  }

  private void segmentChanged(ControlMessage.SegmentChanged msg, Message<ControlMessage> m) {
    segmentRepository.get(msg.storeId(), msg.segmentId()).onComplete(ar -> {
      if (ar.failed()) {
        m.fail(500, ar.cause().getMessage());
        return;
      }
      SegmentDefinition def = ar.result();
      if (!PartitionCore.isLive(def)) {
        backfills.forget(msg.storeId(), msg.segmentId());
        core.uninstall(msg.storeId(), msg.segmentId());
        m.reply(new JsonObject().put("done", true).put("version", def == null ? -1 : def.version()));
        return;
      }
      backfills.add(def, msg.edited(), m);
    });
  }

  /** What {@link BackfillPasses} asks of this verticle. */
  private BackfillPasses.Host backfillHost() {
    return new BackfillPasses.Host() {
      @Override
      public void whenRoom(Runnable next) {
        SegmentEvaluatorVerticle.this.whenRoom(next);
      }

      @Override
      public int slice(int full) {
        return bulkSlice(full);
      }

      @Override
      public void progress(SegmentDefinition def, double fraction) {
        vertx.eventBus().send(SegmentEngine.PROGRESS_ADDRESS,
            new SegmentEngine.Progress(def.storeId(), def.id(), def.version(), partition, fraction),
            SegmentEngine.LOCAL_PROGRESS);
      }

      @Override
      public void done(BackfillPasses.Sync sync, int customers, long[] funnel) {
        JsonObject answer = new JsonObject().put("done", true).put("version", sync.def().version())
            .put("customers", customers);
        if (funnel != null) {
          // the whole pass ran for this version: its funnel is the segment's (see ControlMessage.SegmentChanged)
          JsonArray counts = new JsonArray();
          for (long c : funnel) {
            counts.add(c);
          }
          answer.put("counts", counts);
        }
        for (Message<ControlMessage> reply : sync.replies()) {
          writer.replyWhenWritten(reply, answer);
        }
      }

      @Override
      public void later(long delayMs, Runnable next) {
        vertx.setTimer(Math.max(1, delayMs), t -> next.run());
      }

      @Override
      public long millis() {
        return System.nanoTime() / 1_000_000;
      }
    };
  }

  /**
   * Forgets an erased customer: it leaves its segments (written with the next batch) and is never
   * loaded again. Replies once that batch is written. Idempotent: a customer not in memory has
   * nothing to leave.
   */
  private void erase(String storeId, String customerId, Message<ControlMessage> m) {
    core.markErased(storeId, customerId);
    Consumer<CustomerState> reply = ignored -> writer.replyWhenWritten(m, new JsonObject().put("done", true));
    Queue<Consumer<CustomerState>> waiting = loading.get(PartitionCore.key(storeId, customerId));
    if (waiting != null) {
      // the load in progress sees the customer as erased and forgets it before running this
      waiting.add(reply);
      return;
    }
    CustomerState c = core.customer(storeId, customerId);
    if (c != null) {
      core.forget(c, true, Instant.now());
    }
    reply.accept(null);
  }

  /** One customer's metrics as of now; {@code found: false} when there is no such customer. */
  private void customerMetrics(ControlMessage.Metrics q, Message<ControlMessage> m) {
    withCustomer(q.storeId(), q.customerId(), false, c -> {
      CustomerMetrics now = c == null ? null : c.metricsAt(System.currentTimeMillis());
      m.reply(now == null ? new JsonObject().put("found", c != null)
          : new JsonObject().put("found", true).put("metrics", MetricsJson.customer(c.customerId, now, metrics.settings())));
    });
    writer.requestFlush();
  }

  /**
   * Several customers' metrics as of now, one reply: {customer id: metrics}; missing ones left
   * out. Customers in memory answer from memory; the others are read with ONE query for all of
   * them and answered from their stored state without being adopted (an export of a million
   * members reads them page by page: loading each with its own query ran the pool dry, and
   * keeping them all would hold the million in memory). A customer being loaded meanwhile waits
   * for that load. A failed read fails the reply (the caller decides; nothing here to retry).
   */
  private void customersMetrics(ControlMessage.MetricsOf q, Message<ControlMessage> m) {
    JsonObject out = new JsonObject();
    long now = System.currentTimeMillis();
    String storeId = q.storeId();
    List<String> stored = new ArrayList<>();
    int[] waiting = {1}; // one for the stored read (or its absence), one per customer being loaded
    Runnable oneDone = () -> {
      if (--waiting[0] == 0) {
        m.reply(out);
      }
    };
    for (String id : q.customerIds()) {
      if (core.isErased(storeId, id)) {
        continue;
      }
      if (loading.containsKey(PartitionCore.key(storeId, id))) {
        waiting[0]++;
        withCustomer(storeId, id, false, c -> {
          putMetrics(out, c, now);
          oneDone.run();
        });
        continue;
      }
      CustomerState c = core.customer(storeId, id);
      if (c != null) {
        putMetrics(out, c, now);
      } else {
        stored.add(id);
      }
    }
    if (stored.isEmpty()) {
      oneDone.run();
      return;
    }
    db.loadCustomers(storeId, stored).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("could not read {} customers' stored state for their metrics: {}", stored.size(),
            ar.cause().getMessage());
        waiting[0] = Integer.MIN_VALUE; // never replies twice
        m.fail(503, "could not read the customers: " + ar.cause().getMessage());
        return;
      }
      for (String id : stored) {
        // adopted or erased meanwhile (an event, an erasure): memory is the truth
        CustomerState c = core.customer(storeId, id);
        Row row = ar.result().get(id);
        if (c != null) {
          putMetrics(out, c, now);
        } else if (row != null && !core.isErased(storeId, id)) {
          CustomerMetrics metricsNow = core.storedMetrics(storeId, id, EvaluationStore.storedState(row), now);
          if (metricsNow != null) {
            out.put(id, MetricsJson.customer(id, metricsNow, metrics.settings()));
          }
        }
      }
      oneDone.run();
    });
  }

  private void putMetrics(JsonObject out, CustomerState c, long now) {
    CustomerMetrics metricsNow = c == null ? null : c.metricsAt(now);
    if (metricsNow != null) {
      out.put(c.customerId, MetricsJson.customer(c.customerId, metricsNow, metrics.settings()));
    }
  }

  /**
   * Recomputes every metric of the store's customers (after a refit, and as time passes) and
   * re-tests the segments that read a metric field, in slices so a large store does not hold
   * the event loop (about 10 µs a customer).
   */
  private void recomputeSlice(String storeId, List<CustomerState> all, int from, Message<ControlMessage> m) {
    if (from >= all.size()) {
      writer.requestFlush();
      m.reply(new JsonObject().put("customers", all.size()));
      return;
    }
    int to = Math.min(all.size(), from + bulkSlice(RECOMPUTE_SLICE));
    core.recompute(storeId, all.subList(from, to), System.currentTimeMillis());
    whenRoom(() -> recomputeSlice(storeId, all, to, m));
  }
}
