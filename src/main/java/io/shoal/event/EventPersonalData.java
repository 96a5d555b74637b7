package io.shoal.event;

import io.shoal.kernel.Wire;
import io.shoal.kernel.DataSubject;
import io.shoal.kernel.PersonalData;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * The person's events in the event log (their activity: orders, carts, page views, profile
 * updates, custom events). Erasing deletes them, except orders, refunds and cancellations,
 * which the store's revenue figures still count: those stay with the amounts, currency and
 * products only, under a random customer and event id per row, without the order id or any
 * other field, so they can be neither read as nor linked back to the person.
 *
 * <p>The evaluator never needs the erased rows again: they lie behind its checkpoint, and a
 * replay that meets an anonymised row finds no such customer and skips it.
 */
public final class EventPersonalData implements PersonalData {

  private static final String ACCOUNTING_TYPES = "('order.completed', 'order.refunded', 'order.cancelled')";

  private static final String SQL_EXPORT =
      "SELECT id, type, occurred_at, received_at, data FROM events WHERE store_id = $1 AND customer_id = $2"
          + " ORDER BY seq";
  private static final String SQL_ANONYMISE =
      "UPDATE events SET customer_id = 'anon_' || md5(random()::text || seq::text),"
          + " id = 'anon_' || md5(random()::text || seq::text || 'e'), dedupe_key = NULL,"
          + " data = jsonb_strip_nulls(jsonb_build_object("
          + "   'total', data->'total', 'amount', data->'amount', 'currency', data->'currency',"
          + "   'items', (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object('product_id', i->'product_id',"
          + "              'category_id', i->'category_id', 'quantity', i->'quantity', 'price', i->'price')))"
          + "            FROM jsonb_array_elements(CASE WHEN jsonb_typeof(data->'items') = 'array'"
          + "                                      THEN data->'items' ELSE '[]'::jsonb END) i)))"
          + " WHERE store_id = $1 AND customer_id = $2 AND type IN " + ACCOUNTING_TYPES;
  private static final String SQL_DELETE =
      "DELETE FROM events WHERE store_id = $1 AND customer_id = $2";

  private final Pool pool;
  private final PgEventLog log;

  public EventPersonalData(Pool pool, PgEventLog log) {
    this.pool = pool;
    this.log = log;
  }

  @Override
  public String name() {
    return "events";
  }

  @Override
  public Future<JsonObject> export(DataSubject s) {
    return pool.preparedQuery(SQL_EXPORT).execute(Tuple.of(s.storeId(), s.customerId())).map(rows -> {
      JsonArray events = new JsonArray();
      for (Row r : rows) {
        events.add(new JsonObject().put("id", r.getString("id")).put("type", r.getString("type"))
            .put("occurred_at", Wire.time(r.getOffsetDateTime("occurred_at")))
            .put("received_at", Wire.time(r.getOffsetDateTime("received_at")))
            .put("data", r.getJsonObject("data")));
      }
      return new JsonObject().put("events", events);
    });
  }

  @Override
  public Future<JsonObject> erase(DataSubject s) {
    Tuple key = Tuple.of(s.storeId(), s.customerId());
    JsonObject done = new JsonObject();
    // this step runs after the customer row is gone: no new event can name the person, and
    // the appends already on their way are waited for
    return log.drained().compose(v -> pool.withTransaction(conn -> conn.preparedQuery(SQL_ANONYMISE).execute(key)
        .compose(anonymised -> {
          done.put("orders_anonymised", anonymised.rowCount());
          return conn.preparedQuery(SQL_DELETE).execute(key);
        })
        .map(deleted -> done.put("events_deleted", deleted.rowCount()))));
  }
}
