package io.shoal.delivery;

import io.shoal.customer.ActivitySource;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The customer's emails as {@code email} entries of the activity timeline (seed 001), from
 * Shoal's own delivery records: each send ("Sent: subject", at {@code sent_at}), each open
 * ("Opened: subject") and each click ("Clicked: subject", with the {@code url}) that tracking
 * recorded. Every entry names its {@code message_id}, its {@code campaign_id} (or
 * {@code automation_rule_id}) and the {@code event} (sent, opened, clicked).
 *
 * <p>The subject is the one the customer received (kept at send); for a message sent before
 * subjects were kept, the template's name stands in. Entry ids: the message id for the send,
 * {@code msgev_<n>} for a tracking event (stable, so the timeline's cursor pages through them).
 */
public final class MessageTimeline implements ActivitySource {

  private static final String SQL =
      "SELECT * FROM ("
          + " SELECT m.id AS id, 'sent' AS event, m.sent_at AS occurred_at, m.id AS message_id, m.source, m.source_id,"
          + "   coalesce(m.subject, t.name, m.template_id) AS subject, NULL::text AS url"
          + " FROM messages m LEFT JOIN templates t ON t.store_id = m.store_id AND t.id = m.template_id"
          + " WHERE m.store_id = $1 AND m.customer_id = $2 AND m.channel = 'email' AND m.sent_at IS NOT NULL"
          + " UNION ALL"
          + " SELECT 'msgev_' || e.id, e.type, e.occurred_at, m.id, m.source, m.source_id,"
          + "   coalesce(m.subject, t.name, m.template_id), e.url"
          + " FROM messages m JOIN message_events e ON e.store_id = m.store_id AND e.message_id = m.id"
          + " LEFT JOIN templates t ON t.store_id = m.store_id AND t.id = m.template_id"
          + " WHERE m.store_id = $1 AND m.customer_id = $2 AND m.channel = 'email'"
          + "   AND e.type IN ('opened', 'clicked')"
          + ") x WHERE ($3::timestamptz IS NULL OR occurred_at >= $3)"
          + " AND ($4::timestamptz IS NULL OR occurred_at < $4)"
          + " AND ($5::timestamptz IS NULL OR (occurred_at, id) < ($5, $6))"
          + " ORDER BY occurred_at DESC, id DESC LIMIT $7";

  private final Pool pool;

  public MessageTimeline(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<List<Entry>> entries(String storeId, String customerId, Query q) {
    if (q.types() != null && !q.types().isEmpty() && !q.types().contains("email")) {
      return Future.succeededFuture(List.of());
    }
    return pool.preparedQuery(SQL)
        .execute(Tuple.tuple().addValue(storeId).addValue(customerId).addValue(q.from()).addValue(q.until())
            .addValue(q.afterTime()).addValue(q.afterId()).addValue(q.limit()))
        .map(rows -> {
          List<Entry> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(entry(r)));
          return out;
        });
  }

  private static Entry entry(Row r) {
    String event = r.getString("event");
    String subject = r.getString("subject");
    String verb = switch (event) {
      case "opened" -> "Opened";
      case "clicked" -> "Clicked";
      default -> "Sent";
    };
    boolean campaign = "campaign".equals(r.getString("source"));
    JsonObject fields = new JsonObject()
        .put("event", event)
        .put("message_id", r.getString("message_id"))
        .put(campaign ? "campaign_id" : "automation_rule_id", r.getString("source_id"))
        .put("subject", subject);
    if ("clicked".equals(event)) {
      fields.put("url", r.getString("url"));
    }
    return new Entry(r.getString("id"), "email", verb + ": " + subject, fields, r.getOffsetDateTime("occurred_at"));
  }
}
