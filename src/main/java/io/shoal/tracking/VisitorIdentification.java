package io.shoal.tracking;

import io.shoal.customer.AnonymousVisitors;
import io.shoal.event.HistoryTransfer;
import io.shoal.event.LoggedEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.List;

/**
 * What a browser's {@code identify} does to the visitor behind its anonymous id, in one
 * transaction, then tells the segment engine:
 * <pre>
 *   lock the visitor's row
 *     already identified           -> nothing to merge (the same browser, a person known before; another
 *                                     known person: the rest of the batch is that person's)
 *     anonymous, identity unknown  -> promote: the row takes the identity, history stays where it is
 *     anonymous, identity known    -> merge: events move (event.HistoryTransfer), timeline and notes
 *                                     move, merge recorded, anonymous row deleted (customer.AnonymousVisitors)
 *   after the commit (merge)       -> SegmentEngine.merged: the anonymous profile leaves its segments,
 *                                     the person takes the history and is re-tested once
 * </pre>
 * Answers the customer the browser's events belong to from now on.
 */
public final class VisitorIdentification {

  /** Tells the segment engine of a merge (SegmentEngine.merged); answers once written. */
  public interface MergeListener {
    Future<Void> merged(String storeId, String fromId, String intoId, List<LoggedEvent> moved);
  }

  /** The result: whose events these are now, and what happened. */
  public record Outcome(String customerId, String action, String mergedFrom) {}

  private final Pool pool;
  private final AnonymousVisitors visitors;
  private final HistoryTransfer history;
  private final MergeListener engine;

  public VisitorIdentification(Pool pool, AnonymousVisitors visitors, HistoryTransfer history, MergeListener engine) {
    this.pool = pool;
    this.visitors = visitors;
    this.engine = engine;
    this.history = history;
  }

  public Future<Outcome> identify(String storeId, String anonymousId, JsonObject identity) {
    String email = identity.getString("email");
    String external = identity.getString("external_id");
    return visitors.customerOf(storeId, anonymousId).compose(visitorId -> {
      List<LoggedEvent>[] moved = new List[1];
      return pool.withTransaction(conn -> visitors.lock(conn, storeId, visitorId).compose(visitor -> {
        if (visitor == null) {
          return Future.succeededFuture(new Outcome(visitorId, "gone", null));
        }
        if (!visitor.anonymous()) {
          // a browser already identified, now identifying as someone else the store knows: that person's,
          // for the rest of the batch (no merge: the browser's history is the first person's)
          return visitors.known(conn, storeId, email, external).map(knownId -> knownId != null && !knownId.equals(visitorId)
              ? new Outcome(knownId, "switched", null) : new Outcome(visitorId, "known", null));
        }
        return visitors.known(conn, storeId, email, external).compose(knownId -> {
          if (knownId == null) {
            return visitors.promote(conn, storeId, visitorId, identity)
                .map(new Outcome(visitorId, "identified", null));
          }
          return history.move(conn, storeId, visitorId, knownId).compose(events -> {
            moved[0] = events;
            return visitors.merge(conn, storeId, visitorId, knownId, "identify", events.size());
          }).map(mergeId -> new Outcome(knownId, "merged", visitorId));
        });
      })).compose(outcome -> {
        if (!"merged".equals(outcome.action())) {
          return Future.succeededFuture(outcome);
        }
        visitors.merged(storeId, anonymousId, outcome.mergedFrom(), outcome.customerId());
        return engine.merged(storeId, outcome.mergedFrom(), outcome.customerId(), moved[0]).map(outcome);
      });
    });
  }
}
