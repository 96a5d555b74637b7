package io.shoal.tracking;

import static io.shoal.engine.support.StoreDriver.cond;
import static io.shoal.engine.support.StoreDriver.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.engine.support.Poll;
import io.shoal.engine.support.StoreDriver;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Anonymous visitors against the real (embedded) PostgreSQL: their events build a profile that
 * segments can target; identify merges it into the known customer (history, aggregates and
 * memberships recomputed once, transitions announced, the merge in the timeline) or, for a new
 * identity, identifies the same profile, which a later backend order with that email finds.
 * Export and erasure of the person reach what was merged.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class VisitorMergeTest {

  private static final String SHOP = "https://shop.example.com";
  private static final Duration WAIT = Duration.ofSeconds(45);

  private static TestServer server;
  private static TestStore store;
  private static StoreDriver shop;
  private static String key;
  /** Anonymous, 3+ product views in a day. */
  private static String browsing;
  /** Has ordered, and 3+ product views in a day. */
  private static String engaged;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    store = server.createStore("Merge shop");
    shop = new StoreDriver(store);
    key = Storefront.createKey(store, new JsonObject().put("allowed_origins", new JsonArray().add(SHOP))
        .put("visitor_rate_limit_per_minute", 1000)).getString("key");
    JsonObject threeViews = new JsonObject().put("performed", new JsonObject().put("event", "product.viewed")
        .put("within_days", 1).put("at_least", 3));
    browsing = shop.dynamicSegment("Browsing, not identified", rules(cond("anonymous", "eq", true), threeViews));
    engaged = shop.dynamicSegment("Engaged buyers", rules(cond("total_orders", "gte", 1), threeViews));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonObject views(String product) {
    return Storefront.event("product.viewed", new JsonObject().put("product_id", product));
  }

  /** The customer the visitor's events land on (the only profile holding its anonymous id's events). */
  private static String visitorCustomer(String anonymousId) {
    return Poll.until("the visitor " + anonymousId + "'s profile", WAIT, () -> query(
        "SELECT id FROM customers WHERE store_id = ? AND anonymous_id = ?", store.id(), anonymousId),
        rows -> !rows.isEmpty()).get(0);
  }

  /** Waits until the customer is (or is not) a member of the segment: other tests' visitors come and go. */
  private static void awaitMember(String segment, String customerId, boolean member) {
    Poll.until(customerId + (member ? " in " : " out of ") + segment, WAIT, () -> shop.members(segment),
        m -> m.contains(customerId) == member);
  }

  private static List<String> eventTypes(String customerId) {
    return store.api().get(store.customer(customerId) + "/activity?limit=100").page().stream()
        .map(e -> e.getString("event_type")).filter(t -> t != null).sorted().toList();
  }

  @Test
  void identifyMergesTheAnonymousHistoryIntoTheKnownCustomerOnce() {
    String ana = store.createCustomer(new JsonObject().put("email", "ana@example.com").put("first_name", "Ana"))
        .getString("id");
    shop.send(new JsonObject().put("type", "order.completed").put("customer_id", ana)
        .put("data", new JsonObject().put("order_id", "A-1").put("total", 80)));
    shop.awaitOrders(ana, 1);

    Storefront browser = new Storefront(server, key, SHOP, Storefront.newVisitor());
    browser.send(Storefront.event("page.viewed", new JsonObject().put("path", "/")), views("tent"), views("tent"),
        views("stove")).expect(202);
    String anonymous = visitorCustomer(browser.anonymousId);
    assertTrue(!anonymous.equals(ana));
    awaitMember(browsing, anonymous, true);
    assertTrue(!shop.members(engaged).contains(ana));
    JsonObject anon = store.api().get(store.customer(anonymous)).expect(200);
    assertEquals(null, anon.getString("email"));

    JsonObject answer = browser.send(Storefront.event("identify", new JsonObject().put("email", "ANA@example.com")
        .put("first_name", "Mallory")), views("tent")).expect(202);
    assertEquals(2, answer.getInteger("accepted"));

    // the anonymous profile is gone into Ana; she has its history and the later event
    store.api().get(store.customer(anonymous)).expectError(404, null);
    awaitMember(engaged, ana, true);
    awaitMember(browsing, anonymous, false);
    Poll.until("Ana's timeline with the visitor's events", WAIT, () -> eventTypes(ana), types -> types.equals(List.of(
        "customer.updated", "order.completed", "page.viewed", "product.viewed", "product.viewed", "product.viewed",
        "product.viewed")));
    List<JsonObject> activity = store.api().get(store.customer(ana) + "/activity?limit=100").page();
    JsonObject merge = activity.stream().filter(a -> "merge".equals(a.getString("type"))).findFirst().orElseThrow();
    assertEquals(anonymous, merge.getString("from_customer_id"));
    assertEquals(4, merge.getInteger("events_moved"));
    assertTrue(activity.stream().anyMatch(a -> "Anonymous visitor first seen on the storefront".equals(a.getString("title"))),
        "the visitor's own timeline moved with it");

    // the browser cannot rename a known customer; her aggregates are hers
    JsonObject after = store.api().get(store.customer(ana)).expect(200);
    assertEquals("Ana", after.getString("first_name"));
    assertEquals(1, after.getInteger("total_orders"));

    // memberships recomputed once: one entry for Ana, caused by the merge; the visitor left once
    List<JsonObject> entered = shop.transitions(engaged, ana);
    assertEquals(1, entered.size(), entered::toString);
    assertEquals("customer.segment.entered", entered.get(0).getString("type"));
    assertEquals("customer_merged", entered.get(0).getString("cause"));
    List<JsonObject> visitorMoves = shop.transitions(browsing, anonymous);
    assertEquals(List.of("customer.segment.entered", "customer.segment.left"),
        visitorMoves.stream().map(t -> t.getString("type")).toList());

    // the same browser keeps landing on Ana
    browser.send(views("lamp")).expect(202);
    Poll.until("the later view on Ana", WAIT, () -> eventTypes(ana).size(), n -> n == 8);
    assertEquals(List.of(), query("SELECT id FROM customers WHERE store_id = ? AND anonymous_id = ?", store.id(),
        browser.anonymousId));

    // the same browser identifying as another known person: the identify and what follows are that person's
    String zed = store.createCustomer(new JsonObject().put("email", "zed@example.com")).getString("id");
    browser.send(Storefront.event("identify", new JsonObject().put("email", "zed@example.com")), views("rope"))
        .expect(202);
    Poll.until("Zed's identify and view", WAIT, () -> eventTypes(zed),
        types -> types.equals(List.of("customer.updated", "product.viewed")));
    assertEquals(8, eventTypes(ana).size(), "nothing more on Ana");

    // recorded: the merge row keeps the anonymous id finding her
    assertEquals(List.of(ana), query("SELECT into_customer_id FROM customer_merges WHERE store_id = ? AND anonymous_id = ?",
        store.id(), browser.anonymousId));
  }

  @Test
  void anUnknownIdentityIdentifiesTheSameProfileWhichALaterBackendOrderFinds() {
    Storefront browser = new Storefront(server, key, SHOP, Storefront.newVisitor());
    browser.send(views("boots"), views("boots"), views("boots")).expect(202);
    String visitor = visitorCustomer(browser.anonymousId);
    awaitMember(browsing, visitor, true);

    browser.send(Storefront.event("identify", new JsonObject().put("email", "bo@example.com").put("first_name", "Bo")))
        .expect(202);
    Poll.until("Bo identified", WAIT, () -> store.api().get(store.customer(visitor)).expect(200),
        c -> "bo@example.com".equals(c.getString("email")) && "Bo".equals(c.getString("first_name")));
    awaitMember(browsing, visitor, false);

    // the store's backend sends the order with the email only: it lands on the same profile
    shop.send(new JsonObject().put("type", "order.completed").put("customer", new JsonObject().put("email", "bo@example.com"))
        .put("data", new JsonObject().put("order_id", "B-1").put("total", 45)));
    shop.awaitOrders(visitor, 1);
    awaitMember(engaged, visitor, true);
    assertTrue(eventTypes(visitor).containsAll(List.of("product.viewed", "order.completed")));
  }

  @Test
  void exportAndErasureReachTheMergedAnonymousHistory() {
    String cleo = store.createCustomer(new JsonObject().put("external_id", "shop-77").put("first_name", "Cleo"))
        .getString("id");
    Storefront browser = new Storefront(server, key, SHOP, Storefront.newVisitor());
    browser.send(Storefront.event("search", new JsonObject().put("query", "cleo-secret-search")),
        Storefront.event("identify", new JsonObject().put("external_id", "shop-77"))).expect(202);
    Poll.until("the search on Cleo", WAIT, () -> eventTypes(cleo), t -> t.contains("search"));

    JsonObject export = submitAndAwait(cleo, "export");
    JsonObject doc = server.anonymous().get(export.getString("download_url")).expect(200);
    JsonArray merged = doc.getJsonObject("customer").getJsonArray("merged_visitors");
    assertEquals(1, merged.size(), doc::encode);
    assertEquals(browser.anonymousId, merged.getJsonObject(0).getString("anonymous_id"));
    assertTrue(doc.getJsonObject("events").getJsonArray("events").stream()
        .anyMatch(e -> "search".equals(((JsonObject) e).getString("type"))), "the merged search is in the export");

    submitAndAwait(cleo, "erasure");
    assertEquals(List.of(), query("SELECT id FROM events WHERE store_id = ? AND data::text LIKE ?", store.id(),
        "%cleo-secret-search%"), "the merged anonymous search outlived the erasure");
    assertEquals(List.of(), query("SELECT id FROM customer_merges WHERE store_id = ? AND anonymous_id = ?", store.id(),
        browser.anonymousId));
  }

  private static JsonObject submitAndAwait(String customerId, String type) {
    JsonObject request = store.api().post(store.customer(customerId) + "/removal-request",
        type.equals("export") ? new JsonObject().put("type", type).put("format", "json")
            : new JsonObject().put("type", type)).expect(202);
    String url = store.path("/removal-requests/" + request.getString("id"));
    return Poll.until("the " + type + " completed", WAIT, () -> store.api().get(url).expect(200),
        r -> "completed".equals(r.getString("status")));
  }

  private static List<String> query(String sql, String... args) {
    try (Connection c = TestDatabase.connect(server.databaseUrl()); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        List<String> out = new java.util.ArrayList<>();
        while (rs.next()) {
          out.add(rs.getString(1));
        }
        return out;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  @SuppressWarnings("unused")
  private static Map<String, Long> count(List<String> l) {
    return l.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
  }

  static void assertPresent(Object o) {
    assertNotNull(o);
  }
}
