package io.shoal.delivery;

import io.shoal.http.Wire;
import io.shoal.privacy.DataSubject;
import io.shoal.privacy.PersonalData;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * Messages to the person (the {@code messages} table). Erasing never deletes a row, because a
 * campaign's sent and delivered counts are the store's accounting: every row is kept only
 * anonymised (a random customer id per row; no template variables, provider id or error text,
 * which may quote the address). Messages not sent yet become {@code suppressed}, so the
 * dispatcher never sends them.
 */
public final class MessagePersonalData implements PersonalData {

  private static final String SQL_EXPORT =
      "SELECT id, channel, source, source_id, template_id, variables, status, created_at, sent_at FROM messages"
          + " WHERE store_id = $1 AND customer_id = $2 ORDER BY created_at, id";
  private static final String SQL_ANONYMISE =
      "UPDATE messages SET customer_id = 'anon_' || md5(random()::text || id),"
          + " status = CASE WHEN status = 'queued' THEN 'suppressed' ELSE status END,"
          + " variables = '{}', provider_message_id = NULL,"
          + " last_error = CASE WHEN status = 'queued' THEN 'erased at the person''s request' ELSE NULL END,"
          + " updated_at = clock_timestamp()"
          + " WHERE store_id = $1 AND customer_id = $2";

  private final Pool pool;

  public MessagePersonalData(Pool pool) {
    this.pool = pool;
  }

  @Override
  public String name() {
    return "messages";
  }

  @Override
  public Future<JsonObject> export(DataSubject s) {
    return pool.preparedQuery(SQL_EXPORT).execute(Tuple.of(s.storeId(), s.customerId())).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        out.add(new JsonObject().put("id", r.getString("id")).put("channel", r.getString("channel"))
            .put("source", r.getString("source")).put("source_id", r.getString("source_id"))
            .put("template_id", r.getString("template_id")).put("variables", r.getJsonObject("variables"))
            .put("status", r.getString("status")).put("created_at", Wire.time(r.getOffsetDateTime("created_at")))
            .put("sent_at", Wire.time(r.getOffsetDateTime("sent_at"))));
      }
      return new JsonObject().put("messages", out);
    });
  }

  @Override
  public Future<JsonObject> erase(DataSubject s) {
    return pool.preparedQuery(SQL_ANONYMISE).execute(Tuple.of(s.storeId(), s.customerId()))
        .map(rows -> new JsonObject().put("messages_anonymised", rows.rowCount()));
  }
}
