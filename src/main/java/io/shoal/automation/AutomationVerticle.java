package io.shoal.automation;

import io.shoal.config.AutomationConfig;
import io.shoal.event.EventLog;
import io.shoal.event.LoggedEvent;
import io.shoal.kernel.Ids;
import io.shoal.kernel.Wire;
import io.shoal.outbox.Doubts;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns triggers into runs: reads the event log and the segment enter/leave notifications from
 * durable checkpoints, sweeps date-property rules, tests each active rule's conditions and
 * starts a run (its steps, with due times) for each match. The steps are executed by
 * {@link ActionSchedulerVerticle}.
 *
 * <pre>
 *   event logged (wake) / notification committed (wake) / poll
 *     -> read a page after the feed's checkpoint (notifications: only rows no running transaction can precede)
 *     -> rules of (store, trigger) -> conditions over the event and the stored customer
 *     -> one transaction: runs (unique per rule and trigger), steps, times_triggered, checkpoint
 *     -> tell the scheduler the earliest new due time
 * </pre>
 *
 * A crash before the commit replays the page; a run already started for the same (rule, trigger)
 * is not started again, so a trigger is neither lost nor doubled.
 */
public final class AutomationVerticle extends VerticleBase {

  /** Published (locally) by the API when a rule is created, changed or deleted: {store_id, id}. */
  public static final String RULES_CHANGED = "shoal.automation.rules-changed";
  /** Published (locally) by the event log's subscriber when events were logged. */
  public static final String EVENTS_LOGGED = io.shoal.event.LoggedEventRouter.EVENTS_LOGGED;
  /** Sent to the scheduler after steps were created: the earliest due time, epoch millis. */
  static final String STEPS_SCHEDULED = "shoal.automation.steps-scheduled";

  private static final Logger LOG = LoggerFactory.getLogger(AutomationVerticle.class);
  static final int PAGE = 500;
  static final int EVALUATIONS_PER_TURN = 20_000;
  static final long SETTLE_LIMIT_MS = 2_000;
  static final long DOUBTS_EVERY_MS = 100;
  private static final List<String> SEGMENT_TRIGGERS = List.of("customer.segment.entered", "customer.segment.left");

  private record LiveRule(AutomationRule rule, AutomationRuleSpec spec) {}

  private record Candidate(LiveRule rule, String customerId, String triggerKey, JsonObject trigger, Instant base) {}

  private final AutomationConfig config;
  private final AutomationStore store;
  private final EventLog eventLog;
  /** store -> trigger -> rules; rebuilt per store when a rule changes. */
  private final Map<String, Map<String, List<LiveRule>>> byTrigger = new HashMap<>();
  private final Map<String, Map<String, LiveRule>> rules = new HashMap<>();
  private final Map<String, LocalDate> swept = new HashMap<>();

  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  private final Feed events = new Feed("events");
  private final Feed notifications = new Feed("notifications");
  /**
   * Notifications up to here are final, but for the seqs in {@link #doubts}; up to waitingSeq
   * they become final once xmin reaches waitingXid (see AutomationStore.notificationReference).
   */
  private long settled;
  /**
   * Seqs passed while a transaction older than their reference still ran (see
   * {@link #advanceHorizon}), each with that reference's xid: handed out and not visible then,
   * so they may still commit. Read again at each wake until xmin passes that xid.
   */
  private final Doubts doubts = new Doubts();
  /**
   * Set at each wake and poll: the doubts are read again once then, at most every
   * {@value #DOUBTS_EVERY_MS} ms (under load wakes come many times a second, and a give-up can
   * leave thousands of doubts, each probed by every read).
   */
  private boolean doubtsDue;
  private long doubtsReadAt;
  private long doubtsTimer = -1;
  private long waitingSeq = -1;
  private long waitingXid;
  private long waitingSince;
  /** The segments that enter/leave rules are triggered by, of every store; rebuilt with the rules. */
  private String[] triggerSegments = new String[0];
  /**
   * Whether some rule of some store is triggered by logged events (not by segments or dates);
   * rebuilt with the rules. Without one, the event feed only moves to the log's end.
   */
  private boolean eventTriggered;
  private long pollTimer = -1;
  /**
   * The latest reload asked of each rule (store/id): two changes in a row are read on two
   * connections whose answers may come back in either order, and only the later read counts.
   */
  private final Map<String, Long> reloads = new HashMap<>();
  private long reloadsAsked;
  /** Rule reloads under way, and a counter that moves whenever the rules may have changed. */
  private int reloading;
  private long rulesVersion;
  private long sweepTimer = -1;
  private boolean stopping;

  /** A feed read one page at a time, from its checkpoint. */
  private static final class Feed {
    final String name;
    long position;
    /** The position last written to the database. */
    long persisted;
    boolean reading;
    boolean again;

    Feed(String name) {
      this.name = name;
    }
  }

  public AutomationVerticle(Pool pool, EventLog eventLog, AutomationConfig config) {
    this.store = new AutomationStore(pool);
    this.eventLog = eventLog;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    return store.activeRules()
        .compose(all -> {
          all.forEach(this::install);
          return store.checkpoint("events", "events");
        })
        .compose(p -> {
          events.position = p;
          events.persisted = p;
          return store.checkpoint("notifications", "notifications");
        })
        .map(p -> {
          notifications.position = p;
          notifications.persisted = p;
          settled = p;
          consumers.add(vertx.eventBus().<JsonObject>localConsumer(RULES_CHANGED, m -> reload(m.body())));
          consumers.add(vertx.eventBus().localConsumer(EVENTS_LOGGED, m -> readEvents()));
          consumers.add(vertx.eventBus().localConsumer(io.shoal.outbox.NotificationLog.NEW_NOTIFICATIONS, m -> {
            doubtsDue = true;
            readNotifications();
          }));
          pollTimer = vertx.setPeriodic(config.pollIntervalMs(), id -> {
            persistIdle(events); // before the reads, which mark the feeds busy
            persistIdle(notifications);
            readEvents();
            doubtsDue = true;
            readNotifications();
          });
          sweepTimer = vertx.setPeriodic(config.dateSweepMs(), id -> sweepDates());
          readEvents();
          readNotifications();
          vertx.setTimer(1, id -> sweepDates());
          LOG.info("Automations started: {} active rules, events from seq {}, notifications from seq {}",
              rules.values().stream().mapToInt(Map::size).sum(), events.position, notifications.position);
          return null;
        });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(pollTimer);
    vertx.cancelTimer(sweepTimer);
    vertx.cancelTimer(doubtsTimer);
    consumers.forEach(MessageConsumer::unregister);
    return Future.succeededFuture();
  }

  // --- rules ------------------------------------------------------------------------------------

  /**
   * A rule changed: triggers are not tested until it is reloaded, and a page read meanwhile is
   * read again, so that an event logged right after a rule was created is tested against it.
   */
  private void reload(JsonObject changed) {
    String storeId = changed.getString("store_id");
    String id = changed.getString("id");
    reloading++;
    rulesVersion++;
    String key = storeId + "/" + id;
    Long generation = ++reloadsAsked;
    reloads.put(key, generation);
    store.rule(storeId, id).onComplete(ar -> {
      reloading--;
      rulesVersion++;
      if (reloading == 0) {
        vertx.runOnContext(v -> {
          readEvents();
          readNotifications();
        });
      }
      if (!reloads.remove(key, generation)) {
        return; // a later change of the rule is read too: its answer is the one to keep
      }
      if (ar.failed()) {
        LOG.warn("Could not reload automation rule {} of store {}; it is reloaded at restart", id, storeId, ar.cause());
        return;
      }
      Map<String, LiveRule> ofStore = rules.get(storeId);
      if (ofStore != null) {
        ofStore.remove(id);
      }
      if (ar.result() != null && ar.result().active()) {
        install(ar.result());
      } else {
        reindex(storeId);
      }
    });
  }

  private void install(AutomationRule rule) {
    AutomationRuleSpec spec;
    try {
      spec = AutomationRuleSpec.of(rule.definition());
    } catch (RuntimeException e) {
      LOG.error("Automation rule {} of store {} no longer compiles; it is not run: {}", rule.id(), rule.storeId(),
          e.getMessage());
      fail(rule, "the rule no longer compiles: " + e.getMessage());
      return;
    }
    rules.computeIfAbsent(rule.storeId(), k -> new LinkedHashMap<>()).put(rule.id(), new LiveRule(rule, spec));
    reindex(rule.storeId());
    if (spec.dateTrigger() != null && pollTimer >= 0) {
      swept.remove(rule.storeId() + "/" + rule.id()); // an edited date rule may now match other customers today
      vertx.setTimer(1, id -> sweepDates());
    }
  }

  /**
   * A rule that cannot be run is taken out of the live rules and deactivated with the reason
   * (shown by the API); every other rule, of every store, goes on.
   */
  private void fail(AutomationRule rule, String reason) {
    Map<String, LiveRule> ofStore = rules.get(rule.storeId());
    if (ofStore != null && ofStore.remove(rule.id()) != null) {
      reindex(rule.storeId());
    }
    store.failRule(rule.storeId(), rule.id(), reason)
        .onFailure(e -> LOG.warn("Could not mark automation rule {} of store {} failed", rule.id(), rule.storeId(), e));
  }

  private void reindex(String storeId) {
    Map<String, List<LiveRule>> index = new HashMap<>();
    rules.getOrDefault(storeId, Map.of()).values()
        .forEach(r -> index.computeIfAbsent(r.spec.triggerEvent(), k -> new ArrayList<>()).add(r));
    if (index.isEmpty()) {
      byTrigger.remove(storeId);
    } else {
      byTrigger.put(storeId, index);
    }
    triggerSegments = byTrigger.values().stream()
        .flatMap(ofStore -> SEGMENT_TRIGGERS.stream().flatMap(t -> ofStore.getOrDefault(t, List.of()).stream()))
        .map(r -> r.spec.segmentId()).distinct().toArray(String[]::new);
    eventTriggered = byTrigger.values().stream().flatMap(ofStore -> ofStore.keySet().stream())
        .anyMatch(t -> !SEGMENT_TRIGGERS.contains(t) && !AutomationRuleSpec.DATE_PROPERTY.equals(t));
  }

  private List<LiveRule> rulesFor(String storeId, String trigger) {
    Map<String, List<LiveRule>> index = byTrigger.get(storeId);
    return index == null ? List.of() : index.getOrDefault(trigger, List.of());
  }

  // --- event log --------------------------------------------------------------------------------

  private void readEvents() {
    if (stopping) {
      return;
    }
    if (events.reading) {
      events.again = true;
      return;
    }
    if (reloading > 0) {
      return; // read when the reload is done
    }
    events.reading = true;
    events.again = false;
    if (!eventTriggered) {
      skipEvents();
      return;
    }
    int limit = eventPage();
    long version = rulesVersion;
    eventLog.readAfter(events.position, limit)
        .compose(page -> {
          if (page.isEmpty()) {
            return Future.succeededFuture(0);
          }
          if (version != rulesVersion) {
            return Future.succeededFuture(-1); // rules changed while reading: read again with them
          }
          List<Candidate> candidates = new ArrayList<>();
          for (LoggedEvent e : page) {
            List<LiveRule> matching = rulesFor(e.storeId(), e.type());
            if (matching.isEmpty()) {
              continue;
            }
            JsonObject trigger = trigger(e); // one per event: its facts are shared by every rule tested
            String key = "event:" + e.id();
            for (LiveRule r : matching) {
              if (!r.rule.createdAt().toInstant().isAfter(e.receivedAt())) {
                candidates.add(new Candidate(r, e.customerId(), key, trigger, e.receivedAt()));
              }
            }
          }
          long last = page.get(page.size() - 1).seq();
          return start(candidates, events, last).map(v -> {
            events.position = last;
            return page.size();
          });
        })
        .onComplete(ar -> {
          events.reading = false;
          if (ar.failed()) {
            LOG.warn("Automations could not read the event log after seq {}; retrying at the next poll",
                events.position, ar.cause());
          } else if (ar.result() == limit || ar.result() == -1 || events.again) {
            readEvents();
          } else {
            persistIdle(events); // caught up
          }
        });
  }

  /**
   * No rule is triggered by an event: the feed moves to the log's end without reading (or
   * decoding) the events. A rule created meanwhile (the version moved) reads them instead; one
   * created later starts only with events received after it, which come after that end.
   */
  private void skipEvents() {
    long version = rulesVersion;
    eventLog.lastSeq().onComplete(ar -> {
      events.reading = false;
      if (ar.failed()) {
        LOG.warn("Automations could not read the event log's end; retrying at the next poll", ar.cause());
        return;
      }
      if (version == rulesVersion && ar.result() > events.position) {
        events.position = ar.result();
      }
      if (events.again || version != rulesVersion) {
        readEvents();
      } else {
        persistIdle(events);
      }
    });
  }

  /**
   * Events read (and tested) at once: about {@value #EVALUATIONS_PER_TURN} rule tests per turn
   * of the event loop, so that many active rules do not hold it for long.
   */
  private int eventPage() {
    int active = rules.values().stream().mapToInt(Map::size).sum();
    return Math.max(1, Math.min(PAGE, EVALUATIONS_PER_TURN / Math.max(1, active)));
  }

  /** Writes a feed's position that moved past triggers starting nothing, at each poll while it is not reading. */
  private void persistIdle(Feed feed) {
    long position = durable(feed, feed.position);
    if (feed.reading || position <= feed.persisted || stopping) {
      return;
    }
    store.savePosition(feed.name, position).onSuccess(v -> feed.persisted = Math.max(feed.persisted, position));
  }

  /**
   * The position a feed may write: never past a notification still in doubt, so that after a
   * restart it is read again (a run it started already is not started twice).
   */
  private long durable(Feed feed, long position) {
    return feed == notifications ? doubts.floor(position) : position;
  }

  private static JsonObject trigger(LoggedEvent e) {
    return new JsonObject().put("type", e.type()).put("id", e.id()).put("seq", e.seq())
        .put("occurred_at", Wire.time(e.occurredAt())).put("data", e.data());
  }

  // --- notifications ----------------------------------------------------------------------------

  /**
   * Segment enter/leave notifications commit from several evaluator partitions at once, so a
   * smaller seq may become visible after a larger one. A seq handed out is final only once every
   * transaction that could hold it has ended. So the feed first learns how far it may read (the
   * newest seq and a transaction id taken after it; it settles when every older transaction has
   * ended: one cheap query, asked again every few ms while they run), then reads that settled
   * range once, only the notifications of segments some rule is triggered by. Nothing is read
   * twice, and a store without segment-triggered rules costs a few horizon queries per wake-up.
   */
  private void readNotifications() {
    if (stopping) {
      return;
    }
    if (notifications.reading) {
      notifications.again = true;
      return;
    }
    if (reloading > 0) {
      return; // read when the reload is done
    }
    notifications.reading = true;
    notifications.again = false;
    Future<Boolean> step;
    long now = System.currentTimeMillis();
    long doubtsWait = DOUBTS_EVERY_MS - (now - doubtsReadAt);
    boolean doubtsWanted = doubtsDue && !doubts.isEmpty();
    if (doubtsWanted && doubtsWait <= 0) {
      doubtsDue = false;
      doubtsReadAt = now;
      step = recheckDoubts().map(true);
    } else {
      if (doubtsWanted && doubtsTimer < 0) {
        // read too recently: once the interval is over (the wake that asked is not lost)
        doubtsTimer = vertx.setTimer(doubtsWait, id -> {
          doubtsTimer = -1;
          readNotifications();
        });
      }
      step = notifications.position < settled ? readSettled() : advanceHorizon();
    }
    step.onComplete(ar -> {
      notifications.reading = false;
      if (ar.failed()) {
        LOG.warn("Automations could not read notifications after seq {}; retrying at the next poll",
            notifications.position, ar.cause());
      } else if (ar.result() || notifications.again) {
        readNotifications();
      } else if (waitingSeq >= 0) {
        vertx.setTimer(5, id -> readNotifications()); // rows wait for running transactions to end
      }
    });
  }

  /**
   * Moves the settled horizon; true when there is a settled range to read (or a new reference
   * to test at once). A transaction that runs past {@value #SETTLE_LIMIT_MS} ms (a long report on
   * the same database, or one of ours whose event loop or JVM stalled) is not waited for: the
   * range is settled, and the seqs of it not visible yet are kept as doubts and read again
   * until it has ended.
   */
  private Future<Boolean> advanceHorizon() {
    return store.notificationHorizon().compose(h -> {
      long now = System.currentTimeMillis();
      if (waitingSeq >= 0 && h.xmin() >= waitingXid) {
        settled = Math.max(settled, waitingSeq);
        waitingSeq = -1;
      } else if (waitingSeq >= 0 && now - waitingSince > SETTLE_LIMIT_MS) {
        long from = settled;
        long upTo = waitingSeq;
        long xid = waitingXid;
        return store.absentNotificationSeqs(from, upTo).map(absent -> {
          doubts.add(absent, xid);
          settled = Math.max(settled, upTo);
          waitingSeq = -1;
          return notifications.position < settled;
        });
      }
      if (waitingSeq < 0 && h.seq() > settled) {
        return store.notificationReference().map(r -> {
          waitingSeq = r.seq();
          waitingXid = r.xid();
          waitingSince = now;
          return true;
        });
      }
      return Future.succeededFuture(notifications.position < settled);
    });
  }

  /**
   * Reads the doubts again: those now visible are final (a segment trigger among them starts its
   * runs), and those still absent once every transaction older than their reference has ended
   * were never committed. The xmin is taken before the read, so a commit it counts is seen.
   */
  private Future<Void> recheckDoubts() {
    long version = rulesVersion;
    Long[] seqs = doubts.seqs();
    String[] segments = triggerSegments;
    return store.notificationHorizon().compose(h -> store.notificationsAt(seqs, segments).compose(read -> {
      if (version != rulesVersion) {
        return Future.succeededFuture(); // rules changed while reading: read again with them
      }
      List<Candidate> candidates = new ArrayList<>();
      for (LoggedEvent n : read.rows()) {
        candidates.addAll(segmentCandidates(n));
      }
      return start(candidates, null, 0).map(v -> {
        doubts.settle(read.seen(), h.xmin());
        return null;
      });
    }));
  }

  /** Reads (a page of) the settled range and starts its runs; true when more of it is left. */
  private Future<Boolean> readSettled() {
    long upTo = settled;
    long version = rulesVersion;
    String[] segments = triggerSegments;
    Future<List<LoggedEvent>> page = segments.length == 0
        ? Future.succeededFuture(List.of())
        : store.segmentNotifications(notifications.position, upTo, segments, PAGE);
    return page.compose(rows -> {
      if (version != rulesVersion) {
        return Future.succeededFuture(true); // rules changed while reading: read again with them
      }
      List<Candidate> candidates = new ArrayList<>();
      for (LoggedEvent n : rows) {
        candidates.addAll(segmentCandidates(n));
      }
      long position = rows.size() == PAGE ? rows.get(rows.size() - 1).seq() : upTo;
      return start(candidates, notifications, durable(notifications, position)).map(v -> {
        notifications.position = position;
        return position < settled;
      });
    });
  }

  /** The runs one segment enter/leave notification starts: one per live rule triggered by its segment. */
  private List<Candidate> segmentCandidates(LoggedEvent n) {
    String segmentId = n.data().getString("segment_id");
    JsonObject trigger = null;
    List<Candidate> out = new ArrayList<>(1);
    for (LiveRule r : rulesFor(n.storeId(), n.type())) {
      if (r.spec.segmentId().equals(segmentId) && !r.rule.createdAt().toInstant().isAfter(n.receivedAt())) {
        trigger = trigger == null ? trigger(n) : trigger;
        out.add(new Candidate(r, n.customerId(), "notification:" + n.id(), trigger, n.receivedAt()));
      }
    }
    return out;
  }

  // --- date properties --------------------------------------------------------------------------

  /** Once a day per rule, at its local hour: the customers whose date (offset by N days) is today. */
  private void sweepDates() {
    if (stopping) {
      return;
    }
    Instant now = Instant.now();
    for (Map<String, List<LiveRule>> index : byTrigger.values()) {
      for (LiveRule r : index.getOrDefault(AutomationRuleSpec.DATE_PROPERTY, List.of())) {
        AutomationRuleSpec.DateTrigger t = r.spec.dateTrigger();
        ZonedDateTime local = now.atZone(t.zone());
        LocalDate today = local.toLocalDate();
        String key = r.rule.storeId() + "/" + r.rule.id();
        if (local.getHour() < t.hour() || today.equals(swept.get(key))) {
          continue;
        }
        LocalDate target = today.minusDays(t.offsetDays());
        Instant at = today.atTime(t.hour(), 0).atZone(t.zone()).toInstant();
        store.customersOnDate(r.rule.storeId(), t, target)
            .compose(customers -> {
              List<Candidate> candidates = new ArrayList<>();
              for (String c : customers) {
                JsonObject trigger = new JsonObject().put("type", AutomationRuleSpec.DATE_PROPERTY)
                    .put("occurred_at", Wire.time(at))
                    .put("data", new JsonObject().put("field", t.field()).put("date", target.toString()));
                candidates.add(new Candidate(r, c, "date:" + today + ":" + c, trigger, at));
              }
              return start(candidates, null, 0);
            })
            .onComplete(ar -> {
              if (ar.succeeded()) {
                swept.put(key, today);
              } else {
                LOG.warn("Date trigger of automation rule {} could not run; retrying at the next sweep", r.rule.id(),
                    ar.cause());
              }
            });
      }
    }
  }

  // --- runs -------------------------------------------------------------------------------------

  /** Tests the candidates' conditions and starts the runs of those that hold; moves the feed. */
  private Future<Void> start(List<Candidate> candidates, Feed feed, long position) {
    Map<String, Future<Map<String, Object>>> customers = new HashMap<>();
    for (Candidate c : candidates) {
      if (c.rule.spec.readsCustomer()) {
        String key = c.rule.rule.storeId() + "/" + c.customerId;
        customers.computeIfAbsent(key, k -> AutomationStore.customer(store.pool(), c.rule.rule.storeId(), c.customerId));
      }
    }
    return Future.all(new ArrayList<>(customers.values())).compose(loaded -> {
      Instant now = Instant.now();
      List<AutomationStore.NewRun> runs = new ArrayList<>();
      // one trigger's facts serve every rule it is tested against (same event, same customer)
      Map<JsonObject, TriggerFacts> facts = new java.util.IdentityHashMap<>();
      java.util.Set<LiveRule> failedNow = new java.util.HashSet<>();
      for (Candidate c : candidates) {
        Map<String, Object> customer = null;
        if (c.rule.spec.readsCustomer()) {
          customer = customers.get(c.rule.rule.storeId() + "/" + c.customerId).result();
          if (customer == null) {
            continue; // deleted since
          }
        }
        if (c.rule.spec.conditions() != null) {
          Map<String, Object> known = customer;
          TriggerFacts f = facts.computeIfAbsent(c.trigger, t -> new TriggerFacts(t, null));
          if (known != null) {
            f = f.withCustomer(known);
          }
          if (failedNow.contains(c.rule)) {
            continue;
          }
          boolean holds;
          try {
            holds = c.rule.spec.conditions().test(f, now);
          } catch (RuntimeException e) {
            // this rule cannot be tested: it alone stops; the page (every store's triggers) goes on
            LOG.error("Automation rule {} of store {} failed testing its conditions; it is deactivated",
                c.rule.rule.id(), c.rule.rule.storeId(), e);
            failedNow.add(c.rule);
            fail(c.rule.rule, "testing the rule's conditions failed: " + e);
            continue;
          }
          if (!holds) {
            continue;
          }
        }
        List<JsonObject> actions = new ArrayList<>();
        List<Instant> due = new ArrayList<>();
        for (AutomationRuleSpec.Action a : c.rule.spec.actions()) {
          actions.add(a.json());
          due.add(c.base.plus(a.dueAfter()));
        }
        runs.add(new AutomationStore.NewRun(c.rule.rule.storeId(), Ids.newId("run"), c.rule.rule.id(), c.customerId,
            c.triggerKey, c.trigger, c.rule.spec.reEntry(), actions, due));
      }
      if (runs.isEmpty()) {
        // nothing to start: the position is written when the feed is idle (persistIdle), since
        // reading these triggers again after a crash starts nothing either
        return Future.succeededFuture();
      }
      return store.startRuns(runs, feed == null ? null : feed.name, position).map(earliest -> {
        if (feed != null) {
          feed.persisted = Math.max(feed.persisted, position);
        }
        if (earliest != null) {
          vertx.eventBus().send(STEPS_SCHEDULED, earliest.toEpochMilli());
        }
        return null;
      });
    });
  }
}
