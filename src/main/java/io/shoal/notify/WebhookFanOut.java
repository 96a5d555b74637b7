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
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

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
   *
   * One statement for all the notifications of a batch (arrays, unnest), not one execution per
   * notification: the evaluator records tens of notifications per event at 1,000 segments, and a
   * statement each, even for a store with no endpoint, was the largest share of PostgreSQL's time
   * per event (bench/engine, issue 14). The gate reads the rows that were there before the
   * statement: a notification of the same batch and key is gated by the same earlier retry.
   */
  private static final String SQL_FAN_OUT =
      "INSERT INTO webhook_deliveries (store_id, endpoint_id, notification_seq, ordering_key, next_attempt_at)"
          + " SELECT u.s, e.id, u.seq, k.key, greatest(clock_timestamp(), (SELECT p.next_attempt_at"
          + "   FROM webhook_deliveries p WHERE p.endpoint_id = e.id AND p.ordering_key = k.key"
          + "   AND p.status IN ('pending', 'in_flight') ORDER BY p.notification_seq DESC LIMIT 1))"
          + " FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[]) AS u(s, seq, t, c, i)"
          + " JOIN webhook_endpoints e ON e.store_id = u.s AND e.enabled AND (u.t = ANY(e.events) OR '*' = ANY(e.events))"
          + " CROSS JOIN LATERAL (SELECT coalesce(u.c, u.i) AS key) k"
          + " ORDER BY u.seq, e.id"
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
  public Future<Void> recorded(SqlConnection conn, List<NotificationLog.Recorded> given) {
    List<NotificationLog.Recorded> recorded = new ArrayList<>(given);
    recorded.sort(java.util.Comparator.comparingLong(NotificationLog.Recorded::seq)); // in order already: one pass
    int n = recorded.size();
    String[] stores = new String[n];
    Long[] seqs = new Long[n];
    long[] sorted = new long[n];
    String[] types = new String[n];
    String[] customers = new String[n];
    String[] ids = new String[n];
    for (int i = 0; i < n; i++) {
      Notification x = recorded.get(i).notification();
      stores[i] = x.storeId();
      seqs[i] = recorded.get(i).seq();
      sorted[i] = seqs[i];
      types[i] = x.type();
      customers[i] = x.customerId();
      ids[i] = x.id();
    }
    return conn.preparedQuery(SQL_FAN_OUT)
        .execute(Tuple.tuple().addValue(stores).addValue(seqs).addValue(types).addValue(customers).addValue(ids))
        .map(created -> {
          keepUncommitted(recorded, sorted, created);
          return null;
        });
  }

  /**
   * The deliveries created, by notification, until its transaction reports its commit (with the
   * notifications its caller gave, so by the given one: a set's has another id once stored). A
   * created row finds its notification by a binary search of the seqs: a HashMap of them was
   * degenerate (a set's seqs differ in their low bits only, row seqs step by 1,024, so most fell
   * in a few buckets, turned into trees: ~8 % of the batch writing's CPU in bench/engine).
   */
  private void keepUncommitted(List<NotificationLog.Recorded> recorded, long[] seqs, RowSet<Row> created) {
    Map<NotificationLog.Recorded, List<FreshDeliveries.Fresh>> byNotification = new IdentityHashMap<>();
    for (Row r : created) {
      NotificationLog.Recorded one = recorded.get(java.util.Arrays.binarySearch(seqs, r.getLong(1)));
      Notification n = one.notification();
      byNotification.computeIfAbsent(one, k -> new ArrayList<>()).add(new FreshDeliveries.Fresh(new DeliveryAttempt(
          n.storeId(), r.getString(0), r.getLong(1), r.getString(2), 0, null, n.id(), n.type(), n.data(),
          n.createdAt().atOffset(ZoneOffset.UTC)), r.getBoolean(3)));
    }
    byNotification.forEach((one, fresh) -> uncommitted.put(key(one.given()), fresh));
  }

  private static String key(Notification n) {
    return n.storeId() + '\n' + n.id();
  }

  @Override
  public void committed(List<Notification> committed) {
    if (uncommitted.asMap().isEmpty()) {
      return; // no endpoint took any of them (recorded() ran before this commit): no key to make per notification
    }
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
