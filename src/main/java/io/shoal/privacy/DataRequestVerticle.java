package io.shoal.privacy;

import io.shoal.kernel.DataSubject;
import io.shoal.kernel.PersonalData;
import io.shoal.config.PrivacyConfig;
import io.shoal.customer.CustomerPersonalData;
import io.shoal.outbox.Notification;
import io.shoal.outbox.NotificationLog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works through data requests, one at a time, oldest first:
 *
 * <pre>
 *   pending --claim--> processing --steps--> completed  (+ data_request.completed, audit)
 *                          |   erasure: suppression, then each PersonalData in order; every step
 *                          |            recorded in steps_done in the transaction that ends it
 *                          |   export:  each PersonalData's section -> one document -> signed link
 *                          +--step fails--> retried later (5 attempts) --> failed (+ data_request.failed)
 *   crash while processing --> at start the request is claimed again and resumes at its first
 *                              step not in steps_done (every step is idempotent)
 * </pre>
 *
 * "completed" is written only in the transaction after the last step, so a request is never
 * half-done and completed. Woken by new requests; also looks every few seconds.
 */
public final class DataRequestVerticle extends VerticleBase {

  /** Published (locally) after a request is accepted. */
  public static final String WAKE = "shoal.privacy.wake";

  private static final Logger LOG = LoggerFactory.getLogger(DataRequestVerticle.class);
  private static final int MAX_ATTEMPTS = 5;
  private static final long POLL_MS = 2_000;

  private final DataRequestStore store;
  private final Suppressions suppressions;
  private final CustomerPersonalData customers;
  private final List<PersonalData> holders;
  private final NotificationLog notifications;
  private final ExportLinks links;
  private final PrivacyConfig config;

  /** Requests whose last attempt failed, with the instant (ms) before which they are not retried. */
  private final Map<String, Long> retryAfter = new HashMap<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private final List<Long> timers = new ArrayList<>();
  private boolean running;
  private boolean again;
  private boolean stopping;
  private Promise<Void> idle;

  /**
   * @param holders every capability holding personal data, in the order erasure runs them;
   *                {@code customers} must be among them
   */
  public DataRequestVerticle(io.vertx.sqlclient.Pool pool, Suppressions suppressions, CustomerPersonalData customers,
                             List<PersonalData> holders, NotificationLog notifications, ExportLinks links,
                             PrivacyConfig config) {
    this.store = new DataRequestStore(pool);
    this.suppressions = suppressions;
    this.customers = customers;
    this.holders = List.copyOf(holders);
    this.notifications = notifications;
    this.links = links;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    consumers.add(vertx.eventBus().localConsumer(WAKE, m -> kick()));
    timers.add(vertx.setPeriodic(POLL_MS, id -> kick()));
    timers.add(vertx.setPeriodic(3_600_000, id -> store.purgeExpiredExports()));
    store.purgeExpiredExports();
    kick();
    return Future.succeededFuture();
  }

  /** Stops taking requests; the one being processed finishes its current step (or resumes at the next start). */
  @Override
  public Future<?> stop() {
    stopping = true;
    consumers.forEach(MessageConsumer::unregister);
    timers.forEach(vertx::cancelTimer);
    if (!running) {
      return Future.succeededFuture();
    }
    idle = Promise.promise();
    return idle.future();
  }

  private void kick() {
    if (stopping) {
      return;
    }
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    next();
  }

  private void next() {
    if (stopping) {
      becomeIdle();
      return;
    }
    long now = System.currentTimeMillis();
    retryAfter.values().removeIf(at -> at <= now);
    store.claim(new ArrayList<>(retryAfter.keySet())).onComplete(ar -> {
      if (ar.failed() || ar.result() == null) {
        if (ar.failed()) {
          LOG.warn("Could not read data requests; looking again shortly: {}", safe(ar.cause()));
        }
        becomeIdle();
        if (again && ar.succeeded()) {
          kick();
        }
        return;
      }
      Row request = ar.result();
      Future<Void> done;
      try {
        done = "erasure".equals(request.getString("type")) ? erase(request) : export(request);
      } catch (RuntimeException e) {
        // the row itself cannot be read or acted on (no retry can change that): failed at once,
        // with the reason, and the worker goes on with the next request of any store
        LOG.warn("Data request {} of store {} cannot be processed: {}", request.getString("id"),
            request.getString("store_id"), safe(e));
        fail(subject(request), "the request cannot be processed: " + safe(e)).onComplete(x -> next());
        return;
      }
      done.onComplete(r -> {
        if (r.failed()) {
          attemptFailed(request, r.cause()).onComplete(x -> next());
        } else {
          next();
        }
      });
    });
  }

  private void becomeIdle() {
    running = false;
    if (idle != null) {
      idle.tryComplete();
    }
  }

  // --- erasure ----------------------------------------------------------------------------------

  /** One erasure step: its name in steps_done, and the work that ends by recording it. */
  private record Step(String name, Supplier<Future<Void>> run) {}

  private Future<Void> erase(Row request) {
    DataSubject subject = subject(request);
    List<String> done = List.of(request.getArrayOfStrings("steps_done"));
    List<Step> steps = new ArrayList<>();
    steps.add(new Step("suppression", () -> suppress(subject)));
    for (PersonalData h : holders) {
      steps.add(new Step(h.name(), () -> h.erase(subject).compose(r -> recordStep(subject, h.name(), r))));
    }
    steps.add(new Step("exports", () -> store.deleteExports(subject.storeId(), subject.customerId())
        .compose(n -> recordStep(subject, "exports", new JsonObject().put("export_documents_deleted", n)))));
    Future<Void> chain = Future.succeededFuture();
    for (Step step : steps) {
      if (!done.contains(step.name())) {
        chain = chain.compose(v -> pause()).compose(v -> step.run().get());
      }
    }
    return chain.compose(v -> complete(subject, null));
  }

  /** Suppresses the person's email, phone and external id in the transaction that records the step. */
  private Future<Void> suppress(DataSubject s) {
    return customers.identity(s.storeId(), s.customerId()).compose(identity -> store.pool().withTransaction(conn -> {
      Future<Integer> added = identity == null ? Future.succeededFuture(0)
          : suppressions.add(conn, s.storeId(), identity.getString("email"), identity.getString("phone"),
              identity.getString("external_id"), s.requestId());
      return added.compose(n -> {
        JsonObject result = new JsonObject().put("suppressions_added", n);
        return store.stepDone(conn, s.storeId(), s.requestId(), "suppression", result)
            .compose(v -> store.audit(conn, s.storeId(), s.requestId(), "step_completed", "shoal",
                new JsonObject().put("step", "suppression").put("result", result)));
      });
    }));
  }

  private Future<Void> recordStep(DataSubject s, String step, JsonObject result) {
    JsonObject r = result == null ? new JsonObject() : result;
    return store.pool().withTransaction(conn -> store.stepDone(conn, s.storeId(), s.requestId(), step, r)
        .compose(v -> store.audit(conn, s.storeId(), s.requestId(), "step_completed", "shoal",
            new JsonObject().put("step", step).put("result", r))));
  }

  private Future<Void> pause() {
    return config.stepPauseMs() == 0 ? Future.succeededFuture() : vertx.timer(config.stepPauseMs()).mapEmpty();
  }

  // --- export -----------------------------------------------------------------------------------

  private Future<Void> export(Row request) {
    DataSubject subject = subject(request);
    JsonObject document = new JsonObject()
        .put("object", "data_export")
        .put("request_id", subject.requestId())
        .put("store_id", subject.storeId())
        .put("customer_id", subject.customerId())
        .put("format", "json")
        .put("generated_at", io.shoal.kernel.Wire.time(Instant.now()));
    Future<Void> chain = Future.succeededFuture();
    for (PersonalData h : holders) {
      chain = chain.compose(v -> h.export(subject).map(section -> {
        if (section != null) {
          document.put(h.name(), section);
        }
        return null;
      }));
    }
    return chain
        .compose(v -> store.requestsOf(subject.storeId(), subject.customerId()))
        .compose(requests -> {
          io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
          for (Row r : requests) {
            out.add(new JsonObject().put("id", r.getString("id")).put("type", r.getString("type"))
                .put("status", r.getString("status")).put("reason", r.getString("reason"))
                .put("created_at", io.shoal.kernel.Wire.time(r.getOffsetDateTime("created_at")))
                .put("completed_at", io.shoal.kernel.Wire.time(r.getOffsetDateTime("completed_at"))));
          }
          document.put("data_requests", out);
          return complete(subject, document);
        });
  }

  // --- the end ----------------------------------------------------------------------------------

  /**
   * Marks the request completed, with its audit entry and its data_request.completed event, in
   * one transaction (an export's document too).
   */
  private Future<Void> complete(DataSubject s, JsonObject exportDocument) {
    List<Notification> announced = new ArrayList<>();
    Instant expires = Instant.now().plusSeconds(config.exportTtlSeconds());
    return store.pool().withTransaction(conn -> {
      Future<Void> saved = exportDocument == null ? Future.succeededFuture()
          : store.saveExport(conn, s.storeId(), s.requestId(), s.customerId(), exportDocument,
              expires.atOffset(ZoneOffset.UTC));
      return saved
          .compose(v -> store.finish(conn, s.storeId(), s.requestId(), "completed", null))
          .compose(row -> {
            if (row == null) {
              return Future.succeededFuture(); // finished meanwhile (cannot happen with one worker)
            }
            JsonObject rendered = DataRequestApi.render(row, links);
            JsonObject detail = new JsonObject().put("type", row.getString("type")).put("result", row.getJsonObject("result"));
            Notification n = Notification.of(s.storeId(), "data_request.completed", s.customerId(), rendered);
            announced.add(n);
            return store.audit(conn, s.storeId(), s.requestId(), "completed", "shoal", detail)
                .compose(v -> notifications.record(conn, List.of(n)));
          });
    }).onSuccess(v -> {
      notifications.wake(announced);
      LOG.info("Data request {} of store {} completed", s.requestId(), s.storeId());
    });
  }

  private Future<Void> attemptFailed(Row request, Throwable cause) {
    DataSubject s = subject(request);
    String error = safe(cause);
    return store.attemptFailed(s.storeId(), s.requestId(), error).compose(attempts -> {
      if (attempts < MAX_ATTEMPTS) {
        long wait = Math.min(60_000, 1_000L << attempts);
        LOG.warn("Data request {} of store {} failed (attempt {} of {}), retried in {} ms: {}", s.requestId(),
            s.storeId(), attempts, MAX_ATTEMPTS, wait, error);
        retryAfter.put(s.requestId(), System.currentTimeMillis() + wait);
        return Future.succeededFuture();
      }
      LOG.error("Data request {} of store {} failed after {} attempts: {}", s.requestId(), s.storeId(), attempts, error);
      return fail(s, error);
    }).recover(e -> {
      LOG.warn("Could not record the failure of data request {}: {}", s.requestId(), safe(e));
      retryAfter.put(s.requestId(), System.currentTimeMillis() + 5_000);
      return Future.succeededFuture();
    });
  }

  /** Marks the request failed with the reason, audited and announced (data_request.failed), in one transaction. */
  private Future<Void> fail(DataSubject s, String error) {
    List<Notification> announced = new ArrayList<>();
    return store.pool().<Void>withTransaction(conn -> store.finish(conn, s.storeId(), s.requestId(), "failed", error)
            .compose(row -> {
              if (row == null) {
                return Future.succeededFuture();
              }
              Notification n = Notification.of(s.storeId(), "data_request.failed", s.customerId(),
                  DataRequestApi.render(row, links));
              announced.add(n);
              return store.audit(conn, s.storeId(), s.requestId(), "failed", "shoal",
                      new JsonObject().put("error", error).put("steps_done", row.getArrayOfStrings("steps_done").length))
                  .compose(v -> notifications.record(conn, List.of(n)));
            }))
        .onSuccess(v -> notifications.wake(announced))
        .recover(e -> {
          LOG.warn("Could not record the failure of data request {}: {}", s.requestId(), safe(e));
          retryAfter.put(s.requestId(), System.currentTimeMillis() + 5_000);
          return Future.succeededFuture();
        });
  }

  private static DataSubject subject(Row r) {
    return new DataSubject(r.getString("store_id"), r.getString("customer_id"), r.getString("id"));
  }

  /**
   * An error as it may be stored and logged: a database error's detail can quote the row's
   * values (the person's email, say), so only its SQLSTATE and the message's first line are kept.
   */
  static String safe(Throwable e) {
    if (e instanceof PgException pg) {
      return "database error " + pg.getSqlState();
    }
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
