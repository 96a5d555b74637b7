package io.shoal.audience;

import io.shoal.http.ApiHandler;
import io.shoal.http.ApiOperation;
import io.shoal.http.ApiRequest;
import io.shoal.http.Reply;
import io.shoal.kernel.Cursor;
import io.shoal.kernel.DomainException;
import io.shoal.recommend.Recommender;
import io.shoal.segment.SegmentDefinition;
import io.shoal.segment.SegmentRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Seed 003's audience reads: the member list with details and recommendations, a customer's
 * recommended products, and exports of a segment's members (CSV/XLSX, link by email).
 */
public final class AudienceApi {

  static final int DEFAULT_RECOMMENDATIONS = 10;

  private final SegmentRepository segments;
  private final MemberDetails details;
  private final Recommender recommender;
  private final SegmentExports exports;
  /** Whether the store has this customer (the customer package answers). */
  private final BiFunction<String, String, Future<Boolean>> customerExists;

  public AudienceApi(SegmentRepository segments, MemberDetails details, Recommender recommender,
                     SegmentExports exports, BiFunction<String, String, Future<Boolean>> customerExists) {
    this.segments = segments;
    this.details = details;
    this.recommender = recommender;
    this.exports = exports;
    this.customerExists = customerExists;
  }

  public void mount(RouterBuilder rb) {
    ApiOperation.LIST_SEGMENT_MEMBER_DETAILS.mount(rb, ApiHandler.route(this::memberDetails));
    ApiOperation.LIST_CUSTOMER_RECOMMENDATIONS.mount(rb, ApiHandler.route(this::recommendations));
    ApiOperation.CREATE_SEGMENT_EXPORT.mount(rb, ApiHandler.route(this::createExport));
    ApiOperation.GET_SEGMENT_EXPORT.mount(rb, ApiHandler.route(r -> exports.get(r.storeId(), r.path("id"))
        .map(Reply::ok)));
    // no API key: the link's token is the credential (checked by the download), so the store is the path's
    ApiOperation.DOWNLOAD_SEGMENT_EXPORT.mount(rb, ApiHandler.streaming(r ->
        exports.download(r.path("store_id"), r.path("id"), r.query("token"), r.response())));
  }

  private Future<SegmentDefinition> segment(String storeId, String id) {
    return segments.get(storeId, id).map(def -> {
      if (def == null) {
        throw DomainException.notFound("segment", id);
      }
      return def;
    });
  }

  private Future<Reply> memberDetails(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    int limit = req.queryInt("limit", 25);
    int recommendations = req.queryInt("recommendations", DEFAULT_RECOMMENDATIONS);
    String after = null;
    if (req.query("cursor") != null) {
      after = Cursor.decode(req.query("cursor")).getString("id");
      if (after == null) {
        throw Cursor.invalid();
      }
    }
    String afterId = after;
    return segment(storeId, id).compose(def -> segments.countMembers(storeId, id)
        .compose(total -> segments.members(storeId, id, afterId, limit + 1).compose(rows -> {
          boolean more = rows.size() > limit;
          List<String> ids = new ArrayList<>();
          for (int i = 0; i < Math.min(limit, rows.size()); i++) {
            ids.add(rows.get(i).getString("customer_id"));
          }
          return details.of(storeId, ids, recommendations).map(list -> new JsonObject()
              .put("object", "list")
              .put("data", new JsonArray(new ArrayList<>(list)))
              .put("has_more", more)
              .put("next_cursor", more ? Cursor.encode(new JsonObject().put("id", ids.get(ids.size() - 1))) : null)
              .put("total_count", total));
        }))).map(Reply::ok);
  }

  private Future<Reply> recommendations(ApiRequest req) {
    String storeId = req.storeId();
    String customerId = req.path("id");
    int limit = req.queryInt("limit", DEFAULT_RECOMMENDATIONS);
    return customerExists.apply(storeId, customerId).compose(exists -> {
      if (!exists) {
        throw DomainException.notFound("customer", customerId);
      }
      return recommender.forCustomer(storeId, customerId, limit);
    }).map(recs -> {
      JsonArray data = new JsonArray();
      recs.forEach(r -> data.add(new JsonObject().put("object", "product_recommendation")
          .put("product_id", r.productId()).put("score", r.score()).put("reason", r.reason())));
      return Reply.ok(new JsonObject().put("object", "list").put("customer_id", customerId).put("data", data)
          .put("has_more", false).putNull("next_cursor"));
    });
  }

  private Future<Reply> createExport(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    JsonObject body = req.body();
    String email = body.getString("email").trim();
    if (!email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
      throw DomainException.invalidParam("email", "email must be an address like someone@example.com");
    }
    return segment(storeId, id).compose(def -> {
      if (def.isDraft()) {
        throw new DomainException(409, "invalid_request_error", "segment_draft",
            "a draft has no members to export; publish it first", "id");
      }
      return exports.start(def, body.getString("format", "csv"), email,
          body.getInteger("recommendations", DEFAULT_RECOMMENDATIONS));
    }).map(Reply::accepted);
  }
}
