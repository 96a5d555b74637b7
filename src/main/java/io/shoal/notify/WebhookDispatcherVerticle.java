package io.shoal.notify;

import io.shoal.outbox.NotificationLog;
import io.shoal.config.WebhookConfig;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends signed webhooks: one job, dispatching. Its state is the {@code webhook_deliveries}
 * table, so a restart (or a crash) loses nothing: what was in flight is pending again.
 *
 * <pre>
 *   commit --FreshDeliveries--> customer has nothing undelivered, slot free? --yes--> in flight (row still pending)
 *                                         | no: its customer is left to the claims      ^
 *               wake (NEW_NOTIFICATIONS) | tick | retry timer | slot freed             |
 *                                        v                                            |
 *   pending --claim (per endpoint: free slots; per customer: only the oldest undelivered)--> in flight
 *      ^                                                                                         |
 *      |            POST url, Shoal-Signature, timeout; then RetryPolicy.decide:                  |
 *      |     +------------------+----------------------+-------------------------+----------------+
 *      |     v                  v                      v                         v
 *      |  succeeded (2xx)   retry scheduled        failed (failing for the    disabled (410):
 *      |                    (next_attempt_at =     retry horizon): delivery   endpoint disabled,
 *      '------------------- backoff + jitter)      kept, endpoint failing     delivery kept pending
 * </pre>
 *
 * Fresh path: a commit hands over the deliveries it created, and those of customers with
 * nothing undelivered go out at once, without reading them back; everything else (retries,
 * customers waiting behind one, deliveries found at startup, redeliveries) goes through claims,
 * which take rows in order. Each lane keeps the set of customers the claims look after (read
 * from the table, then only grown until the next read), so a customer never has a fresh
 * delivery sent past an older undelivered one.
 *
 * Isolation: each endpoint is a lane with its own bound on requests in flight, and claims
 * are made per lane, so a slow or failing endpoint only ever occupies its own slots (plus its
 * share of the global bound). The HTTP pool is sized to the global bound so endpoints on one
 * host do not queue behind each other. A slot is free as soon as the answer arrives; finished
 * attempts are written back in groups (one statement per kind of outcome) while the next
 * requests go out. Until its outcome is written a delivery is still in flight in the table,
 * which is what keeps a customer's next delivery behind it (the claim skips customers with an
 * earlier undelivered row); claims pause while more than the global bound of outcomes wait.
 *
 * Graceful stop: no more claims; in-flight attempts may finish for one timeout, then whatever
 * is still out is given back (pending again).
 */
public final class WebhookDispatcherVerticle extends VerticleBase {

  /** Published (locally) when endpoints change: created, updated, rolled, redelivered to. */
  public static final String ENDPOINTS_CHANGED = "shoal.notify.endpoints-changed";

  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcherVerticle.class);
  private static final String USER_AGENT = "Shoal-Webhooks/1.0 (+https://github.com/shoal)";
  private static final int RELOAD_EVERY_TICKS = 20;
  private static final int RECOUNT_EVERY_TICKS = 60;

  /** One endpoint's share of the dispatcher. */
  private static final class Lane {
    WebhookEndpoint endpoint;
    int inFlight;
    boolean wanted = true;
    /** Customers (ordering keys) with a request out right now, by either path. */
    final Set<String> keysInFlight = new HashSet<>();
    /**
     * Customers (ordering keys) the claims look after: those with undelivered rows in the table
     * when the lane last read them, and every one since with a row skipped, claimed or retried.
     * Their fresh deliveries are left to the claims, which take rows in order; only customers
     * outside it are sent fresh deliveries directly. It only grows between two reads from the
     * table (every {@link #RECOUNT_EVERY_TICKS} ticks), so it is never missing a customer that
     * has something undelivered.
     */
    final Set<String> held = new HashSet<>();
    /** While the count is being read: holds counted meanwhile, added to what is read. */
    Set<String> heldWhileLoading = new HashSet<>();
    boolean loading = true;
    int loadGeneration;
    /** Seqs sent without a claim lately (two generations), so a claim that also took one does not send it again. */
    Set<Long> directNow = new HashSet<>();
    Set<Long> directBefore = new HashSet<>();
    /** Seqs a claim took lately (two generations): their fresh copy, if it comes after, is not sent again. */
    Set<Long> claimedNow = new HashSet<>();
    Set<Long> claimedBefore = new HashSet<>();
    /** Seqs sent without a claim whose answer has not arrived yet. */
    final Set<Long> directInFlight = new HashSet<>();
    /** Set when a 410 or the horizon stopped it, until the endpoint changes. */
    OffsetDateTime pausedAtVersion;
    long timerId = -1;
    long timerAt = Long.MAX_VALUE;

    Lane(WebhookEndpoint endpoint) {
      this.endpoint = endpoint;
    }

    boolean paused() {
      return pausedAtVersion != null;
    }
  }

  private record Finished(Lane lane, DeliveryOutcome outcome, boolean direct) {}

  /** A delivery's signed request, ready to go. */
  private record Prepared(HttpRequest<Void> request, Buffer body) {}

  private final DeliveryStore store;
  private final WebhookConfig config;
  private final RetryPolicy.Schedule schedule;

  private WebClient client;
  private final Map<String, Lane> lanes = new LinkedHashMap<>();
  private Map<String, List<Lane>> lanesByStore = new HashMap<>();
  private final Map<DeliveryAttempt, Lane> sending = new IdentityHashMap<>();
  /** The attempts in {@link #sending} that no claim took: their rows are still pending in the table. */
  private final Set<DeliveryAttempt> direct = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
  private final List<Finished> finished = new ArrayList<>();
  private int inFlight;
  /** Outcomes being written right now (those waiting to be are in {@link #finished}). */
  private int unwritten;
  private int rotation;
  private boolean claiming;
  private boolean claimAgain;
  private boolean writing;
  private boolean reloading;
  private boolean reloadAgain;
  private boolean stopping;
  private Promise<Void> drained;
  private long tickTimer = -1;
  private long ticks;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  /** {@code store} on the dispatcher's own (relaxed-commit) pool, not the API's. */
  public WebhookDispatcherVerticle(DeliveryStore store, WebhookConfig config) {
    this.store = store;
    this.config = config;
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
    // Listening before any lane counts its customers' rows: a delivery committed after a count
    // was read is then always seen here, and counted.
    consumers.add(vertx.eventBus().<FreshDeliveries>localConsumer(FreshDeliveries.ADDRESS, m -> fresh(m.body())));
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
    checkDrained();
    long deadline = vertx.setTimer(config.timeoutMs() + 1_000L, id -> {
      if (!drained.future().isComplete()) {
        List<DeliveryAttempt> out = new ArrayList<>(sending.keySet());
        LOG.info("Stopping: giving back {} webhook deliveries still in flight", out.size());
        store.giveBack(out).onComplete(ar -> drained.tryComplete());
      }
    });
    return drained.future()
        .eventually(() -> {
          vertx.cancelTimer(deadline);
          client.close();
          return Future.succeededFuture();
        });
  }

  // --- waking ----------------------------------------------------------------------------------

  private void wake(String storeId) {
    List<Lane> ofStore = lanesByStore.get(storeId);
    if (ofStore == null) {
      return;
    }
    ofStore.forEach(l -> l.wanted = true);
    claimRound();
  }

  private void tick() {
    if (++ticks % RELOAD_EVERY_TICKS == 0) {
      reload();
      for (Lane lane : lanes.values()) {
        lane.directBefore = lane.directNow;
        lane.directNow = new HashSet<>();
        lane.claimedBefore = lane.claimedNow;
        lane.claimedNow = new HashSet<>();
      }
    }
    if (ticks % RECOUNT_EVERY_TICKS == 0) {
      loadHeld(new ArrayList<>(lanes.values())); // customers served by claims meanwhile may go fast again
    }
    lanes.values().forEach(l -> l.wanted = true);
    claimRound();
  }

  /** Wakes a lane at {@code atMs}, the earliest retry it is waiting for. */
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
      claimRound();
    });
  }

  /**
   * Reads which customers have undelivered rows for these lanes; fresh deliveries are left to
   * the claims meanwhile (and their customers added to what is read).
   */
  private void loadHeld(List<Lane> toLoad) {
    if (toLoad.isEmpty() || stopping) {
      return;
    }
    List<String> ids = new ArrayList<>();
    Map<Lane, Integer> generations = new IdentityHashMap<>();
    for (Lane lane : toLoad) {
      lane.loading = true;
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
        lane.heldWhileLoading = new HashSet<>();
        lane.loading = false;
      });
    });
  }

  private static void hold(Lane lane, String key) {
    lane.held.add(key);
    if (lane.loading) {
      lane.heldWhileLoading.add(key);
    }
  }

  // --- fresh -> in flight, without a claim -----------------------------------------------------

  /**
   * Deliveries a commit just created. One goes out at once when nothing can be ahead of it:
   * its lane is running and has a free slot, and its customer has no request out and is not
   * one the claims look after. The others stay pending in the table for the claims, and their
   * customers become ones the claims look after.
   * Its row stays pending until the outcome is written; a claim that takes it meanwhile finds
   * it in {@code directNow} and leaves it.
   */
  private void fresh(FreshDeliveries batch) {
    if (stopping) {
      return;
    }
    boolean leftForClaims = false;
    for (FreshDeliveries.Fresh f : batch.deliveries()) {
      DeliveryAttempt a = f.attempt();
      Lane lane = lanes.get(a.endpointId());
      if (lane == null) {
        continue; // not dispatchable now (failing, or new): counted from the table when its lane starts
      }
      if (lane.claimedNow.contains(a.seq()) || lane.claimedBefore.contains(a.seq())) {
        continue; // a claim running when it committed took it already
      }
      String key = a.orderingKey();
      if (f.gated() || lane.loading || lane.paused() || lane.held.contains(key) || lane.keysInFlight.contains(key)
          || lane.inFlight >= config.concurrency() || inFlight >= config.maxInFlight()) {
        hold(lane, key);
        lane.wanted = true;
        leftForClaims = true;
        continue;
      }
      Prepared request = prepare(lane, a);
      if (request == null) {
        continue; // failed with the reason
      }
      lane.directNow.add(a.seq());
      lane.directInFlight.add(a.seq());
      direct.add(a);
      send(lane, a, request);
    }
    if (leftForClaims) {
      claimRound();
    }
  }

  // --- pending -> in flight --------------------------------------------------------------------

  /**
   * One claim for every lane that may have due work and has free slots, as one query. Wakes
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
      if (!lane.wanted || lane.paused() || free <= 0) {
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
        if (lane != null && (lane.directNow.contains(a.seq()) || lane.directBefore.contains(a.seq()))) {
          // Sent without a claim. Still out: its outcome will be written over the claim's mark.
          // Answered: its outcome may already be written, so hand the row back rather than
          // leave it marked in flight (a written success or retry is not claimable again).
          if (!lane.directInFlight.contains(a.seq())) {
            store.giveBack(List.of(a));
          }
          continue;
        }
        if (lane == null || lane.paused()) {
          store.giveBack(List.of(a));
        } else {
          lane.claimedNow.add(a.seq());
          hold(lane, a.orderingKey()); // its customer's later deliveries follow it through the claims
          Prepared request = prepare(lane, a);
          if (request != null) {
            send(lane, a, request);
          }
        }
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
   * The signed request for one delivery; null when it cannot be made at all (the endpoint's
   * stored URL or secret, or the event, unusable: no retry changes that). Such a delivery is
   * failed with the reason, alone: the claim or commit it came with goes on, and its customer's
   * later deliveries are no longer held behind it.
   */
  private Prepared prepare(Lane lane, DeliveryAttempt a) {
    WebhookEndpoint e = lane.endpoint;
    try {
      Buffer body = a.payload().toBuffer();
      long nowMs = System.currentTimeMillis();
      String signature = DeliverySignature.header(nowMs / 1000, body.getBytes(), e.secret(),
          e.previousSecretAt(OffsetDateTime.now(ZoneOffset.UTC)));
      HttpRequest<Void> request = client.postAbs(e.url())
          .connectTimeout(Math.min(config.timeoutMs(), 5_000))
          .idleTimeout(config.timeoutMs())
          .putHeader("Content-Type", "application/json")
          .putHeader(DeliverySignature.HEADER, signature)
          .putHeader("Shoal-Event-Id", a.eventId())
          .putHeader("Shoal-Event-Type", a.type())
          .putHeader("Shoal-Delivery-Attempt", Integer.toString(a.attemptsBefore() + 1))
          .as(BodyCodec.none());
      return new Prepared(request, body);
    } catch (RuntimeException ex) {
      LOG.warn("Webhook delivery {} to endpoint {} of store {} cannot be made and is marked failed: {}", a.seq(),
          e.id(), e.storeId(), ex.toString());
      store.failUnprocessable(a.storeId(), a.endpointId(), a.seq(), "the delivery cannot be made: " + ex)
          .onComplete(ar -> {
            lane.wanted = true;
            claimRound();
          });
      return null;
    }
  }

  private void send(Lane lane, DeliveryAttempt a, Prepared prepared) {
    lane.inFlight++;
    inFlight++;
    lane.keysInFlight.add(a.orderingKey());
    sending.put(a, lane);
    long started = System.nanoTime();
    prepared.request().sendBuffer(prepared.body())
        .onComplete(ar -> answered(a, ar.succeeded() ? ar.result() : null, ar.cause(),
            (int) ((System.nanoTime() - started) / 1_000_000)));
  }

  private void answered(DeliveryAttempt a, HttpResponse<Void> response, Throwable failure, int latencyMs) {
    Lane lane = sending.remove(a);
    if (lane == null) {
      return; // given back at shutdown
    }
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
    lane.inFlight--;
    inFlight--;
    lane.keysInFlight.remove(a.orderingKey());
    boolean claimed = !direct.remove(a);
    if (!claimed) {
      lane.directInFlight.remove(a.seq());
    }
    if (!claimed && decision.action() != RetryPolicy.Action.SUCCEEDED) {
      hold(lane, a.orderingKey()); // its row is now an undelivered one the claims own
    }
    lane.wanted = true;
    finished.add(new Finished(lane, new DeliveryOutcome(a, decision, code, error, latencyMs, nowMs), !claimed));
    writeOutcomes();
    claimRound();
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

  /** Writes finished attempts back in groups. */
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
        if (f.direct() && f.outcome().decision().action() != RetryPolicy.Action.SUCCEEDED) {
          long seq = f.outcome().attempt().seq(); // its row is the claims' now
          f.lane().directNow.remove(seq);
          f.lane().directBefore.remove(seq);
        }
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
    if (stopping && drained != null && inFlight == 0 && !writing && !claiming && finished.isEmpty()) {
      drained.tryComplete();
    }
  }
}
