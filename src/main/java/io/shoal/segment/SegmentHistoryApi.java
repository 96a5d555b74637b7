package io.shoal.segment;

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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A segment's members over time, for charts: per UTC day of the last N days, how many entered,
 * how many left, and how many were members at the end of the day.
 *
 * <p>Only the recorded transitions are stored, not daily counts, so the member counts are
 * walked backwards from today's count: members at the end of day d = members now minus the net
 * change (entered - left) recorded for the days after d. Days before the segment existed have no
 * count ({@code null}). Passive and static segments record no transitions, so their line is flat.
 */
public final class SegmentHistoryApi {

  public static final int MAX_DAYS = 366;

  /** Entered and left per UTC day of occurred_at, from a first day on; the days after today included. */
  private static final String SQL_PER_DAY =
      "SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day,"
          + " count(*) FILTER (WHERE kind = 'entered') AS entered,"
          + " count(*) FILTER (WHERE kind = 'left') AS left_"
          + " FROM segment_flips_of($1, $2) WHERE occurred_at >= ($3::date)::timestamp AT TIME ZONE 'UTC'"
          + " GROUP BY 1 ORDER BY 1";

  private final Pool pool;
  private final SegmentRepository repository;

  public SegmentHistoryApi(Pool pool, SegmentRepository repository) {
    this.pool = pool;
    this.repository = repository;
  }

  public void mount(RouterBuilder rb) {
    ApiOperation.GET_SEGMENT_HISTORY.mount(rb, ApiHandler.route(this::history));
  }

  private Future<Reply> history(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    int days = req.queryInt("days", 30);
    if (days < 1 || days > MAX_DAYS) {
      throw DomainException.invalidParam("days", "days must be 1 to " + MAX_DAYS);
    }
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    LocalDate first = today.minusDays(days - 1L);
    return repository.get(storeId, id).compose(def -> {
      if (def == null) {
        throw DomainException.notFound("segment", id);
      }
      Future<Long> now = def.isEvaluated() ? Future.succeededFuture(def.memberCount())
          : repository.countMembers(storeId, id);
      Future<List<Row>> perDay = pool.preparedQuery(SQL_PER_DAY).execute(Tuple.of(storeId, id, first))
          .map(rows -> {
            List<Row> out = new ArrayList<>();
            rows.forEach(out::add);
            return out;
          });
      return Future.all(now, perDay).map(v -> Reply.ok(render(def, first, today, now.result(), perDay.result())));
    });
  }

  static JsonObject render(SegmentDefinition def, LocalDate first, LocalDate today, long membersNow, List<Row> rows) {
    int n = (int) (today.toEpochDay() - first.toEpochDay()) + 1;
    long[] entered = new long[n];
    long[] left = new long[n];
    long netAfterToday = 0;
    for (Row r : rows) {
      LocalDate day = r.getLocalDate("day");
      long e = r.getLong("entered");
      long l = r.getLong("left_");
      int i = (int) (day.toEpochDay() - first.toEpochDay());
      if (i >= n) {
        netAfterToday += e - l; // an event dated in the future: counted now, shown on no day
      } else {
        entered[i] = e;
        left[i] = l;
      }
    }
    LocalDate created = def.createdAt().atZoneSameInstant(ZoneOffset.UTC).toLocalDate();
    Long[] members = new Long[n];
    long running = membersNow - netAfterToday;
    for (int i = n - 1; i >= 0; i--) {
      members[i] = first.plusDays(i).isBefore(created) ? null : Math.max(0, running);
      running -= entered[i] - left[i];
    }
    JsonArray out = new JsonArray();
    for (int i = 0; i < n; i++) {
      out.add(new JsonObject()
          .put("date", first.plusDays(i).toString())
          .put("entered", entered[i])
          .put("left", left[i])
          .put("members", members[i]));
    }
    return new JsonObject()
        .put("object", "segment_history")
        .put("segment_id", def.id())
        .put("type", def.type())
        .put("member_count", membersNow)
        .put("created_at", Wire.time(def.createdAt()))
        .put("days", out);
  }
}
