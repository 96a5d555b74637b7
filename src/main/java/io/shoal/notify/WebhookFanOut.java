package io.shoal.notify;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.shoal.outbox.Notification;
import io.shoal.outbox.NotificationLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The outbox's fan-out to webhook endpoints: in the transaction that records notifications, one
 * delivery row for every enabled endpoint of the store subscribed to the type; after the commit,
 * hands the dispatcher the deliveries just created so it can send them at once
 * ({@link FreshDeliveries}).
 */
public final class WebhookFanOut implements NotificationLog.Fanout {

  /**
   * One delivery per subscribed enabled endpoint. A delivery queued behind an earlier one of the
   * same customer that is waiting for a retry starts gated to that retry's time, so the
   * dispatcher does not keep finding (and skipping) it while the customer's head is blocked.
   * The customer's latest undelivered row carries the latest gate (a retry moves every later
   * row's time up to its own), so one probe of the (endpoint, key, seq) index finds it; a max()
   * over the key's rows let the planner scan the endpoint's whole backlog instead.
   */
  private static final String SQL_FAN_OUT =
      "INSERT INTO webhook_deliveries (store_id, endpoint_id, notification_seq, ordering_key, next_attempt_at)"
          + " SELECT $1, e.id, $2, k.key, greatest(clock_timestamp(), (SELECT p.next_attempt_at"
          + "   FROM webhook_deliveries p WHERE p.endpoint_id = e.id AND p.ordering_key = k.key"
          + "   AND p.status IN ('pending', 'in_flight') ORDER BY p.notification_seq DESC LIMIT 1))"
          + " FROM webhook_endpoints e CROSS JOIN (SELECT coalesce($4::text, $5::text) AS key) k"
          + " WHERE e.store_id = $1 AND e.enabled AND ($3 = ANY(e.events) OR '*' = ANY(e.events))"
          + " RETURNING endpoint_id, notification_seq, ordering_key, next_attempt_at > clock_timestamp() AS gated";

  private final Vertx vertx;
  /**
   * Deliveries recorded by transactions that have not reported their commit yet, by store and
   * notification id; {@link #committed} hands them to the dispatcher. Those of a transaction that
   * rolled back expire (the dispatcher's claims would find any that did commit).
   */
  private final Cache<String, List<FreshDeliveries.Fresh>> uncommitted = Caffeine.newBuilder()
      .expireAfterWrite(Duration.ofMinutes(1))
      .maximumSize(200_000)
      .build();

  public WebhookFanOut(Vertx vertx) {
    this.vertx = vertx;
    vertx.eventBus().registerDefaultCodec(FreshDeliveries.class, new FreshDeliveries.LocalCodec());
  }

  @Override
  public Future<Void> recorded(SqlConnection conn, List<NotificationLog.Recorded> recorded) {
    List<Tuple> fanOut = new ArrayList<>(recorded.size());
    for (NotificationLog.Recorded r : recorded) {
      Notification n = r.notification();
      fanOut.add(Tuple.tuple().addValue(n.storeId()).addValue(r.seq()).addValue(n.type()).addValue(n.customerId())
          .addValue(n.id()));
    }
    return conn.preparedQuery(SQL_FAN_OUT).executeBatch(fanOut).map(created -> {
      keepUncommitted(recorded, created);
      return null;
    });
  }

  private void keepUncommitted(List<NotificationLog.Recorded> fannedOut, RowSet<Row> created) {
    RowSet<Row> result = created;
    for (NotificationLog.Recorded recorded : fannedOut) {
      Notification n = recorded.notification();
      if (result.size() > 0) {
        OffsetDateTime createdAt = n.createdAt().atOffset(ZoneOffset.UTC);
        List<FreshDeliveries.Fresh> fresh = new ArrayList<>(result.size());
        for (Row r : result) {
          fresh.add(new FreshDeliveries.Fresh(new DeliveryAttempt(n.storeId(), r.getString(0), r.getLong(1),
              r.getString(2), 0, null, n.id(), n.type(), n.data(), createdAt), r.getBoolean(3)));
        }
        uncommitted.put(key(n), fresh);
      }
      result = result.next();
    }
  }

  private static String key(Notification n) {
    return n.storeId() + '\n' + n.id();
  }

  @Override
  public void committed(List<Notification> committed) {
    List<FreshDeliveries.Fresh> fresh = new ArrayList<>();
    for (Notification n : committed) {
      List<FreshDeliveries.Fresh> ofOne = uncommitted.asMap().remove(key(n));
      if (ofOne != null) {
        fresh.addAll(ofOne);
      }
    }
    if (!fresh.isEmpty()) {
      vertx.eventBus().publish(FreshDeliveries.ADDRESS, new FreshDeliveries(fresh));
    }
  }
}
