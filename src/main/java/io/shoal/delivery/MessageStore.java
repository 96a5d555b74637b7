package io.shoal.delivery;

import io.shoal.template.Recipient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The {@code messages} table as the dispatcher and tracking use it, and its events: all of the SQL. */
public final class MessageStore {

  /** A claimed message with what sending it needs: its recipient (null if deleted) and template (null if deleted). */
  public record Claimed(String storeId, String id, String customerId, String channel, String templateId,
                        JsonObject variables, int attempts, Recipient recipient, boolean unsubscribed,
                        Integer templateVersion, String templateChannel, String subject, String html, String text,
                        String title) {}

  /**
   * What an attempt led to (see DeliveryPolicy); {@code attempt}: the claim's (its attempts when
   * claimed), {@code subject}: an email's subject as rendered for this recipient, kept for the
   * activity timeline (null: keep what is there).
   */
  public record Result(String storeId, String id, int attempt, String status, String providerId, String error,
                       OffsetDateTime notBefore, String subject) {
    public Result(String storeId, String id, int attempt, String status, String providerId, String error,
                  OffsetDateTime notBefore) {
      this(storeId, id, attempt, status, providerId, error, notBefore, null);
    }
  }

  private static final String SQL_CLAIM =
      "WITH due AS (SELECT store_id, id FROM messages WHERE status = 'queued' AND channel = $1"
          + "   AND not_before <= clock_timestamp() ORDER BY not_before LIMIT $2 FOR UPDATE SKIP LOCKED),"
          + " claimed AS (UPDATE messages m SET status = 'sending', attempts = m.attempts + 1,"
          + "   claimed_at = clock_timestamp(), updated_at = clock_timestamp() FROM due"
          + "   WHERE m.store_id = due.store_id AND m.id = due.id"
          + "   RETURNING m.store_id, m.id, m.customer_id, m.channel, m.template_id, m.variables, m.attempts)"
          + " SELECT claimed.*, " + Recipient.COLUMNS + ","
          + " EXISTS (SELECT 1 FROM channel_unsubscribes u WHERE u.store_id = claimed.store_id"
          + "   AND u.customer_id = claimed.customer_id AND u.channel = claimed.channel) AS unsubscribed,"
          + " t.version AS t_version, t.channel AS t_channel, t.subject AS t_subject, t.html AS t_html,"
          + " t.text AS t_text, t.title AS t_title"
          + " FROM claimed LEFT JOIN customers c ON c.store_id = claimed.store_id AND c.id = claimed.customer_id"
          + " LEFT JOIN templates t ON t.store_id = claimed.store_id AND t.id = claimed.template_id";

  /**
   * A message whose delivery a provider already reported (a fast status callback) is written
   * as delivered rather than sent. Only a message still 'sending' under the result's claim is
   * written: a result never overwrites what tracking recorded meanwhile, nor lands on a later
   * claim of the message (the dispatcher moved to another node while this one stalled, gave the
   * message back and claimed it again: that claim's own result is what counts).
   */
  private static final String SQL_RESULT =
      "UPDATE messages SET status = CASE WHEN $3 = 'sent' AND delivered_at IS NOT NULL THEN 'delivered'"
          + "   WHEN $3 = 'sent' AND bounced_at IS NOT NULL THEN 'bounced' ELSE $3 END,"
          + " provider_message_id = coalesce($4, provider_message_id), last_error = $5,"
          + " not_before = coalesce($6, not_before), subject = coalesce($7, subject),"
          + " sent_at = CASE WHEN $3 = 'sent' THEN clock_timestamp() ELSE sent_at END,"
          + " bounced_at = CASE WHEN $3 = 'bounced' THEN coalesce(bounced_at, clock_timestamp()) ELSE bounced_at END,"
          + " updated_at = clock_timestamp(),"
          // variables no reader can use are dropped, so a message failed for them stays readable
          + " variables = CASE WHEN jsonb_typeof(variables) = 'object' THEN variables ELSE '{}' END"
          + " WHERE store_id = $1 AND id = $2 AND status = 'sending' AND attempts = $8";

  private static final String SQL_REQUEUE_SENDING =
      "UPDATE messages SET status = 'queued', not_before = clock_timestamp(), updated_at = clock_timestamp()"
          + " WHERE status = 'sending'";

  private final Pool pool;

  public MessageStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * What a claim took: the messages to send, and those whose row (or recipient, or template)
   * cannot even be read, each already a 'failed' result with the reason. One unreadable row
   * fails alone; it never fails the claim of the others (of any store) taken with it.
   */
  public record Claim(List<Claimed> ready, List<Result> unreadable) {}

  /** Claims up to {@code limit} due messages of the channel: durably 'sending' before this returns. */
  public Future<Claim> claim(String channel, int limit) {
    return pool.preparedQuery(SQL_CLAIM).execute(Tuple.of(channel, limit)).map(rows -> {
      List<Claimed> out = new ArrayList<>(rows.size());
      List<Result> unreadable = new ArrayList<>();
      for (Row r : rows) {
        try {
          out.add(new Claimed(r.getString("store_id"), r.getString("id"), r.getString("customer_id"),
              r.getString("channel"), r.getString("template_id"), r.getJsonObject("variables"),
              r.getInteger("attempts"), Recipient.of(r), r.getBoolean("unsubscribed"), r.getInteger("t_version"),
              r.getString("t_channel"), r.getString("t_subject"), r.getString("t_html"), r.getString("t_text"),
              r.getString("t_title")));
        } catch (RuntimeException e) {
          unreadable.add(new Result(r.getString("store_id"), r.getString("id"), r.getInteger("attempts"), "failed",
              null, "the message cannot be read: " + reason(e), null));
        }
      }
      return new Claim(out, unreadable);
    });
  }

  /** A failure as a message's last_error: the exception's kind and first line, bounded. */
  static String reason(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    int nl = m.indexOf('\n');
    m = nl < 0 ? m : m.substring(0, nl);
    return m.length() > 300 ? m.substring(0, 300) : m;
  }

  public Future<Void> write(List<Result> results) {
    if (results.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>(results.size());
    for (Result r : results) {
      batch.add(Tuple.of(r.storeId(), r.id(), r.status(), r.providerId(), r.error(), r.notBefore(), r.subject(),
          r.attempt()));
    }
    return pool.preparedQuery(SQL_RESULT).executeBatch(batch).mapEmpty();
  }

  /** Messages a previous process left 'sending' are due again (see DeliveryDispatcherVerticle). */
  public Future<Integer> requeueSending() {
    return pool.query(SQL_REQUEUE_SENDING).execute().map(r -> r.rowCount());
  }

  // --- tracking and provider reports -----------------------------------------------------------

  /** What happened to a message after it left: each sets its first-time column and is logged. */
  public enum Event {
    OPENED("opened", "opened_at = coalesce(opened_at, clock_timestamp())"),
    // a click is also an open: images may be blocked, the click proves the message was seen
    CLICKED("clicked", "clicked_at = coalesce(clicked_at, clock_timestamp()),"
        + " opened_at = coalesce(opened_at, clock_timestamp())"),
    DELIVERED("delivered", "delivered_at = coalesce(delivered_at, clock_timestamp()),"
        + " status = CASE WHEN status = 'sent' THEN 'delivered' ELSE status END"),
    BOUNCED("bounced", "bounced_at = coalesce(bounced_at, clock_timestamp()),"
        + " status = CASE WHEN status IN ('sent', 'delivered') THEN 'bounced' ELSE status END,"
        + " last_error = coalesce($5, last_error)"),
    // a soft bounce is the provider's to retry: logged, the message's status unchanged
    SOFT_BOUNCED("bounced", "last_error = coalesce($5, last_error)"),
    COMPLAINED("complained", "unsubscribed_at = coalesce(unsubscribed_at, clock_timestamp())"),
    UNSUBSCRIBED("unsubscribed", "unsubscribed_at = coalesce(unsubscribed_at, clock_timestamp())");

    final String wire;
    final String sql;

    Event(String wire, String set) {
      this.wire = wire;
      this.sql = "WITH m AS (UPDATE messages SET " + set + ", updated_at = clock_timestamp()"
          + "   WHERE store_id = $1 AND id = $2 RETURNING store_id, id, customer_id, channel),"
          + " e AS (INSERT INTO message_events (store_id, message_id, type, url, detail)"
          + "   SELECT store_id, id, $3, $4, $5 FROM m),"
          + " u AS (INSERT INTO channel_unsubscribes (store_id, customer_id, channel, message_id)"
          + "   SELECT store_id, customer_id, channel, id FROM m WHERE $3 IN ('unsubscribed', 'complained')"
          + "   ON CONFLICT DO NOTHING)"
          + " SELECT customer_id, channel FROM m";
    }
  }

  /** The message's customer and channel after recording, or null when there is no such message. */
  public record Recorded(String customerId, String channel) {}

  public Future<Recorded> record(String storeId, String messageId, Event event, String url, String detail) {
    return pool.preparedQuery(event.sql).execute(Tuple.of(storeId, messageId, event.wire, url, detail))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row r = rows.iterator().next();
          return new Recorded(r.getString("customer_id"), r.getString("channel"));
        });
  }

  private static final String SQL_BY_PROVIDER_ID =
      "SELECT id FROM messages WHERE store_id = $1 AND provider_message_id = $2 LIMIT 1";

  /** Our id of the store's message the provider calls {@code providerId}, or null. */
  public Future<String> byProviderId(String storeId, String providerId) {
    return pool.preparedQuery(SQL_BY_PROVIDER_ID).execute(Tuple.of(storeId, providerId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  // --- reading ---------------------------------------------------------------------------------

  static final String MESSAGE_COLUMNS = "id, customer_id, channel, source, source_id, template_id, variables, status,"
      + " not_before, attempts, last_error, provider_message_id, created_at, updated_at, sent_at, delivered_at,"
      + " opened_at, clicked_at, bounced_at, unsubscribed_at";
  private static final String SQL_GET =
      "SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE store_id = $1 AND id = $2";
  private static final String SQL_EVENTS =
      "SELECT type, url, detail, occurred_at FROM message_events WHERE store_id = $1 AND message_id = $2"
          + " ORDER BY id LIMIT 1000";
  private static final String SQL_LIST =
      "SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE store_id = $1"
          + " AND ($2::text IS NULL OR source_id = $2) AND ($3::text IS NULL OR status = $3)"
          + " AND ($4::text IS NULL OR customer_id = $4)"
          + " AND ($5::timestamptz IS NULL OR (created_at, id) > ($5, $6)) ORDER BY created_at, id LIMIT $7";

  public Future<Row> get(String storeId, String id) {
    return pool.preparedQuery(SQL_GET).execute(Tuple.of(storeId, id))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  public Future<List<Row>> events(String storeId, String id) {
    return pool.preparedQuery(SQL_EVENTS).execute(Tuple.of(storeId, id)).map(rows -> {
      List<Row> out = new ArrayList<>();
      rows.forEach(out::add);
      return out;
    });
  }

  public Future<List<Row>> list(String storeId, String sourceId, String status, String customerId,
                                OffsetDateTime afterCreated, String afterId, int limit) {
    return pool.preparedQuery(SQL_LIST)
        .execute(Tuple.of(storeId, sourceId, status, customerId, afterCreated, afterId, limit))
        .map(rows -> {
          List<Row> out = new ArrayList<>(rows.size());
          rows.forEach(out::add);
          return out;
        });
  }

  static OffsetDateTime at(long epochMs) {
    return Instant.ofEpochMilli(epochMs).atOffset(ZoneOffset.UTC);
  }
}
