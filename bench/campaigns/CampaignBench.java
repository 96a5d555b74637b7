import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Campaign scheduler figures against a running Shoal (loopback), run by bench/campaigns/run.sh:
 *
 *   java -cp target/shoal.jar bench/campaigns/CampaignBench.java BASE_URL ADMIN_KEY RECIPIENTS FIRINGS
 *
 * 1. firing lateness: FIRINGS campaigns (empty segment) scheduled 2 s ahead; started_at minus
 *    scheduled_at, both as Shoal recorded them;
 * 2. queueing: one push campaign to RECIPIENTS customers: from started_at until every recipient
 *    has a message (queued or already handled), seen by polling analytics every 100 ms;
 * 3. analytics: the GET .../analytics latency on that campaign, 30 calls.
 * The server should rate-limit push (SHOAL_DELIVERY_RATE_PUSH=1) so that the dispatcher's work
 * does not mix into the queueing figure.
 */
public class CampaignBench {

  static HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static String base;

  public static void main(String[] args) throws Exception {
    base = args[0];
    String admin = args[1];
    int recipients = Integer.parseInt(args[2]);
    int firings = Integer.parseInt(args[3]);
    JsonObject store = call("POST", "/v1/stores", admin, new JsonObject().put("name", "campaign-bench"));
    String key = store.getString("api_key");
    String s = "/v1/stores/" + store.getString("id");

    String template = call("POST", s + "/templates", key, new JsonObject().put("name", "t").put("channel", "push")
        .put("text", "Hi {{first_name}}")).getString("id");
    String empty = call("POST", s + "/segments", key, new JsonObject().put("name", "empty").put("type", "static"))
        .getString("id");

    // 1. firing lateness
    List<Double> lateness = new ArrayList<>();
    for (int i = 0; i < firings; i++) {
      Instant at = Instant.now().plusSeconds(2);
      String id = call("POST", s + "/campaigns", key, new JsonObject().put("name", "f" + i).put("type", "push")
          .put("segment_id", empty).put("template_id", template).put("scheduled_at", at.toString())).getString("id");
      JsonObject c;
      do {
        Thread.sleep(50);
        c = call("GET", s + "/campaigns/" + id, key, null);
      } while (c.getString("started_at") == null);
      lateness.add(Duration.between(Instant.parse(c.getString("scheduled_at")), Instant.parse(c.getString("started_at")))
          .toNanos() / 1e6);
    }

    // 2. queueing RECIPIENTS messages
    long t0 = System.nanoTime();
    for (int done = 0; done < recipients; ) {
      JsonArray events = new JsonArray();
      for (int j = 0; j < 1000 && done < recipients; j++, done++) {
        events.add(new JsonObject().put("type", "customer.updated").put("customer", new JsonObject()
            .put("email", "c" + done + "@bench.example").put("first_name", "C" + done).put("push_consent", true)));
      }
      call("POST", s + "/events/batch", key, new JsonObject().put("events", events));
    }
    String segment = call("POST", s + "/segments", key, new JsonObject().put("name", "all").put("type", "passive")
        .put("rules", new JsonArray().add(new JsonObject().put("field", "email").put("operator", "exists")
            .put("value", true)))).getString("id");
    JsonObject seg;
    do {
      Thread.sleep(200);
      seg = call("GET", s + "/segments/" + segment, key, null);
    } while (seg.getLong("customer_count") < recipients || !"done".equals(seg.getString("sync_status")));
    double setupS = (System.nanoTime() - t0) / 1e9;
    String campaign = call("POST", s + "/campaigns", key, new JsonObject().put("name", "big").put("type", "push")
        .put("segment_id", segment).put("template_id", template).put("scheduled_at", Instant.now().toString()))
        .getString("id");
    JsonObject a;
    long handled;
    do {
      Thread.sleep(100);
      a = call("GET", s + "/campaigns/" + campaign + "/analytics", key, null);
      handled = a.getLong("queued") + a.getLong("sent") + a.getLong("failed") + a.getLong("suppressed");
    } while (a.getString("started_at") == null || handled < recipients);
    Instant allQueued = Instant.now();
    double queueS = Duration.between(Instant.parse(a.getString("started_at")), allQueued).toNanos() / 1e9;

    // 3. analytics latency
    List<Double> analytics = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      long t = System.nanoTime();
      call("GET", s + "/campaigns/" + campaign + "/analytics", key, null);
      analytics.add((System.nanoTime() - t) / 1e6);
    }
    System.out.println("RESULT " + new JsonObject()
        .put("firing_lateness_ms", summary(lateness))
        .put("recipients", recipients)
        .put("setup_s", round(setupS))
        .put("queueing_s", round(queueS))
        .put("queued_per_s", Math.round(recipients / queueS))
        .put("analytics_ms", summary(analytics)).encode());
  }

  static JsonObject summary(List<Double> values) {
    List<Double> v = new ArrayList<>(values);
    Collections.sort(v);
    return new JsonObject().put("n", v.size()).put("min", round(v.get(0))).put("median", round(v.get(v.size() / 2)))
        .put("max", round(v.get(v.size() - 1)));
  }

  static double round(double d) {
    return Math.round(d * 10) / 10.0;
  }

  static JsonObject call(String method, String path, String key, JsonObject body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + key);
    if (body != null) {
      b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.encode()));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body());
  }
}
