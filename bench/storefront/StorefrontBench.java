import io.shoal.Shoal;
import io.shoal.config.ShoalConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Storefront benchmark (issue 18), run by bench/storefront/run.sh: starts Shoal in this JVM
 * (embedded PostgreSQL, fsync on), creates one store through the API, then seeds with SQL:
 *
 *   CUSTOMERS customers (100,000); SEGMENTS static segments (1,000), each with ITEMS assigned
 *   items (half products, half categories); HEAVY customers who are members of every segment
 *   (1,000 segments' worth of assignments each) and every other customer in LIGHT random
 *   segments; a catalog of CATEGORIES categories (3 levels) and PRODUCTS products; one coupon
 *   restricted to all segments and to their items, with a minimum order value.
 *
 * Then measures, over HTTP on the server's port, REQUESTS requests per case at each
 * concurrency in CONCURRENCY (after WARMUP requests): coupon validation for a heavy customer
 * with a cart of 5 lines (covered and uncovered products, a line naming a category), the same
 * for a light customer, a heavy customer's items (first page of 25, and a page deep in the
 * list by cursor), a light customer's items, a heavy customer's category tree, and GET of a
 * customer as the reference (an existing, simple endpoint on the same server at the same time).
 *
 * Prints one "RESULT {json}" line per case: p50/p90/p99/max in ms, requests/s, the load.
 */
public class StorefrontBench {

  static Pool pool;
  /** The cases to run (null: all) and the round being measured (ROUNDS repeats every case, interleaved in time). */
  static java.util.Set<String> cases;
  static int round = 1;
  static WebClient web;
  static String key;

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    int customers = Integer.parseInt(env.getOrDefault("CUSTOMERS", "100000"));
    int segments = Integer.parseInt(env.getOrDefault("SEGMENTS", "1000"));
    int items = Integer.parseInt(env.getOrDefault("ITEMS", "10"));
    int heavy = Integer.parseInt(env.getOrDefault("HEAVY", "100"));
    int light = Integer.parseInt(env.getOrDefault("LIGHT", "5"));
    int categories = Integer.parseInt(env.getOrDefault("CATEGORIES", "1000"));
    int products = Integer.parseInt(env.getOrDefault("PRODUCTS", "20000"));
    int requests = Integer.parseInt(env.getOrDefault("REQUESTS", "2000"));
    int warmup = Integer.parseInt(env.getOrDefault("WARMUP", "500"));
    int[] concurrency = Arrays.stream(env.getOrDefault("CONCURRENCY", "1,4").split(","))
        .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    int rounds = Integer.parseInt(env.getOrDefault("ROUNDS", "1"));
    String casesWanted = env.getOrDefault("CASES", "");
    cases = casesWanted.isBlank() ? null : java.util.Set.of(casesWanted.split(","));
    int hold = Integer.parseInt(env.getOrDefault("HOLD", "0"));
    String dataDir = env.getOrDefault("DATA_DIR", "bench/storefront/work/data");
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
    // the load generator runs on its own Vert.x, as a client program would
    io.vertx.core.Vertx client = io.vertx.core.Vertx.vertx();
    web = WebClient.create(client, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(shoal.httpPort()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(64));
    try {
      JsonObject store = send(HttpMethod.POST, admin, "/v1/stores", new JsonObject().put("name", "storefront-bench"), 201);
      String s = store.getString("id");
      key = store.getString("api_key");
      String base = "/v1/stores/" + s;
      long t = System.nanoTime();
      seed(s, customers, segments, items, heavy, light, categories, products);
      System.err.printf("seeded in %.1f s%n", (System.nanoTime() - t) / 1e9);
      result(new JsonObject().put("case", "seed").put("customers", customers).put("segments", segments)
          .put("items_per_segment", items).put("heavy_customers", heavy).put("light_segments_per_customer", light)
          .put("categories", categories).put("products", products)
          .put("membership_rows", one("SELECT count(*) FROM segment_members WHERE store_id = '" + s + "'"))
          .put("item_rows", one("SELECT count(*) FROM segment_items WHERE store_id = '" + s + "'"))
          .put("seconds", (System.nanoTime() - t) / 1e9));

      JsonArray allSegments = new JsonArray();
      for (int i = 0; i < segments; i++) {
        allSegments.add(segmentId(i));
      }
      send(HttpMethod.POST, key, base + "/coupons", new JsonObject().put("code", "STOREFRONT")
          .put("discount_type", "percentage").put("discount_percentage", 10).put("segment_ids", allSegments)
          .put("item_restricted", true).put("max_redemptions_per_customer", 5)
          .put("restrictions", new JsonObject().put("min_order_value", new JsonObject().put("amount", 10)
              .put("currency", "USD"))), 201);

      Random rnd = new Random(42);
      // a cart: a product assigned to the first segment, one assigned via its category, one not
      // covered, an unknown product naming an assigned category, and a random catalog product
      IntFunction<JsonObject> cart = i -> new JsonObject()
          .put("customer_id", customerId(i)).put("currency", "USD").put("total", 150)
          .put("items", new JsonArray()
              .add(line("p-" + (rnd.nextInt(segments) * items % products), null, 30))
              .add(line("p-" + rnd.nextInt(products), null, 30))
              .add(line("p-unassigned-" + rnd.nextInt(1000), null, 30))
              .add(line("p-unknown", "c-" + rnd.nextInt(categories), 30))
              .add(line("p-" + rnd.nextInt(products), null, 30)));

      // a cursor deep in a heavy customer's list (about half way)
      String deep = deepCursor(base, customerId(0), segments * items / 2);

      if (hold > 0) {
        // for profiling by hand: psql -h localhost -p PORT -U postgres (password postgres)
        System.err.printf("HOLD: PostgreSQL at port %d, store %s; holding %d s%n",
            shoal.database().connectOptions().getPort(), s, hold);
        Thread.sleep(hold * 1000L);
      }
      for (int round = 1; round <= rounds; round++) {
        StorefrontBench.round = round;
        for (int c : concurrency) {
          run("customer_get_reference", c, warmup, requests,
              i -> get(base + "/customers/" + customerId(heavy + (i * 7919) % (customers - heavy))));
          run("coupon_validate_heavy", c, warmup, requests,
              i -> post(base + "/coupons/STOREFRONT/validate", cart.apply(i % heavy)));
          run("coupon_validate_light", c, warmup, requests,
              i -> post(base + "/coupons/STOREFRONT/validate", cart.apply(heavy + (i * 7919) % (customers - heavy))));
          run("customer_items_heavy_first_page", c, warmup, requests,
              i -> get(base + "/customers/" + customerId(i % heavy) + "/segment-items?limit=25"));
          run("customer_items_heavy_deep_page", c, warmup, requests,
              i -> get(base + "/customers/" + customerId(0) + "/segment-items?limit=25&cursor=" + deep));
          run("customer_items_heavy_products", c, warmup, requests,
              i -> get(base + "/customers/" + customerId(i % heavy) + "/segment-items?limit=100&type=product"));
          run("customer_items_light", c, warmup, requests,
              i -> get(base + "/customers/" + customerId(heavy + (i * 7919) % (customers - heavy)) + "/segment-items?limit=25"));
          run("category_tree_heavy", c, warmup / 5, requests / 5,
              i -> get(base + "/customers/" + customerId(i % heavy) + "/category-tree"));
        }
      }
    } finally {
      await(client.close());
      await(shoal.stop());
    }
    System.exit(0);
  }

  static JsonObject line(String product, String category, int price) {
    return new JsonObject().put("product_id", product).put("category_id", category).put("quantity", 1).put("price", price);
  }

  static String customerId(int i) {
    return "cust_bench_" + i;
  }

  static String segmentId(int i) {
    return String.format("seg_bench_%04d", i);
  }

  static void seed(String s, int customers, int segments, int items, int heavy, int light, int categories,
                   int products) throws Exception {
    exec("INSERT INTO customers (store_id, id, email) SELECT $1, 'cust_bench_' || g, 'c' || g || '@bench.example'"
        + " FROM generate_series(0, $2 - 1) g", Tuple.of(s, customers));
    exec("INSERT INTO segments (store_id, id, name, type, site_code) SELECT $1, 'seg_bench_' || lpad(g::text, 4, '0'),"
        + " 'Segment ' || g, 'static', CASE WHEN g % 2 = 0 THEN 'main' ELSE 'outlet' END"
        + " FROM generate_series(0, $2 - 1) g", Tuple.of(s, segments));
    // categories: 10 roots, each with children, each with grandchildren (ids c-0 .. c-N)
    exec("INSERT INTO catalog_categories (store_id, id, parent_id, name, localized_name)"
        + " SELECT $1, 'c-' || g, CASE WHEN g < 10 THEN NULL WHEN g < 110 THEN 'c-' || (g % 10) ELSE 'c-' || (10 + g % 100) END,"
        + " 'Category ' || g, jsonb_build_object('en', 'Category ' || g, 'de', 'Kategorie ' || g)"
        + " FROM generate_series(0, $2 - 1) g", Tuple.of(s, categories));
    exec("INSERT INTO catalog_products (store_id, id, name, category_ids) SELECT $1, 'p-' || g, 'Product ' || g,"
        + " ARRAY['c-' || (g % $3)] FROM generate_series(0, $2 - 1) g", Tuple.of(s, products, categories));
    // each segment: items/2 products and items/2 categories
    exec("INSERT INTO segment_items (store_id, segment_id, item_type, item_id, attributes)"
        + " SELECT $1, 'seg_bench_' || lpad(g::text, 4, '0'), CASE WHEN k % 2 = 0 THEN 'product' ELSE 'category' END,"
        + " CASE WHEN k % 2 = 0 THEN 'p-' || ((g * $3 + k) % $4) ELSE 'c-' || ((g * $3 + k) % $5) END,"
        + " jsonb_build_object('membership_status', 'premium')"
        + " FROM generate_series(0, $2 - 1) g, generate_series(0, $3 - 1) k ON CONFLICT DO NOTHING",
        Tuple.of(s, segments, items, products, categories));
    exec("INSERT INTO segment_members (store_id, segment_id, customer_id)"
        + " SELECT $1, 'seg_bench_' || lpad(g::text, 4, '0'), 'cust_bench_' || c"
        + " FROM generate_series(0, $2 - 1) c, generate_series(0, $3 - 1) g", Tuple.of(s, heavy, segments));
    exec("INSERT INTO segment_members (store_id, segment_id, customer_id)"
        + " SELECT $1, 'seg_bench_' || lpad(((c * 7 + k * 131) % $4)::text, 4, '0'), 'cust_bench_' || c"
        + " FROM generate_series($2, $3 - 1) c, generate_series(0, $5 - 1) k ON CONFLICT DO NOTHING",
        Tuple.of(s, heavy, customers, segments, light));
    exec("ANALYZE", Tuple.tuple());
  }

  static String deepCursor(String base, String customer, int skip) throws Exception {
    String cursor = null;
    int seen = 0;
    while (seen < skip) {
      JsonObject page = send(HttpMethod.GET, key, base + "/customers/" + customer + "/segment-items?limit=100"
          + (cursor == null ? "" : "&cursor=" + cursor), null, 200);
      seen += page.getJsonArray("data").size();
      cursor = page.getString("next_cursor");
      if (cursor == null) {
        break;
      }
    }
    return cursor;
  }

  interface Call {
    Future<HttpResponse<Buffer>> call(int i);
  }

  static Call get(String uri) {
    return i -> web.request(HttpMethod.GET, uri).putHeader("Authorization", "Bearer " + key).send();
  }

  static Future<HttpResponse<Buffer>> get0(String uri) {
    return web.request(HttpMethod.GET, uri).putHeader("Authorization", "Bearer " + key).send();
  }

  static Call post(String uri, JsonObject body) {
    return i -> web.request(HttpMethod.POST, uri).putHeader("Authorization", "Bearer " + key).sendJsonObject(body);
  }

  interface Case {
    Call at(int i);
  }

  /** {@code workers} loops, each sending its next request when the previous answered. */
  static void run(String name, int workers, int warmup, int requests, Case make) throws Exception {
    if (cases != null && !cases.contains(name)) {
      return;
    }
    measure(make, workers, warmup, null);
    long[] latencies = new long[requests];
    double[] load = loadavg();
    long t0 = System.nanoTime();
    measure(make, workers, requests, latencies);
    double seconds = (System.nanoTime() - t0) / 1e9;
    double[] loadAfter = loadavg();
    Arrays.sort(latencies);
    result(new JsonObject().put("case", name).put("round", round).put("concurrency", workers).put("requests", requests)
        .put("p50_ms", ms(latencies, 0.50)).put("p90_ms", ms(latencies, 0.90)).put("p99_ms", ms(latencies, 0.99))
        .put("max_ms", latencies[latencies.length - 1] / 1e6).put("per_second", Math.round(requests / seconds))
        .put("load1_before", load[0]).put("load1_after", loadAfter[0]));
  }

  static void measure(Case make, int workers, int n, long[] latencies) throws Exception {
    int[] next = {0};
    List<Future<Void>> loops = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      loops.add(loop(make, next, n, latencies));
    }
    await(Future.all(loops));
  }

  static Future<Void> loop(Case make, int[] next, int n, long[] latencies) {
    int i;
    synchronized (next) {
      if (next[0] >= n) {
        return Future.succeededFuture();
      }
      i = next[0]++;
    }
    long t = System.nanoTime();
    return make.at(i).call(i).compose(r -> {
      long took = System.nanoTime() - t;
      if (r.statusCode() != 200) {
        return Future.failedFuture("HTTP " + r.statusCode() + ": " + r.bodyAsString());
      }
      if (latencies != null) {
        latencies[i] = took;
      }
      return loop(make, next, n, latencies);
    });
  }

  static double ms(long[] sorted, double q) {
    return Math.round(sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e4) / 100.0;
  }

  static double[] loadavg() throws Exception {
    String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
  }

  static void result(JsonObject o) {
    System.out.println("RESULT " + o.encode());
  }

  static JsonObject send(HttpMethod method, String bearer, String uri, JsonObject body, int expect) throws Exception {
    var req = web.request(method, uri).putHeader("Authorization", "Bearer " + bearer);
    HttpResponse<Buffer> r = await(body == null ? req.send() : req.sendJsonObject(body));
    if (r.statusCode() != expect) {
      throw new IllegalStateException(method + " " + uri + " answered " + r.statusCode() + ": " + r.bodyAsString());
    }
    return r.bodyAsJsonObject();
  }

  static void exec(String sql, Tuple args) throws Exception {
    long t = System.nanoTime();
    await(pool.preparedQuery(sql).execute(args));
    System.err.printf("  %.1f s  %s%n", (System.nanoTime() - t) / 1e9, sql.substring(0, Math.min(60, sql.length())));
  }

  static long one(String sql) throws Exception {
    return await(pool.query(sql).execute()).iterator().next().getLong(0);
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
  }
}
