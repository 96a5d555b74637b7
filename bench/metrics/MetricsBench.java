import io.shoal.Shoal;
import io.shoal.config.ShoalConfig;
import io.shoal.metrics.CustomerMetrics;
import io.shoal.metrics.MaximumLikelihood;
import io.shoal.metrics.MetricsSettings;
import io.shoal.metrics.PurchaseLog;
import io.shoal.metrics.RepeatHistory;
import io.shoal.metrics.RfmQuintiles;
import io.shoal.metrics.StoreModel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Customer metrics benchmark (see bench/metrics/README.md), run by bench/metrics/run.sh:
 *
 *   java -cp target/shoal.jar bench/metrics/MetricsBench.java CDNOW_master.txt RUNS
 *
 * 1. Ingest: a fresh in-process Shoal (embedded PostgreSQL, new data dir) per run; the 69,659
 *    CDNOW orders of 23,570 customers are sent to POST /events/batch (1,000 per request, 2 in
 *    flight) and the clock stops when the evaluators have applied and persisted all of them
 *    (sum of customers.total_orders). Runs alternate SHOAL_METRICS_ENABLED=true / false.
 * 2. Refit: on the metrics-on server, POST /metrics/model/refit (live: gather histories from the
 *    partitions, fit BG/NBD and Gamma-Gamma, save, rebuild the RFM sketches, recompute every
 *    customer's metrics), RUNS times.
 * 3. In isolation (no server): the metrics work one order costs (quintile update + metrics
 *    computation with a fitted model) over the CDNOW customers, and the bare fit time.
 */
public class MetricsBench {

  record Purchase(String customer, long at, String dollars) {}

  public static void main(String[] args) throws Exception {
    List<Purchase> purchases = read(Path.of(args[0]));
    int runs = Integer.parseInt(args[1]);
    Map<String, List<Long>> results = new LinkedHashMap<>();
    for (int run = 1; run <= runs; run++) {
      for (boolean on : new boolean[] {true, false}) {
        Path data = Files.createTempDirectory("metrics-bench");
        ShoalConfig config = ShoalConfig.fromMap(Map.of("SHOAL_DATA_DIR", data.toString(), "SHOAL_HTTP_HOST", "127.0.0.1",
            "SHOAL_HTTP_PORT", "0", "SHOAL_ADMIN_KEY", "wk_admin_bench_" + System.nanoTime(),
            "SHOAL_METRICS_ENABLED", Boolean.toString(on),
            // no background refit during the ingest: the refit is measured on its own below
            "SHOAL_METRICS_CHECK_INTERVAL_MS", "86400000"));
        Shoal shoal = Shoal.start(config).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        try {
          String base = "http://127.0.0.1:" + shoal.httpPort();
          HttpClient http = HttpClient.newHttpClient();
          JsonObject store = send(http, base + "/v1/stores", shoal.adminKey(), new JsonObject().put("name", "bench"));
          String key = store.getString("api_key");
          String storePath = base + "/v1/stores/" + store.getString("id");
          long ingestMs = ingest(http, storePath, key, purchases, shoal, store.getString("id"));
          String label = on ? "ingest_ms_metrics_on" : "ingest_ms_metrics_off";
          results.computeIfAbsent(label, k -> new ArrayList<>()).add(ingestMs);
          System.out.printf("run %d metrics %s: %,d orders applied in %,d ms (%,.0f orders/s), load %s%n", run,
              on ? "on " : "off", purchases.size(), ingestMs, purchases.size() * 1000.0 / ingestMs, load());
          if (on) {
            for (int i = 0; i < runs; i++) {
              long t0 = System.nanoTime();
              JsonObject model = send(http, storePath + "/metrics/model/refit", key, new JsonObject());
              long ms = (System.nanoTime() - t0) / 1_000_000;
              results.computeIfAbsent("refit_api_ms", k -> new ArrayList<>()).add(ms);
              System.out.printf("  refit through the API on %d customers: %,d ms (r=%.4f alpha=%.3f a=%.4f b=%.4f p=%.3f q=%.3f gamma=%.3f)%n",
                  model.getInteger("customers"), ms, model.getDouble("r"), model.getDouble("alpha"), model.getDouble("a"),
                  model.getDouble("b"), model.getDouble("p"), model.getDouble("q"), model.getDouble("gamma"));
            }
          }
        } finally {
          shoal.stop().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
          deleteTree(data);
        }
      }
    }
    isolated(purchases, runs, results);
    System.out.println("MEDIANS");
    results.forEach((k, v) -> System.out.printf("  %s: median %,d (runs %s)%n", k, median(v), v));
  }

  /** The metrics work per order, and a bare fit, without a server. */
  private static void isolated(List<Purchase> purchases, int runs, Map<String, List<Long>> results) {
    Map<String, List<Purchase>> byCustomer = new HashMap<>();
    purchases.forEach(p -> byCustomer.computeIfAbsent(p.customer, k -> new ArrayList<>()).add(p));
    List<PurchaseLog> logs = new ArrayList<>();
    List<long[]> times = new ArrayList<>();
    List<double[]> values = new ArrayList<>();
    byCustomer.values().forEach(ps -> {
      times.add(ps.stream().mapToLong(Purchase::at).toArray());
      values.add(ps.stream().mapToDouble(p -> Double.parseDouble(p.dollars)).toArray());
      logs.add(PurchaseLog.of(times.get(times.size() - 1), values.get(values.size() - 1), ps.size()));
    });
    long now = System.currentTimeMillis();
    List<RepeatHistory> histories = logs.stream().map(l -> l.asOf(now)).toList();
    for (int run = 0; run < runs; run++) {
      long t0 = System.nanoTime();
      StoreModel model = StoreModel.fit(histories, Instant.ofEpochMilli(now), Instant.now());
      long fitMs = (System.nanoTime() - t0) / 1_000_000;
      results.computeIfAbsent("fit_only_ms", k -> new ArrayList<>()).add(fitMs);
      RfmQuintiles q = new RfmQuintiles();
      long sink = 0;
      long t1 = System.nanoTime();
      int rounds = 5;
      for (int r = 0; r < rounds; r++) {
        for (int c = 0; c < logs.size(); c++) {
          // what CustomerState does on an order: rebuild the purchase log, update the quintiles, compute
          PurchaseLog rebuilt = PurchaseLog.of(times.get(c), values.get(c), times.get(c).length);
          PurchaseLog l = rebuilt;
          q.add(PurchaseLog.day(l.lastAt()), l.asOf(l.lastAt()).x() + 1, l.total());
          CustomerMetrics m = CustomerMetrics.compute(l, model, q.boundaries(), MetricsSettings.DEFAULT, now);
          sink += m.recencyScore() + rebuilt.orders();
        }
      }
      long perOrderNs = (System.nanoTime() - t1) / ((long) rounds * logs.size());
      results.computeIfAbsent("metrics_per_order_ns_isolated", k -> new ArrayList<>()).add(perOrderNs);
      System.out.printf("isolated: fit on %,d customers %,d ms; metrics work per order %,d ns (%d)%n", histories.size(),
          fitMs, perOrderNs, sink % 7);
    }
  }

  private static long ingest(HttpClient http, String storePath, String key, List<Purchase> purchases, Shoal shoal,
                             String storeId) throws Exception {
    long t0 = System.nanoTime();
    List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
    for (int from = 0; from < purchases.size(); from += 1000) {
      JsonArray events = new JsonArray();
      for (int i = from; i < Math.min(purchases.size(), from + 1000); i++) {
        Purchase p = purchases.get(i);
        events.add(new JsonObject().put("type", "order.completed").put("occurred_at", Instant.ofEpochMilli(p.at).toString())
            .put("customer", new JsonObject().put("external_id", p.customer))
            .put("data", new JsonObject().put("order_id", "line-" + i).put("total", p.dollars).put("currency", "USD")));
      }
      inFlight.add(http.sendAsync(request(storePath + "/events/batch", key, new JsonObject().put("events", events)),
          HttpResponse.BodyHandlers.ofString()));
      if (inFlight.size() == 2) {
        check(inFlight.remove(0).get(60, TimeUnit.SECONDS), 202);
      }
    }
    for (CompletableFuture<HttpResponse<String>> f : inFlight) {
      check(f.get(60, TimeUnit.SECONDS), 202);
    }
    while (true) {
      long applied = shoal.database().pool().preparedQuery("SELECT coalesce(sum(total_orders), 0) FROM customers WHERE store_id = $1")
          .execute(Tuple.of(storeId)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)
          .iterator().next().getLong(0);
      if (applied >= purchases.size()) {
        return (System.nanoTime() - t0) / 1_000_000;
      }
      Thread.sleep(20);
    }
  }

  private static JsonObject send(HttpClient http, String url, String key, JsonObject body) throws Exception {
    HttpResponse<String> r = http.send(request(url, key, body), HttpResponse.BodyHandlers.ofString());
    check(r, r.statusCode() == 201 ? 201 : 200);
    return new JsonObject(r.body());
  }

  private static HttpRequest request(String url, String key, JsonObject body) {
    return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
  }

  private static void check(HttpResponse<String> r, int status) {
    if (r.statusCode() != status) {
      throw new IllegalStateException(r.uri() + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  private static List<Purchase> read(Path file) throws Exception {
    List<Purchase> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 4 || !Character.isDigit(f[0].charAt(0))) {
        continue;
      }
      long at = LocalDate.parse(f[1], DateTimeFormatter.BASIC_ISO_DATE).atTime(12, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
      out.add(new Purchase(f[0], at, f[3]));
    }
    return out;
  }

  private static long median(List<Long> v) {
    List<Long> s = new ArrayList<>(v);
    s.sort(null);
    return s.get(s.size() / 2);
  }

  private static String load() throws Exception {
    return Files.readString(Path.of("/proc/loadavg")).trim();
  }

  private static void deleteTree(Path p) throws Exception {
    try (var walk = Files.walk(p)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
    }
  }
}
