package io.shoal.notify;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
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
 * Records notifications inside the caller's transaction, together with a delivery row for
 * every enabled webhook endpoint of the store subscribed to the type. Whoever changes
 * something announces it in the same commit, so an announcement exists if and only if the
 * change does. After the commit, {@link #wake} tells the live streams, and hands the dispatcher
 * the deliveries just created so it can send them at once ({@link FreshDeliveries}).
 *
 * <p>{@code seq} is allocated when a notification is inserted, so concurrent transactions may
 * commit out of {@code seq} order; readers that must not skip any (live streams) wait for the
 * transactions that were running when they saw a row to finish ({@link EventStream}). No lock
 * is taken here: it would serialise every store's commits.
 */
public final class NotificationLog {

  /** Published (locally) after a commit that recorded notifications; the body is the store id. */
  public static final String NEW_NOTIFICATIONS = "shoal.notify.new";

  private static final String SQL_INSERT =
      "INSERT INTO notifications (store_id, id, type, customer_id, data, created_at)"
          + " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (store_id, id) DO NOTHING RETURNING seq";
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
   * notification id; {@link #wake} hands them to the dispatcher. Those of a transaction that
   * rolled back expire (the dispatcher's claims would find any that did commit).
   */
  private final Cache<String, List<FreshDeliveries.Fresh>> uncommitted = Caffeine.newBuilder()
      .expireAfterWrite(Duration.ofMinutes(1))
      .maximumSize(200_000)
      .build();

  public NotificationLog(Vertx vertx) {
    this.vertx = vertx;
    vertx.eventBus().registerDefaultCodec(FreshDeliveries.class, new FreshDeliveries.LocalCodec());
  }

  /** Records the notifications and their deliveries using {@code conn}, inside its transaction. */
  public Future<Void> record(SqlConnection conn, List<Notification> notifications) {
    if (notifications.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> rows = new ArrayList<>(notifications.size());
    for (Notification n : notifications) {
      rows.add(Tuple.of(n.storeId(), n.id(), n.type(), n.customerId(), n.data(), n.createdAt().atOffset(ZoneOffset.UTC)));
    }
    return conn.preparedQuery(SQL_INSERT).executeBatch(rows).compose(inserted -> {
      List<Tuple> fanOut = new ArrayList<>();
      List<Notification> fannedOut = new ArrayList<>();
      var result = inserted;
      for (Notification n : notifications) {
        if (result.size() == 1) {
          long seq = result.iterator().next().getLong(0);
          fanOut.add(Tuple.tuple().addValue(n.storeId()).addValue(seq).addValue(n.type()).addValue(n.customerId())
              .addValue(n.id()));
          fannedOut.add(n);
        }
        result = result.next();
      }
      return fanOut.isEmpty() ? Future.succeededFuture()
          : conn.preparedQuery(SQL_FAN_OUT).executeBatch(fanOut).map(created -> {
            keepUncommitted(fannedOut, created);
            return null;
          });
    });
  }

  private void keepUncommitted(List<Notification> fannedOut, RowSet<Row> created) {
    RowSet<Row> result = created;
    for (Notification n : fannedOut) {
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

  /** After the commit: wakes the webhook dispatcher and the live streams of these stores. */
  public void wake(List<Notification> committed) {
    if (committed.isEmpty()) {
      return;
    }
    java.util.Set<String> stores = new java.util.HashSet<>();
    List<FreshDeliveries.Fresh> fresh = new ArrayList<>();
    for (Notification n : committed) {
      stores.add(n.storeId());
      List<FreshDeliveries.Fresh> ofOne = uncommitted.asMap().remove(key(n));
      if (ofOne != null) {
        fresh.addAll(ofOne);
      }
    }
    if (!fresh.isEmpty()) {
      vertx.eventBus().publish(FreshDeliveries.ADDRESS, new FreshDeliveries(fresh));
    }
    stores.forEach(s -> vertx.eventBus().publish(NEW_NOTIFICATIONS, s));
  }

  /** The customer fields segment notifications carry. */
  public static JsonObject customerSummary(String email, String firstName, String lastName) {
    return new JsonObject().put("email", email).put("first_name", firstName).put("last_name", lastName);
  }
}
