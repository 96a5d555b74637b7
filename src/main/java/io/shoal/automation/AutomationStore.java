package io.shoal.automation;

import io.shoal.customer.ProfileEdits;
import io.shoal.event.LoggedEvent;
import io.shoal.kernel.Wire;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The automation package's SQL, in one place: rules, runs, steps (the durable delays), feed
 * checkpoints, and the reads of customers, memberships and events that conditions and
 * wait-untils need.
 *
 * <p>Two places write other packages' tables, on purpose: an action that changes a customer (tags,
 * profile fields, static segment membership) is written with the same connection, inside the
 * transaction that marks the step done, so that a crash can neither lose nor repeat it. Those
 * writes are the same statements the customers and segments APIs make.
 */
final class AutomationStore {

  private static final String RULE_COLUMNS = "store_id, id, name, trigger_event, segment_id, date_property,"
      + " conditions, actions, re_entry, frequency_caps, is_active, times_triggered, created_at, updated_at,"
      + " failure_reason";

  private final Pool pool;

  AutomationStore(Pool pool) {
    this.pool = pool;
  }

  Pool pool() {
    return pool;
  }

  // --- rules ------------------------------------------------------------------------------------

  Future<AutomationRule> createRule(String storeId, String id, JsonObject d) {
    return pool.preparedQuery("INSERT INTO automation_rules (store_id, id, name, trigger_event, segment_id,"
            + " date_property, conditions, actions, re_entry, frequency_caps, is_active)"
            + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING " + RULE_COLUMNS)
        .execute(ruleTuple(storeId, id, d))
        .map(rows -> AutomationRule.of(rows.iterator().next()));
  }

  Future<AutomationRule> updateRule(String storeId, String id, JsonObject d) {
    return pool.preparedQuery("UPDATE automation_rules SET name = $3, trigger_event = $4, segment_id = $5,"
            + " date_property = $6, conditions = $7, actions = $8, re_entry = $9, frequency_caps = $10,"
            + " is_active = $11, failure_reason = NULL, updated_at = clock_timestamp()"
            + " WHERE store_id = $1 AND id = $2 RETURNING "
            + RULE_COLUMNS)
        .execute(ruleTuple(storeId, id, d))
        .map(rows -> rows.size() == 0 ? null : AutomationRule.of(rows.iterator().next()));
  }

  private static Tuple ruleTuple(String storeId, String id, JsonObject d) {
    return Tuple.tuple().addValue(storeId).addValue(id).addValue(d.getString("name"))
        .addValue(d.getString("trigger_event")).addValue(d.getString("segment_id"))
        .addValue(d.getJsonObject("date_property"))
        .addValue(d.getJsonArray("conditions", new JsonArray())).addValue(d.getJsonArray("actions"))
        .addValue(d.getJsonObject("re_entry", new JsonObject().put("policy", "every_time")))
        .addValue(d.getJsonArray("frequency_caps", new JsonArray())).addValue(d.getBoolean("is_active", true));
  }

  Future<AutomationRule> rule(String storeId, String id) {
    return pool.preparedQuery("SELECT " + RULE_COLUMNS + " FROM automation_rules WHERE store_id = $1 AND id = $2")
        .execute(Tuple.of(storeId, id))
        .map(rows -> rows.size() == 0 ? null : AutomationRule.of(rows.iterator().next()));
  }

  Future<List<AutomationRule>> rules(String storeId, OffsetDateTime afterCreated, String afterId, int limit) {
    return pool.preparedQuery("SELECT " + RULE_COLUMNS + " FROM automation_rules WHERE store_id = $1"
            + " AND ($2::timestamptz IS NULL OR (created_at, id) > ($2, $3)) ORDER BY created_at, id LIMIT $4")
        .execute(Tuple.of(storeId, afterCreated, afterId, limit))
        .map(AutomationStore::rulesOf);
  }

  /**
   * The active rules. One whose stored row cannot be read is failed (see {@link #failRule}) and
   * left out: the others, of every store, run.
   */
  Future<List<AutomationRule>> activeRules() {
    return pool.preparedQuery("SELECT " + RULE_COLUMNS + " FROM automation_rules WHERE is_active")
        .execute().compose(rows -> {
          List<AutomationRule> out = new ArrayList<>(rows.size());
          List<Future<?>> failed = new ArrayList<>();
          for (Row r : rows) {
            try {
              out.add(AutomationRule.of(r));
            } catch (RuntimeException e) {
              failed.add(failRule(r.getString("store_id"), r.getString("id"), "the stored rule cannot be read: " + e));
            }
          }
          return Future.join(failed).map(out);
        });
  }

  /**
   * A rule that cannot be run (its stored definition no longer reads or compiles): deactivated
   * with the reason, shown by the API as {@code failure_reason} until the rule is edited. Parts
   * that cannot be read are reset to empty, so the rule stays readable; deactivating it first
   * means a dropped condition never widens whom it reaches.
   */
  Future<Void> failRule(String storeId, String id, String reason) {
    String r = reason.length() > 500 ? reason.substring(0, 500) : reason;
    return pool.preparedQuery("UPDATE automation_rules SET is_active = false, failure_reason = $3,"
            + " conditions = CASE WHEN jsonb_typeof(conditions) = 'array' THEN conditions ELSE '[]' END,"
            + " actions = CASE WHEN jsonb_typeof(actions) = 'array' THEN actions ELSE '[]' END,"
            + " re_entry = CASE WHEN jsonb_typeof(re_entry) = 'object' THEN re_entry ELSE '{\"policy\": \"every_time\"}' END,"
            + " frequency_caps = CASE WHEN jsonb_typeof(frequency_caps) = 'array' THEN frequency_caps ELSE '[]' END,"
            + " date_property = CASE WHEN date_property IS NULL OR jsonb_typeof(date_property) = 'object'"
            + "   THEN date_property ELSE NULL END,"
            + " updated_at = clock_timestamp() WHERE store_id = $1 AND id = $2")
        .execute(Tuple.of(storeId, id, r)).mapEmpty();
  }

  private static List<AutomationRule> rulesOf(RowSet<Row> rows) {
    List<AutomationRule> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(AutomationRule.of(r)));
    return out;
  }

  /** Deletes the rule with its runs and their pending steps. */
  Future<Boolean> deleteRule(String storeId, String id) {
    return pool.withTransaction(conn -> conn.preparedQuery("DELETE FROM automation_rules WHERE store_id = $1 AND id = $2")
        .execute(Tuple.of(storeId, id))
        .compose(r -> r.rowCount() == 0 ? Future.succeededFuture(false)
            : conn.preparedQuery("DELETE FROM automation_runs WHERE store_id = $1 AND rule_id = $2")
                .execute(Tuple.of(storeId, id)).map(true)));
  }

  /** The rule's runs, newest first, each with its steps. */
  Future<List<JsonObject>> runs(String storeId, String ruleId, OffsetDateTime beforeCreated, String beforeId,
                                int limit) {
    return pool.preparedQuery("SELECT r.id, r.customer_id, r.trigger, r.created_at,"
            + " (SELECT json_agg(json_build_object('action_index', s.action_index, 'type', s.action->>'type',"
            + "   'due_at', s.due_at, 'status', s.status, 'outcome', s.outcome, 'executed_at', s.executed_at)"
            + "   ORDER BY s.action_index) FROM automation_steps s WHERE s.store_id = r.store_id AND s.run_id = r.id)"
            + "   AS steps"
            + " FROM automation_runs r WHERE r.store_id = $1 AND r.rule_id = $2"
            + " AND ($3::timestamptz IS NULL OR (r.created_at, r.id) < ($3, $4))"
            + " ORDER BY r.created_at DESC, r.id DESC LIMIT $5")
        .execute(Tuple.of(storeId, ruleId, beforeCreated, beforeId, limit))
        .map(rows -> {
          List<JsonObject> out = new ArrayList<>();
          for (Row r : rows) {
            JsonArray steps = r.getValue("steps") instanceof JsonArray a ? a : new JsonArray();
            boolean pending = false;
            for (Object o : steps) {
              JsonObject s = (JsonObject) o;
              s.put("due_at", isoOf(s.getString("due_at")));
              s.put("executed_at", isoOf(s.getString("executed_at")));
              pending |= "pending".equals(s.getString("status"));
            }
            JsonObject trigger = (JsonObject) r.getValue("trigger");
            out.add(new JsonObject().put("object", "automation_run").put("id", r.getString("id"))
                .put("rule_id", ruleId).put("customer_id", r.getString("customer_id"))
                .put("status", pending ? "waiting" : "completed")
                .put("trigger", new JsonObject().put("type", trigger.getString("type"))
                    .put("id", trigger.getString("id")).put("occurred_at", trigger.getString("occurred_at")))
                .put("steps", steps)
                .put("created_at", Wire.time(r.getOffsetDateTime("created_at"))));
          }
          return out;
        });
  }

  private static String isoOf(String pgJsonTime) {
    return pgJsonTime == null ? null : Wire.time(OffsetDateTime.parse(pgJsonTime));
  }

  // --- feeds ------------------------------------------------------------------------------------

  /**
   * The feed's position; a feed read for the first time starts at the end of its table, since no
   * rule can want what happened before automations existed.
   */
  Future<Long> checkpoint(String feed, String table) {
    return pool.preparedQuery("INSERT INTO automation_checkpoints (feed, position)"
            + " SELECT $1, coalesce(max(seq), 0) FROM " + table + " ON CONFLICT (feed) DO NOTHING")
        .execute(Tuple.of(feed))
        .compose(v -> pool.preparedQuery("SELECT position FROM automation_checkpoints WHERE feed = $1")
            .execute(Tuple.of(feed)))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** Moves a feed's position forward (never back: a run's transaction may have written a later one). */
  Future<Void> savePosition(String feed, long position) {
    return pool.preparedQuery("UPDATE automation_checkpoints SET position = greatest(position, $2) WHERE feed = $1")
        .execute(Tuple.of(feed, position)).mapEmpty();
  }

  /**
   * How far notifications are known to be final. A seq is handed out inside its writer's
   * transaction, which has its id by then (NotificationLog takes it first), so once every
   * transaction with a smaller id than some {@code xid} has ended, every seq handed out before
   * that xid was assigned is either visible or never will be.
   *
   * <p>The reference is the reader's own xid, taken after reading the sequence (and rolled
   * back at once): a snapshot's {@code xmax} cannot serve, since a writer whose id is above the
   * last completed one is in no snapshot's list of running transactions, and looks ended.
   * Read from the sequence, not {@code max(seq)}: under load the newest index entries belong to
   * batches still being written, and stepping back over them took 4.4 ms a call in bench/engine.
   */
  record Reference(long seq, long xid) {}

  Future<Reference> notificationReference() {
    return pool.getConnection().compose(conn -> conn.begin()
        .compose(tx -> conn.preparedQuery(SQL_LAST_SEQ).execute()
            .compose(last -> conn.preparedQuery("SELECT pg_current_xact_id()::text::bigint").execute()
                .map(xid -> new Reference(last.iterator().next().getLong(0), xid.iterator().next().getLong(0))))
            .eventually(tx::rollback))
        .eventually(conn::close));
  }

  /**
   * The oldest transaction id still running (every smaller one has ended), and the last seq handed
   * out (read once that xmin was taken: a seq handed out later only makes the reader take a
   * {@link Reference} sooner).
   */
  record Horizon(long seq, long xmin) {}

  /**
   * One statement, kept prepared: it runs at every wake of the automations (after each batch of
   * creates, among others), and as two simple queries it was parsed and planned twice a call
   * (issue 17: 0.015 ms of PostgreSQL a created customer at a million, thirty-second pass). The xmin is the
   * statement's snapshot's, taken before the sequence is read: never later than the seq's
   * reference point, so a horizon it settles is one the two statements would have settled too.
   */
  Future<Horizon> notificationHorizon() {
    return pool.preparedQuery(SQL_HORIZON).execute()
        .map(rows -> {
          Row r = rows.iterator().next();
          return new Horizon(r.getLong(0), r.getLong(1));
        });
  }

  /**
   * The last seq handed out: the sequence's last value is a row's (V58), and a set's
   * notifications run up to PER_SET - 1 past it, so the bound is that far on (no later row starts
   * before it).
   */
  private static final String LAST_SEQ =
      "coalesce(pg_sequence_last_value(pg_get_serial_sequence('notifications', 'seq')::regclass) + "
          + (io.shoal.outbox.NotificationLog.PER_SET - 1) + ", 0)";
  private static final String SQL_LAST_SEQ = "SELECT " + LAST_SEQ;
  static final String SQL_HORIZON = "SELECT " + LAST_SEQ + ", pg_snapshot_xmin(pg_current_snapshot())::text::bigint";

  /**
   * Enter/leave notifications of the given segments after {@code afterSeq} and up to
   * {@code upToSeq}, in seq order. Read only below a settled horizon, so a range is read once:
   * notifications of segments no rule is triggered by are skipped by the database.
   */
  Future<List<LoggedEvent>> segmentNotifications(long afterSeq, long upToSeq, String[] segmentIds, int limit) {
    return pool.preparedQuery("SELECT seq, store_id, id, type, customer_id, data, created_at"
            + " FROM segment_notifications_between($1, $2, $3, $4) ORDER BY seq")
        .execute(Tuple.of(afterSeq, upToSeq, segmentIds, limit))
        .map(AutomationStore::notifications);
  }

  /** Doubts read again: the segment notifications wanted, and the seqs asked about that are visible now. */
  record Doubted(List<LoggedEvent> rows, java.util.Set<Long> seen) {}

  /**
   * Of the rows written at these values of the sequence (a set's all: see
   * outbox.NotificationLog.absentSeqs), which are visible now, and their enter/leave
   * notifications of these segments (only those: V61), in seq order.
   */
  Future<Doubted> notificationsAt(Long[] seqs, String[] segmentIds) {
    return pool.preparedQuery("SELECT row_seq, seq, store_id, id, type, customer_id, data, created_at"
            + " FROM notifications_written_at($1, NULL, $2)")
        .execute(Tuple.tuple().addValue(seqs).addValue(segmentIds))
        .map(rows -> {
          java.util.Set<Long> seen = new java.util.HashSet<>();
          List<Row> wanted = new ArrayList<>();
          for (Row r : rows) {
            if (r.getValue("seq") == null) {
              seen.add(r.getLong("row_seq"));
            } else {
              wanted.add(r);
            }
          }
          return new Doubted(notifications(wanted), seen);
        });
  }

  /** The seqs in {@code (afterSeq, upToSeq]} with no visible notification: not committed yet, or never. */
  Future<List<Long>> absentNotificationSeqs(long afterSeq, long upToSeq) {
    return io.shoal.outbox.NotificationLog.absentSeqs(pool, afterSeq, upToSeq);
  }

  private static List<LoggedEvent> notifications(Iterable<Row> rows) {
    List<LoggedEvent> out = new ArrayList<>();
    for (Row r : rows) {
      Instant at = r.getOffsetDateTime("created_at").toInstant();
      out.add(new LoggedEvent(r.getLong("seq"), r.getString("store_id"), r.getString("id"), r.getString("type"),
          r.getString("customer_id"), at, at, (JsonObject) r.getValue("data")));
    }
    return out;
  }

  /** Customers whose date field (in the zone) is {@code date}, or whose anniversary it is when yearly. */
  Future<List<String>> customersOnDate(String storeId, AutomationRuleSpec.DateTrigger t, LocalDate date) {
    boolean metadata = t.field().startsWith("metadata.");
    // the column name is one of three the spec allows; values are always parameters
    String value = metadata
        ? "(CASE WHEN (metadata->>$3) ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}' THEN left(metadata->>$3, 10)::date END)"
        : "((" + t.field() + " AT TIME ZONE $3)::date)";
    String match = t.yearly() ? "to_char(" + value + ", 'MM-DD') = to_char($2::date, 'MM-DD')" : value + " = $2::date";
    return pool.preparedQuery("SELECT id FROM customers WHERE store_id = $1 AND " + match)
        .execute(Tuple.of(storeId, date, metadata ? t.field().substring("metadata.".length()) : t.zone().getId()))
        .map(rows -> {
          List<String> out = new ArrayList<>();
          rows.forEach(r -> out.add(r.getString(0)));
          return out;
        });
  }

  // --- runs -------------------------------------------------------------------------------------

  /** A run to start: rule, customer, trigger, and its steps' actions with due times. */
  record NewRun(String storeId, String runId, String ruleId, String customerId, String triggerKey, JsonObject trigger,
                ReEntry reEntry, List<JsonObject> actions, List<Instant> due) {}

  /**
   * Starts the runs and moves the feed's checkpoint, in one transaction: a crash before the
   * commit replays the triggers, and a run whose (rule, trigger) already exists is not started
   * again. Answers the earliest due time of the steps created, or null.
   */
  Future<Instant> startRuns(List<NewRun> runs, String feed, long position) {
    return pool.withTransaction(conn -> admit(conn, runs).compose(admitted -> insertRuns(conn, admitted))
        .compose(earliest -> (feed == null ? Future.<Void>succeededFuture()
            : conn.preparedQuery("UPDATE automation_checkpoints SET position = greatest(position, $2) WHERE feed = $1")
                .execute(Tuple.of(feed, position)).<Void>mapEmpty()).map(earliest)));
  }

  /** Drops runs the re-entry policy refuses (looking at earlier runs and at this batch). */
  private static Future<List<NewRun>> admit(SqlConnection conn, List<NewRun> runs) {
    List<NewRun> limited = new ArrayList<>();
    for (NewRun r : runs) {
      if (r.reEntry.limited()) {
        limited.add(r);
      }
    }
    if (limited.isEmpty()) {
      return Future.succeededFuture(runs);
    }
    List<Tuple> keys = new ArrayList<>();
    limited.forEach(r -> keys.add(Tuple.of(r.storeId, r.ruleId, r.customerId)));
    return conn.preparedQuery("SELECT max(created_at) FROM automation_runs WHERE store_id = $1 AND rule_id = $2"
            + " AND customer_id = $3").executeBatch(keys)
        .map(first -> {
          Map<String, Instant> last = new HashMap<>();
          RowSet<Row> rs = first;
          for (NewRun r : limited) {
            OffsetDateTime t = rs.iterator().next().getOffsetDateTime(0);
            if (t != null) {
              last.put(r.storeId + "/" + r.ruleId + "/" + r.customerId, t.toInstant());
            }
            rs = rs.next();
          }
          Instant now = Instant.now();
          List<NewRun> out = new ArrayList<>(runs.size());
          for (NewRun r : runs) {
            String key = r.storeId + "/" + r.ruleId + "/" + r.customerId;
            if (r.reEntry.allows(last.get(key), now)) {
              out.add(r);
              last.put(key, now);
            }
          }
          return out;
        });
  }

  private static Future<Instant> insertRuns(SqlConnection conn, List<NewRun> runs) {
    if (runs.isEmpty()) {
      return Future.succeededFuture(null);
    }
    List<Tuple> rows = new ArrayList<>(runs.size());
    runs.forEach(r -> rows.add(Tuple.of(r.storeId, r.runId, r.ruleId, r.customerId, r.triggerKey, r.trigger)));
    return conn.preparedQuery("INSERT INTO automation_runs (store_id, id, rule_id, customer_id, trigger_key, trigger)"
            + " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (store_id, rule_id, trigger_key) DO NOTHING RETURNING id")
        .executeBatch(rows)
        .compose(first -> {
          List<Tuple> steps = new ArrayList<>();
          Map<String, Long> triggered = new HashMap<>();
          Instant earliest = null;
          RowSet<Row> rs = first;
          for (NewRun r : runs) {
            if (rs.size() == 1) {
              triggered.merge(r.storeId + "\u0000" + r.ruleId, 1L, Long::sum);
              for (int i = 0; i < r.actions.size(); i++) {
                Instant due = r.due.get(i);
                earliest = earliest == null || due.isBefore(earliest) ? due : earliest;
                steps.add(Tuple.tuple().addValue(r.storeId).addValue(r.runId).addValue(i).addValue(r.ruleId)
                    .addValue(r.customerId).addValue(r.actions.get(i)).addValue(due.atOffset(ZoneOffset.UTC)));
              }
            }
            rs = rs.next();
          }
          if (steps.isEmpty()) {
            return Future.succeededFuture((Instant) null);
          }
          List<Tuple> counts = new ArrayList<>();
          triggered.forEach((k, n) -> {
            int sep = k.indexOf('\u0000');
            counts.add(Tuple.of(k.substring(0, sep), k.substring(sep + 1), n));
          });
          Instant first2 = earliest;
          return conn.preparedQuery("INSERT INTO automation_steps (store_id, run_id, action_index, rule_id,"
                  + " customer_id, action, due_at) VALUES ($1, $2, $3, $4, $5, $6, $7)").executeBatch(steps)
              .compose(v -> conn.preparedQuery("UPDATE automation_rules SET times_triggered = times_triggered + $3"
                  + " WHERE store_id = $1 AND id = $2").executeBatch(counts))
              .map(first2);
        });
  }

  // --- steps ------------------------------------------------------------------------------------

  record DueStep(String storeId, String runId, int actionIndex, Instant dueAt) {}

  /** The earliest pending steps, at most {@code limit}: the scheduler's in-memory slice. */
  Future<List<DueStep>> nextDue(int limit) {
    return pool.preparedQuery("SELECT store_id, run_id, action_index, due_at FROM automation_steps"
            + " WHERE status = 'pending' ORDER BY due_at LIMIT $1")
        .execute(Tuple.of(limit))
        .map(rows -> {
          List<DueStep> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(new DueStep(r.getString(0), r.getString(1), r.getInteger(2),
              r.getOffsetDateTime(3).toInstant())));
          return out;
        });
  }

  /** A claimed step: locked in {@code conn}'s transaction until it is marked. */
  record ClaimedStep(String storeId, String runId, int actionIndex, String ruleId, String customerId, JsonObject action,
                     Instant dueAt, JsonObject trigger, Instant runAt) {}

  static Future<ClaimedStep> claim(SqlConnection conn, DueStep s) {
    return conn.preparedQuery("SELECT s.rule_id, s.customer_id, s.action, s.due_at, r.trigger, r.created_at"
            + " FROM automation_steps s JOIN automation_runs r ON r.store_id = s.store_id AND r.id = s.run_id"
            + " WHERE s.store_id = $1 AND s.run_id = $2 AND s.action_index = $3 AND s.status = 'pending'"
            + " FOR UPDATE OF s SKIP LOCKED")
        .execute(Tuple.of(s.storeId(), s.runId(), s.actionIndex()))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row r = rows.iterator().next();
          return new ClaimedStep(s.storeId(), s.runId(), s.actionIndex(), r.getString(0), r.getString(1),
              (JsonObject) r.getValue(2), r.getOffsetDateTime(3).toInstant(), (JsonObject) r.getValue(4),
              r.getOffsetDateTime(5).toInstant());
        });
  }

  /** A pending step that cannot be run: failed with the reason (bounded), in its own statement. */
  Future<Void> failStep(DueStep s, String reason) {
    String r = reason.length() > 500 ? reason.substring(0, 500) : reason;
    return pool.preparedQuery("UPDATE automation_steps SET status = 'failed', outcome = $4,"
            + " executed_at = clock_timestamp() WHERE store_id = $1 AND run_id = $2 AND action_index = $3"
            + " AND status = 'pending'")
        .execute(Tuple.of(s.storeId(), s.runId(), s.actionIndex(), r)).mapEmpty();
  }

  static Future<Void> mark(SqlConnection conn, ClaimedStep s, String status, String outcome) {
    return conn.preparedQuery("UPDATE automation_steps SET status = $4, outcome = $5, executed_at = clock_timestamp()"
            + " WHERE store_id = $1 AND run_id = $2 AND action_index = $3")
        .execute(Tuple.of(s.storeId(), s.runId(), s.actionIndex(), status, outcome)).mapEmpty();
  }

  static Future<AutomationRule> rule(SqlConnection conn, String storeId, String id) {
    return conn.preparedQuery("SELECT " + RULE_COLUMNS + " FROM automation_rules WHERE store_id = $1 AND id = $2")
        .execute(Tuple.of(storeId, id))
        .map(rows -> rows.size() == 0 ? null : AutomationRule.of(rows.iterator().next()));
  }

  // --- what conditions and actions read ----------------------------------------------------------

  /**
   * The customer's fields by rule field name (profile, stored aggregates, {@code segments}), or
   * null when the customer does not exist.
   */
  static Future<Map<String, Object>> customer(io.vertx.sqlclient.SqlClient client, String storeId, String id) {
    return ProfileEdits.withSegments(client, storeId, id).map(row -> row == null ? null : CustomerRow.values(row));
  }

  /** Serialises the actions of one customer (frequency caps count what the others sent). */
  static Future<Void> lockCustomer(SqlConnection conn, String storeId, String customerId) {
    return conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2, 7))")
        .execute(Tuple.of(storeId, customerId)).mapEmpty();
  }
}
