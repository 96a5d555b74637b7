package io.shoal.notify;

import io.shoal.config.WebhookConfig;
import io.shoal.outbox.Doubts;
import io.shoal.outbox.Notification;
import io.shoal.outbox.NotificationLog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.codec.BodyCodec;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends signed webhooks: one job, dispatching. An endpoint's delivery state is a position in the
 * notification log (its cursor, {@code webhook_cursors}) plus the deliveries kept as rows
 * ({@code webhook_deliveries}): the event's transaction writes nothing per delivery, and the
 * dispatcher writes one statement for the batches its lanes finished meanwhile. (A row per delivery, written with the event, was
 * ~90 rows an event at 1,000 segments and 10 endpoints, and most of PostgreSQL's time.)
 *
 * <pre>
 *   wake (NEW_NOTIFICATIONS) | tick
 *     --> lane (one per endpoint) idle and holding its cursor? page of the store's log after the
 *         position, settled, from WebhookLogReader: read once for all the store's lanes at that
 *         position (a lane behind reads on its own until it reaches them)
 *     --> the subscribed notifications, per customer in seq order, customers in parallel:
 *           customer has kept rows ----------------------------------------> kept behind them
 *           POST (signed) --2xx--> the customer's next one                   --> delivered
 *                         '-else--> RetryPolicy: kept, due at its retry; the customer's rest kept behind it
 *                                   (410: endpoint disabled; horizon: failing; the batch's unsent rest kept)
 *     --> resolve, one statement for every lane that finished a page meanwhile, each lane's part only
 *         while this dispatcher holds its cursor: delivered appended, kept inserted, position moved
 *         past the page; the lane sends its next page meanwhile (not a third: a page's record is
 *         written after the one before it)
 *   kept rows: claim (per lane: free slots; per customer: only the oldest undelivered) --> POST
 *     --> outcome written back: succeeded | retry (backoff + jitter) | failed (endpoint failing) | 410
 * </pre>
 *
 * Batched requests: an endpoint with {@code max_batch_size} above 1 gets up to that many events
 * per request, as one signed JSON array. Its customers are spread over {@code concurrency}
 * groups; each group's deliveries go out in seq order, one request at a time, so a customer's
 * events still arrive in order. A failed request keeps its events and the rest of its group.
 *
 * Order: a customer's deliveries to an endpoint go out one at a time in seq order. A customer
 * with kept rows is held: the lane's later deliveries of it are kept behind them, and the claims
 * send them in order. Which customers are held is read from the table when a lane starts and
 * every {@link #RECOUNT_EVERY_TICKS} ticks, and only grows in between.
 *
 * Crash: the position moves only with the batch's outcomes, after the receivers' 2xx or with
 * the kept rows; a batch sent but not resolved is sent again after a restart (at least once,
 * with the same event id). A notification in doubt keeps the stored position below it.
 *
 * Nodes: a cursor is held by one dispatcher at a time ({@code holder}, {@code held_until} on its
 * row, renewed every tick). A lane sends only while its hold is younger than two thirds of
 * {@link #holdMs}, by its own clock from when it asked, and its batch resolves only if it still
 * holds the cursor, so two dispatchers never both send a batch while clocks run at one rate.
 * Every take-over raises the cursor's {@code epoch}: a renewal keeps it, a batch resolves only
 * under the epoch it was read under, and a lane whose renewal answers another epoch (it stalled
 * past its hold, another node took the cursor and moved it, and it took the cursor back) starts
 * again where the row stands, as after any take-over.
 *
 * Isolation: each lane has its own bound on requests in flight (a slow or failing endpoint only
 * occupies its own slots, plus its share of the global bound). Graceful stop: no new batches or
 * claims; requests out may finish for one timeout, then claimed ones are given back (pending); a
 * page part-way out is resolved with its unsent rest kept as rows; and the cursors are let go.
 */
public final class WebhookDispatcherVerticle extends VerticleBase {

  /** Published (locally) when endpoints change: created, updated, rolled, redelivered to. */
  public static final String ENDPOINTS_CHANGED = "shoal.notify.endpoints-changed";

  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcherVerticle.class);
  private static final String USER_AGENT = "Shoal-Webhooks/1.0 (+https://github.com/shoal)";
  private static final int RELOAD_EVERY_TICKS = 20;
  private static final int RECOUNT_EVERY_TICKS = 60;
  private static final long RETRY_MS = 1_000;
  /**
   * Resolve statements written at once (PostgreSQL runs them on separate cores; a lane has at most
   * one in any), and the rows after which a statement takes no more lanes. One statement at a
   * time for all lanes was 50,000 rows and 1.3-1.5 s on one core, longer than a page's sending.
   */
  private static final int RESOLVES_AT_ONCE = 2;
  private static final int RESOLVE_ROWS = 10_000;
  /** How long a cursor's hold lasts unrenewed. */
  static final long HOLD_MS = 15_000;

  /** One endpoint's share of the dispatcher. */
  private static final class Lane {
    WebhookEndpoint endpoint;
    int inFlight;
    /** The claims may find due kept rows. */
    boolean wanted = true;
    /** Customers (ordering keys) with a request out right now. */
    final Set<String> keysInFlight = new HashSet<>();
    /**
     * Customers (ordering keys) with kept rows, as read from the table, and every one since that
     * a batch kept or a claim took: their later deliveries are kept behind, for the claims.
     */
    final Set<String> held = new HashSet<>();
    /** While the count is being read: holds counted meanwhile, added to what is read. */
    Set<String> heldWhileLoading = new HashSet<>();
    /** Until the first count arrives the lane sends nothing; {@code counting}: a count is on its way. */
    boolean loading = true;
    boolean counting;
    int loadGeneration;
    /** Set when a 410 or the horizon stopped it, until the endpoint changes. */
    OffsetDateTime pausedAtVersion;
    long timerId = -1;
    long timerAt = Long.MAX_VALUE;

    /** The cursor while this dispatcher holds it (null: not held, or not asked yet). */
    DeliveryStore.Cursor cursor;
    /** Until when (System.nanoTime) the hold may be relied on to send. */
    long sendUntilNanos;
    /**
     * Every notification up to here is sent and resolved, or sent and being resolved (in
     * {@link #unresolved}): the lane's next page starts here. The stored position may lag (see
     * {@link #dirty}).
     */
    long position;
    Doubts doubts = new Doubts();
    /** The position moved past notifications none of which were for this endpoint, not stored yet. */
    boolean dirty;
    /** A page being sent; {@code again}: woken meanwhile. */
    Batch batch;
    /**
     * Pages sent, oldest first, whose outcomes and position are not written yet: the head is in
     * (or waits for) a resolve statement, the next one only after it (a later page's position
     * never lands before an earlier page's kept rows). The lane sends its next page meanwhile.
     */
    final ArrayDeque<Batch> unresolved = new ArrayDeque<>();
    boolean following;
    boolean again;
    boolean removed;

    Lane(WebhookEndpoint endpoint) {
      this.endpoint = endpoint;
    }

    boolean paused() {
      return pausedAtVersion != null;
    }

    /** This dispatcher holds the cursor, and may rely on it to send. */
    boolean ours() {
      return cursor != null && System.nanoTime() < sendUntilNanos;
    }

    boolean mayFollow() {
      return !removed && !paused() && !loading && ours();
    }

    /** No page being read, sent or resolved. */
    boolean idle() {
      return batch == null && unresolved.isEmpty() && !following;
    }

    boolean subscribed(String type) {
      return endpoint.events().contains(type) || endpoint.events().contains(WebhookEndpointApi.ALL_TYPES);
    }
  }

  /**
   * One page of a lane's log being sent: queues waiting for a slot (a customer's deliveries, or a
   * group of customers' for an endpoint taking batches, in seq order), then what was delivered
   * and what is kept, resolved together.
   */
  private static final class Batch {
    final long upTo;
    final Doubts doubts;
    /** The epoch of the hold it was read under: recorded only under it. */
    final long epoch;
    final ArrayDeque<ArrayDeque<DeliveryStore.Stored>> waiting = new ArrayDeque<>();
    final List<DeliveryStore.Delivered> delivered = new ArrayList<>();
    final List<DeliveryStore.Kept> kept = new ArrayList<>();
    /** Customers this batch keeps rows of (counted as held even before the rows are written). */
    final Set<String> keptKeys = new HashSet<>();
    /** Its sending is over: resolved next, or left to the cursor's holder to send again. */
    final Promise<Void> sent = Promise.promise();
    int running;
    /** A 410 or the horizon: nothing more is sent, the rest is kept. */
    boolean stopped;
    long earliestRetryMs = Long.MAX_VALUE;
    /** The page's bodies as sent, shared with the store's other lanes (see WebhookLogReader.Page). */
    Map<DeliveryStore.Stored, Buffer> wire = new IdentityHashMap<>();

    Batch(long upTo, Doubts doubts, long epoch) {
      this.upTo = upTo;
      this.doubts = doubts;
      this.epoch = epoch;
    }
  }

  private record Finished(Lane lane, DeliveryOutcome outcome) {}

  /** A lane's batch waiting to be resolved. */
  private record Resolving(Lane lane, Batch batch) {}

  /** A delivery's signed request, ready to go. */
  private record Prepared(HttpRequest<Void> request, Buffer body) {}

  private final DeliveryStore store;
  private final WebhookConfig config;
  private final RetryPolicy.Schedule schedule;
  private final String holder;
  private final long holdMs;
  private final int pageSize;

  private WebClient client;
  private WebhookLogReader log;
  private final Map<String, Lane> lanes = new LinkedHashMap<>();
  private Map<String, List<Lane>> lanesByStore = new HashMap<>();
  private final Map<DeliveryAttempt, Lane> sending = new IdentityHashMap<>();
  /** Attempts out that a claim took (their rows are in flight in the table). */
  private final Set<DeliveryAttempt> claimed = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
  private final List<Finished> finished = new ArrayList<>();
  /** Batches done sending, for the next resolve statements (a lane's only once its earlier one is written). */
  private final ArrayDeque<Resolving> toResolve = new ArrayDeque<>();
  /** Resolve statements being written. */
  private int resolving;
  private long resolveStatements;
  private int inFlight;
  /** Outcomes being written right now (those waiting to be are in {@link #finished}). */
  private int unwritten;
  private int rotation;
  private boolean claiming;
  private boolean claimAgain;
  private boolean writing;
  private boolean reloading;
  private boolean reloadAgain;
  private boolean renewing;
  /** The renewal being written (a graceful stop lets the cursors go only after it). */
  private Future<?> renewal = Future.succeededFuture();
  private boolean stopping;
  private Promise<Void> drained;
  private long tickTimer = -1;
  private long ticks;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  /**
   * {@code store} on the dispatcher's own (relaxed-commit) pool, not the API's; {@code holder}
   * names this dispatcher on the cursors it holds (the node: one restarted takes them back at once).
   */
  public WebhookDispatcherVerticle(DeliveryStore store, WebhookConfig config, String holder) {
    this(store, config, holder, HOLD_MS);
  }

  WebhookDispatcherVerticle(DeliveryStore store, WebhookConfig config, String holder, long holdMs) {
    this(store, config, holder, holdMs, WebhookLogReader.PAGE);
  }

  /** {@code pageSize}: notifications read from a store's log at once (tests read less). */
  WebhookDispatcherVerticle(DeliveryStore store, WebhookConfig config, String holder, long holdMs, int pageSize) {
    this.pageSize = pageSize;
    this.store = store;
    this.config = config;
    this.holder = holder;
    this.holdMs = holdMs;
    this.schedule = new RetryPolicy.Schedule(config.retryBaseMs(), config.retryMaxMs(), config.retryHorizonMs());
  }

  @Override
  public Future<?> start() {
    client = WebClient.create(vertx, new WebClientOptions()
            .setUserAgent(USER_AGENT)
            .setFollowRedirects(false)
            .setKeepAlive(true)
            .setConnectTimeout(Math.min(config.timeoutMs(), 5_000))
            .setIdleTimeout(60)
            .setDecompressionSupported(false),
        new PoolOptions().setHttp1MaxSize(config.maxInFlight()).setHttp2MaxSize(config.maxInFlight()));
    log = new WebhookLogReader(vertx, store, pageSize);
    return store.requeueInFlight()
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("{} webhook deliveries were in flight when Shoal stopped; they are pending again", n);
          }
        })
        .compose(n -> reload())
        .compose(v -> armDueTimers(new ArrayList<>(lanes.keySet())))
        .onSuccess(v -> {
          consumers.add(vertx.eventBus().<String>localConsumer(NotificationLog.NEW_NOTIFICATIONS, m -> wake(m.body())));
          consumers.add(vertx.eventBus().<String>localConsumer(ENDPOINTS_CHANGED, m -> reload()
              .onComplete(ar -> loadHeld(lanesByStore.getOrDefault(m.body(), List.of())))));
          tickTimer = vertx.setPeriodic(config.pollIntervalMs(), id -> tick());
          claimRound();
        });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(tickTimer);
    lanes.values().forEach(l -> vertx.cancelTimer(l.timerId));
    consumers.forEach(MessageConsumer::unregister);
    drained = Promise.promise();
    // the cursors stay held while what went out is recorded: a next holder starting meanwhile
    // would send it again
    long renew = vertx.setPeriodic(config.pollIntervalMs(), id -> holdCursors());
    checkDrained();
    long deadline = vertx.setTimer(config.timeoutMs() + 1_000L, id -> {
      if (!drained.future().isComplete()) {
        List<DeliveryAttempt> out = new ArrayList<>(claimed);
        LOG.info("Stopping: giving back {} webhook deliveries still in flight", out.size());
        store.giveBack(out).onComplete(ar -> drained.tryComplete());
      }
    });
    return drained.future()
        .compose(v -> {
          vertx.cancelTimer(renew);
          return renewal.transform(ar -> {
            Map<String, Long> held = epochs(lanes.values().stream().filter(l -> l.cursor != null).toList());
            return held.isEmpty() ? Future.succeededFuture() : store.releaseCursors(held, holder);
          });
        })
        .eventually(() -> {
          vertx.cancelTimer(deadline);
          client.close();
          return Future.succeededFuture();
        });
  }

  /** The log reader (tests count its reads). */
  WebhookLogReader logReader() {
    return log;
  }

  // --- waking ----------------------------------------------------------------------------------

  private void wake(String storeId) {
    log.woken(storeId);
    List<Lane> ofStore = lanesByStore.get(storeId);
    if (ofStore != null) {
      ofStore.forEach(this::follow);
    }
  }

  private void tick() {
    if (++ticks % RELOAD_EVERY_TICKS == 0) {
      reload();
    }
    if (ticks % RECOUNT_EVERY_TICKS == 0) {
      loadHeld(new ArrayList<>(lanes.values())); // customers served by claims meanwhile may go fast again
    }
    holdCursors();
    log.tick();
    for (Lane lane : lanes.values()) {
      lane.wanted = true;
      if (lane.dirty && lane.idle() && lane.mayFollow()) {
        // store a position moved past others' notifications
        resolve(lane, new Batch(lane.position, lane.doubts, lane.cursor.epoch()));
      } else {
        follow(lane); // in case a wake was missed
      }
    }
    claimRound();
  }

  /** Wakes a lane's claims at {@code atMs}, the earliest retry it is waiting for. */
  private void armAt(Lane lane, long atMs) {
    if (stopping || lane.timerAt <= atMs && lane.timerId >= 0) {
      return;
    }
    if (lane.timerId >= 0) {
      vertx.cancelTimer(lane.timerId);
    }
    lane.timerAt = atMs;
    lane.timerId = vertx.setTimer(Math.max(1, atMs - System.currentTimeMillis()), id -> {
      lane.timerId = -1;
      lane.timerAt = Long.MAX_VALUE;
      lane.wanted = true;
      claimRound();
    });
  }

  private Future<Void> armDueTimers(List<String> endpointIds) {
    if (endpointIds.isEmpty()) {
      return Future.succeededFuture();
    }
    return store.nextDue(endpointIds).map(due -> {
      due.forEach((id, at) -> {
        Lane lane = lanes.get(id);
        if (lane != null) {
          armAt(lane, at.toEpochMilli());
        }
      });
      return null;
    });
  }

  /** Re-reads the endpoints that may be dispatched to (enabled and active). */
  private Future<Void> reload() {
    if (reloading) {
      reloadAgain = true;
      return Future.succeededFuture();
    }
    reloading = true;
    return store.dispatchableEndpoints().map(endpoints -> {
      Set<String> seen = new HashSet<>();
      List<String> added = new ArrayList<>();
      List<Lane> recount = new ArrayList<>();
      for (WebhookEndpoint e : endpoints) {
        seen.add(e.id());
        Lane lane = lanes.get(e.id());
        if (lane == null) {
          lane = new Lane(e);
          lanes.put(e.id(), lane);
          added.add(e.id());
          recount.add(lane);
        } else {
          if (lane.paused() && !lane.pausedAtVersion.equals(e.updatedAt())) {
            lane.pausedAtVersion = null;
            recount.add(lane); // what it kept goes out again
          }
          lane.endpoint = e;
          lane.wanted = true;
        }
      }
      lanes.values().removeIf(l -> {
        boolean gone = !seen.contains(l.endpoint.id());
        if (gone) {
          l.removed = true; // a batch it is sending still resolves
          vertx.cancelTimer(l.timerId);
        }
        return gone;
      });
      Map<String, List<Lane>> byStore = new HashMap<>();
      lanes.values().forEach(l -> byStore.computeIfAbsent(l.endpoint.storeId(), k -> new ArrayList<>()).add(l));
      lanesByStore = byStore;
      loadHeld(recount);
      return added;
    }).compose(this::armDueTimers).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("Could not read webhook endpoints", ar.cause());
      }
      reloading = false;
      if (reloadAgain) {
        reloadAgain = false;
        reload();
      }
      holdCursors();
      claimRound();
    });
  }

  /**
   * Takes the cursors of lanes that have none and renews the others', in one statement; while
   * stopping, only renews the ones held (until what went out is recorded). A lane whose cursor
   * another dispatcher took stops sending (its batch does not resolve).
   */
  private void holdCursors() {
    if (renewing) {
      return;
    }
    List<Lane> asked = lanes.values().stream().filter(l -> !stopping || l.cursor != null).toList();
    if (asked.isEmpty()) {
      return;
    }
    renewing = true;
    long askedAt = System.nanoTime();
    Future<List<DeliveryStore.Cursor>> holding = store.holdCursors(epochs(asked), holder, holdMs);
    renewal = holding;
    holding.onComplete(ar -> {
      renewing = false;
      if (ar.failed()) {
        LOG.warn("Could not renew the webhook cursors; retrying on the next tick: {}", ar.cause().toString());
        return;
      }
      Map<String, DeliveryStore.Cursor> held = new HashMap<>();
      ar.result().forEach(c -> held.put(c.endpointId(), c));
      List<Lane> taken = new ArrayList<>();
      for (Lane lane : asked) {
        DeliveryStore.Cursor c = held.get(lane.endpoint.id());
        if (c == null) {
          if (lane.cursor != null) {
            LOG.info("Webhook endpoint {} is dispatched by another node now", lane.endpoint.id());
          }
          lane.cursor = null;
          continue;
        }
        if (lane.cursor != null && lane.cursor.epoch() != c.epoch()) {
          // taken over and taken back while this lane looked away (a stall past its hold): what it
          // read and sent before is not its to record; it starts again where the row stands
          LOG.info("Webhook endpoint {}: its cursor was taken over meanwhile (epoch {} -> {}); going on from"
              + " where it stands", lane.endpoint.id(), lane.cursor.epoch(), c.epoch());
          lane.cursor = null;
        }
        if (lane.cursor == null && lane.idle() && !stopping) {
          lane.cursor = c; // taken: it starts where the row stands
          lane.position = c.position();
          lane.doubts = new Doubts();
          lane.dirty = false;
          // customers the previous holder kept rows of are held here too: counted (again) before
          // the lane sends
          lane.loading = true;
          taken.add(lane);
        }
        if (lane.cursor != null) {
          lane.sendUntilNanos = askedAt + holdMs * 2 / 3 * 1_000_000;
        }
      }
      loadHeld(taken);
      asked.forEach(this::follow);
      claimRound();
    });
  }

  /** The lanes' endpoints, each with the epoch its cursor is held under (null: not held). */
  private static Map<String, Long> epochs(List<Lane> of) {
    Map<String, Long> out = new LinkedHashMap<>();
    of.forEach(l -> out.put(l.endpoint.id(), l.cursor == null ? null : l.cursor.epoch()));
    return out;
  }

  /**
   * Reads which customers have kept rows for these lanes; their batches keep those customers'
   * deliveries meanwhile (and their customers are added to what is read).
   */
  private void loadHeld(List<Lane> toLoad) {
    if (toLoad.isEmpty() || stopping) {
      return;
    }
    List<String> ids = new ArrayList<>();
    Map<Lane, Integer> generations = new IdentityHashMap<>();
    for (Lane lane : toLoad) {
      lane.counting = true;
      lane.heldWhileLoading = new HashSet<>();
      generations.put(lane, ++lane.loadGeneration);
      ids.add(lane.endpoint.id());
    }
    store.heldKeys(ids).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("Could not count undelivered webhook deliveries; retrying", ar.cause());
        vertx.setTimer(1_000, id -> loadHeld(toLoad.stream().filter(l -> lanes.get(l.endpoint.id()) == l).toList()));
        return;
      }
      generations.forEach((lane, generation) -> {
        if (lane.loadGeneration != generation) {
          return; // a newer count is on its way
        }
        lane.held.clear();
        lane.held.addAll(ar.result().getOrDefault(lane.endpoint.id(), Set.of()));
        lane.held.addAll(lane.heldWhileLoading);
        if (lane.batch != null) {
          lane.held.addAll(lane.batch.keptKeys); // kept by a batch not resolved yet: not in the table yet
        }
        lane.unresolved.forEach(b -> lane.held.addAll(b.keptKeys));
        lane.heldWhileLoading = new HashSet<>();
        lane.counting = false;
        lane.loading = false;
        follow(lane);
      });
    });
  }

  private static void hold(Lane lane, String key) {
    lane.held.add(key);
    if (lane.counting) {
      lane.heldWhileLoading.add(key);
    }
  }

  // --- the log after the position -> batch -----------------------------------------------------

  /**
   * Reads and sends the lane's next page (resolved after, see {@link #resolve}), and the next
   * while pages come full or wakes came; a page is sent while the one before is resolved, not two.
   */
  private void follow(Lane lane) {
    if (stopping || !lane.mayFollow()) {
      return;
    }
    if (lane.following || lane.batch != null || lane.unresolved.size() > 1) {
      lane.again = true;
      return;
    }
    lane.following = true;
    lane.again = false;
    log.next(lane.endpoint.storeId(), lane.position, lane.doubts).compose(page -> {
      if (page == null) {
        return Future.succeededFuture(false);
      }
      return dispatch(lane, page).map(page.full());
    }).onComplete(ar -> {
      lane.following = false;
      if (ar.failed()) {
        LOG.warn("Webhook endpoint {}: reading the log after {} failed; retrying: {}", lane.endpoint.id(),
            lane.position, ar.cause().toString());
        vertx.setTimer(RETRY_MS, t -> follow(lane));
      } else if (ar.result() || lane.again) {
        follow(lane);
      }
    });
  }

  /** Sends a page's deliveries for this endpoint (then resolved with the position); completes once all went out. */
  private Future<Void> dispatch(Lane lane, WebhookLogReader.Page page) {
    DeliveryStore.Cursor cursor = lane.cursor;
    if (cursor == null) {
      return Future.succeededFuture(); // taken by another node meanwhile
    }
    Batch batch = new Batch(page.upTo(), page.doubts(), cursor.epoch());
    batch.wire = page.wire();
    Map<String, ArrayDeque<DeliveryStore.Stored>> byCustomer = new LinkedHashMap<>();
    for (DeliveryStore.Stored s : page.rows()) {
      if (lane.subscribed(s.notification().type()) && !cursor.skips(s.seq())) {
        byCustomer.computeIfAbsent(orderingKey(s.notification()), k -> new ArrayDeque<>()).add(s);
      }
    }
    if (byCustomer.isEmpty()) {
      lane.position = Math.max(lane.position, page.upTo()); // nothing for this endpoint: stored later
      lane.doubts = page.doubts();
      lane.dirty = true;
      return Future.succeededFuture();
    }
    lane.batch = batch;
    List<ArrayDeque<DeliveryStore.Stored>> queues = new ArrayList<>();
    byCustomer.forEach((key, deliveries) -> {
      if (lane.held.contains(key) || lane.keysInFlight.contains(key)) {
        keepAll(lane, batch, deliveries, null);
      } else {
        queues.add(deliveries);
      }
    });
    batch.waiting.addAll(lane.endpoint.maxBatchSize() > 1 ? grouped(queues, config.concurrency()) : queues);
    pump(lane, batch);
    return batch.sent.future();
  }

  /** Customers' queues merged into at most {@code groups} queues, each in seq order. */
  private static List<ArrayDeque<DeliveryStore.Stored>> grouped(List<ArrayDeque<DeliveryStore.Stored>> customers,
                                                                 int groups) {
    List<List<DeliveryStore.Stored>> merged = new ArrayList<>();
    for (int i = 0; i < customers.size(); i++) {
      if (i < groups) {
        merged.add(new ArrayList<>());
      }
      merged.get(i % groups).addAll(customers.get(i));
    }
    List<ArrayDeque<DeliveryStore.Stored>> out = new ArrayList<>(merged.size());
    for (List<DeliveryStore.Stored> group : merged) {
      group.sort(java.util.Comparator.comparingLong(DeliveryStore.Stored::seq));
      out.add(new ArrayDeque<>(group));
    }
    return out;
  }

  private static String orderingKey(Notification n) {
    return n.customerId() != null ? n.customerId() : n.id();
  }

  /** Keeps a customer's remaining deliveries of the batch as rows, unsent, due with its earlier one. */
  private static void keepAll(Lane lane, Batch batch, ArrayDeque<DeliveryStore.Stored> deliveries, Long dueMs) {
    for (DeliveryStore.Stored s : deliveries) {
      String key = orderingKey(s.notification());
      batch.kept.add(new DeliveryStore.Kept(s.seq(), key, "pending", 0, null, null, null, dueMs, null));
      batch.keptKeys.add(key);
      hold(lane, key);
    }
    deliveries.clear();
  }

  /** Starts customers' next deliveries while the lane has free slots; resolves the batch once all are done. */
  private void pump(Lane lane, Batch batch) {
    if (lane.paused() || lane.removed) {
      batch.stopped = true; // a 410, the horizon, or the endpoint turned off: the rest is kept
    }
    boolean ours = lane.ours() && !stopping;
    while (!batch.waiting.isEmpty() && !batch.stopped && ours
        && lane.inFlight < config.concurrency() && inFlight < config.maxInFlight()) {
      sendNext(lane, batch, batch.waiting.poll());
    }
    if (batch.running > 0 || !batch.waiting.isEmpty() && !batch.stopped && ours) {
      return; // answers (or a slot freed) will pump again
    }
    if (!ours && batch.delivered.isEmpty()) {
      // the cursor is not ours any more (or its hold too old to send on), or we stop, before any
      // of the page went out: its holder sends the page again
      lane.batch = null;
      batch.sent.complete();
      checkDrained();
      return;
    }
    // done, or stopped part-way through (we stop, or the hold is too old to send on): what went
    // out is recorded and the rest kept as rows (the claims send them), if the cursor is still
    // held when the record is written (else its holder sends the page again); so a graceful stop,
    // a handover or a slow renewal sends nothing twice
    batch.waiting.forEach(rest -> keepAll(lane, batch, rest, null));
    batch.waiting.clear();
    resolve(lane, batch);
  }

  /** Sends the queue's next delivery (the next ones up to the endpoint's batch size, as one request). */
  private void sendNext(Lane lane, Batch batch, ArrayDeque<DeliveryStore.Stored> deliveries) {
    List<DeliveryStore.Stored> sent = new ArrayList<>();
    List<DeliveryAttempt> attempts = new ArrayList<>();
    while (!deliveries.isEmpty() && sent.size() < lane.endpoint.maxBatchSize()) {
      DeliveryStore.Stored s = deliveries.poll();
      Notification n = s.notification();
      sent.add(s);
      attempts.add(new DeliveryAttempt(n.storeId(), lane.endpoint.id(), s.seq(), orderingKey(n), 0, null,
          n.id(), n.type(), n.data(), n.createdAt().atOffset(ZoneOffset.UTC)));
    }
    Prepared request;
    try {
      request = prepare(lane, attempts, body(lane, batch, sent));
    } catch (RuntimeException ex) {
      // these cannot be made (no retry changes that): kept failed with the reason; the queue goes on
      String reason = unprocessable(lane, attempts.get(0), ex);
      attempts.forEach(a -> batch.kept.add(new DeliveryStore.Kept(a.seq(), a.orderingKey(), "failed", 0, null,
          reason, null, null, null)));
      if (!deliveries.isEmpty()) {
        batch.waiting.addFirst(deliveries);
      }
      return;
    }
    batch.running++;
    send(lane, attempts.get(0), request, o -> {
      batch.running--;
      RetryPolicy.Decision d = o.decision();
      if (d.action() == RetryPolicy.Action.SUCCEEDED) {
        long[] seqs = new long[sent.size()];
        for (int i = 0; i < seqs.length; i++) {
          seqs[i] = sent.get(i).seq();
        }
        java.util.Arrays.sort(seqs);
        batch.delivered.add(new DeliveryStore.Delivered(seqs, o.statusCode(), o.latencyMs(), o.atMs()));
        if (!deliveries.isEmpty()) {
          batch.waiting.addFirst(deliveries); // the customer's (group's) next one goes out first
        }
      } else {
        Integer code = o.statusCode() == 0 ? null : o.statusCode();
        String status = d.action() == RetryPolicy.Action.GIVE_UP ? "failed" : "pending";
        Long due = d.action() == RetryPolicy.Action.RETRY ? d.retryAtMs() : null;
        for (DeliveryAttempt a : attempts) {
          batch.kept.add(new DeliveryStore.Kept(a.seq(), a.orderingKey(), status, 1, code, o.error(), o.latencyMs(),
              due, o.atMs()));
          batch.keptKeys.add(a.orderingKey());
          hold(lane, a.orderingKey());
        }
        keepAll(lane, batch, deliveries, due);
        if (due != null) {
          batch.earliestRetryMs = Math.min(batch.earliestRetryMs, due);
        } else {
          batch.stopped = true;
        }
      }
      pump(lane, batch);
    });
  }

  /**
   * The batch went out (or is a position to store): the lane's next page starts after it, and its
   * outcomes and position go in the next resolve statement once the lane's earlier pages are
   * written (see {@link #resolveWaiting}).
   */
  private void resolve(Lane lane, Batch batch) {
    if (lane.batch == batch) {
      lane.batch = null;
    }
    lane.position = Math.max(lane.position, batch.upTo);
    lane.doubts = batch.doubts;
    lane.unresolved.add(batch);
    if (lane.unresolved.size() == 1) {
      toResolve.add(new Resolving(lane, batch));
    }
    batch.sent.complete();
    resolveWaiting();
  }

  /**
   * Statements for the batches waiting, each taking lanes up to {@link #RESOLVE_ROWS} rows, at
   * most {@link #RESOLVES_AT_ONCE} at a time, so lanes that finish a shared page while those are
   * written go together in the next (ten lanes sharing a page: a few statements, not ten). Each
   * lane's part is written only while this dispatcher holds its cursor. Retried until written: the
   * requests went out, only the record is missing.
   */
  private void resolveWaiting() {
    while (resolving < RESOLVES_AT_ONCE && !toResolve.isEmpty()) {
      List<Resolving> group = new ArrayList<>();
      int rows = 0;
      while (!toResolve.isEmpty() && rows < RESOLVE_ROWS) {
        Resolving r = toResolve.poll();
        group.add(r);
        rows += r.batch().delivered.size() + r.batch().kept.size();
      }
      writeResolves(group);
    }
  }

  private void writeResolves(List<Resolving> group) {
    List<DeliveryStore.Resolution> batches = new ArrayList<>(group.size());
    for (Resolving r : group) {
      batches.add(new DeliveryStore.Resolution(r.lane().endpoint.id(), r.batch().epoch,
          r.batch().doubts.floor(r.batch().upTo), r.batch().delivered, r.batch().kept));
    }
    resolving++;
    resolveStatements++;
    store.resolve(batches, holder).onComplete(ar -> {
      resolving--;
      if (ar.failed()) {
        LOG.warn("Webhook endpoints {}: could not record their deliveries; retrying: {}",
            group.stream().map(r -> r.lane().endpoint.id()).toList(), ar.cause().toString());
        if (stopping) {
          group.forEach(r -> r.lane().unresolved.clear()); // sent again after the restart (later pages too)
        } else {
          vertx.setTimer(500, t -> {
            toResolve.addAll(group);
            resolveWaiting();
          });
        }
      } else {
        group.forEach(r -> resolved(r.lane(), r.batch(), ar.result().contains(r.lane().endpoint.id())));
        claimRound();
      }
      resolveWaiting();
      checkDrained();
    });
  }

  /** The batch's record is written ({@code held}) or not (the cursor was taken: its holder sends again). */
  private void resolved(Lane lane, Batch batch, boolean held) {
    lane.unresolved.poll();
    if (held) {
      if (batch.upTo >= lane.position) {
        lane.dirty = false;
      }
    } else {
      LOG.info("Webhook endpoint {}: its cursor was taken by another node; its holder sends again",
          lane.endpoint.id());
      lane.cursor = null;
    }
    if (!batch.kept.isEmpty()) {
      lane.wanted = true;
      if (batch.earliestRetryMs < Long.MAX_VALUE) {
        armAt(lane, batch.earliestRetryMs);
      }
    }
    Batch next = lane.unresolved.peek();
    if (next != null) {
      toResolve.add(new Resolving(lane, next));
    }
    if (!lane.following && lane.again) {
      follow(lane); // woken while a page was sent or resolved
    }
  }

  /** Resolve statements written so far (tests count them). */
  long resolveStatements() {
    return resolveStatements;
  }

  // --- kept rows: pending -> in flight ---------------------------------------------------------

  /**
   * One claim for every lane that may have due kept rows and has free slots, as one query. Wakes
   * arriving meanwhile are folded into one more round.
   */
  private void claimRound() {
    if (stopping) {
      return;
    }
    if (claiming) {
      claimAgain = true;
      return;
    }
    int globalFree = config.maxInFlight() - inFlight;
    if (finished.size() + unwritten > config.maxInFlight()) {
      return; // outcomes are not being written as fast as answers arrive: let the writes catch up
    }
    if (globalFree <= 0 || lanes.isEmpty()) {
      return;
    }
    List<Lane> all = new ArrayList<>(lanes.values());
    List<String> ids = new ArrayList<>();
    List<Integer> frees = new ArrayList<>();
    List<Lane> asked = new ArrayList<>();
    int start = rotation++ % all.size();
    for (int i = 0; i < all.size() && globalFree > 0; i++) {
      Lane lane = all.get((start + i) % all.size());
      int free = Math.min(config.concurrency() - lane.inFlight, globalFree);
      if (!lane.wanted || lane.paused() || lane.cursor == null || free <= 0) {
        continue;
      }
      lane.wanted = false;
      ids.add(lane.endpoint.id());
      frees.add(free);
      asked.add(lane);
      globalFree -= free;
    }
    if (ids.isEmpty()) {
      return;
    }
    claiming = true;
    store.claim(ids, frees).onComplete(ar -> {
      if (stopping) {
        Future<Void> back = ar.succeeded() ? store.giveBack(ar.result()) : Future.succeededFuture();
        back.onComplete(x -> {
          claiming = false;
          checkDrained();
        });
        return;
      }
      claiming = false;
      if (ar.failed()) {
        LOG.warn("Could not claim webhook deliveries; retrying on the next tick", ar.cause());
        asked.forEach(l -> l.wanted = true);
        return;
      }
      Map<String, Integer> got = new HashMap<>();
      for (DeliveryAttempt a : ar.result()) {
        Lane lane = lanes.get(a.endpointId());
        got.merge(a.endpointId(), 1, Integer::sum);
        if (lane == null || lane.paused()) {
          store.giveBack(List.of(a));
          continue;
        }
        hold(lane, a.orderingKey()); // its customer's later deliveries follow it through the claims
        Prepared request;
        try {
          request = prepare(lane, List.of(a));
        } catch (RuntimeException ex) {
          store.failUnprocessable(a.storeId(), a.endpointId(), a.seq(), unprocessable(lane, a, ex))
              .onComplete(x -> {
                lane.wanted = true;
                claimRound();
              });
          continue;
        }
        claimed.add(a);
        send(lane, a, request, o -> {
          claimed.remove(a);
          lane.wanted = true;
          finished.add(new Finished(lane, o));
          writeOutcomes();
          claimRound();
        });
      }
      for (int i = 0; i < asked.size(); i++) {
        if (got.getOrDefault(ids.get(i), 0) >= frees.get(i)) {
          asked.get(i).wanted = true; // full: more may be due as soon as a slot frees
        }
      }
      if (claimAgain) {
        claimAgain = false;
        claimRound();
      }
    });
  }

  // --- in flight -> outcome --------------------------------------------------------------------

  /**
   * The body for deliveries of one endpoint: one event as a JSON object, or for an endpoint taking
   * batches a JSON array of them (even of one). Each event's bytes are encoded once per page for
   * all the lanes that send it (ten endpoints: one encoding, not ten).
   */
  private static Buffer body(Lane lane, Batch batch, List<DeliveryStore.Stored> sent) {
    if (lane.endpoint.maxBatchSize() <= 1) {
      return encoded(batch, sent.get(0)).copy();
    }
    Buffer body = Buffer.buffer(sent.size() * 512).appendByte((byte) '[');
    for (int i = 0; i < sent.size(); i++) {
      if (i > 0) {
        body.appendByte((byte) ',');
      }
      body.appendBuffer(encoded(batch, sent.get(i)));
    }
    return body.appendByte((byte) ']');
  }

  private static Buffer encoded(Batch batch, DeliveryStore.Stored s) {
    return batch.wire.computeIfAbsent(s, x -> x.notification().toJson().toBuffer());
  }

  /** {@link #prepare(Lane, List, Buffer)} with the body encoded from the attempts (a claim's). */
  private Prepared prepare(Lane lane, List<DeliveryAttempt> attempts) {
    Buffer body;
    if (lane.endpoint.maxBatchSize() > 1) {
      io.vertx.core.json.JsonArray events = new io.vertx.core.json.JsonArray();
      attempts.forEach(a -> events.add(a.payload()));
      body = events.toBuffer();
    } else {
      body = attempts.get(0).payload().toBuffer();
    }
    return prepare(lane, attempts, body);
  }

  /**
   * The signed request for deliveries of one endpoint, {@code body} their JSON object or array.
   * Throws when it cannot be made at all (the endpoint's stored URL or secret, or an event,
   * unusable: no retry changes that).
   */
  private Prepared prepare(Lane lane, List<DeliveryAttempt> attempts, Buffer body) {
    WebhookEndpoint e = lane.endpoint;
    DeliveryAttempt first = attempts.get(0);
    boolean array = e.maxBatchSize() > 1;
    long nowMs = System.currentTimeMillis();
    String signature = DeliverySignature.header(nowMs / 1000, body.getBytes(), e.secret(),
        e.previousSecretAt(OffsetDateTime.now(ZoneOffset.UTC)));
    HttpRequest<Void> request = client.postAbs(e.url())
        .connectTimeout(Math.min(config.timeoutMs(), 5_000))
        .idleTimeout(config.timeoutMs())
        .putHeader("Content-Type", "application/json")
        .putHeader(DeliverySignature.HEADER, signature)
        .putHeader("Shoal-Delivery-Attempt", Integer.toString(first.attemptsBefore() + 1))
        .as(BodyCodec.none());
    if (array) {
      request.putHeader("Shoal-Event-Count", Integer.toString(attempts.size()));
    } else {
      request.putHeader("Shoal-Event-Id", first.eventId()).putHeader("Shoal-Event-Type", first.type());
    }
    return new Prepared(request, body);
  }

  private static String unprocessable(Lane lane, DeliveryAttempt a, RuntimeException ex) {
    LOG.warn("Webhook delivery {} to endpoint {} of store {} cannot be made and is marked failed: {}", a.seq(),
        lane.endpoint.id(), lane.endpoint.storeId(), ex.toString());
    String reason = "the delivery cannot be made: " + ex;
    return reason.length() > 300 ? reason.substring(0, 300) : reason;
  }

  /** Sends one request; {@code then} gets its outcome (a 410 or the horizon has paused the lane by then). */
  private void send(Lane lane, DeliveryAttempt a, Prepared prepared, Consumer<DeliveryOutcome> then) {
    lane.inFlight++;
    inFlight++;
    lane.keysInFlight.add(a.orderingKey());
    sending.put(a, lane);
    long started = System.nanoTime();
    prepared.request().sendBuffer(prepared.body()).onComplete(ar -> {
      if (sending.remove(a) == null) {
        return; // given back at shutdown
      }
      boolean wasFull = inFlight >= config.maxInFlight();
      lane.inFlight--;
      inFlight--;
      lane.keysInFlight.remove(a.orderingKey());
      then.accept(outcome(lane, a, ar.succeeded() ? ar.result() : null, ar.cause(),
          (int) ((System.nanoTime() - started) / 1_000_000)));
      // a slot freed: batches waiting for one (this lane's, or any when all were taken) go on
      for (Lane waiting : wasFull ? new ArrayList<>(lanes.values()) : List.of(lane)) {
        Batch b = waiting.batch;
        if (b != null && b.running == 0 && !b.waiting.isEmpty()) {
          pump(waiting, b);
        }
      }
      checkDrained();
    });
  }

  private DeliveryOutcome outcome(Lane lane, DeliveryAttempt a, HttpResponse<Void> response, Throwable failure,
                                  int latencyMs) {
    int code = response == null ? 0 : response.statusCode();
    String error = response != null ? (code >= 200 && code < 300 ? null : "HTTP " + code) : describe(failure);
    long nowMs = System.currentTimeMillis();
    long retrySince = a.retrySince() == null ? -1 : a.retrySince().toInstant().toEpochMilli();
    RetryPolicy.Decision decision = RetryPolicy.decide(schedule, code, a.attemptsBefore() + 1, retrySince, nowMs,
        ThreadLocalRandom.current().nextDouble());
    WebhookEndpoint e = lane.endpoint;
    switch (decision.action()) {
      case DISABLE -> {
        LOG.warn("Webhook endpoint {} of store {} answered 410 Gone: disabled", e.id(), e.storeId());
        lane.pausedAtVersion = e.updatedAt();
        store.disable(e.storeId(), e.id()).onComplete(ar -> reload());
      }
      case GIVE_UP -> {
        LOG.warn("Webhook endpoint {} of store {} kept failing for {} ms: marked failing, deliveries kept",
            e.id(), e.storeId(), config.retryHorizonMs());
        lane.pausedAtVersion = e.updatedAt();
        store.markFailing(e.storeId(), e.id()).onComplete(ar -> reload());
      }
      case RETRY -> LOG.debug("Delivery of {} to {} failed ({}); retry at {}", a.eventId(), e.id(), error,
          Instant.ofEpochMilli(decision.retryAtMs()));
      default -> { }
    }
    return new DeliveryOutcome(a, decision, code, error, latencyMs, nowMs);
  }

  private static String describe(Throwable failure) {
    if (failure instanceof TimeoutException || failure instanceof io.netty.handler.timeout.TimeoutException) {
      return "timeout: " + failure.getMessage();
    }
    String message = failure == null ? null : failure.getMessage();
    String kind = failure == null ? "error" : failure.getClass().getSimpleName();
    String text = message == null ? kind : kind + ": " + message;
    return text.length() > 300 ? text.substring(0, 300) : text;
  }

  /** Writes claimed attempts' outcomes back in groups. */
  private void writeOutcomes() {
    if (writing || finished.isEmpty()) {
      return;
    }
    writing = true;
    List<Finished> batch = new ArrayList<>(finished);
    unwritten = batch.size();
    finished.clear();
    List<DeliveryOutcome> outcomes = new ArrayList<>(batch.size());
    batch.forEach(f -> outcomes.add(f.outcome()));
    store.complete(outcomes).onComplete(ar -> {
      writing = false;
      unwritten = 0;
      if (ar.failed()) {
        LOG.warn("Could not record {} webhook delivery outcomes; retrying", batch.size(), ar.cause());
        finished.addAll(0, batch);
        vertx.setTimer(500, id -> writeOutcomes());
        return;
      }
      for (Finished f : batch) {
        f.lane().wanted = true;
        if (f.outcome().decision().action() == RetryPolicy.Action.RETRY) {
          armAt(f.lane(), f.outcome().decision().retryAtMs());
        }
      }
      writeOutcomes();
      claimRound();
      checkDrained();
    });
  }

  private void checkDrained() {
    if (stopping && drained != null && inFlight == 0 && !writing && !claiming && finished.isEmpty() && resolving == 0
        && lanes.values().stream().allMatch(l -> l.batch == null && l.unresolved.isEmpty())) {
      drained.tryComplete();
    }
  }
}
