package io.shoal.delivery;

import io.shoal.kernel.Wire;
import io.shoal.kernel.DataSubject;
import io.shoal.kernel.PersonalData;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Messages to the person, what happened to them, and their channel unsubscribes. Erasing never
 * deletes a message, because a campaign's sent, delivered, opened and clicked counts are the
 * store's accounting: every row is kept only anonymised (a random customer id per row; no
 * template variables, rendered subject, provider id or error text, which may quote the person), and so are its
 * tracking events (type and time, without the clicked URL or provider detail). Messages not sent
 * yet become {@code suppressed}, so the dispatcher never sends them. Unsubscribes go: the
 * suppression of an erased person is stronger. What the {@code log} adapter wrote for them in
 * the {@link Outbox} is deleted.
 */
public final class MessagePersonalData implements PersonalData {

  private static final String SQL_EXPORT =
      "SELECT id, channel, source, source_id, template_id, variables, subject, status, created_at, sent_at FROM messages"
          + " WHERE store_id = $1 AND customer_id = $2 ORDER BY created_at, id";
  private static final String SQL_EXPORT_EVENTS =
      "SELECT e.message_id, e.type, e.url, e.occurred_at FROM message_events e JOIN messages m"
          + " ON m.store_id = e.store_id AND m.id = e.message_id WHERE m.store_id = $1 AND m.customer_id = $2"
          + " ORDER BY e.id";
  private static final String SQL_EXPORT_UNSUBSCRIBES =
      "SELECT channel, message_id, unsubscribed_at FROM channel_unsubscribes WHERE store_id = $1 AND customer_id = $2"
          + " ORDER BY unsubscribed_at, channel";
  private static final String SQL_ANONYMISE_EVENTS =
      "UPDATE message_events SET url = NULL, detail = NULL WHERE store_id = $1 AND message_id IN"
          + " (SELECT id FROM messages WHERE store_id = $1 AND customer_id = $2)";
  private static final String SQL_IDS =
      "SELECT id FROM messages WHERE store_id = $1 AND customer_id = $2";
  private static final String SQL_DELETE_UNSUBSCRIBES =
      "DELETE FROM channel_unsubscribes WHERE store_id = $1 AND customer_id = $2";
  private static final String SQL_ANONYMISE =
      "UPDATE messages SET customer_id = 'anon_' || md5(random()::text || id),"
          + " status = CASE WHEN status = 'queued' THEN 'suppressed' ELSE status END,"
          + " variables = '{}', provider_message_id = NULL, subject = NULL,"
          + " last_error = CASE WHEN status = 'queued' THEN 'erased at the person''s request' ELSE NULL END,"
          + " updated_at = clock_timestamp()"
          + " WHERE store_id = $1 AND customer_id = $2";

  private final Pool pool;
  private final Outbox outbox;

  public MessagePersonalData(Pool pool, Outbox outbox) {
    this.pool = pool;
    this.outbox = outbox;
  }

  @Override
  public String name() {
    return "messages";
  }

  @Override
  public Future<JsonObject> export(DataSubject s) {
    Tuple key = Tuple.of(s.storeId(), s.customerId());
    JsonObject section = new JsonObject();
    return pool.preparedQuery(SQL_EXPORT).execute(key).compose(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        out.add(new JsonObject().put("id", r.getString("id")).put("channel", r.getString("channel"))
            .put("source", r.getString("source")).put("source_id", r.getString("source_id"))
            .put("template_id", r.getString("template_id")).put("variables", r.getJsonObject("variables"))
            .put("subject", r.getString("subject"))
            .put("status", r.getString("status")).put("created_at", Wire.time(r.getOffsetDateTime("created_at")))
            .put("sent_at", Wire.time(r.getOffsetDateTime("sent_at"))));
      }
      section.put("messages", out);
      return pool.preparedQuery(SQL_EXPORT_EVENTS).execute(key);
    }).compose(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        out.add(new JsonObject().put("message_id", r.getString("message_id")).put("type", r.getString("type"))
            .put("url", r.getString("url")).put("occurred_at", Wire.time(r.getOffsetDateTime("occurred_at"))));
      }
      section.put("message_events", out);
      return pool.preparedQuery(SQL_EXPORT_UNSUBSCRIBES).execute(key);
    }).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        out.add(new JsonObject().put("channel", r.getString("channel")).put("message_id", r.getString("message_id"))
            .put("unsubscribed_at", Wire.time(r.getOffsetDateTime("unsubscribed_at"))));
      }
      return section.put("unsubscribes", out);
    });
  }

  @Override
  public Future<JsonObject> erase(DataSubject s) {
    Tuple key = Tuple.of(s.storeId(), s.customerId());
    JsonObject done = new JsonObject();
    // The files first: a crash after them leaves the rows to find them by again.
    return pool.preparedQuery(SQL_IDS).execute(key)
        .compose(rows -> {
          List<String> ids = new ArrayList<>(rows.size());
          rows.forEach(r -> ids.add(r.getString(0)));
          return outbox.erase(ids);
        })
        .compose(files -> pool.withTransaction(conn -> conn.preparedQuery(SQL_ANONYMISE_EVENTS).execute(key)
        .compose(events -> {
          done.put("message_events_anonymised", events.rowCount());
          return conn.preparedQuery(SQL_DELETE_UNSUBSCRIBES).execute(key);
        })
        .compose(unsubscribes -> {
          done.put("unsubscribes_deleted", unsubscribes.rowCount());
          return conn.preparedQuery(SQL_ANONYMISE).execute(key);
        })
        .map(rows -> done.put("messages_anonymised", rows.rowCount()).put("outbox_files_deleted", files))));
  }
}
