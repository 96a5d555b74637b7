package io.shoal.automation;

import io.shoal.kernel.Wire;
import io.shoal.kernel.DataSubject;
import io.shoal.kernel.PersonalData;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * The automation runs the person triggered and their steps. Erasing skips every pending step
 * (the scheduler claims only pending steps, so one already in its memory does nothing) and keeps
 * runs and steps only anonymised for the rules' counts: a random customer id per row, no
 * triggering event, no outcome text (it may quote a response).
 */
public final class AutomationPersonalData implements PersonalData {

  private static final String SQL_RUNS =
      "SELECT id, rule_id, trigger, created_at FROM automation_runs WHERE store_id = $1 AND customer_id = $2"
          + " ORDER BY created_at, id";
  private static final String SQL_STEPS =
      "SELECT run_id, action_index, rule_id, status, due_at, executed_at FROM automation_steps"
          + " WHERE store_id = $1 AND customer_id = $2 ORDER BY due_at, run_id, action_index";
  private static final String SQL_SKIP_PENDING =
      "UPDATE automation_steps SET status = 'skipped', executed_at = clock_timestamp()"
          + " WHERE store_id = $1 AND customer_id = $2 AND status = 'pending'";
  private static final String SQL_ANONYMISE_STEPS =
      "UPDATE automation_steps SET customer_id = 'anon_' || md5(random()::text || run_id || action_index::text),"
          + " outcome = CASE WHEN outcome IS NULL THEN NULL ELSE 'customer erased' END"
          + " WHERE store_id = $1 AND customer_id = $2";
  private static final String SQL_ANONYMISE_RUNS =
      "UPDATE automation_runs SET customer_id = 'anon_' || md5(random()::text || id), trigger = '{}'::jsonb,"
          + " trigger_key = 'anon_' || md5(random()::text || id || 'k')"
          + " WHERE store_id = $1 AND customer_id = $2";

  private final Pool pool;

  public AutomationPersonalData(Pool pool) {
    this.pool = pool;
  }

  @Override
  public String name() {
    return "automations";
  }

  @Override
  public Future<JsonObject> export(DataSubject s) {
    Tuple key = Tuple.of(s.storeId(), s.customerId());
    return pool.preparedQuery(SQL_RUNS).execute(key).compose(runRows -> {
      JsonArray runs = new JsonArray();
      for (Row r : runRows) {
        runs.add(new JsonObject().put("id", r.getString("id")).put("rule_id", r.getString("rule_id"))
            .put("trigger", r.getJsonObject("trigger")).put("created_at", Wire.time(r.getOffsetDateTime("created_at"))));
      }
      return pool.preparedQuery(SQL_STEPS).execute(key).map(stepRows -> {
        JsonArray steps = new JsonArray();
        for (Row r : stepRows) {
          steps.add(new JsonObject().put("run_id", r.getString("run_id")).put("action_index", r.getInteger("action_index"))
              .put("rule_id", r.getString("rule_id")).put("status", r.getString("status"))
              .put("due_at", Wire.time(r.getOffsetDateTime("due_at")))
              .put("executed_at", Wire.time(r.getOffsetDateTime("executed_at"))));
        }
        return new JsonObject().put("runs", runs).put("steps", steps);
      });
    });
  }

  @Override
  public Future<JsonObject> erase(DataSubject s) {
    Tuple key = Tuple.of(s.storeId(), s.customerId());
    JsonObject done = new JsonObject();
    return pool.withTransaction(conn -> conn.preparedQuery(SQL_SKIP_PENDING).execute(key)
        .compose(skipped -> {
          done.put("pending_steps_skipped", skipped.rowCount());
          return conn.preparedQuery(SQL_ANONYMISE_STEPS).execute(key);
        })
        .compose(steps -> {
          done.put("steps_anonymised", steps.rowCount());
          return conn.preparedQuery(SQL_ANONYMISE_RUNS).execute(key);
        })
        .map(runs -> done.put("runs_anonymised", runs.rowCount())));
  }
}
