import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Latency from event ingestion to webhook receipt and to SSE receipt, at a steady open-loop
 * rate. Run by bench/notify/run.sh against a running Shoal (loopback only, bounded in time):
 *
 *   java -cp target/shoal.jar bench/notify/NotifyBench.java BASE_URL ADMIN_KEY RATE SECONDS ENDPOINTS WARMUP
 *
 * The receivers (ENDPOINTS HTTP servers, one of which answers 500 to everything) and the SSE
 * client live in this JVM, so send, 202 and receipt times share one monotonic clock. Each
 * event is an order.completed with its own id; the order.completed notification carries that
 * id in data.event_id, which is how a receipt is matched to its ingestion.
 */
public class NotifyBench {

  record Sent(long sentNs, long ackNs) {}

  public static void main(String[] args) throws Exception {
    String base = args[0];
    String admin = args[1];
    int rate = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    int endpoints = Integer.parseInt(args[4]);
    int warmup = Integer.parseInt(args[5]);
    java.net.URI uri = java.net.URI.create(base);

    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(uri.getHost())
        .setDefaultPort(uri.getPort()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(128).setMaxWaitQueueSize(100_000));

    JsonObject store = call(http, HttpMethod.POST, "/v1/stores", admin, new JsonObject().put("name", "notify-bench"));
    String key = store.getString("api_key");
    String storePath = "/v1/stores/" + store.getString("id");

    ConcurrentHashMap<String, Sent> sent = new ConcurrentHashMap<>();
    List<ConcurrentHashMap<String, Long>> received = new ArrayList<>();
    AtomicLong failingRequests = new AtomicLong();
    for (int i = 0; i < endpoints; i++) {
      boolean failing = i == endpoints - 1;
      ConcurrentHashMap<String, Long> got = new ConcurrentHashMap<>();
      received.add(got);
      HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
        long now = System.nanoTime();
        if (failing) {
          failingRequests.incrementAndGet();
          req.response().setStatusCode(500).end();
          return;
        }
        String eventId = new JsonObject(body).getJsonObject("data").getString("event_id");
        if (eventId != null) {
          got.putIfAbsent(eventId, now);
        }
        req.response().setStatusCode(204).end();
      }));
      int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get().actualPort();
      call(http, HttpMethod.POST, storePath + "/webhook-endpoints", key, new JsonObject()
          .put("url", "http://127.0.0.1:" + port + "/hook").put("events", new JsonArray().add("order.completed"))
          .put("description", failing ? "failing (500)" : "healthy"));
    }

    ConcurrentHashMap<String, Long> sse = new ConcurrentHashMap<>();
    HttpClient sseClient = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(uri.getHost())
        .setDefaultPort(uri.getPort()));
    StringBuilder pending = new StringBuilder();
    sseClient.request(new RequestOptions().setMethod(HttpMethod.GET)
            .setURI(storePath + "/events/stream?types=order.completed").putHeader("Authorization", "Bearer " + key))
        .compose(r -> r.send()).onSuccess(resp -> resp.handler(buf -> {
          long now = System.nanoTime();
          pending.append(buf.toString());
          int end;
          while ((end = pending.indexOf("\n\n")) >= 0) {
            String frame = pending.substring(0, end);
            pending.delete(0, end + 2);
            int data = frame.indexOf("data: ");
            if (data >= 0) {
              String eventId = new JsonObject(frame.substring(data + 6)).getJsonObject("data").getString("event_id");
              sse.putIfAbsent(eventId, now);
            }
          }
        })).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    // The 5,000 customers exist before the load (as in a running store) unless PRECREATE=0:
    // otherwise every measured event is also its customer's creation, in its own commit.
    if (!"0".equals(System.getenv().getOrDefault("PRECREATE", "1"))) {
      for (int b = 0; b < 5; b++) {
        JsonArray batch = new JsonArray();
        for (int i = b * 1000; i < (b + 1) * 1000; i++) {
          batch.add(new JsonObject().put("type", "page.viewed")
              .put("customer", new JsonObject().put("email", "u" + i + "@bench.example")).put("data", new JsonObject()));
        }
        call(http, HttpMethod.POST, storePath + "/events/batch", key, new JsonObject().put("events", batch));
      }
      Thread.sleep(2_000); // let the evaluators settle
    }

    String runId = Long.toString(System.currentTimeMillis(), 36);
    AtomicLong errors = new AtomicLong();
    AtomicLong inFlight = new AtomicLong();
    long[] measured = new long[2]; // [startNs, endNs] of the measured window
    CompletableFuture<Void> done = new CompletableFuture<>();
    long startNs = System.nanoTime();
    long warmupNs = TimeUnit.SECONDS.toNanos(warmup);
    long totalNs = warmupNs + TimeUnit.SECONDS.toNanos(seconds);
    measured[0] = startNs + warmupNs;
    measured[1] = startNs + totalNs;
    long[] issued = {0};
    vertx.setPeriodic(1, id -> {
      long now = System.nanoTime();
      if (now - startNs >= totalNs) {
        vertx.cancelTimer(id);
        done.complete(null);
        return;
      }
      long due = (now - startNs) * rate / 1_000_000_000L;
      while (issued[0] < due) {
        long n = issued[0]++;
        String eventId = "bench-" + runId + "-" + n;
        boolean inWindow = now >= measured[0];
        Buffer body = new JsonObject().put("id", eventId).put("type", "order.completed")
            .put("customer", new JsonObject().put("email", "u" + (n % 5000) + "@bench.example"))
            .put("data", new JsonObject().put("order_id", eventId).put("total", 12.5)).toBuffer();
        long sentNs = System.nanoTime();
        inFlight.incrementAndGet();
        http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(storePath + "/events")
                .putHeader("Authorization", "Bearer " + key).putHeader("Content-Type", "application/json"))
            .compose(r -> r.send(body))
            .compose(r -> r.body().map(b -> r.statusCode() == 202 ? new JsonObject(b).getString("id") : null))
            .onComplete(ar -> {
              inFlight.decrementAndGet();
              if (ar.succeeded() && ar.result() != null) {
                if (inWindow) { // keyed by Shoal's id of the event, which the notification carries
                  sent.put(ar.result(), new Sent(sentNs, System.nanoTime()));
                }
              } else {
                errors.incrementAndGet();
              }
            });
      }
    });
    done.get();
    long issuedTotal = issued[0];
    // let deliveries drain for a while (bounded)
    long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < drainUntil) {
      boolean all = inFlight.get() == 0 && received.subList(0, endpoints - 1).stream()
          .allMatch(r -> r.keySet().containsAll(sent.keySet())) && sse.keySet().containsAll(sent.keySet());
      if (all) {
        break;
      }
      Thread.sleep(100);
    }

    List<Long> ack = new ArrayList<>();
    List<Long> hookFromAck = new ArrayList<>();
    List<Long> hookFromSend = new ArrayList<>();
    List<Long> sseFromAck = new ArrayList<>();
    long hookMissing = 0;
    long sseMissing = 0;
    long beforeAck = 0;
    for (var e : sent.entrySet()) {
      Sent s = e.getValue();
      ack.add(s.ackNs() - s.sentNs());
      for (int i = 0; i < endpoints - 1; i++) {
        Long t = received.get(i).get(e.getKey());
        if (t == null) {
          hookMissing++;
          continue;
        }
        if (t < s.ackNs()) {
          beforeAck++;
        }
        hookFromAck.add(Math.max(0, t - s.ackNs()));
        hookFromSend.add(t - s.sentNs());
      }
      Long t = sse.get(e.getKey());
      if (t == null) {
        sseMissing++;
      } else {
        sseFromAck.add(Math.max(0, t - s.ackNs()));
      }
    }
    double windowS = seconds;
    JsonObject result = new JsonObject()
        .put("target_rate", rate)
        .put("achieved_rate", Math.round(sent.size() / windowS))
        .put("issued", issuedTotal)
        .put("errors", errors.get())
        .put("endpoints", endpoints)
        .put("ack_ms", pct(ack))
        .put("webhook_from_202_ms", pct(hookFromAck))
        .put("webhook_from_send_ms", pct(hookFromSend))
        .put("webhook_before_202", beforeAck)
        .put("webhook_missing", hookMissing)
        .put("sse_from_202_ms", pct(sseFromAck))
        .put("sse_missing", sseMissing)
        .put("failing_endpoint_requests", failingRequests.get())
        .put("received_per_endpoint", new JsonArray(received.stream().map(r -> r.size()).toList()));
    System.out.println("RESULT " + result.encode());
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    System.exit(0);
  }

  static JsonObject pct(List<Long> nanos) {
    if (nanos.isEmpty()) {
      return new JsonObject();
    }
    long[] v = nanos.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(v);
    return new JsonObject()
        .put("n", v.length)
        .put("p50", ms(v[(int) (v.length * 0.50)]))
        .put("p99", ms(v[Math.min(v.length - 1, (int) (v.length * 0.99))]))
        .put("max", ms(v[v.length - 1]));
  }

  static double ms(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }

  static JsonObject call(HttpClient http, HttpMethod method, String path, String key, JsonObject body) throws Exception {
    return http.request(new RequestOptions().setMethod(method).setURI(path).putHeader("Authorization", "Bearer " + key)
            .putHeader("Content-Type", "application/json"))
        .compose(r -> r.send(body.toBuffer()))
        .compose(r -> r.body().map(b -> {
          if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + b);
          }
          return new JsonObject(b);
        }))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
