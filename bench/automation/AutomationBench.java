import io.shoal.Shoal;
import io.shoal.config.ShoalConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Automation benchmark, run by bench/automation/run.sh: starts Shoal in this JVM (embedded
 * PostgreSQL, durable), then measures
 *
 *   1. triggers: EVENTS order.completed events written straight into the event log (so only the
 *      automation path is timed), RULES active rules on order.completed of which MATCHING match
 *      every event (each starting a run with one step delayed 30 days); time until the
 *      automation feed's checkpoint reaches the last event -> events/s and rule evaluations/s;
 *   2. pending: bulk-inserts runs + pending steps (due 1 to 30 days ahead) up to PENDING, in
 *      chunks of CHUNK; after each chunk: insert rows/s, the scheduler's slice query time (the
 *      earliest 2,000 pending), heap used after a full GC, table + index size on disk;
 *   3. lateness: DUE steps (half add_tag on real customers, half send_email) due uniformly over
 *      WINDOW seconds, starting 5 s ahead, with all the pending ones in place; executed_at -
 *      due_at percentiles from the database, and the execution rate.
 *
 * Prints one "RESULT {json}" line per measurement.
 */
public class AutomationBench {

  static Pool pool;

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    int rules = Integer.parseInt(env.getOrDefault("RULES", "1000"));
    int matching = Integer.parseInt(env.getOrDefault("MATCHING", "10"));
    int events = Integer.parseInt(env.getOrDefault("EVENTS", "20000"));
    long pending = Long.parseLong(env.getOrDefault("PENDING", "10000000"));
    int chunk = Integer.parseInt(env.getOrDefault("CHUNK", "1000000"));
    int due = Integer.parseInt(env.getOrDefault("DUE", "6000"));
    int window = Integer.parseInt(env.getOrDefault("WINDOW", "60"));
    String dataDir = env.getOrDefault("DATA_DIR", "bench/automation/work/data");
    String admin = "wk_admin_bench_" + System.nanoTime();

    Map<String, String> config = new HashMap<>();
    config.put(ShoalConfig.DATA_DIR, dataDir);
    config.put(ShoalConfig.HTTP_HOST, "127.0.0.1");
    config.put(ShoalConfig.HTTP_PORT, "0");
    config.put(ShoalConfig.ADMIN_KEY, admin);
    env.forEach((k, v) -> {
      if (k.startsWith("SHOAL_")) {
        config.put(k, v);
      }
    });
    Shoal shoal = await(Shoal.start(ShoalConfig.fromMap(config)));
    pool = shoal.database().pool();
    WebClient web = WebClient.create(shoal.vertx(), new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(shoal.httpPort()));
    try {
      JsonObject store = post(web, admin, "/v1/stores", new JsonObject().put("name", "automation-bench"));
      String storeId = store.getString("id");
      String key = store.getString("api_key");
      String matchingRule = null;
      long t = System.nanoTime();
      for (int i = 0; i < rules; i++) {
        boolean matches = i < matching;
        // matching rules match the events marked campaign=bench; the others test the order and never match
        JsonArray conditions = new JsonArray().add(new JsonObject().put("field", "order.total").put("operator", "gte")
            .put("value", matches ? 0 : 1_000_000 + i));
        if (matches) {
          conditions.add(new JsonObject().put("field", "event.data.campaign").put("operator", "eq").put("value", "bench"));
        } else if (i % 2 == 1) {
          conditions.add(new JsonObject().put("field", "order.items.product_id").put("operator", "contains")
              .put("value", "never-" + i));
        }
        JsonObject rule = post(web, key, "/v1/stores/" + storeId + "/automation-rules", new JsonObject()
            .put("name", "rule " + i).put("trigger_event", "order.completed").put("conditions", conditions)
            .put("actions", new JsonArray().add(new JsonObject().put("type", "add_tag").put("tag", "t" + i)
                .put("delay", "30d"))));
        if (i == 0) {
          matchingRule = rule.getString("id");
        }
      }
      System.err.printf("created %d rules in %.1f s%n", rules, (System.nanoTime() - t) / 1e9);
      Thread.sleep(500);

      triggers(storeId, rules, 0, events, false);
      triggers(storeId, rules, matching, events, true);
      pendingSteps(storeId, matchingRule, pending, chunk);
      lateness(storeId, matchingRule, due, window);
    } finally {
      await(shoal.stop());
    }
    System.exit(0);
  }

  /** With {@code marked}, every event matches the {@code matching} rules (each then starts a run). */
  static void triggers(String storeId, int rules, int matching, int events, boolean marked) throws Exception {
    long before = one("SELECT position FROM automation_checkpoints WHERE feed = 'events'");
    long runsBefore = one("SELECT count(*) FROM automation_runs");
    // a mix of products so that half the matching rules' product condition is tested for real
    long t0 = System.nanoTime();
    await(pool.preparedQuery("INSERT INTO events (store_id, id, type, customer_id, occurred_at, data)"
        + " SELECT $1, 'evt_bench_' || $3 || g, 'order.completed', 'cust_bench_' || (g % 10000), now(),"
        + " jsonb_build_object('order_id', g::text, 'total', 20 + g % 300, 'campaign', $3, 'items', jsonb_build_array("
        + "   jsonb_build_object('product_id', 'p-' || (g % 100), 'quantity', 1, 'price', 20 + g % 300)))"
        + " FROM generate_series(1, $2) g").execute(Tuple.of(storeId, events, marked ? "bench" : "none")));
    long last = one("SELECT max(seq) FROM events");
    long t1 = System.nanoTime();
    while (one("SELECT position FROM automation_checkpoints WHERE feed = 'events'") < last) {
      Thread.sleep(20);
    }
    long t2 = System.nanoTime();
    long runs = one("SELECT count(*) FROM automation_runs") - runsBefore;
    double seconds = (t2 - t1) / 1e9;
    result(new JsonObject().put("step", "triggers").put("rules", rules).put("matching_rules", matching)
        .put("events", events).put("from_seq", before).put("insert_s", (t1 - t0) / 1e9).put("drain_s", seconds)
        .put("events_per_s", events / seconds).put("rule_evaluations_per_s", (double) events * rules / seconds)
        .put("runs_started", runs).put("runs_per_s", runs / seconds));
  }

  static void pendingSteps(String storeId, String ruleId, long target, int chunk) throws Exception {
    long have = one("SELECT count(*) FROM automation_steps WHERE status = 'pending'");
    long next = 1;
    report(have, 0, 0);
    while (have < target) {
      int n = (int) Math.min(chunk, target - have);
      long from = next;
      long to = next + n - 1;
      long t0 = System.nanoTime();
      await(pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO automation_runs (store_id, id, rule_id,"
              + " customer_id, trigger_key, trigger) SELECT $1, 'run_bench_' || g, $2, 'cust_bench_' || (g % 100000),"
              + " 'bench:' || g, '{\"type\":\"order.completed\",\"id\":\"evt_x\",\"occurred_at\":\"2026-01-01T00:00:00.000Z\","
              + "\"data\":{}}'::jsonb FROM generate_series($3::bigint, $4::bigint) g")
          .execute(Tuple.of(storeId, ruleId, from, to))
          .compose(v -> conn.preparedQuery("INSERT INTO automation_steps (store_id, run_id, action_index, rule_id,"
                  + " customer_id, action, due_at) SELECT $1, 'run_bench_' || g, 0, $2, 'cust_bench_' || (g % 100000),"
                  + " '{\"type\":\"add_tag\",\"tag\":\"later\",\"delay\":\"30d\"}'::jsonb,"
                  + " now() + interval '1 day' + (g % 2592000) * interval '1 second' FROM generate_series($3::bigint, $4::bigint) g")
              .execute(Tuple.of(storeId, ruleId, from, to)))));
      double s = (System.nanoTime() - t0) / 1e9;
      next = to + 1;
      have += n;
      report(have, n, s);
    }
  }

  static void report(long pending, int inserted, double insertSeconds) throws Exception {
    await(pool.query("ANALYZE automation_steps").execute());
    double[] q = new double[5];
    for (int i = 0; i < q.length; i++) {
      long t = System.nanoTime();
      await(pool.preparedQuery("SELECT store_id, run_id, action_index, due_at FROM automation_steps"
          + " WHERE status = 'pending' ORDER BY due_at LIMIT $1").execute(Tuple.of(2000)));
      q[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(q);
    result(new JsonObject().put("step", "pending").put("pending", pending).put("inserted", inserted)
        .put("insert_s", insertSeconds).put("insert_rows_per_s", inserted == 0 ? 0 : 2 * inserted / insertSeconds)
        .put("slice_query_ms_median", q[2]).put("heap_used_mb", heapAfterGc())
        .put("steps_table_mb", one("SELECT pg_total_relation_size('automation_steps')") / 1048576)
        .put("runs_table_mb", one("SELECT pg_total_relation_size('automation_runs')") / 1048576));
  }

  static void lateness(String storeId, String ruleId, int n, int window) throws Exception {
    await(pool.preparedQuery("INSERT INTO customers (store_id, id, email) SELECT $1, 'cust_late_' || g,"
        + " 'late' || g || '@bench.example' FROM generate_series(1, $2) g").execute(Tuple.of(storeId, n)));
    long t0 = System.currentTimeMillis();
    await(pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO automation_runs (store_id, id, rule_id,"
            + " customer_id, trigger_key, trigger) SELECT $1, 'run_late_' || g, $2, 'cust_late_' || g, 'late:' || g,"
            + " '{\"type\":\"order.completed\",\"id\":\"evt_x\",\"occurred_at\":\"2026-01-01T00:00:00.000Z\","
            + "\"data\":{\"total\":100,\"campaign\":\"bench\"}}'::jsonb FROM generate_series(1, $3) g").execute(Tuple.of(storeId, ruleId, n))
        .compose(v -> conn.preparedQuery("INSERT INTO automation_steps (store_id, run_id, action_index, rule_id,"
                + " customer_id, action, due_at) SELECT $1, 'run_late_' || g, 0, $2, 'cust_late_' || g,"
                + " CASE WHEN g % 2 = 0 THEN '{\"type\":\"add_tag\",\"tag\":\"late\",\"delay\":\"5s\"}'::jsonb"
                + " ELSE '{\"type\":\"send_email\",\"template_id\":\"tmpl_bench\",\"delay\":\"5s\"}'::jsonb END,"
                + " now() + interval '5 seconds' + (g::float8 / $3 * $4) * interval '1 second'"
                + " FROM generate_series(1, $3) g").execute(Tuple.of(storeId, ruleId, n, window)))));
    long deadline = System.currentTimeMillis() + (window + 120) * 1000L;
    while (one("SELECT count(*) FROM automation_steps WHERE run_id LIKE 'run_late_%' AND status = 'pending'") > 0
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(200);
    }
    Row r = await(pool.query("SELECT count(*) FILTER (WHERE status = 'done') AS done, count(*) AS total,"
        + " percentile_cont(ARRAY[0.5, 0.9, 0.99, 0.999]) WITHIN GROUP (ORDER BY extract(epoch FROM executed_at - due_at))"
        + "   AS p, max(extract(epoch FROM executed_at - due_at)) AS max_s, min(extract(epoch FROM executed_at - due_at)) AS min_s,"
        + " extract(epoch FROM max(executed_at) - min(executed_at)) AS span_s"
        + " FROM automation_steps WHERE run_id LIKE 'run_late_%'").execute()).iterator().next();
    Object[] p = r.getArrayOfDoubles("p");
    long pendingNow = one("SELECT count(*) FROM automation_steps WHERE status = 'pending'");
    result(new JsonObject().put("step", "lateness").put("due_steps", n).put("window_s", window)
        .put("pending_meanwhile", pendingNow).put("done", r.getLong("done")).put("total", r.getLong("total"))
        .put("lateness_p50_ms", 1000 * (Double) p[0]).put("lateness_p90_ms", 1000 * (Double) p[1])
        .put("lateness_p99_ms", 1000 * (Double) p[2]).put("lateness_p999_ms", 1000 * (Double) p[3])
        .put("lateness_max_ms", 1000 * r.getDouble("max_s")).put("earliest_ms", 1000 * r.getDouble("min_s"))
        .put("executed_per_s", r.getLong("done") / Math.max(0.001, r.getDouble("span_s")))
        .put("messages", one("SELECT count(*) FROM messages WHERE source_id = '" + ruleId + "'"))
        .put("wall_s", (System.currentTimeMillis() - t0) / 1000.0));
  }

  static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576;
  }

  static long one(String sql) {
    Row r = await(pool.query(sql).execute()).iterator().next();
    Object v = r.getValue(0);
    return v == null ? 0 : ((Number) v).longValue();
  }

  static JsonObject post(WebClient web, String key, String path, JsonObject body) {
    var resp = await(web.post(path).putHeader("Authorization", "Bearer " + key).sendJsonObject(body));
    if (resp.statusCode() / 100 != 2) {
      throw new IllegalStateException(path + " -> " + resp.statusCode() + " " + resp.bodyAsString());
    }
    return resp.bodyAsJsonObject();
  }

  static void result(JsonObject r) {
    System.out.println("RESULT " + r.encode());
    System.out.flush();
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }
}
