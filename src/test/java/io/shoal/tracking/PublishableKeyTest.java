package io.shoal.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.engine.support.Poll;
import io.shoal.testing.ApiClient;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Publishable keys through the API, and what a browser with one may and may not do: send its
 * events from its origins (CORS answered per origin), and nothing else. Every refusal is the
 * right 4xx and leaves the store as it was (no event, no customer, no change to one).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PublishableKeyTest {

  private static final String SHOP = "https://shop.example.com";

  private static TestServer server;
  private static TestStore store;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    store = server.createStore("Tracking shop");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonObject key(JsonObject extra) {
    return Storefront.createKey(store, new JsonObject().put("name", "web")
        .put("allowed_origins", new JsonArray().add(SHOP).add("https://*.example.org")).mergeIn(extra));
  }

  private static long customerCount() {
    return store.api().get(store.path("/customers?limit=100")).page().size();
  }

  @Test
  void keysAreCreatedListedAndRevokedPerStore() {
    JsonObject k = key(new JsonObject().put("consent", "implied"));
    assertTrue(k.getString("key").startsWith("pk_live_"), k::encode);
    assertTrue(k.getString("id").startsWith("pkey_"), k::encode);
    assertEquals(List.of(SHOP, "https://*.example.org"), k.getJsonArray("allowed_origins").getList());
    assertEquals(50, k.getInteger("rate_limit_per_second"));
    assertEquals(120, k.getInteger("visitor_rate_limit_per_minute"));
    assertEquals("implied", k.getString("consent"));
    assertNull(k.getValue("revoked_at"));

    List<JsonObject> listed = store.api().get(store.path("/publishable-keys")).page();
    assertTrue(listed.stream().anyMatch(x -> x.getString("id").equals(k.getString("id"))));

    // another store's key cannot see or revoke it
    TestStore other = server.createStore("Other");
    other.api().get(store.path("/publishable-keys")).expectError(404, null);
    other.api().delete(store.path("/publishable-keys/" + k.getString("id"))).expectError(404, null);

    // bad origins and limits are refused
    store.api().post(store.path("/publishable-keys"), new JsonObject().put("allowed_origins",
        new JsonArray().add("https://shop.example.com/path"))).expectError(400, null);
    store.api().post(store.path("/publishable-keys"), new JsonObject().put("allowed_origins",
        new JsonArray().add("ftp://shop.example.com"))).expectError(400, null);
    store.api().post(store.path("/publishable-keys"), new JsonObject()).expectError(400, null);
    store.api().post(store.path("/publishable-keys"), new JsonObject().put("allowed_origins", new JsonArray().add(SHOP))
        .put("rate_limit_per_second", 0)).expectError(400, null);

    Storefront page = new Storefront(server, k.getString("key"), "https://a.b.example.org", Storefront.newVisitor());
    page.send(Storefront.event("page.viewed", new JsonObject().put("path", "/"))).expect(202);

    JsonObject revoked = store.api().delete(store.path("/publishable-keys/" + k.getString("id"))).expect(200);
    assertFalse(revoked.getValue("revoked_at") == null);
    page.send(Storefront.event("page.viewed", new JsonObject())).expectError(401, "unauthorized");
    store.api().delete(store.path("/publishable-keys/pkey_nope")).expectError(404, null);
  }

  @Test
  void corsIsAnsweredPerOriginAndOtherOriginsAreRefused() {
    String k = key(new JsonObject()).getString("key");
    Storefront shop = new Storefront(server, k, SHOP, Storefront.newVisitor());
    ApiResponse ok = shop.preflight("/v1/browser/events");
    assertEquals(204, ok.status(), ok::text);
    assertEquals(SHOP, ok.header("Access-Control-Allow-Origin"));
    assertTrue(ok.header("Access-Control-Allow-Methods").contains("POST"));
    assertTrue(ok.header("Vary").contains("Origin"));

    Storefront sub = new Storefront(server, k, "https://deep.shop.example.org", Storefront.newVisitor());
    assertEquals("https://deep.shop.example.org", sub.preflight("/v1/browser/events").header("Access-Control-Allow-Origin"));

    long before = customerCount();
    for (String foreign : new String[] {"https://evil.example.net", "https://example.org", "http://shop.example.com",
        "https://shop.example.com.evil.net"}) {
      Storefront evil = new Storefront(server, k, foreign, Storefront.newVisitor());
      ApiResponse pre = evil.preflight("/v1/browser/events");
      assertEquals(403, pre.status(), foreign);
      assertNull(pre.header("Access-Control-Allow-Origin"), foreign);
      ApiResponse post = evil.send(Storefront.event("page.viewed", new JsonObject()));
      post.expectError(403, "origin_not_allowed");
      assertNull(post.header("Access-Control-Allow-Origin"), foreign);
    }
    // no Origin at all (a script outside a browser): refused too
    new Storefront(server, k, null, Storefront.newVisitor()).send(Storefront.event("page.viewed", new JsonObject()))
        .expectError(403, "origin_not_allowed");
    assertEquals(before, customerCount(), "a refused origin created a visitor");

    ApiResponse config = ApiClient.await(server.anonymous().send(HttpMethod.GET, "/v1/browser/config?key=" + k,
        MultiMap.caseInsensitiveMultiMap().add("Origin", SHOP), null, null));
    assertEquals(200, config.status());
    assertEquals("required", config.json().getString("consent"));
    assertEquals(SHOP, config.header("Access-Control-Allow-Origin"));
  }

  @Test
  void aPublishableKeyCannotSendOrdersReadCustomersOrWriteProfiles() {
    String k = key(new JsonObject()).getString("key");
    String known = store.createCustomer(new JsonObject().put("email", "vip@example.com").put("first_name", "Vi"))
        .getString("id");
    long before = customerCount();
    Storefront shop = new Storefront(server, k, SHOP, Storefront.newVisitor());

    JsonObject order = Storefront.event("order.completed", new JsonObject().put("order_id", "o1").put("total", 999));
    // an order alone, and an order hidden in a batch of allowed events: both refused whole
    shop.send(order).expectError(403, "publishable_key_forbidden");
    shop.send(Storefront.event("page.viewed", new JsonObject()), order).expectError(403, "publishable_key_forbidden");
    shop.send(Storefront.event("order.refunded", new JsonObject().put("order_id", "o1").put("amount", 1)))
        .expectError(403, "publishable_key_forbidden");
    shop.send(Storefront.event("customer.updated", new JsonObject())).expectError(403, "publishable_key_forbidden");
    // naming a customer, or identifying with fields segments trust
    shop.send(Storefront.event("page.viewed", new JsonObject()).put("customer_id", known))
        .expectError(403, "publishable_key_forbidden");
    shop.send(Storefront.event("identify", new JsonObject().put("email", "vip@example.com").put("tags",
        new JsonArray().add("wholesale")))).expectError(403, "forbidden");

    // reading through the API with the publishable key
    ApiClient withPk = server.withKey(k);
    withPk.get(store.customer(known)).expectError(403, "forbidden");
    withPk.get(store.path("/customers")).expectError(403, "forbidden");
    withPk.post(store.path("/events"), new JsonObject().put("type", "order.completed").put("customer_id", known)
        .put("data", new JsonObject().put("order_id", "o2").put("total", 5))).expectError(403, "forbidden");

    assertEquals(before, customerCount(), "a refused batch created a visitor");
    JsonObject vip = store.api().get(store.customer(known)).expect(200);
    assertEquals(0, vip.getInteger("total_orders"));
    assertEquals("Vi", vip.getString("first_name"));
    assertEquals(List.of(), store.api().get(store.customer(known) + "/activity?types=order").page());
  }

  @Test
  void consentIsRequiredWhenTheStoreSaysSo() {
    String k = key(new JsonObject()).getString("key"); // consent: required (the default)
    Storefront shop = new Storefront(server, k, SHOP, Storefront.newVisitor());
    long before = customerCount();
    shop.consent = false;
    shop.send(Storefront.event("page.viewed", new JsonObject())).expectError(403, "consent_required");
    assertEquals(before, customerCount());
    shop.consent = true;
    assertEquals(1, shop.send(Storefront.event("page.viewed", new JsonObject())).expect(202).getInteger("accepted"));
  }

  @Test
  void exceedingTheKeyOrVisitorRateIs429WithRetryAfterAndStoresNothing() {
    String k = key(new JsonObject().put("rate_limit_per_second", 1000).put("visitor_rate_limit_per_minute", 5))
        .getString("key");
    Storefront shop = new Storefront(server, k, SHOP, Storefront.newVisitor());
    JsonObject[] five = new JsonObject[5];
    for (int i = 0; i < 5; i++) {
      five[i] = Storefront.event("product.viewed", new JsonObject().put("product_id", "p" + i));
    }
    assertEquals(5, shop.send(five).expect(202).getInteger("accepted"));
    ApiResponse limited = shop.send(Storefront.event("product.viewed", new JsonObject().put("product_id", "p9")));
    limited.expectError(429, "rate_limited");
    long retry = Long.parseLong(limited.header("Retry-After"));
    assertTrue(retry >= 1 && retry <= 60, () -> "Retry-After " + retry);
    assertEquals(SHOP, limited.header("Access-Control-Allow-Origin"), "the page may read its 429");
    // another visitor of the same key is not limited by the first one
    new Storefront(server, k, SHOP, Storefront.newVisitor())
        .send(Storefront.event("product.viewed", new JsonObject().put("product_id", "p1"))).expect(202);

    // the key's own limit: 3 events a second
    String slow = key(new JsonObject().put("rate_limit_per_second", 3)).getString("key");
    Storefront a = new Storefront(server, slow, SHOP, Storefront.newVisitor());
    JsonObject[] four = {Storefront.event("search", new JsonObject().put("query", "tent")),
        Storefront.event("search", new JsonObject()), Storefront.event("search", new JsonObject()),
        Storefront.event("search", new JsonObject())};
    ApiResponse tooMany = a.send(four);
    tooMany.expectError(429, "rate_limited");
    assertTrue(Long.parseLong(tooMany.header("Retry-After")) >= 1);

    // what was refused was not stored: the first visitor has exactly its 5 product views
    String visitor = Poll.until("the visitor's profile", () -> store.api().get(store.path("/customers?limit=100")).page()
        .stream().filter(c -> c.getString("email") == null).map(c -> c.getString("id"))
        .filter(id -> store.api().get(store.customer(id) + "/activity?limit=100").page().stream()
            .filter(e -> "product.viewed".equals(e.getString("event_type"))).count() == 5).findFirst().orElse(null),
        id -> id != null);
    assertTrue(visitor.startsWith("cust_"));
  }

  @Test
  void theSnippetIsServedVersionedAndCacheable() {
    ApiResponse js = server.anonymous().get("/js/shoal.js");
    assertEquals(200, js.status());
    assertTrue(js.header("Content-Type").startsWith("text/javascript"));
    assertTrue(js.header("Cache-Control").contains("max-age=300"));
    String version = js.header("X-Shoal-Snippet-Version");
    assertTrue(js.text().contains("shoal.track") || js.text().contains("track:"));
    assertFalse(js.text().contains("__SHOAL_VERSION__"));
    assertFalse(js.text().matches("(?s).*https?://(?!\\w*\\.example).*"), "the snippet names no other host");
    ApiResponse pinned = server.anonymous().get("/js/shoal-" + version + ".js");
    assertEquals(200, pinned.status());
    assertTrue(pinned.header("Cache-Control").contains("immutable"));
    ApiResponse again = ApiClient.await(server.anonymous().send(HttpMethod.GET, "/js/shoal.js",
        MultiMap.caseInsensitiveMultiMap().add("If-None-Match", js.header("ETag")), null, null));
    assertEquals(304, again.status());
  }
}
