package io.shoal.campaign;

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
 * The campaigns the person was a recipient of, and the orders attributed to them. Erasing
 * deletes the person's recipient rows (a campaign still queueing will not reach them; its
 * recipient_count stays as it was) and keeps each conversion only anonymised: campaign, revenue
 * and times stay for the campaign's revenue figures, under random customer, order and event ids.
 */
public final class CampaignPersonalData implements PersonalData {

  private static final String SQL_RECIPIENTS =
      "SELECT campaign_id FROM campaign_recipients WHERE store_id = $1 AND customer_id = $2 ORDER BY campaign_id";
  private static final String SQL_CONVERSIONS =
      "SELECT campaign_id, order_id, message_id, revenue, ordered_at, touched_at FROM campaign_conversions"
          + " WHERE store_id = $1 AND customer_id = $2 ORDER BY ordered_at, order_id";
  private static final String SQL_DELETE_RECIPIENTS =
      "DELETE FROM campaign_recipients WHERE store_id = $1 AND customer_id = $2";
  private static final String SQL_ANONYMISE_CONVERSIONS =
      "UPDATE campaign_conversions SET customer_id = 'anon_' || md5(random()::text || order_id),"
          + " order_id = 'anon_' || md5(random()::text || order_id || 'o'),"
          + " event_id = 'anon_' || md5(random()::text || event_id)"
          + " WHERE store_id = $1 AND customer_id = $2";

  private final Pool pool;

  public CampaignPersonalData(Pool pool) {
    this.pool = pool;
  }

  @Override
  public String name() {
    return "campaigns";
  }

  @Override
  public Future<JsonObject> export(DataSubject s) {
    Tuple key = Tuple.of(s.storeId(), s.customerId());
    return pool.preparedQuery(SQL_RECIPIENTS).execute(key).compose(recipients -> {
      JsonArray campaigns = new JsonArray();
      recipients.forEach(r -> campaigns.add(r.getString("campaign_id")));
      return pool.preparedQuery(SQL_CONVERSIONS).execute(key).map(rows -> {
        JsonArray conversions = new JsonArray();
        for (Row r : rows) {
          conversions.add(new JsonObject().put("campaign_id", r.getString("campaign_id"))
              .put("order_id", r.getString("order_id")).put("message_id", r.getString("message_id"))
              .put("revenue", Wire.money(r.getBigDecimal("revenue")))
              .put("ordered_at", Wire.time(r.getOffsetDateTime("ordered_at")))
              .put("touched_at", Wire.time(r.getOffsetDateTime("touched_at"))));
        }
        return new JsonObject().put("recipient_of", campaigns).put("conversions", conversions);
      });
    });
  }

  @Override
  public Future<JsonObject> erase(DataSubject s) {
    Tuple key = Tuple.of(s.storeId(), s.customerId());
    JsonObject done = new JsonObject();
    return pool.withTransaction(conn -> conn.preparedQuery(SQL_DELETE_RECIPIENTS).execute(key)
        .compose(recipients -> {
          done.put("recipients_deleted", recipients.rowCount());
          return conn.preparedQuery(SQL_ANONYMISE_CONVERSIONS).execute(key);
        })
        .map(conversions -> done.put("conversions_anonymised", conversions.rowCount())));
  }
}
