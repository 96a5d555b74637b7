package io.shoal.event;

import io.shoal.customer.CustomerDirectory;
import io.shoal.kernel.DomainException;
import io.shoal.kernel.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Accepts parsed events: resolves each one's customer (creating unknown ones) and appends them
 * to the log, which hands them on to the segment evaluator once durable. One bad event of a
 * batch is refused alone; the others go on.
 */
public final class EventIngestion {

  /** The outcome for one event: accepted (maybe as a repeat) or refused with an error. */
  public record Outcome(LoggedEvent event, boolean duplicate, DomainException error) {

    public JsonObject toJson() {
      if (error != null) {
        return new JsonObject().put("status", "rejected").put("error", error.toJson());
      }
      return new JsonObject()
          .put("object", "event")
          .put("id", event.id())
          .put("type", event.type())
          .put("customer_id", event.customerId())
          .put("occurred_at", io.shoal.kernel.Wire.time(event.occurredAt()))
          .put("status", duplicate ? "duplicate" : "accepted");
    }
  }

  private final CustomerDirectory customers;
  private final ProfileUpdates profiles;
  private final EventLog log;
  private final Admission admission;

  /**
   * When a request's events may be taken in: at once, or once the segment engine has caught up
   * with what was already acknowledged (it fails with a 503 when that takes too long).
   */
  public interface Admission {
    Admission OPEN = events -> Future.succeededFuture();

    Future<Void> room(int events);
  }

  /** Applies the profile carried by a {@code customer.updated} event to the stored customer. */
  public interface ProfileUpdates {
    Future<Void> apply(String storeId, String customerId, JsonObject profile);
  }

  public EventIngestion(CustomerDirectory customers, ProfileUpdates profiles, EventLog log, Admission admission) {
    this.customers = customers;
    this.profiles = profiles;
    this.log = log;
    this.admission = admission;
  }

  /**
   * @param parsed one entry per event: the parsed event, or the error that refused it. Nothing
   *               is resolved or written before the admission lets the request in.
   */
  public Future<List<Outcome>> ingest(String storeId, List<Object> parsed) {
    return admission.room(parsed.size()).compose(v -> admitted(storeId, parsed));
  }

  private Future<List<Outcome>> admitted(String storeId, List<Object> parsed) {
    List<Future<EventLog.Pending>> resolving = new ArrayList<>(parsed.size());
    for (Object p : parsed) {
      if (p instanceof EventParser.Parsed event) {
        resolving.add(resolve(storeId, event));
      } else {
        resolving.add(Future.failedFuture((DomainException) p));
      }
    }
    return Future.join(resolving).transform(ignored -> {
      List<EventLog.Pending> pending = new ArrayList<>();
      for (Future<EventLog.Pending> f : resolving) {
        if (f.succeeded()) {
          pending.add(f.result());
        }
      }
      Future<List<EventLog.Appended>> appended = pending.isEmpty()
          ? Future.succeededFuture(List.of()) : log.append(pending);
      return appended.map(logged -> {
        List<Outcome> out = new ArrayList<>(parsed.size());
        int next = 0;
        for (Future<EventLog.Pending> f : resolving) {
          if (f.succeeded()) {
            EventLog.Appended a = logged.get(next++);
            out.add(new Outcome(a.event(), a.duplicate(), null));
          } else {
            out.add(new Outcome(null, false, asDomainException(f.cause())));
          }
        }
        return out;
      });
    });
  }

  private Future<EventLog.Pending> resolve(String storeId, EventParser.Parsed e) {
    Future<String> customerId;
    if (e.customerId() != null) {
      customerId = customers.byId(storeId, e.customerId());
    } else {
      customerId = customers.byIdentity(storeId, e.customer()).compose(resolved -> {
        if (!resolved.created() && e.type().equals("customer.updated")) {
          return profiles.apply(storeId, resolved.customerId(), e.customer()).map(resolved.customerId());
        }
        return Future.succeededFuture(resolved.customerId());
      });
    }
    // Time first (Ids.newRecordId): a new event's id lands at the end of the (store_id, id) keys of
    // events and of its order's notification, not on a random leaf of each; an event id grants nothing.
    return customerId.map(id -> new EventLog.Pending(storeId, Ids.newRecordId("evt"),
        e.clientId(), e.type(), id, e.occurredAt(), e.data()));
  }

  private static DomainException asDomainException(Throwable t) {
    if (t instanceof DomainException api) {
      return api;
    }
    if (io.shoal.db.DatabaseUnavailable.is(t)) {
      return io.shoal.db.DatabaseUnavailable.answer();
    }
    return new DomainException(500, "api_error", "internal_error", "the event could not be stored; retry it", null);
  }
}
