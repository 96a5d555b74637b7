package io.shoal.coupon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.engine.support.Poll;
import io.shoal.event.platform.WebhookSignature;
import io.shoal.testing.ApiClient;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Coupons (seed 004): the seed's coupon, validation with every reason, limits under concurrency,
 * redemption once per order from the API, from order events and from platform webhooks.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CouponsTest {

  private static TestServer server;
  private TestStore store;
  private ApiClient api;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void aStore() {
    store = server.createStore("Coupons");
    api = store.api();
  }

  private String customer(String email) {
    return store.createCustomer(new JsonObject().put("email", email)).getString("id");
  }

  private JsonObject coupon(JsonObject body) {
    return api.post(store.path("/coupons"), body).expect(201);
  }

  private static JsonObject percentOff(String code, int percent) {
    return new JsonObject().put("code", code).put("discount_type", "percentage").put("discount_percentage", percent);
  }

  private static JsonObject cart(String customerId, String total, JsonObject... items) {
    JsonArray lines = new JsonArray();
    for (JsonObject i : items) {
      lines.add(i);
    }
    return new JsonObject().put("customer_id", customerId).put("total", Double.parseDouble(total)).put("currency", "USD")
        .put("items", lines);
  }

  private static JsonObject line(String productId, String price) {
    return new JsonObject().put("product_id", productId).put("quantity", 1).put("price", Double.parseDouble(price));
  }

  private JsonObject validate(String code, JsonObject cart) {
    return api.post(store.path("/coupons/" + code + "/validate"), cart).expect(200);
  }

  // --- the coupon resource -------------------------------------------------------------------

  @Test
  void theSeedsCouponIsCreatedReadByCodeInAnyCaseListedChangedAndDeleted() {
    JsonObject seed = new JsonObject()
        .put("code", "ENG2OC0")
        .put("name", "Winter Sale 2018")
        .put("description", "Great Winter Discount of 25 USD in December 2018 and January 2019 for all Orders over 50 USD")
        .put("discount_type", "ABSOLUTE")
        .put("discount_absolute", new JsonObject().put("amount", 24.99).put("currency", "USD"))
        .put("allow_anonymous", false)
        .put("max_redemptions", -1)
        .put("max_redemptions_per_customer", -1)
        .put("category_restricted", false)
        .put("segment_restricted", false)
        .put("restrictions", new JsonObject()
            .put("valid_for", new JsonArray().add("C0123456789").add("C0123456788"))
            .put("valid_from", "2014-12-01T00:00:00.000Z")
            .put("valid_until", "2015-01-31T23:59:59.999Z")
            .put("min_order_value", new JsonObject().put("amount", 49.99).put("currency", "USD")))
        .put("issued_to", "C01234567989");
    JsonObject c = coupon(seed);
    assertTrue(c.getString("id").startsWith("cpn_"));
    assertEquals("coupon", c.getString("object"));
    assertEquals("absolute", c.getString("discount_type"));
    assertEquals(24.99, c.getJsonObject("discount_absolute").getDouble("amount"));
    assertEquals(-1, c.getInteger("max_redemptions"));
    assertNull(c.getInteger("remaining"));
    assertEquals("2015-01-31T23:59:59.999Z", c.getJsonObject("restrictions").getString("valid_until"));

    assertEquals(c.getString("id"), api.get(store.path("/coupons/eng2oc0")).expect(200).getString("id"));
    api.post(store.path("/coupons"), seed).expectError(409, "coupon_code_taken");
    JsonObject patched = api.patch(store.path("/coupons/ENG2OC0"), new JsonObject().put("max_redemptions", 5)).expect(200);
    assertEquals(5, patched.getInteger("max_redemptions"));
    assertEquals(5, patched.getInteger("remaining"));
    assertEquals("Winter Sale 2018", patched.getString("name"), "absent fields are kept");
    coupon(percentOff("SPRING10", 10));
    assertEquals(2, api.get(store.path("/coupons")).page().size());
    assertEquals(1, api.get(store.path("/coupons?limit=1")).page().size());

    api.post(store.path("/coupons"), percentOff("BAD", 0)).expectError(400, null);
    api.post(store.path("/coupons"), new JsonObject().put("code", "NOAMOUNT").put("discount_type", "absolute"))
        .expectError(400, "parameter_invalid");
    api.post(store.path("/coupons"), percentOff("SEG", 10).put("segment_ids", new JsonArray().add("seg_nope")))
        .expectError(400, "segment_unknown");
    api.post(store.path("/coupons"), percentOff("SPACE CODE", 10)).expectError(400, null);

    TestStore other = server.createStore("Other");
    other.api().get(other.path("/coupons/ENG2OC0")).expectError(404, "resource_missing");
    other.api().get(store.path("/coupons/ENG2OC0")).expectError(404, "resource_missing");
    assertEquals(0, other.api().get(other.path("/coupons")).page().size());

    api.delete(store.path("/coupons/eng2oc0")).expect(200);
    api.get(store.path("/coupons/ENG2OC0")).expectError(404, "resource_missing");
  }

  // --- validation ----------------------------------------------------------------------------

  @Test
  void validationSaysWhyACodeDoesNotApplyAndWhatItGivesWhenItDoes() {
    String member = customer("member@example.com");
    String stranger = customer("stranger@example.com");
    // catalog: shoes > sneakers; the segment is assigned the category shoes and product p-hat
    api.put(store.path("/catalog/categories/shoes"), new JsonObject().put("name", "Shoes")).expect(200);
    api.put(store.path("/catalog/categories/sneakers"), new JsonObject().put("name", "Sneakers").put("parent_id", "shoes"))
        .expect(200);
    api.put(store.path("/catalog/products/p-runner"), new JsonObject().put("name", "Runner")
        .put("category_ids", new JsonArray().add("sneakers"))).expect(200);
    String seg = api.post(store.path("/segments"), new JsonObject().put("name", "VIP").put("type", "static"))
        .expect(201).getString("id");
    api.put(store.path("/segments/" + seg + "/customers/" + member), new JsonObject()).expect(200);
    api.put(store.path("/segments/" + seg + "/items/category/shoes"), new JsonObject()).expect(200);
    api.put(store.path("/segments/" + seg + "/items/product/p-hat"), new JsonObject()).expect(200);

    coupon(percentOff("VIP20", 20).put("segment_restricted", true).put("segment_ids", new JsonArray().add(seg))
        .put("item_restricted", true)
        .put("restrictions", new JsonObject().put("min_order_value", new JsonObject().put("amount", 50).put("currency", "USD"))));

    JsonObject ok = validate("vip20", cart(member, "130.00", line("p-runner", "100.00"), line("p-hat", "20.00"),
        line("p-sock", "10.00")));
    assertTrue(ok.getBoolean("valid"), ok.encode());
    assertEquals(24.00, ok.getJsonObject("discount").getDouble("amount"), "20% of the covered 120.00 (runner via"
        + " sneakers under shoes, and the hat), not of the sock");
    assertEquals(new JsonArray().add(0).add(1), ok.getJsonArray("eligible_items"));
    assertEquals(new JsonArray().add(seg), ok.getJsonArray("segment_ids"));

    assertEquals("not_a_member", validate("VIP20", cart(stranger, "130.00", line("p-runner", "100.00")))
        .getString("reason"));
    assertEquals("item_not_covered", validate("VIP20", cart(member, "130.00", line("p-sock", "130.00")))
        .getString("reason"));
    assertEquals("below_minimum", validate("VIP20", cart(member, "40.00", line("p-runner", "40.00")))
        .getString("reason"));
    assertEquals("currency_mismatch", validate("VIP20", cart(member, "130.00", line("p-runner", "130.00"))
        .put("currency", "EUR")).getString("reason"));
    assertEquals("anonymous_not_allowed", validate("VIP20", cart(null, "130.00", line("p-runner", "130.00")))
        .getString("reason"));
    // a category named on the line counts with its ancestors too
    JsonObject byLine = validate("VIP20", cart(member, "60.00", new JsonObject().put("product_id", "p-unknown")
        .put("category_id", "sneakers").put("quantity", 2).put("price", 30)));
    assertTrue(byLine.getBoolean("valid"), byLine.encode());
    assertEquals(12.00, byLine.getJsonObject("discount").getDouble("amount"));

    // the segment paused: its members no longer count
    api.patch(store.path("/segments/" + seg), new JsonObject().put("status", "inactive")).expect(200);
    assertEquals("not_a_member", validate("VIP20", cart(member, "130.00", line("p-runner", "100.00")))
        .getString("reason"));
    api.patch(store.path("/segments/" + seg), new JsonObject().put("status", "active")
        .put("validity", new JsonObject().put("to", "2020-01-01T00:00:00Z"))).expect(200);
    assertEquals("not_a_member", validate("VIP20", cart(member, "130.00", line("p-runner", "100.00")))
        .getString("reason"), "outside the segment's validity nobody is its member");

    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    coupon(percentOff("LATER", 5).put("restrictions", new JsonObject().put("valid_from", now.plusSeconds(3600).toString())));
    coupon(percentOff("GONE", 5).put("restrictions", new JsonObject().put("valid_until", now.minusSeconds(3600).toString())));
    assertEquals("not_yet_valid", validate("LATER", cart(member, "10.00")).getString("reason"));
    assertEquals("expired", validate("GONE", cart(member, "10.00")).getString("reason"));
    coupon(new JsonObject().put("code", "FIVE").put("discount_type", "absolute")
        .put("discount_absolute", new JsonObject().put("amount", 5).put("currency", "USD"))
        .put("max_redemptions", 1).put("issued_to", member));
    assertEquals("not_issued_to_customer", validate("FIVE", cart(stranger, "10.00")).getString("reason"));
    assertEquals(5.00, validate("FIVE", cart(member, "10.00")).getJsonObject("discount").getDouble("amount"));
    api.post(store.path("/coupons/FIVE/redemptions"), cart(member, "10.00").put("order_id", "o-five")).expect(201);
    assertEquals("exhausted", validate("FIVE", cart(member, "10.00")).getString("reason"));
    coupon(percentOff("ONCE", 5).put("max_redemptions_per_customer", 1));
    api.post(store.path("/coupons/ONCE/redemptions"), cart(member, "10.00").put("order_id", "o-once")).expect(201);
    assertEquals("customer_limit_reached", validate("ONCE", cart(member, "10.00")).getString("reason"));
    assertTrue(validate("ONCE", cart(stranger, "10.00")).getBoolean("valid"));

    api.post(store.path("/coupons/NOPE/validate"), cart(member, "10.00")).expectError(404, "resource_missing");
    api.post(store.path("/coupons/ONCE/validate"), new JsonObject().put("items", "many")).expectError(400, null);
  }

  /**
   * A validation reads the coupon, the memberships, the assignments and the catalog as they are
   * now: each change below flips the answer at once. (The validation is one statement over the
   * tables, with no cache in front; a cache of any of them must keep this test green.)
   */
  @Test
  void validationFollowsEveryChangeOfCouponMembershipAssignmentAndCatalogAtOnce() {
    String member = customer("changes@example.com");
    api.put(store.path("/catalog/categories/apparel"), new JsonObject().put("name", "Apparel")).expect(200);
    api.put(store.path("/catalog/categories/tops"), new JsonObject().put("name", "Tops")).expect(200);
    api.put(store.path("/catalog/products/p-tee"), new JsonObject().put("name", "Tee")
        .put("category_ids", new JsonArray().add("tops"))).expect(200);
    String seg = api.post(store.path("/segments"), new JsonObject().put("name", "Fans").put("type", "static"))
        .expect(201).getString("id");
    String other = api.post(store.path("/segments"), new JsonObject().put("name", "Others").put("type", "static"))
        .expect(201).getString("id");
    api.put(store.path("/segments/" + seg + "/customers/" + member), new JsonObject()).expect(200);
    api.put(store.path("/segments/" + seg + "/items/category/apparel"), new JsonObject()).expect(200);
    coupon(percentOff("FANS10", 10).put("segment_ids", new JsonArray().add(seg)).put("item_restricted", true));
    JsonObject tee = cart(member, "50.00", line("p-tee", "50.00"));
    assertEquals("item_not_covered", validate("FANS10", tee).getString("reason"), "tops is not under apparel yet");

    // the catalog: tops moves under apparel, then back out
    api.put(store.path("/catalog/categories/tops"), new JsonObject().put("name", "Tops").put("parent_id", "apparel"))
        .expect(200);
    JsonObject ok = validate("FANS10", tee);
    assertTrue(ok.getBoolean("valid"), ok.encode());
    assertEquals(5.00, ok.getJsonObject("discount").getDouble("amount"));
    api.put(store.path("/catalog/categories/tops"), new JsonObject().put("name", "Tops")).expect(200);
    assertEquals("item_not_covered", validate("FANS10", tee).getString("reason"), "a parent removed counts at once");
    // the product's own categories
    api.put(store.path("/catalog/products/p-tee"), new JsonObject().put("name", "Tee")
        .put("category_ids", new JsonArray().add("apparel"))).expect(200);
    assertTrue(validate("FANS10", tee).getBoolean("valid"), "the product moved into an assigned category");

    // the segment's assignments
    api.delete(store.path("/segments/" + seg + "/items/category/apparel")).expect(200);
    assertEquals("item_not_covered", validate("FANS10", tee).getString("reason"), "an assignment removed counts at once");
    api.put(store.path("/segments/" + seg + "/items/product/p-tee"), new JsonObject()).expect(200);
    assertTrue(validate("FANS10", tee).getBoolean("valid"), "a product assigned counts at once");

    // the membership
    api.delete(store.path("/segments/" + seg + "/customers/" + member)).expect(200);
    assertEquals("not_a_member", validate("FANS10", tee).getString("reason"), "a membership removed counts at once");
    api.put(store.path("/segments/" + seg + "/customers/" + member), new JsonObject()).expect(200);
    assertTrue(validate("FANS10", tee).getBoolean("valid"));

    // the coupon itself
    api.patch(store.path("/coupons/FANS10"), new JsonObject().put("restrictions", new JsonObject()
        .put("min_order_value", new JsonObject().put("amount", 60).put("currency", "USD")))).expect(200);
    assertEquals("below_minimum", validate("FANS10", tee).getString("reason"), "a coupon change counts at once");
    api.patch(store.path("/coupons/FANS10"), new JsonObject().put("segment_ids", new JsonArray().add(other))
        .put("restrictions", new JsonObject().put("min_order_value", null))).expect(200);
    assertEquals("not_a_member", validate("FANS10", tee).getString("reason"), "the coupon's segments changed");
    api.patch(store.path("/coupons/FANS10"), new JsonObject().put("segment_restricted", false)).expect(200);
    JsonObject anySegment = validate("FANS10", tee);
    assertTrue(anySegment.getBoolean("valid"), "not segment-restricted: any live segment of the customer's covers"
        + " the tee: " + anySegment.encode());
    assertEquals(new JsonArray().add(seg), anySegment.getJsonArray("segment_ids"));
  }

  /**
   * A coupon of many segments answers by its list as it is now: membership and covered items go
   * through the coupon's segments only (V42 keeps them as rows that follow every write of the
   * list, and a validation probes those), and the wire form keeps the list in its given order.
   */
  @Test
  void aCouponOfManySegmentsAnswersByItsListAsItIsNow() {
    String member = customer("many@example.com");
    String stranger = customer("nobody@example.com");
    List<String> segs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      segs.add(api.post(store.path("/segments"), new JsonObject().put("name", "Many " + i).put("type", "static"))
          .expect(201).getString("id"));
    }
    String mine = segs.get(37);
    String outside = api.post(store.path("/segments"), new JsonObject().put("name", "Outside").put("type", "static"))
        .expect(201).getString("id");
    api.put(store.path("/segments/" + mine + "/customers/" + member), new JsonObject()).expect(200);
    api.put(store.path("/segments/" + outside + "/customers/" + member), new JsonObject()).expect(200);
    api.put(store.path("/segments/" + mine + "/items/product/p-mine"), new JsonObject()).expect(200);
    api.put(store.path("/segments/" + segs.get(3) + "/items/product/p-theirs"), new JsonObject()).expect(200);
    api.put(store.path("/segments/" + outside + "/items/product/p-outside"), new JsonObject()).expect(200);
    JsonArray listed = new JsonArray();
    for (int i = segs.size() - 1; i >= 0; i--) {
      listed.add(segs.get(i));
    }
    listed.add(mine); // a repeated id counts once
    JsonObject created = coupon(percentOff("MANY", 10).put("segment_ids", listed).put("item_restricted", true));
    JsonArray reversed = new JsonArray(listed.getList().subList(0, segs.size()));
    assertEquals(reversed, created.getJsonArray("segment_ids"));
    assertEquals(reversed, api.get(store.path("/coupons/MANY")).expect(200).getJsonArray("segment_ids"));

    JsonObject ok = validate("MANY", cart(member, "30.00", line("p-mine", "10.00"), line("p-theirs", "10.00"),
        line("p-outside", "10.00")));
    assertTrue(ok.getBoolean("valid"), ok.encode());
    assertEquals(new JsonArray().add(0), ok.getJsonArray("eligible_items"),
        "p-theirs: a coupon segment the customer is not in; p-outside: the customer's, not the coupon's");
    assertEquals(new JsonArray().add(mine), ok.getJsonArray("segment_ids"));
    assertEquals("item_not_covered", validate("MANY", cart(member, "20.00", line("p-theirs", "10.00"),
        line("p-outside", "10.00"))).getString("reason"));
    assertEquals("not_a_member", validate("MANY", cart(stranger, "10.00", line("p-mine", "10.00")))
        .getString("reason"));

    // the list changes: without the member's segment, then with it and the outside one
    JsonArray without = new JsonArray(new ArrayList<>(segs));
    without.remove(mine);
    api.patch(store.path("/coupons/MANY"), new JsonObject().put("segment_ids", without)).expect(200);
    assertEquals("not_a_member", validate("MANY", cart(member, "10.00", line("p-mine", "10.00"))).getString("reason"));
    api.patch(store.path("/coupons/MANY"), new JsonObject().put("segment_ids", new JsonArray().add(outside).add(mine)))
        .expect(200);
    JsonObject both = validate("MANY", cart(member, "30.00", line("p-mine", "10.00"), line("p-theirs", "10.00"),
        line("p-outside", "10.00")));
    assertEquals(new JsonArray().add(0).add(2), both.getJsonArray("eligible_items"), both.encode());
    assertEquals(new JsonArray().add(mine).add(outside).stream().sorted().toList(),
        both.getJsonArray("segment_ids").getList());

    // deleted and created again with the same code: nothing of the old list remains
    api.delete(store.path("/coupons/MANY")).expect(200);
    coupon(percentOff("MANY", 10).put("segment_ids", new JsonArray().add(segs.get(3))).put("item_restricted", true));
    assertEquals("not_a_member", validate("MANY", cart(member, "10.00", line("p-mine", "10.00"))).getString("reason"));
  }

  /**
   * A key of one store never sees another store's coupons, assignments or items (seed 004's "must
   * hold"): another store's key gets 404 on every path of this store, its own coupon of the same
   * code is its own, and it cannot restrict a coupon to this store's segments.
   */
  @Test
  void anotherStoresKeySeesNoneOfThisStoresCouponsAssignmentsOrItems() {
    String member = customer("mine@example.com");
    api.put(store.path("/catalog/categories/c-shared"), new JsonObject().put("name", "Shared")).expect(200);
    api.put(store.path("/catalog/products/p-shared"), new JsonObject().put("name", "Shared")
        .put("category_ids", new JsonArray().add("c-shared"))).expect(200);
    String seg = api.post(store.path("/segments"), new JsonObject().put("name", "Mine").put("type", "static"))
        .expect(201).getString("id");
    api.put(store.path("/segments/" + seg + "/customers/" + member), new JsonObject()).expect(200);
    api.put(store.path("/segments/" + seg + "/items/product/p-shared"), new JsonObject()).expect(200);
    coupon(percentOff("SHARED", 10).put("segment_ids", new JsonArray().add(seg)).put("item_restricted", true));
    api.post(store.path("/coupons/SHARED/redemptions"), cart(member, "10.00", line("p-shared", "10.00"))
        .put("order_id", "o-mine")).expect(201);

    TestStore other = server.createStore("Other");
    ApiClient them = other.api();
    for (String path : List.of("/coupons", "/coupons/SHARED", "/coupons/SHARED/redemptions", "/segments/" + seg + "/items",
        "/customers/" + member + "/segment-items", "/customers/" + member + "/category-tree", "/catalog/products/p-shared",
        "/catalog/products?segment_ids=" + seg)) {
      them.get(store.path(path)).expectError(404, "resource_missing");
    }
    them.post(store.path("/coupons/SHARED/validate"), cart(member, "10.00", line("p-shared", "10.00")))
        .expectError(404, "resource_missing");

    // the same code in the other store is that store's own coupon, with its own segments only
    them.post(other.path("/coupons"), percentOff("SHARED", 50).put("segment_ids", new JsonArray().add(seg)))
        .expectError(400, "segment_unknown");
    JsonObject theirs = them.post(other.path("/coupons"), percentOff("SHARED", 50)).expect(201);
    assertEquals(0, theirs.getInteger("redeemed_count"));
    assertEquals(1, them.get(other.path("/coupons")).expect(200).getJsonArray("data").size());
    String stranger = other.createCustomer(new JsonObject().put("email", "theirs@example.com")).getString("id");
    JsonObject v = them.post(other.path("/coupons/SHARED/validate"), cart(stranger, "10.00", line("p-shared", "10.00")))
        .expect(200);
    assertTrue(v.getBoolean("valid"), v.encode());
    assertEquals(5.00, v.getJsonObject("discount").getDouble("amount"), "its own 50 % of the whole cart, not item-restricted");
    assertEquals(0, them.get(other.path("/catalog/products")).expect(200).getJsonArray("data").size());
    JsonObject mine = api.get(store.path("/coupons/SHARED")).expect(200);
    assertEquals(10.0, mine.getDouble("discount_percentage"), "this store's coupon is unchanged");
    assertEquals(1, mine.getInteger("redeemed_count"));
  }

  // --- limits under concurrency and once per order -------------------------------------------

  @Test
  void fiftyParallelRedemptionsOfACodeWithTenLeftRedeemExactlyTen() {
    coupon(percentOff("TEN", 10).put("max_redemptions", 12));
    String c = customer("first@example.com");
    api.post(store.path("/coupons/TEN/redemptions"), cart(c, "10.00").put("order_id", "o-a")).expect(201);
    api.post(store.path("/coupons/TEN/redemptions"), cart(c, "10.00").put("order_id", "o-b")).expect(201);
    assertEquals(10, api.get(store.path("/coupons/TEN")).expect(200).getInteger("remaining"));

    List<String> customers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      customers.add(customer("buyer" + i + "@example.com"));
    }
    List<Future<ApiResponse>> sent = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      sent.add(api.sendJson(HttpMethod.POST, store.path("/coupons/TEN/redemptions"),
          cart(customers.get(i), "20.00").put("order_id", "order-" + i), null));
    }
    ApiClient.await(Future.join(new ArrayList<>(sent)));
    int redeemed = 0;
    int refused = 0;
    for (Future<ApiResponse> f : sent) {
      ApiResponse r = f.result();
      if (r.status() == 201) {
        redeemed++;
      } else {
        r.expectError(409, "coupon_not_applicable");
        assertTrue(r.json().getJsonObject("error").getString("message").contains("exhausted"), r.text());
        refused++;
      }
    }
    assertEquals(10, redeemed);
    assertEquals(40, refused);
    JsonObject after = api.get(store.path("/coupons/TEN")).expect(200);
    assertEquals(12, after.getInteger("redeemed_count"));
    assertEquals(0, after.getInteger("remaining"));
    long recorded = redemptions("TEN").stream().filter(r -> r.getString("status").equals("redeemed")).count();
    assertEquals(12, recorded);
  }

  @Test
  void fiftyParallelOrdersCarryingACodeWithTenLeftRedeemExactlyTenEachOnce() {
    coupon(percentOff("ORDER10", 10).put("max_redemptions", 10));
    List<String> customers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      customers.add(customer("o" + i + "@example.com"));
    }
    List<Future<ApiResponse>> sent = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      sent.add(api.sendJson(HttpMethod.POST, store.path("/events"), order("evt-" + i, customers.get(i), "ord-" + i,
          "order10"), null));
    }
    ApiClient.await(Future.join(new ArrayList<>(sent)));
    sent.forEach(f -> f.result().expect(202));
    // the same order again: the same event (deduplicated) and another event naming the same order
    api.post(store.path("/events"), order("evt-0", customers.get(0), "ord-0", "ORDER10")).expect(202);
    api.post(store.path("/events"), order("evt-0-again", customers.get(0), "ord-0", "ORDER10")).expect(202);
    // orders are redeemed in log order: once this later order's code is recorded, every order above was considered
    coupon(percentOff("BARRIER", 1));
    api.post(store.path("/events"), order("evt-barrier", customers.get(1), "ord-barrier", "BARRIER")).expect(202);
    Poll.until("the barrier order redeemed", () -> redemptions("BARRIER"), l -> l.size() == 1);
    List<JsonObject> rows = redemptions("ORDER10");
    assertEquals(50, rows.size());
    assertEquals(10, rows.stream().filter(r -> r.getString("status").equals("redeemed")).count());
    assertEquals(40, rows.stream().filter(r -> r.getString("status").equals("rejected")
        && r.getString("reason").equals("exhausted")).count());
    assertEquals(50, rows.stream().map(r -> r.getString("order_id")).distinct().count(), "once per order");
    assertEquals(10, api.get(store.path("/coupons/ORDER10")).expect(200).getInteger("redeemed_count"));
  }

  @Test
  void anOrderIsRedeemedOnceHoweverOftenItArrives() {
    coupon(percentOff("AGAIN", 10));
    String c = customer("again@example.com");
    JsonObject first = api.post(store.path("/coupons/AGAIN/redemptions"), cart(c, "30.00").put("order_id", "o-1"))
        .expect(201);
    JsonObject second = api.post(store.path("/coupons/AGAIN/redemptions"), cart(c, "30.00").put("order_id", "o-1"))
        .expect(200);
    assertEquals(first.getString("id"), second.getString("id"));
    assertTrue(second.getBoolean("duplicate"));
    assertEquals(3.00, first.getDouble("discount"));
    // the order then also arrives as an event: still one redemption
    api.post(store.path("/events"), order("evt-o-1", c, "o-1", "again")).expect(202);
    api.post(store.path("/events"), order("evt-o-2", c, "o-2", "again")).expect(202);
    List<JsonObject> rows = Poll.until("o-2 redeemed", () -> redemptions("AGAIN"), l -> l.size() >= 2);
    assertEquals(2, rows.size());
    assertEquals(2, api.get(store.path("/coupons/AGAIN")).expect(200).getInteger("redeemed_count"));
    assertEquals(1, api.get(store.path("/coupons/AGAIN/redemptions?customer_id=" + c + "&limit=1")).expect(200)
        .getJsonArray("data").size());
    api.post(store.path("/coupons/AGAIN/redemptions"), cart(c, "30.00")).expectError(400, null);
  }

  @Test
  void ordersFromShopifyAndWooCommerceWebhooksRedeemTheirCodes() throws IOException {
    coupon(percentOff("SPRING10", 10));
    coupon(new JsonObject().put("code", "welcome5").put("discount_type", "absolute")
        .put("discount_absolute", new JsonObject().put("amount", 5).put("currency", "EUR")));
    api.put(store.path("/webhook-secrets/shopify"), new JsonObject().put("secret", "shp-secret")).expect(200);
    api.put(store.path("/webhook-secrets/woocommerce"), new JsonObject().put("secret", "woo-secret")).expect(200);

    JsonObject shopify = new JsonObject(Buffer.buffer(resource("/platform/shopify/orders-create.json")));
    shopify.put("discount_codes", new JsonArray().add(new JsonObject().put("code", "spring10").put("amount", "14.25")
        .put("type", "percentage")));
    byte[] body = shopify.toBuffer().getBytes();
    MultiMap h = MultiMap.caseInsensitiveMultiMap().add("X-Shopify-Hmac-Sha256", WebhookSignature.sign("shp-secret", body))
        .add("X-Shopify-Topic", "orders/create");
    ApiClient.await(api.send(HttpMethod.POST, store.path("/webhooks/shopify"), h, "application/json",
        Buffer.buffer(body))).expect(200);
    // orders/paid for the same order: same event id, redeemed once
    h.set("X-Shopify-Topic", "orders/paid");
    ApiClient.await(api.send(HttpMethod.POST, store.path("/webhooks/shopify"), h, "application/json",
        Buffer.buffer(body))).expect(200);

    byte[] woo = resource("/platform/woocommerce/order-processing.json");
    MultiMap wh = MultiMap.caseInsensitiveMultiMap().add("X-WC-Webhook-Signature", WebhookSignature.sign("woo-secret", woo))
        .add("X-WC-Webhook-Topic", "order.updated");
    ApiClient.await(api.send(HttpMethod.POST, store.path("/webhooks/woocommerce"), wh, "application/json",
        Buffer.buffer(woo))).expect(200);

    List<JsonObject> spring = Poll.until("the Shopify order redeemed", () -> redemptions("SPRING10"), l -> !l.isEmpty());
    assertEquals(1, spring.size());
    assertEquals("redeemed", spring.get(0).getString("status"));
    assertEquals("5710219461337", spring.get(0).getString("order_id"));
    assertEquals(14.25, spring.get(0).getDouble("discount"));
    List<JsonObject> welcome = Poll.until("the WooCommerce order redeemed", () -> redemptions("WELCOME5"), l -> !l.isEmpty());
    assertEquals("4817", welcome.get(0).getString("order_id"));
    assertEquals("redeemed", welcome.get(0).getString("status"), welcome.get(0).encode());
  }

  private static JsonObject order(String eventId, String customerId, String orderId, String code) {
    return new JsonObject().put("id", eventId).put("type", "order.completed").put("customer_id", customerId)
        .put("data", new JsonObject().put("order_id", orderId).put("total", "25.00").put("currency", "USD")
            .put("items", new JsonArray().add(new JsonObject().put("product_id", "p-1").put("quantity", 1)
                .put("price", "25.00")))
            .put("coupon_codes", new JsonArray().add(code)));
  }

  private List<JsonObject> redemptions(String code) {
    List<JsonObject> all = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = api.get(store.path("/coupons/" + code + "/redemptions?limit=100"
          + (cursor == null ? "" : "&cursor=" + cursor))).expect(200);
      page.getJsonArray("data").forEach(o -> all.add((JsonObject) o));
      cursor = page.getString("next_cursor");
    } while (cursor != null);
    return all;
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = CouponsTest.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }
}
