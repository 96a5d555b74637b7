package io.shoal.segment;

import io.shoal.kernel.Wire;
import io.shoal.kernel.DataSubject;
import io.shoal.kernel.PersonalData;
import io.shoal.segment.eval.SegmentEngine;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * A person's segment memberships and recorded transitions. Erasing first has the evaluator
 * take the customer out of its dynamic and passive segments (dynamic ones announce
 * {@code customer.segment.left} with cause {@code customer_erased} and no profile data) and
 * drop its in-memory state; then static memberships go, and the recorded transitions are kept
 * only anonymised (a random id per row instead of the customer's), so a segment's enter/leave
 * counts over time stay right but no two rows can be linked back to one person. Their
 * announcements, held by the same rows since V80, go to the outbox's sets first (unchanged, under
 * the person's id), which the notifications' erasure deletes, all but the erasure's own leaves.
 */
public final class SegmentPersonalData implements PersonalData {

  private static final String SQL_MEMBERSHIPS =
      "SELECT m.segment_id, s.name, s.type, m.since FROM segment_memberships m"
          + " JOIN segments s ON s.store_id = m.store_id AND s.id = m.segment_id"
          + " WHERE m.store_id = $1 AND m.customer_id = $2 ORDER BY m.since, m.segment_id";
  private static final String SQL_TRANSITIONS =
      "SELECT id, segment_id, kind, cause, event_id, occurred_at FROM segment_transitions"
          + " WHERE store_id = $1 AND customer_id = $2 ORDER BY seq";
  private static final String SQL_DELETE_MEMBERSHIPS =
      "DELETE FROM segment_members WHERE store_id = $1 AND customer_id = $2";
  /*
   * The customer's segment_flips rows (V57: one per event) are split into one row per flip, each
   * with its own random customer id, at the flip's own seq (its row's plus its place: no other
   * row holds it), with its id (stored, or made from that seq: V80). The split rows announce
   * nothing: a row's notifications (V80) were moved to notification_sets just before, in the same
   * transaction (NotificationLog.moveAnnouncedFlips), where the notifications' own erasure deletes
   * them but the leaves the erasure announced. Answers how many flips were anonymised.
   */
  private static final String SQL_ANONYMISE_TRANSITIONS =
      "WITH gone AS (DELETE FROM segment_flips WHERE store_id = $1 AND customer_id = $2 RETURNING *),"
          + " split AS (INSERT INTO segment_flips (seq, store_id, customer_id, cause, event_id, occurred_at, recorded_at,"
          + "   ids, segment_ids, entered)"
          + "   SELECT g.seq + u.k - 1, g.store_id, 'anon_' || md5(random()::text || (g.seq + u.k - 1)::text), g.cause,"
          + "   NULL, g.occurred_at, g.recorded_at, ARRAY[coalesce(u.id, segment_flip_id(g.seq + u.k - 1))],"
          + "   ARRAY[u.segment_id], ARRAY[u.entered]"
          + "   FROM gone g CROSS JOIN LATERAL unnest(g.ids, g.segment_ids, g.entered) WITH ORDINALITY AS u(id, segment_id,"
          + "   entered, k) RETURNING 1)"
          + " SELECT count(*) FROM split";

  private final Pool pool;
  private final SegmentEngine engine;

  public SegmentPersonalData(Pool pool, SegmentEngine engine) {
    this.pool = pool;
    this.engine = engine;
  }

  @Override
  public String name() {
    return "segments";
  }

  @Override
  public Future<JsonObject> export(DataSubject s) {
    Tuple key = Tuple.of(s.storeId(), s.customerId());
    return pool.preparedQuery(SQL_MEMBERSHIPS).execute(key).compose(members -> {
      JsonArray memberships = new JsonArray();
      for (Row r : members) {
        memberships.add(new JsonObject().put("segment_id", r.getString("segment_id")).put("name", r.getString("name"))
            .put("type", r.getString("type")).put("since", Wire.time(r.getOffsetDateTime("since"))));
      }
      return pool.preparedQuery(SQL_TRANSITIONS).execute(key).map(rows -> {
        JsonArray transitions = new JsonArray();
        for (Row r : rows) {
          transitions.add(new JsonObject().put("id", r.getString("id")).put("segment_id", r.getString("segment_id"))
              .put("kind", r.getString("kind")).put("cause", r.getString("cause"))
              .put("event_id", r.getString("event_id"))
              .put("occurred_at", Wire.time(r.getOffsetDateTime("occurred_at"))));
        }
        return new JsonObject().put("memberships", memberships).put("transitions", transitions);
      });
    });
  }

  @Override
  public Future<JsonObject> erase(DataSubject s) {
    Tuple key = Tuple.of(s.storeId(), s.customerId());
    JsonObject done = new JsonObject();
    return engine.erase(s.storeId(), s.customerId())
        .compose(v -> pool.withTransaction(conn -> conn.preparedQuery(SQL_DELETE_MEMBERSHIPS).execute(key)
            .compose(deleted -> {
              done.put("static_memberships_deleted", deleted.rowCount());
              return anonymiseTransitions(conn, s.storeId(), s.customerId());
            })
            .map(anonymised -> done.put("transitions_anonymised", anonymised))));
  }

  /**
   * Anonymises a person's recorded transitions (see {@link #SQL_ANONYMISE_TRANSITIONS}), their
   * notifications moved first; answers how many. Inside the caller's transaction.
   */
  static Future<Integer> anonymiseTransitions(io.vertx.sqlclient.SqlClient client, String storeId, String customerId) {
    return io.shoal.outbox.NotificationLog.moveAnnouncedFlips(client, storeId, customerId)
        .compose(moved -> client.preparedQuery(SQL_ANONYMISE_TRANSITIONS).execute(Tuple.of(storeId, customerId)))
        .map(rows -> rows.iterator().next().getLong(0).intValue());
  }
}
