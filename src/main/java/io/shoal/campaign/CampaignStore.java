package io.shoal.campaign;

import io.shoal.delivery.MessageQueue;
import io.shoal.delivery.OutboundMessage;
import io.shoal.kernel.Channel;
import io.shoal.kernel.DomainException;
import io.shoal.outbox.Notification;
import io.shoal.outbox.NotificationLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The SQL of campaigns, their frozen recipients and their conversions. Reads of segment members
 * and customer consents for the snapshot, and of message states for analytics, are joins in the
 * database: they touch millions of rows and must not travel through the JVM.
 */
public final class CampaignStore {

  private static final String C = Campaign.COLUMNS;

  private static final String SQL_INSERT =
      "INSERT INTO campaigns (store_id, id, name, type, status, segment_id, template_id, metadata, send_options,"
          + " attribution_window_days, scheduled_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
          + " RETURNING " + C;
  private static final String SQL_GET = "SELECT " + C + " FROM campaigns WHERE store_id = $1 AND id = $2";
  private static final String SQL_LOCK = SQL_GET + " FOR UPDATE";
  private static final String SQL_LIST = "SELECT " + C + " FROM campaigns WHERE store_id = $1"
      + " AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR type = $3)"
      + " AND ($4::timestamptz IS NULL OR (created_at, id) < ($4, $5))"
      + " ORDER BY created_at DESC, id DESC LIMIT $6";
  private static final String SQL_UPDATE =
      "UPDATE campaigns SET name = $3, type = $4, status = $5, segment_id = $6, template_id = $7, metadata = $8,"
          + " send_options = $9, attribution_window_days = $10, scheduled_at = $11, updated_at = clock_timestamp()"
          + " WHERE store_id = $1 AND id = $2 RETURNING " + C;
  private static final String SQL_CANCEL =
      "UPDATE campaigns SET status = 'cancelled', cancelled_at = clock_timestamp(), updated_at = clock_timestamp()"
          + " WHERE store_id = $1 AND id = $2 RETURNING " + C;

  /** Milliseconds until the next scheduled campaign is due, by the database's clock (null: none). */
  private static final String SQL_NEXT_DUE =
      "SELECT (extract(epoch FROM min(scheduled_at) - clock_timestamp()) * 1000)::bigint FROM campaigns"
          + " WHERE status = 'scheduled'";
  /** One due campaign, skipping any another node (or an API edit) holds. */
  private static final String SQL_CLAIM_DUE = "SELECT store_id, id FROM campaigns"
      + " WHERE status = 'scheduled' AND scheduled_at <= clock_timestamp()"
      + " ORDER BY scheduled_at LIMIT 1 FOR UPDATE SKIP LOCKED";
  /** A due campaign that cannot be started; a time PostgreSQL keeps but Java cannot read is dropped. */
  private static final String SQL_FAIL = "UPDATE campaigns SET status = 'failed', failure_reason = $3,"
      + " scheduled_at = CASE WHEN scheduled_at < '1970-01-01T00:00:00Z' OR scheduled_at >= '9999-01-01T00:00:00Z'"
      + " THEN NULL ELSE scheduled_at END, updated_at = clock_timestamp(),"
      + " send_options = CASE WHEN jsonb_typeof(send_options) = 'object' THEN send_options ELSE '{}' END,"
      + " metadata = CASE WHEN jsonb_typeof(metadata) = 'object' THEN metadata ELSE '{}' END"
      + " WHERE store_id = $1 AND id = $2 AND status = 'scheduled' RETURNING " + C;
  private static final String SQL_FREEZE_RECIPIENTS =
      "INSERT INTO campaign_recipients (store_id, campaign_id, customer_id)"
          + " SELECT $1, $2, m.customer_id FROM segment_member_ids($1, $3) m"
          + " ON CONFLICT DO NOTHING";
  private static final String SQL_START =
      "UPDATE campaigns SET status = 'active', started_at = clock_timestamp(), recipient_count = $3,"
          + " updated_at = clock_timestamp() WHERE store_id = $1 AND id = $2 RETURNING " + C;
  private static final String SQL_UNFINISHED_SNAPSHOTS =
      "SELECT " + C + " FROM campaigns WHERE status = 'active' AND snapshot_done_at IS NULL";
  private static final String SQL_RECIPIENT_PAGE =
      "SELECT r.customer_id, c.id IS NOT NULL AS present, c.email, c.phone, c.address IS NOT NULL AS has_address,"
          + " coalesce(c.email_consent, false) AS email_consent, coalesce(c.sms_consent, false) AS sms_consent,"
          + " coalesce(c.push_consent, false) AS push_consent, c.timezone, EXISTS (SELECT 1 FROM channel_unsubscribes u"
          + "   WHERE u.store_id = r.store_id AND u.customer_id = r.customer_id AND u.channel = $5) AS unsubscribed"
          + " FROM campaign_recipients r LEFT JOIN customers c ON c.store_id = r.store_id AND c.id = r.customer_id"
          + " WHERE r.store_id = $1 AND r.campaign_id = $2 AND ($3::text IS NULL OR r.customer_id > $3)"
          + " ORDER BY r.customer_id LIMIT $4";
  private static final String SQL_ADVANCE =
      "UPDATE campaigns SET snapshot_cursor = $3, queued_count = queued_count + $4,"
          + " suppressed_count = suppressed_count + $5,"
          + " snapshot_done_at = CASE WHEN $6 THEN clock_timestamp() END, updated_at = clock_timestamp()"
          + " WHERE store_id = $1 AND id = $2";
  /** Active campaigns all of whose messages are queued and none still waiting or being sent. */
  private static final String SQL_COMPLETE =
      "UPDATE campaigns c SET status = 'completed', completed_at = clock_timestamp(), updated_at = clock_timestamp()"
          + " WHERE c.status = 'active' AND c.snapshot_done_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM messages m"
          + " WHERE m.store_id = c.store_id AND m.source_id = c.id AND m.status IN ('queued', 'sending'))"
          + " RETURNING " + C;

  /**
   * A campaign's messages by status, with what tracking recorded of them (first open, click,
   * unsubscribe): one index range scan (messages_by_source_status) plus the rows' tracking columns.
   */
  private static final String SQL_MESSAGE_COUNTS =
      "SELECT status, count(*) AS n, count(opened_at) AS opened, count(clicked_at) AS clicked,"
          + " count(unsubscribed_at) AS unsubscribed"
          + " FROM messages WHERE store_id = $1 AND source_id = $2 AND source = 'campaign' GROUP BY status";
  private static final String SQL_CONVERSIONS =
      "SELECT count(*) AS n, coalesce(sum(revenue), 0) AS revenue FROM campaign_conversions"
          + " WHERE store_id = $1 AND campaign_id = $2";

  /** What one page of the snapshot did. */
  record Page(int queued, int suppressed, boolean done, boolean stopped) {}

  /**
   * One campaign's messages by state, its recipients' engagement (messages opened, clicked,
   * unsubscribed from) and its conversions.
   */
  record Counts(java.util.Map<String, Long> byStatus, long opened, long clicked, long unsubscribed,
                long conversions, java.math.BigDecimal revenue) {

    /** Handed to the provider: sent, and those since known delivered or bounced. */
    long sent() {
      return of("sent", "delivered", "bounced");
    }

    /**
     * Sent and not bounced (seed 000: delivered = sent - bounced). Email has no delivery
     * receipt over SMTP: a message the server accepted counts until a bounce is reported.
     */
    long delivered() {
      return of("sent", "delivered");
    }

    long of(String... statuses) {
      long n = 0;
      for (String s : statuses) {
        n += byStatus.getOrDefault(s, 0L);
      }
      return n;
    }
  }

  private final Pool pool;
  private final NotificationLog notifications;

  public CampaignStore(Pool pool, NotificationLog notifications) {
    this.pool = pool;
    this.notifications = notifications;
  }

  // --- the API's reads and writes ----------------------------------------------------------------

  Future<Campaign> create(String storeId, String id, String name, String type, String status, String segmentId,
                          String templateId, JsonObject metadata, JsonObject sendOptions, Integer windowDays,
                          OffsetDateTime scheduledAt) {
    return pool.preparedQuery(SQL_INSERT)
        .execute(Tuple.tuple().addValue(storeId).addValue(id).addValue(name).addValue(type).addValue(status)
            .addValue(segmentId).addValue(templateId).addValue(metadata).addValue(sendOptions).addValue(windowDays)
            .addValue(scheduledAt))
        .map(rows -> Campaign.from(rows.iterator().next()));
  }

  Future<Campaign> get(String storeId, String id) {
    return pool.preparedQuery(SQL_GET).execute(Tuple.of(storeId, id))
        .map(rows -> rows.size() == 0 ? null : Campaign.from(rows.iterator().next()));
  }

  /** Newest first, optionally of one status and type, before a (created_at, id) position. */
  Future<List<Campaign>> list(String storeId, String status, String type, OffsetDateTime beforeTime,
                              String beforeId, int limit) {
    return pool.preparedQuery(SQL_LIST)
        .execute(Tuple.tuple().addValue(storeId).addValue(status).addValue(type).addValue(beforeTime)
            .addValue(beforeId).addValue(limit))
        .map(CampaignStore::campaigns);
  }

  /**
   * Applies {@code change} to the campaign under a row lock, so it cannot start (or be
   * cancelled) half-way through an edit. {@code change} may refuse by throwing an DomainException.
   * Answers null when there is no such campaign.
   */
  Future<Campaign> update(String storeId, String id, Function<Campaign, Future<Campaign>> change) {
    return pool.withTransaction(conn -> conn.preparedQuery(SQL_LOCK).execute(Tuple.of(storeId, id)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(null);
      }
      return change.apply(Campaign.from(rows.iterator().next())).compose(next -> conn.preparedQuery(SQL_UPDATE)
          .execute(Tuple.tuple().addValue(storeId).addValue(id).addValue(next.name()).addValue(next.type())
              .addValue(next.status()).addValue(next.segmentId()).addValue(next.templateId())
              .addValue(next.metadata()).addValue(next.sendOptions()).addValue(next.attributionWindowDays())
              .addValue(next.scheduledAt()))
          .map(updated -> Campaign.from(updated.iterator().next())));
    }));
  }

  /**
   * Cancels a draft, scheduled or active campaign: its messages not yet picked up by the
   * dispatcher are withdrawn (suppressed, reason {@code campaign_cancelled}); those already
   * being sent finish. Announced as {@code campaign.cancelled}. Answers null when there is no
   * such campaign; a completed or cancelled one is a 409.
   */
  Future<Campaign> cancel(String storeId, String id) {
    List<Notification> announced = new ArrayList<>();
    return pool.withTransaction(conn -> conn.preparedQuery(SQL_LOCK).execute(Tuple.of(storeId, id)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture((Campaign) null);
      }
      Campaign current = Campaign.from(rows.iterator().next());
      if (Campaign.COMPLETED.equals(current.status()) || Campaign.CANCELLED.equals(current.status())) {
        throw DomainException.conflict("campaign_not_cancellable", "the campaign is " + current.status()
            + "; only a draft, scheduled or active campaign can be cancelled", "status");
      }
      Future<Integer> withdrawn = current.started()
          ? MessageQueue.withdraw(conn, storeId, id, "campaign_cancelled") : Future.succeededFuture(0);
      return withdrawn.compose(n -> conn.preparedQuery(SQL_CANCEL).execute(Tuple.of(storeId, id)))
          .compose(done -> {
            Campaign cancelled = Campaign.from(done.iterator().next());
            announced.add(announcement(cancelled, "campaign.cancelled"));
            return notifications.record(conn, announced).map(cancelled);
          });
    })).onSuccess(c -> notifications.wake(announced));
  }

  Future<Counts> counts(String storeId, String id) {
    Future<RowSet<Row>> messages = pool.preparedQuery(SQL_MESSAGE_COUNTS).execute(Tuple.of(storeId, id));
    Future<RowSet<Row>> conversions = pool.preparedQuery(SQL_CONVERSIONS).execute(Tuple.of(storeId, id));
    return Future.all(messages, conversions).map(v -> {
      java.util.Map<String, Long> byStatus = new java.util.HashMap<>();
      long[] tracked = new long[3];
      for (Row r : messages.result()) {
        byStatus.put(r.getString("status"), r.getLong("n"));
        tracked[0] += r.getLong("opened");
        tracked[1] += r.getLong("clicked");
        tracked[2] += r.getLong("unsubscribed");
      }
      Row conv = conversions.result().iterator().next();
      return new Counts(byStatus, tracked[0], tracked[1], tracked[2], conv.getLong("n"),
          conv.getBigDecimal("revenue"));
    });
  }

  // --- the scheduler ---------------------------------------------------------------------------------

  /**
   * Milliseconds until the earliest scheduled campaign of any store is due (zero or less: due
   * now), or null when none is scheduled. Measured by the database's clock, which also decides
   * what is due, so a skewed node clock cannot make it fire early or late.
   */
  Future<Long> millisToNextDue() {
    return pool.preparedQuery(SQL_NEXT_DUE).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * Starts one due campaign, if any: freezes the segment's members as its recipients, makes it
   * active and announces {@code campaign.started}, all in one transaction. Answers the started
   * campaign, or null when none is due.
   */
  Future<Campaign> startNextDue() {
    List<Notification> announced = new ArrayList<>();
    String[] claimed = new String[2];
    return pool.withTransaction(conn -> conn.preparedQuery(SQL_CLAIM_DUE).execute().compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture((Campaign) null);
      }
      // the ids first: a row whose other columns cannot even be decoded is still known, and failed
      Row row = rows.iterator().next();
      claimed[0] = row.getString("store_id");
      claimed[1] = row.getString("id");
      return conn.preparedQuery(SQL_GET).execute(Tuple.of(claimed[0], claimed[1])).compose(got -> {
        Campaign due = Campaign.from(got.iterator().next());
        return conn.preparedQuery(SQL_FREEZE_RECIPIENTS).execute(Tuple.of(due.storeId(), due.id(), due.segmentId()))
            .compose(frozen -> conn.preparedQuery(SQL_START)
                .execute(Tuple.of(due.storeId(), due.id(), (long) frozen.rowCount())))
            .compose(started -> {
              Campaign active = Campaign.from(started.iterator().next());
              announced.add(announcement(active, "campaign.started"));
              return notifications.record(conn, announced).map(active);
            });
      });
    })).onSuccess(c -> notifications.wake(announced)).recover(e -> {
      // a database that is away is retried; anything else is this campaign's fault: it is marked
      // failed with the reason, and the next due campaign (of any store) starts
      if (claimed[0] == null || io.shoal.db.DatabaseUnavailable.is(e)) {
        return Future.failedFuture(e);
      }
      String reason = "could not start: " + e;
      return pool.preparedQuery(SQL_FAIL).execute(Tuple.of(claimed[0], claimed[1],
              reason.substring(0, Math.min(1000, reason.length()))))
          .map(failed -> failed.size() == 0 ? null : Campaign.from(failed.iterator().next()));
    });
  }

  /** Active campaigns whose messages are not all queued yet: what a restart resumes. */
  Future<List<Campaign>> unfinishedSnapshots() {
    return pool.preparedQuery(SQL_UNFINISHED_SNAPSHOTS).execute().map(CampaignStore::campaigns);
  }

  /**
   * Queues the messages of the next {@code size} recipients after the snapshot cursor, in one
   * transaction with the cursor's advance: after a crash the next page starts exactly after the
   * last committed one, and the dedupe key (campaign, customer) makes a repeat harmless anyway.
   * Recipients who may not be sent to are recorded as suppressed with the reason.
   */
  Future<Page> queueNextPage(String storeId, String id, int size) {
    return pool.withTransaction(conn -> conn.preparedQuery(SQL_LOCK).execute(Tuple.of(storeId, id)).compose(rows -> {
      Campaign c = rows.size() == 0 ? null : Campaign.from(rows.iterator().next());
      if (c == null || !Campaign.ACTIVE.equals(c.status()) || c.snapshotDoneAt() != null) {
        return Future.succeededFuture(new Page(0, 0, true, true));
      }
      return conn.preparedQuery(SQL_RECIPIENT_PAGE).execute(Tuple.of(storeId, id, c.snapshotCursor(), size, c.type()))
          .compose(page -> queue(conn, c, page, size));
    }));
  }

  private Future<Page> queue(SqlConnection conn, Campaign c, RowSet<Row> page, int size) {
    Channel channel = Channel.fromWire(c.type());
    SendTimePlan plan = CampaignApi.plan(c.sendOptions());
    Instant start = c.startedAt().toInstant();
    JsonObject variables = variables(c);
    List<OutboundMessage> send = new ArrayList<>();
    List<OutboundMessage> suppress = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    String last = c.snapshotCursor();
    long index = c.queuedCount();
    for (Row r : page) {
      Recipient who = new Recipient(r.getString("customer_id"), r.getBoolean("present"), r.getString("email"),
          r.getString("phone"), r.getBoolean("has_address"), r.getBoolean("email_consent"),
          r.getBoolean("sms_consent"), r.getBoolean("push_consent"), r.getBoolean("unsubscribed"),
          r.getString("timezone"));
      last = who.customerId();
      String excluded = who.exclusion(channel);
      Instant notBefore = excluded != null || plan.immediate() ? null : plan.notBefore(start, index++, who.timezone());
      OutboundMessage m = new OutboundMessage(c.storeId(), who.customerId(), channel, OutboundMessage.Source.CAMPAIGN,
          c.id(), dedupeKey(c.id(), who.customerId()), c.templateId(), variables, notBefore);
      if (excluded == null) {
        send.add(m);
      } else {
        suppress.add(m);
        reasons.add(excluded);
      }
    }
    boolean done = page.size() < size;
    String cursor = last;
    return MessageQueue.enqueue(conn, send)
        .compose(queued -> MessageQueue.suppress(conn, suppress, reasons))
        .compose(suppressed -> conn.preparedQuery(SQL_ADVANCE).execute(Tuple.tuple().addValue(c.storeId())
            .addValue(c.id()).addValue(cursor).addValue((long) send.size()).addValue((long) suppress.size())
            .addValue(done)))
        .map(v -> new Page(send.size(), suppress.size(), done, false));
  }

  /**
   * Completes every active campaign whose messages are all queued and all in a final state
   * (sent, delivered, bounced, failed, suppressed), announcing {@code campaign.completed}.
   */
  Future<List<Campaign>> completeFinished() {
    List<Notification> announced = new ArrayList<>();
    return pool.withTransaction(conn -> conn.preparedQuery(SQL_COMPLETE).execute().compose(rows -> {
      List<Campaign> done = campaigns(rows);
      done.forEach(c -> announced.add(announcement(c, "campaign.completed")));
      return notifications.record(conn, announced).map(done);
    })).onSuccess(c -> notifications.wake(announced));
  }

  // --- attribution -------------------------------------------------------------------------------

  private static final String SQL_CHECKPOINT = "SELECT last_seq FROM campaign_attribution_checkpoint";
  private static final String SQL_SAVE_CHECKPOINT =
      "UPDATE campaign_attribution_checkpoint SET last_seq = greatest(last_seq, $1)";
  /**
   * Orders logged after a position, in log order, each with the customer's last open or click of
   * a campaign message at or before the order and within that campaign's attribution window (its
   * own, or the default {@code $3} days), or none. One statement for the page: the event log's seq
   * order is its commit order (one appender), so reading after a checkpoint never skips an order
   * committed later.
   */
  private static final String SQL_ORDERS_AFTER =
      "SELECT o.seq, o.store_id, o.id, o.customer_id, o.occurred_at, o.order_id, o.total,"
          + " t.source_id, t.message_id, t.occurred_at AS touched_at"
          + " FROM (SELECT seq, store_id, id, customer_id, occurred_at, data->>'order_id' AS order_id,"
          + "   coalesce(data->>'total', '0') AS total FROM events"
          + "   WHERE type = 'order.completed' AND seq > $1 ORDER BY seq LIMIT $2) o"
          + " LEFT JOIN LATERAL (SELECT m.source_id, m.id AS message_id, e.occurred_at FROM messages m"
          + "   JOIN message_events e ON e.store_id = m.store_id AND e.message_id = m.id"
          + "   JOIN campaigns c ON c.store_id = m.store_id AND c.id = m.source_id"
          + "   WHERE o.order_id IS NOT NULL AND m.store_id = o.store_id AND m.customer_id = o.customer_id"
          + "   AND m.source = 'campaign' AND e.type IN ('opened', 'clicked') AND e.occurred_at <= o.occurred_at"
          + "   AND e.occurred_at >= o.occurred_at - make_interval(days => coalesce(c.attribution_window_days, $3))"
          + "   ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1) t ON true"
          + " ORDER BY o.seq";
  /** The page's conversions, in one statement; an order counts once, by order id. */
  private static final String SQL_CONVERT =
      "INSERT INTO campaign_conversions (store_id, order_id, campaign_id, customer_id, message_id, event_id,"
          + " revenue, ordered_at, touched_at)"
          + " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],"
          + " $7::numeric[], $8::timestamptz[], $9::timestamptz[])"
          + " ON CONFLICT (store_id, order_id) DO NOTHING";

  Future<Long> attributionCheckpoint() {
    return pool.preparedQuery(SQL_CHECKPOINT).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * Attributes the next orders after {@code afterSeq} (at most {@code limit}) and advances the
   * checkpoint, in one transaction. An order is a conversion of the campaign its customer last
   * touched (opened or clicked) within the window before ordering; it counts once, by order id,
   * however often it is replayed. Answers the new checkpoint and how many orders converted.
   */
  Future<long[]> attributeOrdersAfter(long afterSeq, int limit, int defaultWindowDays) {
    return pool.withTransaction(conn -> conn.preparedQuery(SQL_ORDERS_AFTER)
        .execute(Tuple.of(afterSeq, limit, defaultWindowDays))
        .compose(orders -> {
          long last = afterSeq;
          List<Row> touched = new ArrayList<>();
          for (Row o : orders) {
            last = o.getLong("seq");
            if (o.getString("message_id") != null) {
              touched.add(o);
            }
          }
          long checkpoint = last;
          Future<Integer> converted = touched.isEmpty() ? Future.succeededFuture(0)
              : conn.preparedQuery(SQL_CONVERT).execute(conversions(touched)).map(r -> r.rowCount());
          return converted.compose(n -> conn.preparedQuery(SQL_SAVE_CHECKPOINT).execute(Tuple.of(checkpoint))
              .map(v -> new long[] {checkpoint, n, orders.size()}));
        }));
  }

  /** SQL_CONVERT's columns for the orders that found a touch. */
  private static Tuple conversions(List<Row> touched) {
    int n = touched.size();
    String[] stores = new String[n];
    String[] orderIds = new String[n];
    String[] campaigns = new String[n];
    String[] customers = new String[n];
    String[] messages = new String[n];
    String[] events = new String[n];
    java.math.BigDecimal[] revenues = new java.math.BigDecimal[n];
    OffsetDateTime[] ordered = new OffsetDateTime[n];
    OffsetDateTime[] touchedAt = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      Row o = touched.get(i);
      stores[i] = o.getString("store_id");
      orderIds[i] = o.getString("order_id");
      campaigns[i] = o.getString("source_id");
      customers[i] = o.getString("customer_id");
      messages[i] = o.getString("message_id");
      events[i] = o.getString("id");
      revenues[i] = revenue(o.getString("total"));
      ordered[i] = o.getOffsetDateTime("occurred_at");
      touchedAt[i] = o.getOffsetDateTime("touched_at");
    }
    return Tuple.of(stores, orderIds, campaigns, customers, messages, events).addValue(revenues)
        .addValue(ordered).addValue(touchedAt);
  }

  private static java.math.BigDecimal revenue(String total) {
    try {
      return new java.math.BigDecimal(total).setScale(2, java.math.RoundingMode.HALF_EVEN);
    } catch (NumberFormatException e) {
      return java.math.BigDecimal.ZERO;
    }
  }

  // --- helpers -----------------------------------------------------------------------------------

  /** A campaign's message to a customer is one decision: queued at most once. */
  static String dedupeKey(String campaignId, String customerId) {
    return "campaign:" + campaignId + ":" + customerId;
  }

  /** Template variables of the campaign's messages ({@code {{vars.utm_campaign}}}): its metadata. */
  static JsonObject variables(Campaign c) {
    return c.metadata().copy();
  }

  private static Notification announcement(Campaign c, String type) {
    return Notification.of(c.storeId(), type, null, new JsonObject().put("campaign", c.toJson(null)));
  }

  private static List<Campaign> campaigns(RowSet<Row> rows) {
    List<Campaign> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(Campaign.from(r)));
    return out;
  }
}
