package io.shoal.campaign;

import io.shoal.config.CampaignConfig;
import io.shoal.delivery.MessageQueue;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts campaigns when they are due and queues their messages: one job, scheduling. All its
 * state is in the database (due times, frozen recipients, the snapshot cursor), so a restart or
 * a crash resumes where it stopped.
 *
 * <pre>
 *   timer for the earliest scheduled_at (re-armed on SCHEDULE_CHANGED and every tick)
 *     --> start due: freeze segment members, status active, campaign.started      (one tx)
 *     --> queue pages: next N recipients after the cursor -> messages (or suppressed),
 *                      cursor advanced                                  (one tx per page)
 *         --> MessageQueue.wake after each commit
 *   tick --> active, fully queued, no message queued or sending --> completed,
 *            campaign.completed                                                     (one tx)
 * </pre>
 */
public final class CampaignSchedulerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CampaignSchedulerVerticle.class);
  /** Re-read the schedule at least this often, whatever the timer says (clock changes, other nodes). */
  private static final long MAX_TIMER_MS = 60_000;

  private final CampaignStore store;
  private final CampaignConfig config;
  private final Set<String> queueing = new HashSet<>();
  private MessageConsumer<String> consumer;
  private long dueTimer = -1;
  private long tickTimer = -1;
  private boolean starting;
  private boolean startAgain;
  private boolean completing;
  private boolean stopping;
  private int running;
  private Promise<Void> drained;

  public CampaignSchedulerVerticle(CampaignStore store, CampaignConfig config) {
    this.store = store;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().localConsumer(CampaignApi.SCHEDULE_CHANGED, m -> arm());
    tickTimer = vertx.setPeriodic(config.pollIntervalMs(), id -> tick());
    return resumeQueueing().onSuccess(v -> startDue());
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(tickTimer);
    vertx.cancelTimer(dueTimer);
    Future<Void> unregistered = consumer.unregister();
    if (running == 0) {
      return unregistered;
    }
    drained = Promise.promise();
    return Future.all(unregistered, drained.future());
  }

  private void tick() {
    resumeQueueing();
    completeFinished();
    arm();
  }

  /** Sets the timer for the earliest scheduled campaign (or starts it now). */
  private void arm() {
    if (stopping) {
      return;
    }
    track(store.millisToNextDue()).onSuccess(ms -> {
      vertx.cancelTimer(dueTimer);
      dueTimer = -1;
      if (ms == null || stopping) {
        return;
      }
      if (ms <= 0) {
        startDue();
      } else {
        dueTimer = vertx.setTimer(Math.min(ms, MAX_TIMER_MS), id -> {
          dueTimer = -1;
          startDue();
        });
      }
    }).onFailure(e -> LOG.warn("Could not read the campaign schedule; retrying at the next tick", e));
  }

  /** Starts every due campaign, one transaction each, then re-arms the timer. */
  private void startDue() {
    if (stopping) {
      return;
    }
    if (starting) {
      startAgain = true;
      return;
    }
    starting = true;
    track(store.startNextDue()).onComplete(ar -> {
      if (ar.succeeded() && ar.result() != null) {
        Campaign c = ar.result();
        if (Campaign.FAILED.equals(c.status())) {
          LOG.warn("Campaign {} of store {} could not start and is marked failed: {}", c.id(), c.storeId(),
              c.failureReason());
        } else {
          LOG.info("Campaign {} of store {} started: {} recipients", c.id(), c.storeId(), c.recipientCount());
          queue(c.storeId(), c.id());
        }
        starting = false;
        startDue(); // more may be due
        return;
      }
      if (ar.failed()) {
        LOG.warn("Could not start a due campaign; retrying at the next tick", ar.cause());
      }
      starting = false;
      if (startAgain) {
        startAgain = false;
        startDue();
      } else if (ar.succeeded()) {
        arm();
      }
    });
  }

  private Future<Void> resumeQueueing() {
    if (stopping) {
      return Future.succeededFuture();
    }
    return track(store.unfinishedSnapshots()).map(list -> {
      list.forEach(c -> queue(c.storeId(), c.id()));
      return (Void) null;
    }).otherwise(e -> {
      LOG.warn("Could not look for campaigns to resume; retrying at the next tick", e);
      return null;
    });
  }

  /** Queues the campaign's messages page by page until all are queued (one loop per campaign). */
  private void queue(String storeId, String campaignId) {
    String key = storeId + "/" + campaignId;
    if (stopping || !queueing.add(key)) {
      return;
    }
    nextPage(storeId, campaignId, key);
  }

  private void nextPage(String storeId, String campaignId, String key) {
    if (stopping) {
      queueing.remove(key);
      return;
    }
    track(store.queueNextPage(storeId, campaignId, config.pageSize())).onComplete(ar -> {
      if (ar.failed()) {
        queueing.remove(key);
        LOG.warn("Queueing campaign {} failed; resuming at the next tick", campaignId, ar.cause());
        return;
      }
      CampaignStore.Page page = ar.result();
      if (page.queued() > 0) {
        MessageQueue.wake(vertx, storeId);
      }
      if (page.done()) {
        queueing.remove(key);
        if (!page.stopped()) {
          completeFinished(); // a campaign with no one to send to completes at once
        }
      } else {
        nextPage(storeId, campaignId, key);
      }
    });
  }

  private void completeFinished() {
    if (completing || stopping) {
      return;
    }
    completing = true;
    track(store.completeFinished()).onComplete(ar -> {
      completing = false;
      if (ar.succeeded()) {
        ar.result().forEach(c -> LOG.info("Campaign {} of store {} completed", c.id(), c.storeId()));
      } else {
        LOG.warn("Could not check for finished campaigns; retrying at the next tick", ar.cause());
      }
    });
  }

  /** Counts database work in flight, so a graceful stop waits for the transaction running. */
  private <T> Future<T> track(Future<T> work) {
    running++;
    return work.andThen(ar -> {
      running--;
      if (running == 0 && drained != null) {
        drained.tryComplete();
      }
    });
  }
}
