package io.shoal.coupon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.ApiClient;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A coupon validation is one statement ({@link CouponStore#LOAD}): the coupon row joined to
 * {@code coupon_validation_facts} (V42), whose one query has the segment and catalog
 * capabilities' functions inlined into its plan, and keeps that plan (a generic plan, planned
 * once per connection). A function that is not inlined shows as a "Function Scan": PostgreSQL
 * then plans its body anew on every call (measured: 14 ms of a 16 ms validation on the bench
 * data, when the categories were passed as a sub-select argument).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CouponValidationPlanTest {

  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void theValidationStatementInlinesTheOwnersFunctions() {
    TestStore store = server.createStore("Plan");
    ApiClient api = store.api();
    String customer = store.createCustomer(new JsonObject().put("email", "plan@example.com")).getString("id");
    String seg = api.post(store.path("/segments"), new JsonObject().put("name", "VIP").put("type", "static"))
        .expect(201).getString("id");
    api.put(store.path("/segments/" + seg + "/customers/" + customer), new JsonObject()).expect(200);
    api.put(store.path("/catalog/categories/shoes"), new JsonObject().put("name", "Shoes")).expect(200);
    api.put(store.path("/segments/" + seg + "/items/category/shoes"), new JsonObject()).expect(200);
    api.post(store.path("/coupons"), new JsonObject().put("code", "PLAN").put("discount_type", "percentage")
        .put("discount_percentage", 10).put("segment_ids", new JsonArray().add(seg)).put("item_restricted", true)
        .put("max_redemptions_per_customer", 3)).expect(201);

    String couponId = api.get(store.path("/coupons/PLAN")).expect(200).getString("id");
    Pool pool = server.shoal().database().pool();

    // the facts function's query, its parameters made statement parameters, as PostgreSQL plans it
    Row fn = ApiClient.await(pool.query("SELECT prosrc, array_to_string(proconfig, ',') FROM pg_proc"
        + " WHERE proname = 'coupon_validation_facts'").execute()).iterator().next();
    assertTrue(String.valueOf(fn.getString(1)).contains("plan_cache_mode=force_generic_plan"),
        "the facts function keeps one generic plan: " + fn.getString(1));
    String src = fn.getString(0);
    String query = src.substring(src.indexOf("RETURN QUERY") + "RETURN QUERY".length(), src.lastIndexOf(';'));
    String[] params = {"p_store", "p_coupon", "p_item_restricted", "p_per_customer", "p_customer", "p_products",
        "p_categories", "p_at"};
    String[] types = {"text", "text", "boolean", "integer", "text", "text[]", "text[]", "timestamptz"};
    for (int i = 0; i < params.length; i++) {
      query = query.replaceAll("\\b" + params[i] + "\\b", Matcher.quoteReplacement("$" + (i + 1) + "::" + types[i]));
    }
    Tuple factsArgs = Tuple.tuple().addValue(store.id()).addValue(couponId).addValue(true).addValue(3).addValue(customer).addValue(new String[] {"p-1", "p-2"})
        .addValue(new String[] {"shoes"}).addValue(OffsetDateTime.now(ZoneOffset.UTC));
    StringBuilder plan = new StringBuilder();
    for (Row r : ApiClient.await(pool.preparedQuery("EXPLAIN (COSTS OFF) " + query).execute(factsArgs))) {
      plan.append(r.getString(0)).append('\n');
    }
    assertTrue(plan.toString().contains("segment_members"), "the plan reads the memberships itself:\n" + plan);
    assertTrue(plan.toString().contains("catalog_categories"), "the plan reads the catalog itself:\n" + plan);
    assertFalse(plan.toString().matches("(?s).*Function Scan on (customer_|catalog_|segment_items_of).*"),
        "a function of V31 or V42 is not inlined:\n" + plan);
    assertTrue(plan.toString().contains("coupon_segments"), "the coupon's segments are read as rows:\n" + plan);

    // and the statement answers what the validation needs
    Tuple args = Tuple.tuple().addValue(store.id()).addValue("PLAN").addValue(customer)
        .addValue(new String[] {"p-1", "p-2"}).addValue(new String[] {"shoes"})
        .addValue(OffsetDateTime.now(ZoneOffset.UTC));
    Row row = ApiClient.await(pool.preparedQuery(CouponStore.LOAD).execute(args)).iterator().next();
    CouponStore.Loaded loaded = CouponStore.Loaded.from(row);
    assertEquals(seg, loaded.memberSegment());
    assertTrue(loaded.coveredItems().contains(new io.shoal.segment.SegmentMemberships.ItemRef(seg, "category", "shoes")),
        loaded.coveredItems().toString());
  }
}
