package io.shoal.audience;

import io.shoal.customer.CustomerRepository;
import io.shoal.db.DatabaseUnavailable;
import io.shoal.recommend.CoPurchaseModel;
import io.shoal.recommend.Recommender;
import io.shoal.segment.SegmentRepository;
import io.shoal.segment.eval.SegmentEngine;
import io.shoal.segment.rule.AttributeTypes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Seed 003's customer list: for each member, name, contact, city, gender, age, predicted value,
 * the customer's segments and its top-N recommended products. Gathered from the owners: the
 * customer package (profile), the segment engine (metrics, one request per partition), the segment package (memberships)
 * and the recommender; one batch per page of members.
 *
 * <p>{@code gender} is {@code metadata.gender}; {@code age} is {@code metadata.age} when it is a
 * number, else whole years since {@code metadata.birthday} when that is a date.
 */
public final class MemberDetails {

  /** The export's columns before {@code product_1..N}. */
  public static final List<String> COLUMNS = List.of("customer_id", "first_name", "last_name", "email", "phone",
      "city", "gender", "age", "predicted_clv", "total_orders", "total_spent", "segments");

  private final CustomerRepository customers;
  private final SegmentRepository segments;
  private final SegmentEngine engine;
  private final Recommender recommender;

  public MemberDetails(CustomerRepository customers, SegmentRepository segments, SegmentEngine engine,
                       Recommender recommender) {
    this.customers = customers;
    this.segments = segments;
    this.engine = engine;
    this.recommender = recommender;
  }

  /** The details of these customers, in the given order (customers deleted meanwhile left out). */
  public Future<List<JsonObject>> of(String storeId, List<String> ids, int recommendations) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Future<Map<String, JsonObject>> profiles = customers.profiles(storeId, ids);
    Future<Map<String, List<JsonObject>>> memberships = segments.segmentsOf(storeId, ids);
    Future<Map<String, List<CoPurchaseModel.Recommendation>>> recs = recommendations == 0
        ? Future.succeededFuture(Map.of()) : recommender.forCustomers(storeId, ids, recommendations);
    // one request per evaluator partition for the whole page (not one per member), each reading
    // the members it does not hold with one query; a database that is away fails the page (an
    // export must not write a million rows without their predicted value), anything else
    // (an evaluator that does not answer in time) leaves predicted_clv empty as before
    Future<Map<String, JsonObject>> metrics = engine.customersMetrics(storeId, ids)
        .recover(e -> DatabaseUnavailable.is(e) ? Future.failedFuture(e) : Future.succeededFuture(Map.of()));
    return Future.all(profiles, memberships, recs, metrics).map(v -> {
      List<JsonObject> out = new ArrayList<>(ids.size());
      for (int i = 0; i < ids.size(); i++) {
        JsonObject p = profiles.result().get(ids.get(i));
        if (p != null) {
          out.add(detail(p, metrics.result().get(ids.get(i)), memberships.result().getOrDefault(ids.get(i), List.of()),
              recs.result().getOrDefault(ids.get(i), List.of())));
        }
      }
      return out;
    });
  }

  private static JsonObject detail(JsonObject p, JsonObject metrics, List<JsonObject> segments,
                                   List<CoPurchaseModel.Recommendation> recs) {
    JsonObject metadata = p.getJsonObject("metadata", new JsonObject());
    JsonObject address = p.getJsonObject("address");
    JsonArray products = new JsonArray();
    recs.forEach(r -> products.add(r.productId()));
    return new JsonObject()
        .put("object", "segment_member_detail")
        .put("customer_id", p.getString("id"))
        .put("first_name", p.getString("first_name"))
        .put("last_name", p.getString("last_name"))
        .put("email", p.getString("email"))
        .put("phone", p.getString("phone"))
        .put("city", address == null ? null : address.getString("city"))
        .put("gender", metadata.getValue("gender") == null ? null : String.valueOf(metadata.getValue("gender")))
        .put("age", age(metadata))
        .put("predicted_clv", metrics == null ? null : metrics.getValue("predicted_clv"))
        .put("total_orders", p.getValue("total_orders"))
        .put("total_spent", p.getValue("total_spent"))
        .put("segments", new JsonArray(new ArrayList<>(segments)))
        .put("recommended_products", products);
  }

  static Integer age(JsonObject metadata) {
    BigDecimal age = AttributeTypes.number(metadata.getValue("age"));
    if (age != null && age.signum() >= 0 && age.compareTo(BigDecimal.valueOf(200)) < 0) {
      return age.intValue();
    }
    Instant born = AttributeTypes.time(metadata.getValue("birthday"));
    if (born == null) {
      return null;
    }
    LocalDate birthday = born.atZone(ZoneOffset.UTC).toLocalDate();
    int years = Period.between(birthday, LocalDate.now(ZoneOffset.UTC)).getYears();
    return years >= 0 && years < 200 ? years : null;
  }
}
