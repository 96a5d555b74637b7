package io.shoal.delivery;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.shoal.config.DeliveryConfig;
import io.shoal.kernel.Channel;
import io.shoal.notify.RetryPolicy;
import io.shoal.template.Recipient;
import io.shoal.template.TemplateContent;
import io.shoal.template.TemplateException;
import io.shoal.template.TemplateRenderer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends queued messages to customers: one job, dispatching. Its state is the {@code messages}
 * table; each channel is a lane with its own adapter, bound on messages in flight and rate limit.
 *
 * <pre>
 *             MessageQueue.WAKE | tick (not_before reached, retries due) | slot freed
 *                                     v
 *   queued --claim (durable: status 'sending', attempts + 1, committed before any send)--> sending
 *     ^                                                                                      |
 *     |          no customer / unsubscribed / no consent / no address ---> suppressed         |
 *     |          template deleted or broken -----------------------------> failed             |
 *     |          render, track links, adapter.send, then DeliveryPolicy:                      |
 *     |   +--------------------+----------------------+----------------------------+----------+
 *     |   v                    v                      v                            v
 *     | sent (provider id)   bounced (reason)      failed (reason; also a         queued again
 *     |   |                                        temporary failure after        (not_before =
 *     |   v  provider callback / tracking          max attempts)                  backoff + jitter,
 *     | delivered, opened_at, clicked_at, ...                                     >= Retry-After)
 *     '-------------------------------------------------------------------------------'
 * </pre>
 *
 * Exactly once, and where it is only almost: a message is claimed ('sending') in its own
 * committed statement before the provider sees it, and its result is written only while it is
 * still 'sending'. So no message is sent by two dispatchers, and none is skipped. A message
 * found 'sending' at start-up belonged to a process that died between claiming and recording the
 * result; it may or may not have reached the provider, so it is sent again with the same
 * identity: the same Message-ID for email, the same {@code Idempotency-Key} for Lob and the push
 * provider, which drop the repeat. Twilio's Messages API and plain SMTP relays have no such key:
 * for those, a crash in the window between the provider's answer and the write of 'sent'
 * (milliseconds per message in flight) can send that message twice. This dispatcher prefers a
 * rare duplicate to a silent loss. Results are written in batches; a slot is freed only once its
 * result is written, so concurrency bounds what a crash can leave sent but not recorded. Up to
 * one more round of messages is claimed ahead of free slots (so claiming overlaps with
 * sending); those are 'sending' but were never attempted, and are simply sent at the next start.
 *
 * One dispatcher per database: claims use SKIP LOCKED, but start-up requeues every 'sending'
 * message, which is only right when no other live dispatcher holds any.
 *
 * Graceful stop: no more claims or sends; what is in flight finishes (up to the provider timeout)
 * and is written; anything left (claimed ahead, or a provider that did not answer) is 'sending'
 * and sent at the next start.
 */
public final class DeliveryDispatcherVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(DeliveryDispatcherVerticle.class);
  private static final int MAX_CLAIM = 500;
  private static final int MAX_WRITE = 500;

  /** One channel's share of the dispatcher. */
  private static final class Lane {
    final Channel channel;
    final ChannelAdapter adapter;
    final TokenBucket bucket;
    /** Claimed ('sending' in the database) and waiting for a free slot: claims overlap with sends. */
    final java.util.ArrayDeque<MessageStore.Claimed> ready = new java.util.ArrayDeque<>();
    int inFlight;
    boolean claiming;
    boolean again;
    long timerId = -1;

    Lane(Channel channel, ChannelAdapter adapter, TokenBucket bucket) {
      this.channel = channel;
      this.adapter = adapter;
      this.bucket = bucket;
    }
  }

  private final MessageStore store;
  private final DeliveryConfig config;
  private final Map<Channel, ChannelAdapter> adapters;
  private final TrackingLinks links;
  private final RetryPolicy.Schedule schedule;
  private final Map<Channel, Lane> lanes = new EnumMap<>(Channel.class);
  private final Cache<String, TemplateRenderer.Compiled> compiled = Caffeine.newBuilder().maximumSize(10_000).build();
  private final List<MessageStore.Result> pending = new ArrayList<>();
  private final List<Lane> pendingLanes = new ArrayList<>();
  private boolean writing;
  private boolean stopping;
  private Promise<Void> drained;
  private long tickTimer = -1;
  private MessageConsumer<String> wakeConsumer;

  public DeliveryDispatcherVerticle(Pool pool, DeliveryConfig config, Map<Channel, ChannelAdapter> adapters,
                                    TrackingLinks links) {
    this.store = new MessageStore(pool);
    this.config = config;
    this.adapters = adapters;
    this.links = links;
    this.schedule = new RetryPolicy.Schedule(config.retryBaseMs(), config.retryMaxMs(), Long.MAX_VALUE);
  }

  @Override
  public Future<?> start() {
    long now = System.nanoTime();
    for (Channel c : Channel.values()) {
      lanes.put(c, new Lane(c, adapters.get(c), new TokenBucket(config.rate(c.wire()), now)));
    }
    return store.requeueSending().onSuccess(n -> {
      if (n > 0) {
        LOG.warn("{} messages were being sent when Shoal stopped; sending them again with the same"
            + " Message-ID / idempotency key", n);
      }
      lanes.values().forEach(l -> LOG.info("Delivery channel {}: {} adapter, {} in flight, rate {}",
          l.channel.wire(), l.adapter.name(), config.concurrency(),
          config.rate(l.channel.wire()) == 0 ? "unlimited" : config.rate(l.channel.wire()) + "/s"));
      wakeConsumer = vertx.eventBus().localConsumer(MessageQueue.WAKE, m -> claimAll());
      tickTimer = vertx.setPeriodic(config.pollIntervalMs(), id -> claimAll());
      claimAll();
    });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(tickTimer);
    lanes.values().forEach(l -> vertx.cancelTimer(l.timerId));
    if (wakeConsumer != null) {
      wakeConsumer.unregister();
    }
    drained = Promise.promise();
    checkDrained();
    long deadline = vertx.setTimer(config.timeoutMs() + 1_000L, id -> drained.tryComplete());
    return drained.future().eventually(() -> {
      vertx.cancelTimer(deadline);
      List<Future<Void>> closing = new ArrayList<>();
      adapters.values().stream().distinct().forEach(a -> closing.add(a.close()));
      return Future.join(closing);
    });
  }

  private void checkDrained() {
    if (drained != null && pending.isEmpty() && !writing
        && lanes.values().stream().allMatch(l -> l.inFlight == 0 && !l.claiming)) {
      drained.tryComplete();
    }
  }

  // --- claiming --------------------------------------------------------------------------------

  private void claimAll() {
    lanes.values().forEach(this::claim);
  }

  private void claim(Lane lane) {
    if (stopping) {
      return;
    }
    if (lane.claiming) {
      lane.again = true;
      return;
    }
    // claim up to one more round of slots ahead, so the next claim's round trip overlaps with sending
    int free = Math.min(MAX_CLAIM, 2 * config.concurrency() - lane.inFlight - lane.ready.size());
    if (free <= 0) {
      return;
    }
    long now = System.nanoTime();
    int allowed = lane.bucket.take(free, now);
    if (allowed == 0) {
      armRateTimer(lane, lane.bucket.nanosUntilNext(now));
      return;
    }
    lane.claiming = true;
    lane.again = false;
    store.claim(lane.channel.wire(), allowed).onComplete(ar -> {
      lane.claiming = false;
      if (ar.failed()) {
        LOG.warn("Could not claim {} messages", lane.channel.wire(), ar.cause());
        checkDrained();
        return;
      }
      List<MessageStore.Claimed> claimed = ar.result().ready();
      for (MessageStore.Result unreadable : ar.result().unreadable()) {
        LOG.warn("Message {} of store {} is marked failed: {}", unreadable.id(), unreadable.storeId(),
            unreadable.error());
        lane.inFlight++;
        finish(lane, unreadable);
      }
      // tokens not used (fewer messages due than allowed) are simply lost: the bucket refills
      lane.ready.addAll(claimed);
      pump(lane);
      if (lane.again || claimed.size() + ar.result().unreadable().size() == allowed) {
        claim(lane);
      }
      checkDrained();
    });
  }

  private void armRateTimer(Lane lane, long nanos) {
    if (lane.timerId >= 0 || stopping) {
      return;
    }
    lane.timerId = vertx.setTimer(Math.max(1, nanos / 1_000_000), id -> {
      lane.timerId = -1;
      claim(lane);
    });
  }

  // --- sending ---------------------------------------------------------------------------------

  /** Starts claimed messages while the lane has free slots. */
  private void pump(Lane lane) {
    while (!stopping && lane.inFlight < config.concurrency() && !lane.ready.isEmpty()) {
      lane.inFlight++;
      send(lane, lane.ready.poll());
    }
  }

  private void send(Lane lane, MessageStore.Claimed m) {
    Outgoing outgoing;
    try {
      String suppressed = suppression(lane.channel, m);
      if (suppressed != null) {
        finish(lane, new MessageStore.Result(m.storeId(), m.id(), m.attempts(), "suppressed", null, suppressed,
            null));
        return;
      }
      outgoing = render(lane.channel, m);
    } catch (TemplateException | IllegalStateException e) {
      finish(lane, new MessageStore.Result(m.storeId(), m.id(), m.attempts(), "failed", null, e.getMessage(), null));
      return;
    } catch (RuntimeException e) {
      // this message's data cannot be sent (no retry changes that): failed with the reason, alone
      LOG.warn("Message {} of store {} cannot be sent and is marked failed", m.id(), m.storeId(), e);
      finish(lane, new MessageStore.Result(m.storeId(), m.id(), m.attempts(), "failed", null,
          "the message cannot be sent: " + MessageStore.reason(e), null));
      return;
    }
    String subject = outgoing.content() == null ? null : outgoing.content().subject();
    Future<SendOutcome> sent;
    try {
      sent = lane.adapter.send(outgoing);
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e); // an adapter that throws is a failed attempt, retried like one
    }
    sent
        .timeout(config.timeoutMs(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .otherwise(e -> SendOutcome.temporary(lane.adapter.name() + ": " + e, 0))
        .onSuccess(outcome -> {
          DeliveryPolicy.Next next = DeliveryPolicy.decide(outcome, m.attempts(), config.maxAttempts(), schedule,
              System.currentTimeMillis(), ThreadLocalRandom.current().nextDouble());
          if (outcome.kind() == SendOutcome.Kind.TEMPORARY) {
            LOG.debug("Message {} ({}): {}", m.id(), lane.channel.wire(), outcome.reason());
          }
          finish(lane, new MessageStore.Result(m.storeId(), m.id(), m.attempts(), next.status(), outcome.providerId(),
              next.error(), next.notBeforeMs() > 0 ? MessageStore.at(next.notBeforeMs()) : null,
              lane.channel == Channel.EMAIL && "sent".equals(next.status()) ? subject : null));
        });
  }

  /** Why the message must not be sent, or null. */
  static String suppression(Channel channel, MessageStore.Claimed m) {
    Recipient r = m.recipient();
    if (r == null) {
      return "customer deleted";
    }
    if (m.unsubscribed()) {
      return "unsubscribed from " + channel.wire();
    }
    return switch (channel) {
      case EMAIL -> !r.emailConsent() ? "no email consent" : r.email() == null ? "no email address" : null;
      case SMS -> !r.smsConsent() ? "no sms consent" : r.phone() == null ? "no phone number" : null;
      case PUSH -> !r.pushConsent() ? "no push consent" : null;
      case DIRECT_MAIL -> r.address() == null || r.address().getString("line1") == null ? "no postal address" : null;
    };
  }

  private Outgoing render(Channel channel, MessageStore.Claimed m) {
    if (m.templateVersion() == null) {
      throw new IllegalStateException("template " + m.templateId() + " was deleted");
    }
    if (!channel.wire().equals(m.templateChannel())) {
      throw new IllegalStateException("template " + m.templateId() + " is for " + m.templateChannel() + ", not "
          + channel.wire());
    }
    TemplateRenderer.Compiled template = compiled.get(m.storeId() + "/" + m.templateId() + "/" + m.templateVersion(),
        k -> TemplateRenderer.compile(new TemplateContent(channel, m.subject(), m.html(), m.text(), m.title())));
    TrackingLinks.MessageRef ref = new TrackingLinks.MessageRef(m.storeId(), m.id());
    String unsubscribe = links.unsubscribeUrl(ref);
    TemplateRenderer.Rendered r = template.render(TemplateRenderer.context(m.recipient().profile(),
        m.recipient().metrics(), m.variables(), unsubscribe));
    if (channel == Channel.EMAIL && r.html() != null) {
      r = new TemplateRenderer.Rendered(r.subject(), links.track(r.html(), ref, m.variables()), r.text(), r.title());
    }
    return new Outgoing(m.storeId(), m.id(), channel, m.recipient(), r, unsubscribe, links.statusCallbackUrl(ref),
        m.attempts());
  }

  // --- recording -------------------------------------------------------------------------------

  /** Queues a result for the next batched write; the lane's slot is freed once it is written. */
  private void finish(Lane lane, MessageStore.Result result) {
    pending.add(result);
    pendingLanes.add(lane);
    flush();
  }

  private void flush() {
    if (writing || pending.isEmpty()) {
      checkDrained();
      return;
    }
    int n = Math.min(MAX_WRITE, pending.size());
    List<MessageStore.Result> batch = new ArrayList<>(pending.subList(0, n));
    List<Lane> batchLanes = new ArrayList<>(pendingLanes.subList(0, n));
    pending.subList(0, n).clear();
    pendingLanes.subList(0, n).clear();
    writing = true;
    store.write(batch).onComplete(ar -> {
      writing = false;
      if (ar.failed()) {
        // Left 'sending': sent again at the next start, with the same identity (see class comment).
        LOG.error("Could not record {} message results; they stay 'sending' until restart", batch.size(),
            ar.cause());
      }
      batchLanes.forEach(l -> l.inFlight--);
      batchLanes.stream().distinct().forEach(l -> {
        pump(l);
        claim(l);
      });
      flush();
    });
  }
}
