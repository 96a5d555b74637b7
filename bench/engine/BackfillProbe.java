import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a client sees of a backfill: creates one segment and polls GET .../segments/{id} every 10 ms
 * until sync_status is done, like Segments.java backfill, but records every answer instead of
 * stopping at the first 5xx: GET latency (median, p99, max), the statuses, the backfill time.
 *
 *   java -cp target/shoal.jar bench/engine/BackfillProbe.java backfill BASE_URL STORE_ID API_KEY RULES_JSON
 */
public class BackfillProbe {

  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) throws Exception {
    String base = args[1];
    String storeId = args[2];
    String key = args[3];
    JsonArray rules = new JsonArray(args[4]);
    String url = base + "/v1/stores/" + storeId + "/segments";
    long t0 = System.nanoTime();
    HttpResponse<String> created = send("POST", url, key,
        new JsonObject().put("name", "probe").put("is_dynamic", true).put("rules", rules));
    if (created.statusCode() != 201) {
      throw new IllegalStateException("POST -> " + created.statusCode() + " " + created.body());
    }
    String id = new JsonObject(created.body()).getString("id");
    List<Long> micros = new ArrayList<>();
    Map<Integer, Integer> statuses = new TreeMap<>();
    long members = -1;
    while (true) {
      Thread.sleep(10);
      long g0 = System.nanoTime();
      HttpResponse<String> r = send("GET", url + "/" + id, key, null);
      micros.add((System.nanoTime() - g0) / 1_000);
      statuses.merge(r.statusCode(), 1, Integer::sum);
      if (r.statusCode() == 200) {
        JsonObject seg = new JsonObject(r.body());
        if ("done".equals(seg.getString("sync_status"))) {
          members = seg.getLong("customer_count");
          break;
        }
      }
      if (System.nanoTime() - t0 > 1_800_000_000_000L) {
        throw new IllegalStateException("segment " + id + " not synced after 30 minutes");
      }
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    Collections.sort(micros);
    System.out.printf("PROBE backfill_ms=%.0f members=%d gets=%d statuses=%s get_p50_ms=%.1f get_p99_ms=%.1f"
            + " get_max_ms=%.1f%n", ms, members, micros.size(), statuses.toString().replace(" ", ""),
        pct(micros, 0.50), pct(micros, 0.99), micros.get(micros.size() - 1) / 1e3);
  }

  static double pct(List<Long> sorted, double p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size()))) / 1e3;
  }

  static HttpResponse<String> send(String method, String url, String key, JsonObject body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body.encode()));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
