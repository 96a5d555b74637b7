import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates the benchmark's dynamic segments through the API and waits until every one is synced.
 *
 *   java -cp target/shoal.jar bench/engine/Segments.java create BASE_URL STORE_ID API_KEY PG_PORT COUNT [SEED [PREFIX]]
 *   java -cp target/shoal.jar bench/engine/Segments.java print COUNT [SEED]      (the rules, one JSON a line)
 *   java -cp target/shoal.jar bench/engine/Segments.java backfill BASE_URL STORE_ID API_KEY NAME RULES_JSON
 *
 * create: first the probe segment the latency benchmark relies on ("bench-probe":
 * total_spent >= 50000, which no seeded customer reaches), then COUNT - 1 generated segments of
 * mixed rules (the seeded data's value ranges are in Seed.java): thresholds on total_spent,
 * total_orders, average_order_value; last_order_at / last_seen_at / created_at before, after,
 * within_last, not_within_last relative times; tags, metadata, address.city / country, consent;
 * bought product or category within N days; performed page.viewed at least / at most K within N
 * days; cart value; nested any / all / not. Same SEED, same segments. With a PREFIX: COUNT generated
 * segments named PREFIX-0001.., and no probe segment (a second set in a store that has the first).
 *
 * backfill: creates one segment and polls GET .../segments/{id} every 10 ms until sync_status is
 * done; prints "BACKFILL ms=... members=...". The segment is deleted afterwards.
 */
public class Segments {

  static final String[] TAGS = {"newsletter", "retail", "vip", "wholesale", "loyalty", "b2b", "influencer", "student",
      "gift", "eu", "us"};
  static final String[] CITIES = {"New York", "London", "Berlin", "Paris", "Los Angeles", "Chicago", "Madrid", "Rome",
      "Toronto", "Sydney", "Hamburg", "Munich", "Manchester", "Lyon", "Milan", "Barcelona", "Seattle", "Boston",
      "Vienna", "Zurich", "Amsterdam", "Dublin", "Lisbon", "Prague", "Oslo", "Denver", "Miami", "Vancouver"};
  static final String[] COUNTRIES = {"US", "GB", "DE", "FR", "ES", "IT", "CA", "AU"};
  static final String[] SOURCES = {"web", "pos", "instagram", "tiktok", "referral", "import"};
  static final String[] PLANS = {"free", "basic", "gold", "platinum"};

  public static final JsonArray PROBE_RULES = new JsonArray()
      .add(new JsonObject().put("field", "total_spent").put("operator", "gte").put("value", 50000));

  public static void main(String[] args) throws Exception {
    switch (args.length == 0 ? "" : args[0]) {
      case "create" -> create(args[1], args[2], args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]),
          args.length > 6 ? Long.parseLong(args[6]) : 42, args.length > 7 ? args[7] : null);
      case "print" -> {
        Random r = new Random(args.length > 2 ? Long.parseLong(args[2]) : 42);
        for (int i = 0; i < Integer.parseInt(args[1]); i++) {
          System.out.println(segment(r).encode());
        }
      }
      case "backfill" -> backfill(args[1], args[2], args[3], args[4], new JsonArray(args[5]));
      default -> {
        System.err.println("usage: Segments create|print|backfill ... (see the class comment)");
        System.exit(2);
      }
    }
  }

  // --- the generated rules ----------------------------------------------------------------------

  /** One segment's rules: 1 (30%), 2 (45%) or 3 (25%) top-level rules, a quarter of them a nested group. */
  static JsonArray segment(Random r) {
    JsonArray rules = new JsonArray();
    double k = r.nextDouble();
    int n = k < 0.30 ? 1 : k < 0.75 ? 2 : 3;
    for (int i = 0; i < n; i++) {
      rules.add(r.nextDouble() < 0.25 ? group(r, 0) : leaf(r));
    }
    return rules;
  }

  static JsonObject group(Random r, int depth) {
    double p = r.nextDouble();
    if (p < 0.2 || depth >= 2) {
      return new JsonObject().put("not", leaf(r));
    }
    JsonArray children = new JsonArray();
    int n = 2 + r.nextInt(2);
    for (int i = 0; i < n; i++) {
      children.add(r.nextDouble() < 0.15 ? group(r, depth + 1) : leaf(r));
    }
    return new JsonObject().put(p < 0.6 ? "any" : "all", children);
  }

  static JsonObject leaf(Random r) {
    double p = r.nextDouble();
    if (p < 0.30) {
      return number(r);
    } else if (p < 0.52) {
      return time(r);
    } else if (p < 0.77) {
      return profile(r);
    } else {
      return behaviour(r);
    }
  }

  static JsonObject cond(String field, String op, Object value) {
    JsonObject o = new JsonObject().put("field", field).put("operator", op);
    return value == null ? o : o.put("value", value);
  }

  static int pick(Random r, int... values) {
    return values[r.nextInt(values.length)];
  }

  static JsonObject number(Random r) {
    return switch (r.nextInt(7)) {
      case 0 -> cond("total_spent", "gte", pick(r, 100, 200, 300, 500, 750, 1000, 1500, 2000));
      case 1 -> {
        int low = pick(r, 50, 100, 200, 400);
        yield cond("total_spent", "between", new JsonArray().add(low).add(low * pick(r, 2, 3, 5)));
      }
      case 2 -> cond("total_orders", "gte", pick(r, 2, 3, 4, 5, 7, 10));
      case 3 -> cond("total_orders", "eq", pick(r, 0, 1, 2));
      case 4 -> cond("average_order_value", "gte", pick(r, 50, 75, 100, 150, 200));
      case 5 -> cond("total_spent", "lt", pick(r, 20, 50, 100));
      default -> cond("cart.value", "gte", pick(r, 50, 100, 200));
    };
  }

  static JsonObject time(Random r) {
    return switch (r.nextInt(9)) {
      case 0, 1 -> cond("last_order_at", "before", pick(r, 30, 60, 90, 180, 365) + "_days_ago");
      case 2 -> cond("last_order_at", "after", pick(r, 7, 14, 30, 60, 90, 180) + "_days_ago");
      case 3 -> cond("last_order_at", "within_last", pick(r, 7, 30, 90, 365) + "_days");
      case 4 -> cond("last_order_at", "not_within_last", pick(r, 30, 90, 180, 365) + "_days");
      case 5 -> cond("last_seen_at", "within_last", pick(r, 7, 14, 30) + "_days");
      case 6 -> cond("created_at", "within_last", pick(r, 30, 90, 180, 365) + "_days");
      default -> cond("first_order_at", "before", pick(r, 180, 365, 540) + "_days_ago");
    };
  }

  static JsonObject profile(Random r) {
    return switch (r.nextInt(8)) {
      case 0, 1 -> cond("tags", "contains", TAGS[r.nextInt(TAGS.length)]);
      case 2 -> cond("tags", "in", new JsonArray().add(TAGS[r.nextInt(TAGS.length)]).add(TAGS[r.nextInt(TAGS.length)]));
      case 3 -> cond("metadata.source", "eq", SOURCES[r.nextInt(SOURCES.length)]);
      case 4 -> cond("metadata.plan", "in", new JsonArray().add(PLANS[r.nextInt(PLANS.length)])
          .add(PLANS[r.nextInt(PLANS.length)]));
      case 5 -> cond("address.city", "eq", CITIES[r.nextInt(CITIES.length)]);
      case 6 -> cond("address.city", "in", new JsonArray().add(CITIES[r.nextInt(CITIES.length)])
          .add(CITIES[r.nextInt(CITIES.length)]).add(CITIES[r.nextInt(CITIES.length)]));
      default -> r.nextBoolean() ? cond("address.country", "eq", COUNTRIES[r.nextInt(COUNTRIES.length)])
          : cond("email_consent", "eq", true);
    };
  }

  static JsonObject behaviour(Random r) {
    return switch (r.nextInt(5)) {
      case 0 -> {
        JsonArray ids = new JsonArray();
        int n = 1 + r.nextInt(5);
        for (int i = 0; i < n; i++) {
          ids.add("p" + (int) Math.exp(r.nextDouble() * Math.log(501) - 1e-9));
        }
        yield new JsonObject().put("bought", new JsonObject().put("product_ids", ids)
            .put("within_days", pick(r, 30, 90, 180, 365)));
      }
      case 1 -> new JsonObject().put("bought", new JsonObject()
          .put("category_ids", new JsonArray().add("cat" + r.nextInt(40)))
          .put("within_days", pick(r, 30, 90, 365)).put("min_count", pick(r, 1, 1, 2)));
      case 2, 3 -> new JsonObject().put("performed", new JsonObject().put("event", "page.viewed")
          .put("within_days", pick(r, 7, 14, 30, 60)).put("at_least", pick(r, 2, 3, 5, 10, 15)));
      default -> new JsonObject().put("performed", new JsonObject().put("event", "page.viewed")
          .put("within_days", pick(r, 7, 14, 30)).put("at_most", 0));
    };
  }

  // --- through the API --------------------------------------------------------------------------

  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static JsonObject call(String method, String url, String key, JsonObject body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body.encode()));
    HttpResponse<String> res = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() / 100 != 2) {
      throw new IllegalStateException(method + " " + url + " -> " + res.statusCode() + " " + res.body());
    }
    return new JsonObject(res.body());
  }

  static void create(String base, String storeId, String key, int pgPort, int count, long seed, String prefix)
      throws Exception {
    long t0 = System.nanoTime();
    String url = base + "/v1/stores/" + storeId + "/segments";
    if (prefix == null) {
      call("POST", url, key, new JsonObject().put("name", "bench-probe").put("is_dynamic", true).put("rules", PROBE_RULES));
    }
    Random r = new Random(seed);
    List<JsonArray> all = new ArrayList<>();
    for (int i = prefix == null ? 1 : 0; i < count; i++) {
      all.add(segment(r));
    }
    // two at a time: each creation queues a backfill on every evaluator partition
    ExecutorService pool = Executors.newFixedThreadPool(2);
    AtomicInteger done = new AtomicInteger();
    AtomicInteger retries = new AtomicInteger();
    long[] micros = new long[all.size()]; // each create's answer time (the last attempt's)
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      JsonObject body = new JsonObject().put("name", String.format("%s-%04d", prefix == null ? "bench" : prefix, i + 1))
          .put("is_dynamic", true)
          .put("rules", all.get(i));
      int index = i;
      futures.add(pool.submit(() -> {
        for (int attempt = 1; ; attempt++) {
          try {
            long sent = System.nanoTime();
            call("POST", url, key, body);
            micros[index] = (System.nanoTime() - sent) / 1_000;
            break;
          } catch (IllegalStateException | java.io.IOException e) {
            // a 5xx (e.g. the database pool's 30 s wait ran out under the backfill load): retry
            if (attempt == 5 || e.getMessage().contains("-> 4")) {
              throw e;
            }
            retries.incrementAndGet();
            System.out.printf("segments: retrying %s after: %s%n", body.getString("name"), e.getMessage());
            Thread.sleep(2000L * attempt);
          }
        }
        int d = done.incrementAndGet();
        if (d % 200 == 0) {
          System.out.printf("segments: %d created (%.0f s)%n", d, (System.nanoTime() - t0) / 1e9);
        }
        return null;
      }));
    }
    try {
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    double created = (System.nanoTime() - t0) / 1e9;
    long[] sorted = micros.clone();
    java.util.Arrays.sort(sorted);
    String answers = sorted.length == 0 ? "" : String.format(" create_p50_ms=%.1f create_p99_ms=%.1f create_max_ms=%.1f",
        sorted[sorted.length / 2] / 1e3, sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e3,
        sorted[sorted.length - 1] / 1e3);
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres",
        "postgres", "postgres");
         // polled every 500 ms: the syncs left only (the member counts' sum took ~170 ms of PostgreSQL
         // at 100k x 600 segments, a fifth of a core taken from the syncs it waits for)
         PreparedStatement syncing = c.prepareStatement("SELECT count(*) FROM segments WHERE store_id = ?"
             + " AND sync_status <> 'done'");
         PreparedStatement ps = c.prepareStatement("SELECT count(*), " + memberCounts(c)
             + ", (SELECT count(*) FROM customers WHERE store_id = ?) FROM segments WHERE store_id = ?")) {
      syncing.setString(1, storeId);
      ps.setString(1, storeId);
      ps.setString(2, storeId);
      long deadline = System.nanoTime() + 3_600_000_000_000L;
      while (true) {
        long pending;
        try (ResultSet rs = syncing.executeQuery()) {
          rs.next();
          pending = rs.getLong(1);
        }
        if (pending == 0) {
          double synced = (System.nanoTime() - t0) / 1e9;
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            long segs = rs.getLong(1);
            long members = rs.getLong(2);
            long customers = Math.max(1, rs.getLong(3));
            System.out.printf("SEGMENTS count=%d created_s=%.1f synced_s=%.1f members=%d"
                    + " mean_members_pct=%.2f retried_5xx=%d%s%n", segs, created, synced, members,
                100.0 * members / segs / customers, retries.get(), answers);
          }
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(pending + " segments still syncing after an hour");
        }
        Thread.sleep(500);
      }
    }
  }

  static void backfill(String base, String storeId, String key, String name, JsonArray rules) throws Exception {
    String url = base + "/v1/stores/" + storeId + "/segments";
    long t0 = System.nanoTime();
    JsonObject seg = call("POST", url, key, new JsonObject().put("name", name).put("is_dynamic", true).put("rules", rules));
    String id = seg.getString("id");
    while (!"done".equals(seg.getString("sync_status"))) {
      Thread.sleep(10);
      seg = call("GET", url + "/" + id, key, null);
      if (System.nanoTime() - t0 > 1_800_000_000_000L) {
        throw new IllegalStateException("segment " + id + " not synced after 30 minutes");
      }
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    System.out.printf("BACKFILL name=%s ms=%.0f members=%d id=%s%n", name, ms, seg.getLong("customer_count"), id);
    call("DELETE", url + "/" + id, key, null);
  }

  /**
   * The sum of the store's member counts: segments.member_count before V63, the rows of
   * segment_member_counts since (the bench compares builds on both sides of it).
   */
  static String memberCounts(Connection c) throws java.sql.SQLException {
    try (Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT to_regclass('segment_member_counts') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1)
          // the one store of the query's rows (an aggregate, as the query has no GROUP BY)
          ? "(SELECT coalesce(sum(k.members), 0) FROM segment_member_counts k WHERE k.store_id = max(segments.store_id))"
          : "coalesce(sum(member_count), 0)";
    }
  }
}
