package io.shoal.delivery;

import io.shoal.kernel.Ids;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The durable hand-over from campaigns and automations to the delivery dispatcher: messages
 * are queued inside the caller's transaction (so a message exists if and only if the decision
 * to send it committed), and {@link #wake} tells the dispatcher after the commit. A message
 * whose dedupe key is already queued is not queued again.
 */
public final class MessageQueue {

  /** Published (locally) after a commit that queued messages; the body is the store id. */
  public static final String WAKE = "shoal.delivery.wake";

  /**
   * Messages queued for the customer on the channel from {@code source} (campaign, automation)
   * since {@code since}, on the caller's connection: what frequency caps count.
   */
  public static Future<Long> queuedSince(io.vertx.sqlclient.SqlClient client, String storeId, String customerId,
                                         String channel, OutboundMessage.Source source, java.time.Instant since) {
    return client.preparedQuery("SELECT count(*) FROM messages WHERE store_id = $1 AND customer_id = $2"
            + " AND channel = $3 AND source = $4 AND created_at > $5")
        .execute(Tuple.of(storeId, customerId, channel, source.wire(), since.atOffset(ZoneOffset.UTC)))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  private static final String SQL_ENQUEUE =
      "INSERT INTO messages (store_id, id, customer_id, channel, source, source_id, dedupe_key, template_id,"
          + " variables, not_before) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce($10, clock_timestamp()))"
          + " ON CONFLICT (store_id, dedupe_key) DO NOTHING RETURNING id";

  private MessageQueue() {}

  /**
   * Queues the messages using {@code tx}, inside its transaction. Answers, in order, the new
   * message's id, or null where the dedupe key was already queued.
   */
  public static Future<List<String>> enqueue(SqlConnection tx, List<OutboundMessage> messages) {
    if (messages.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<Tuple> rows = new ArrayList<>(messages.size());
    for (OutboundMessage m : messages) {
      rows.add(Tuple.tuple().addValue(m.storeId()).addValue(Ids.newId("msg")).addValue(m.customerId())
          .addValue(m.channel().wire()).addValue(m.source().wire()).addValue(m.sourceId()).addValue(m.dedupeKey())
          .addValue(m.templateId()).addValue(m.variables())
          .addValue(m.notBefore() == null ? null : m.notBefore().atOffset(ZoneOffset.UTC)));
    }
    return tx.preparedQuery(SQL_ENQUEUE).executeBatch(rows).map(MessageQueue::ids);
  }

  private static List<String> ids(RowSet<Row> first) {
    List<String> ids = new ArrayList<>();
    for (RowSet<Row> r = first; r != null; r = r.next()) {
      ids.add(r.size() == 1 ? r.iterator().next().getString(0) : null);
    }
    return ids;
  }

  /** After the commit: wakes the delivery dispatcher for this store. */
  public static void wake(Vertx vertx, String storeId) {
    vertx.eventBus().publish(WAKE, storeId);
  }

  // --- messages decided against (campaigns) ------------------------------------------------------

  private static final String SQL_SUPPRESS =
      "INSERT INTO messages (store_id, id, customer_id, channel, source, source_id, dedupe_key, template_id,"
          + " variables, status, last_error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'suppressed', $10)"
          + " ON CONFLICT (store_id, dedupe_key) DO NOTHING RETURNING id";
  private static final String SQL_WITHDRAW =
      "UPDATE messages SET status = 'suppressed', last_error = $3, updated_at = clock_timestamp()"
          + " WHERE store_id = $1 AND source_id = $2 AND status = 'queued'";

  /**
   * Records, inside {@code tx}'s transaction, messages that will not be sent (no consent,
   * unsubscribed, erased) as {@code suppressed} with the reason, so a recipient is accounted
   * for and counts stay honest; the dispatcher never picks them. Same dedupe rule as enqueue.
   */
  public static Future<List<String>> suppress(SqlConnection tx, List<OutboundMessage> messages, List<String> reasons) {
    if (messages.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<Tuple> rows = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      OutboundMessage m = messages.get(i);
      rows.add(Tuple.tuple().addValue(m.storeId()).addValue(Ids.newId("msg")).addValue(m.customerId())
          .addValue(m.channel().wire()).addValue(m.source().wire()).addValue(m.sourceId()).addValue(m.dedupeKey())
          .addValue(m.templateId()).addValue(m.variables()).addValue(reasons.get(i)));
    }
    return tx.preparedQuery(SQL_SUPPRESS).executeBatch(rows).map(MessageQueue::ids);
  }

  /**
   * Inside {@code tx}'s transaction: a source's messages not yet picked up are not to be sent
   * (a cancelled campaign); they become {@code suppressed} with the reason. Answers how many.
   */
  public static Future<Integer> withdraw(SqlConnection tx, String storeId, String sourceId, String reason) {
    return tx.preparedQuery(SQL_WITHDRAW).execute(Tuple.of(storeId, sourceId, reason)).map(r -> r.rowCount());
  }
}
