import io.shoal.Shoal;
import io.shoal.config.ShoalConfig;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Storefront tracking benchmark (issue 22), run by bench/tracking/run.sh: starts Shoal in this JVM
 * (embedded PostgreSQL, fsync on), creates a store, a publishable key (limits set high enough not
 * to refuse the load) and measures, in alternating rounds so both see the same machine:
 *
 *   secret       POST /v1/stores/{s}/events/batch with the secret key: BATCH page.viewed events of
 *                one of VISITORS customers named by external id (created on first sight)
 *   publishable  POST /v1/browser/events?key=pk_live_... as a browser sends it (text/plain, Origin
 *                header, CORS check, consent, per-key and per-visitor token buckets): BATCH events
 *                of one of VISITORS anonymous visitors (created on first sight)
 *   preflight    OPTIONS /v1/browser/events (the CORS preflight a JSON fetch would need)
 *
 * Each round: REQUESTS requests per case by CONCURRENCY closed loops (WARMUP once before). Prints
 * one "RESULT {json}" line per case and round: events/s, requests/s, p50/p99 ms, the load.
 */
public class TrackingBench {

  static WebClient web;
  static final String ORIGIN = "https://shop.example.com";

  interface Call {
    Future<HttpResponse<Buffer>> send(int i);
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    int visitors = Integer.parseInt(env.getOrDefault("VISITORS", "2000"));
    int batch = Integer.parseInt(env.getOrDefault("BATCH", "10"));
    int requests = Integer.parseInt(env.getOrDefault("REQUESTS", "3000"));
    int warmup = Integer.parseInt(env.getOrDefault("WARMUP", "500"));
    int rounds = Integer.parseInt(env.getOrDefault("ROUNDS", "3"));
    int concurrency = Integer.parseInt(env.getOrDefault("CONCURRENCY", "8"));
    String dataDir = env.getOrDefault("DATA_DIR", "bench/tracking/work/data");
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
    io.vertx.core.Vertx client = io.vertx.core.Vertx.vertx();
    web = WebClient.create(client, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(shoal.httpPort()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(64));
    try {
      JsonObject store = json(await(request(HttpMethod.POST, "/v1/stores", admin)
          .sendJsonObject(new JsonObject().put("name", "tracking-bench"))), 201);
      String secret = store.getString("api_key");
      String base = "/v1/stores/" + store.getString("id");
      JsonObject pkBody = new JsonObject().put("name", "bench").put("allowed_origins", new JsonArray().add(ORIGIN))
          .put("rate_limit_per_second", 100000).put("visitor_rate_limit_per_minute", 100000).put("consent", "implied");
      HttpResponse<Buffer> created = await(request(HttpMethod.POST, base + "/publishable-keys", secret).sendJsonObject(pkBody));
      String pk = created.statusCode() == 201 ? created.bodyAsJsonObject().getString("key") : null;
      System.err.println(pk == null ? "no publishable keys on this build (" + created.statusCode() + "): secret path only"
          : "publishable key " + pk.substring(0, 12) + "...");

      AtomicLong seq = new AtomicLong();
      Call secretCall = i -> {
        JsonArray events = new JsonArray();
        int v = i % visitors;
        for (int j = 0; j < batch; j++) {
          events.add(new JsonObject().put("type", "page.viewed")
              .put("customer", new JsonObject().put("external_id", "visitor-" + v))
              .put("data", new JsonObject().put("path", "/p/" + seq.incrementAndGet())));
        }
        return request(HttpMethod.POST, base + "/events/batch", secret)
            .sendJsonObject(new JsonObject().put("events", events));
      };
      Call publishableCall = i -> {
        JsonArray events = new JsonArray();
        for (int j = 0; j < batch; j++) {
          events.add(new JsonObject().put("id", "e" + seq.incrementAndGet()).put("type", "page.viewed")
              .put("data", new JsonObject().put("path", "/p/" + seq.get())));
        }
        String body = new JsonObject().put("anonymous_id", "visitor" + String.format("%08d", i % visitors))
            .put("consent", true).put("events", events).encode();
        return web.request(HttpMethod.POST, "/v1/browser/events?key=" + pk).putHeader("Origin", ORIGIN)
            .putHeader("Content-Type", "text/plain;charset=UTF-8").sendBuffer(Buffer.buffer(body));
      };
      Call preflight = i -> web.request(HttpMethod.OPTIONS, "/v1/browser/events?key=" + pk)
          .putHeaders(MultiMap.caseInsensitiveMultiMap().add("Origin", ORIGIN)
              .add("Access-Control-Request-Method", "POST").add("Access-Control-Request-Headers", "content-type"))
          .send();

      // warm up (and create the visitors' profiles on both paths, so rounds measure steady state)
      run("warmup-secret", secretCall, Math.max(warmup, visitors), concurrency, 202, batch, -1);
      if (pk != null) {
        run("warmup-publishable", publishableCall, Math.max(warmup, visitors), concurrency, 202, batch, -1);
      }
      for (int r = 1; r <= rounds; r++) {
        run("secret", secretCall, requests, concurrency, 202, batch, r);
        if (pk != null) {
          run("publishable", publishableCall, requests, concurrency, 202, batch, r);
          run("preflight", preflight, requests, concurrency, 204, 0, r);
        }
      }
    } finally {
      await(client.close());
      await(shoal.stop());
    }
  }

  static HttpRequest<Buffer> request(HttpMethod m, String uri, String key) {
    return web.request(m, uri).putHeader("Authorization", "Bearer " + key);
  }

  static void run(String name, Call call, int n, int workers, int expect, int eventsPer, int round) throws Exception {
    String load = loadavg();
    long[] latencies = new long[n];
    int[] next = {0};
    long t = System.nanoTime();
    List<Future<Void>> loops = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      loops.add(loop(call, next, n, latencies, expect));
    }
    await(Future.all(loops));
    double seconds = (System.nanoTime() - t) / 1e9;
    Arrays.sort(latencies);
    JsonObject out = new JsonObject().put("case", name).put("round", round).put("requests", n)
        .put("events_per_request", eventsPer).put("concurrency", workers)
        .put("requests_per_second", Math.round(n / seconds))
        .put("events_per_second", Math.round(n * (double) eventsPer / seconds))
        .put("p50_ms", latencies[n / 2] / 1e6).put("p99_ms", latencies[(int) (n * 0.99)] / 1e6)
        .put("load_before", load).put("load_after", loadavg());
    System.out.println("RESULT " + out.encode());
  }

  static Future<Void> loop(Call call, int[] next, int n, long[] latencies, int expect) {
    int i = next[0]++;
    if (i >= n) {
      return Future.succeededFuture();
    }
    long start = System.nanoTime();
    return call.send(i).compose(r -> {
      if (r.statusCode() != expect) {
        return Future.failedFuture("answered " + r.statusCode() + ": " + r.bodyAsString());
      }
      latencies[i] = System.nanoTime() - start;
      return loop(call, next, n, latencies, expect);
    });
  }

  static JsonObject json(HttpResponse<Buffer> r, int expect) {
    if (r.statusCode() != expect) {
      throw new IllegalStateException("answered " + r.statusCode() + ": " + r.bodyAsString());
    }
    return r.bodyAsJsonObject();
  }

  static String loadavg() {
    try {
      String[] parts = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (java.io.IOException e) {
      return "?";
    }
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(600, TimeUnit.SECONDS);
  }
}
