package io.shoal.campaign;

import io.shoal.http.ApiHandler;
import io.shoal.http.ApiOperation;
import io.shoal.http.ApiRequest;
import io.shoal.http.Reply;
import io.shoal.kernel.DomainException;
import io.shoal.kernel.Wire;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.TreeMap;

/**
 * A campaign's results over time, for charts: per hour or day (UTC), the messages sent, opened
 * and clicked at that time, and the orders attributed to it with their revenue. The same sources
 * as the analytics totals, bucketed in the database; empty buckets between the first and the last
 * are filled with zeros, at most {@link #MAX_BUCKETS} from the first.
 */
public final class CampaignTimelineApi {

  public static final int MAX_BUCKETS = 1000;

  private static final String SQL_BUCKETS =
      "SELECT date_trunc($3, at AT TIME ZONE 'UTC') AS bucket, kind, count(*) AS n, sum(revenue) AS revenue FROM ("
          + " SELECT sent_at AS at, 'sent' AS kind, 0::numeric AS revenue FROM messages"
          + "  WHERE store_id = $1 AND source = 'campaign' AND source_id = $2 AND sent_at IS NOT NULL"
          + " UNION ALL SELECT opened_at, 'opened', 0 FROM messages"
          + "  WHERE store_id = $1 AND source = 'campaign' AND source_id = $2 AND opened_at IS NOT NULL"
          + " UNION ALL SELECT clicked_at, 'clicked', 0 FROM messages"
          + "  WHERE store_id = $1 AND source = 'campaign' AND source_id = $2 AND clicked_at IS NOT NULL"
          + " UNION ALL SELECT ordered_at, 'conversions', revenue FROM campaign_conversions"
          + "  WHERE store_id = $1 AND campaign_id = $2"
          + ") x GROUP BY 1, 2 ORDER BY 1";

  private static final String[] KINDS = {"sent", "opened", "clicked", "conversions"};

  private final Pool pool;
  private final CampaignStore store;

  public CampaignTimelineApi(Pool pool, CampaignStore store) {
    this.pool = pool;
    this.store = store;
  }

  public void mount(RouterBuilder rb) {
    ApiOperation.GET_CAMPAIGN_TIMELINE.mount(rb, ApiHandler.route(this::timeline));
  }

  private Future<Reply> timeline(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    String interval = req.query("interval") == null ? "hour" : req.query("interval");
    if (!interval.equals("hour") && !interval.equals("day")) {
      throw DomainException.invalidParam("interval", "interval must be hour or day");
    }
    return store.get(storeId, id).compose(c -> {
      if (c == null) {
        throw DomainException.notFound("campaign", id);
      }
      return pool.preparedQuery(SQL_BUCKETS).execute(Tuple.of(storeId, id, interval))
          .map(rows -> Reply.ok(render(id, interval, rows)));
    });
  }

  private static JsonObject render(String campaignId, String interval, Iterable<Row> rows) {
    TreeMap<java.time.LocalDateTime, JsonObject> buckets = new TreeMap<>();
    for (Row r : rows) {
      JsonObject b = buckets.computeIfAbsent(r.getLocalDateTime("bucket"), t -> empty());
      String kind = r.getString("kind");
      b.put(kind, r.getLong("n"));
      if ("conversions".equals(kind)) {
        b.put("revenue", Wire.money(r.getBigDecimal("revenue")));
      }
    }
    JsonArray out = new JsonArray();
    if (!buckets.isEmpty()) {
      ChronoUnit unit = interval.equals("hour") ? ChronoUnit.HOURS : ChronoUnit.DAYS;
      java.time.LocalDateTime t = buckets.firstKey();
      java.time.LocalDateTime last = buckets.lastKey();
      for (int i = 0; i < MAX_BUCKETS && !t.isAfter(last); i++, t = t.plus(1, unit)) {
        JsonObject b = buckets.getOrDefault(t, empty());
        out.add(new JsonObject().put("start", Wire.time(OffsetDateTime.of(t, ZoneOffset.UTC))).mergeIn(b));
      }
    }
    return new JsonObject()
        .put("object", "campaign_timeline")
        .put("campaign_id", campaignId)
        .put("interval", interval)
        .put("buckets", out);
  }

  private static JsonObject empty() {
    JsonObject b = new JsonObject();
    for (String k : KINDS) {
      b.put(k, 0L);
    }
    return b.put("revenue", Wire.money(BigDecimal.ZERO));
  }
}
