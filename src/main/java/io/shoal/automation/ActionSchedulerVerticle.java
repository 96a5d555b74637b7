package io.shoal.automation;

import io.shoal.customer.ProfileEdits;
import io.shoal.config.AutomationConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes automation steps when they come due. The pending steps live in the database (there
 * may be millions); this verticle holds only the earliest {@code sliceSize} of them, with one
 * timer for the first. New steps announce their due time: one earlier than the slice's last
 * (or any, while the slice holds everything) makes it reload; so does a drained slice and
 * the poll.
 *
 * <pre>
 *   reload: SELECT earliest pending (partial index on due_at) -> slice -> timer at the first due
 *   timer -> every step due now, up to {@code concurrency} at once -> ActionRunner (one transaction each)
 *   slice half used -> reload
 * </pre>
 *
 * A step finished between a reload's query and its answer may be loaded again; its claim then
 * finds it done and does nothing.
 */
public final class ActionSchedulerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ActionSchedulerVerticle.class);
  private static final Comparator<AutomationStore.DueStep> BY_DUE =
      Comparator.comparing(AutomationStore.DueStep::dueAt).thenComparing(AutomationStore.DueStep::storeId)
          .thenComparing(AutomationStore.DueStep::runId).thenComparingInt(AutomationStore.DueStep::actionIndex);

  private final AutomationConfig config;
  private final AutomationStore store;
  private final Pool pool;
  private final ProfileEdits profiles;
  private ActionRunner runner;
  private WebClient web;

  private final TreeSet<AutomationStore.DueStep> slice = new TreeSet<>(BY_DUE);
  private final Set<AutomationStore.DueStep> inFlight = new HashSet<>();
  /** The slice holds every pending step (the last load was not full). */
  private boolean complete;
  private long horizonMs = Long.MAX_VALUE;
  private boolean loading;
  private boolean loadAgain;
  private long timer = -1;
  private long timerAt = Long.MAX_VALUE;
  private long poll = -1;
  private boolean stopping;
  private Promise<Void> drained;
  private MessageConsumer<Long> consumer;

  public ActionSchedulerVerticle(Pool pool, AutomationConfig config, ProfileEdits profiles) {
    this.pool = pool;
    this.store = new AutomationStore(pool);
    this.config = config;
    this.profiles = profiles;
  }

  @Override
  public Future<?> start() {
    web = WebClient.create(vertx, new WebClientOptions().setUserAgent("Shoal-Automations/1.0").setFollowRedirects(false)
        .setConnectTimeout(Math.min(config.webhookTimeoutMs(), 5_000)), new PoolOptions().setHttp1MaxSize(64));
    runner = new ActionRunner(vertx, pool, web, config.webhookTimeoutMs(), profiles);
    consumer = vertx.eventBus().localConsumer(AutomationVerticle.STEPS_SCHEDULED, m -> scheduled(m.body()));
    poll = vertx.setPeriodic(config.pollIntervalMs(), id -> reload());
    reload();
    return Future.succeededFuture();
  }

  /** Stops starting steps and waits (briefly) for those under way: a step cut off is rolled back and runs after restart. */
  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(poll);
    vertx.cancelTimer(timer);
    consumer.unregister();
    if (inFlight.isEmpty()) {
      return Future.succeededFuture();
    }
    drained = Promise.promise();
    vertx.setTimer(config.webhookTimeoutMs() + 1_000L, id -> drained.tryComplete());
    return drained.future();
  }

  private void scheduled(long dueMs) {
    if (complete || dueMs <= horizonMs) {
      reload();
    }
  }

  private void reload() {
    if (stopping) {
      return;
    }
    if (loading) {
      loadAgain = true;
      return;
    }
    loading = true;
    loadAgain = false;
    store.nextDue(config.sliceSize()).onComplete(ar -> {
      loading = false;
      if (ar.failed()) {
        LOG.warn("Automation scheduler could not read due steps; retrying at the next poll", ar.cause());
        return;
      }
      List<AutomationStore.DueStep> due = ar.result();
      slice.clear();
      for (AutomationStore.DueStep s : due) {
        if (!inFlight.contains(s)) {
          slice.add(s);
        }
      }
      complete = due.size() < config.sliceSize();
      horizonMs = complete || due.isEmpty() ? Long.MAX_VALUE : due.get(due.size() - 1).dueAt().toEpochMilli();
      if (loadAgain) {
        reload();
      }
      fire();
    });
  }

  /** Starts every step due now (within the concurrency bound), then sets the timer for the next one. */
  private void fire() {
    if (stopping) {
      return;
    }
    long now = System.currentTimeMillis();
    while (!slice.isEmpty() && inFlight.size() < config.concurrency() && dueMs(slice.first()) <= now) {
      AutomationStore.DueStep step = slice.pollFirst();
      inFlight.add(step);
      runner.run(step).transform(ar -> {
        if (ar.succeeded()) {
          return Future.succeededFuture();
        }
        if (io.shoal.db.DatabaseUnavailable.retryable(ar.cause())) {
          // still pending in the database: the next reload picks it up again
          LOG.warn("Automation step {}#{} of store {} failed; it is retried", step.runId(), step.actionIndex(),
              step.storeId(), ar.cause());
          return Future.succeededFuture();
        }
        // the step itself cannot be run (its stored action, rule or customer data): failed with
        // the reason, shown in the rule's runs; the other steps of every store go on
        LOG.warn("Automation step {}#{} of store {} cannot be run and is marked failed", step.runId(),
            step.actionIndex(), step.storeId(), ar.cause());
        return store.failStep(step, "could not run: " + ar.cause())
            .onFailure(e -> LOG.warn("Could not mark automation step {}#{} failed; it is retried", step.runId(),
                step.actionIndex(), e));
      }).onComplete(ar -> {
        inFlight.remove(step);
        if (stopping) {
          if (inFlight.isEmpty() && drained != null) {
            drained.tryComplete();
          }
          return;
        }
        if (!complete && slice.size() < config.sliceSize() / 2) {
          reload();
        }
        fire();
      });
    }
    if (!slice.isEmpty() && inFlight.size() < config.concurrency()) {
      arm(dueMs(slice.first()));
    } else if (slice.isEmpty() && !complete) {
      reload();
    }
  }

  /** The due time in whole milliseconds, rounded up: a step never runs before its due time. */
  private static long dueMs(AutomationStore.DueStep step) {
    long ms = step.dueAt().toEpochMilli();
    return step.dueAt().getNano() % 1_000_000 == 0 ? ms : ms + 1;
  }

  private void arm(long atMs) {
    if (timer >= 0 && timerAt <= atMs) {
      return;
    }
    vertx.cancelTimer(timer);
    timerAt = atMs;
    timer = vertx.setTimer(Math.max(1, atMs - System.currentTimeMillis()), id -> {
      timer = -1;
      timerAt = Long.MAX_VALUE;
      fire();
    });
  }
}
