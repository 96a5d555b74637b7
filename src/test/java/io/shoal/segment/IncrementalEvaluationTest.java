package io.shoal.segment;

import static io.shoal.engine.support.Events.by;
import static io.shoal.engine.support.Events.cancel;
import static io.shoal.engine.support.Events.cart;
import static io.shoal.engine.support.Events.event;
import static io.shoal.engine.support.Events.order;
import static io.shoal.engine.support.Events.pageView;
import static io.shoal.engine.support.Events.refund;
import static io.shoal.engine.support.StoreDriver.cond;
import static io.shoal.engine.support.StoreDriver.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.shoal.engine.support.StoreDriver;
import io.shoal.testing.ApiClient;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Segments follow every change that can affect them, whatever field their rules read: orders,
 * profile edits (tags, custom fields, address), purchases of products, repeated events, and
 * rules nested with any, all and not. The engine re-evaluates only the segments whose fields an
 * event changed; these tests check what that must never cost: a missed change.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class IncrementalEvaluationTest {

  private static TestServer server;
  private StoreDriver shop;
  private Instant now;

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
    shop = new StoreDriver(server.createStore("Incremental"));
    now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }

  private Instant daysAgo(int days) {
    return now.minus(days, ChronoUnit.DAYS);
  }

  private Instant hoursAgo(int hours) {
    return now.minus(hours, ChronoUnit.HOURS);
  }

  @Test
  void aRuleOnTotalSpentFollowsOrdersRefundsAndCancellations() {
    String id = shop.dynamicSegment("100+", rules(cond("total_spent", "gte", 100)));
    String c = shop.newCustomer("spender@example.com");
    shop.send(by(order("1", "60.00", daysAgo(3)), c));
    shop.awaitOrders(c, 1);
    assertEquals(Set.of(), shop.members(id));
    JsonObject second = shop.send(by(order("2", "60.00", daysAgo(2)), c));
    shop.awaitMembers(id, Set.of(c));
    assertEquals(second.getString("id"), shop.transitions(id, c).get(0).getString("event_id"));
    shop.send(by(refund("2", "30.00", daysAgo(1)), c));
    shop.awaitMembers(id, Set.of());
    shop.send(by(order("3", "40.00", daysAgo(1)), c));
    shop.awaitMembers(id, Set.of(c));
    shop.send(by(cancel("3", hoursAgo(1)), c));
    shop.awaitMembers(id, Set.of());
    assertEquals(List.of("customer.segment.entered", "customer.segment.left", "customer.segment.entered",
        "customer.segment.left"), types(shop.transitions(id, c)));
  }

  @Test
  void tagsEditedThroughTheCustomersApiMoveTheCustomerInAndOut() {
    String id = shop.dynamicSegment("VIP", rules(cond("tags", "contains", "VIP")));
    String c = shop.newCustomer(new JsonObject().put("email", "tagged@example.com").put("tags", new JsonArray().add("new")));
    String already = shop.newCustomer(new JsonObject().put("email", "born-vip@example.com").put("tags", new JsonArray().add("vip")));
    shop.awaitMembers(id, Set.of(already));

    shop.patchCustomer(c, new JsonObject().put("tags", new JsonArray().add("new").add("vip")));
    shop.awaitMembers(id, Set.of(c, already));
    JsonObject entered = shop.transitions(id, c).get(0);
    assertEquals("customer.segment.entered", entered.getString("type"));
    assertEquals("profile", entered.getString("cause"), "a profile edit is not an event");
    assertNull(entered.getString("event_id"));

    shop.patchCustomer(c, new JsonObject().put("tags", null));
    shop.awaitMembers(id, Set.of(already));
    shop.api().delete(shop.customerPath(already)).expect(200);
    shop.awaitMembers(id, Set.of());
  }

  /**
   * Customers created at once reach their partitions in a burst, which reads them in sets (one query per
   * store, issue 17's twenty-fourth pass): each one still enters exactly what its own profile matches.
   */
  @Test
  void customersCreatedAtOnceEachEnterWhatTheirOwnProfileMatches() {
    TestStore store = server.createStore("Created at once");
    StoreDriver driver = new StoreDriver(store);
    String vip = driver.dynamicSegment("VIP", rules(cond("tags", "contains", "vip")));
    String pro = driver.dynamicSegment("Pro plan", rules(cond("metadata.plan", "eq", "pro")));
    int n = 90;
    List<io.vertx.core.Future<ApiResponse>> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      JsonObject body = new JsonObject().put("email", "at-once-" + i + "@example.com")
          .put("tags", new JsonArray().add(i % 3 == 0 ? "vip" : "regular"))
          .put("metadata", new JsonObject().put("plan", i % 4 == 0 ? "pro" : "free"));
      sent.add(store.api().sendJson(io.vertx.core.http.HttpMethod.POST, store.customers(), body, null));
    }
    ApiClient.await(io.vertx.core.Future.all(sent));
    Set<String> vips = new HashSet<>();
    Set<String> pros = new HashSet<>();
    for (int i = 0; i < n; i++) {
      ApiResponse r = sent.get(i).result();
      assertEquals(201, r.status(), r::text);
      if (i % 3 == 0) {
        vips.add(r.json().getString("id"));
      }
      if (i % 4 == 0) {
        pros.add(r.json().getString("id"));
      }
    }
    driver.awaitMembers(vip, vips);
    driver.awaitMembers(pro, pros);
  }

  /**
   * A customer created through the API is tested from the row its create returned, without being
   * read back (issue 17, thirty-third pass): with the evaluation state table locked by another
   * session, a read of the new customer (it joins its state) would wait, and so would its explain,
   * which waits behind a read under way; from the create's row the partition answers at once,
   * with what every kind of rule reads (tags, custom fields, address, consent).
   */
  @Test
  void aCustomerCreatedThroughTheApiIsTestedFromItsCreateWithoutReadingItBack() throws Exception {
    String vip = shop.dynamicSegment("VIP", rules(cond("tags", "contains", "vip")));
    String pro = shop.dynamicSegment("Pro plan", rules(cond("metadata.plan", "eq", "pro")));
    String lyon = shop.dynamicSegment("Lyon", rules(cond("address.city", "eq", "lyon"),
        cond("email_consent", "eq", true)));
    String c;
    try (java.sql.Connection lock = io.shoal.testing.TestDatabase.connect(server.databaseUrl())) {
      lock.setAutoCommit(false);
      lock.createStatement().execute("LOCK TABLE customer_eval_state IN ACCESS EXCLUSIVE MODE");
      c = shop.newCustomer(new JsonObject().put("email", "created-lyon@example.com")
          .put("tags", new JsonArray().add("vip")).put("email_consent", true)
          .put("metadata", new JsonObject().put("plan", "pro").put("seats", "3"))
          .put("address", new JsonObject().put("city", "Lyon").put("country", "FR")));
      for (String segment : List.of(vip, pro, lyon)) {
        JsonObject e = shop.api().get(shop.path("/segments/" + segment + "/explain?customer_id=" + c)).expect(200);
        assertEquals(true, e.getBoolean("matches"), e::encode);
        assertEquals(true, e.getBoolean("member"), e::encode);
      }
      lock.rollback();
    }
    shop.awaitMembers(vip, Set.of(c));
    shop.awaitMembers(pro, Set.of(c));
    shop.awaitMembers(lyon, Set.of(c));
  }

  /**
   * A new customer's evaluation state row is written only when its tests left something to keep
   * (issue 17, thirty-third pass): one that entered no segment and has nothing scheduled has none
   * (a get shows it the same), until something is kept for it; one that entered a segment has one.
   */
  @Test
  void aCreatedCustomerGetsAStateRowOnlyWhenItsTestsLeaveSomethingToKeep() {
    String vip = shop.dynamicSegment("VIP", rules(cond("tags", "contains", "vip")));
    String plain = shop.newCustomer(new JsonObject().put("email", "plain-new@example.com")
        .put("tags", new JsonArray().add("regular")));
    String member = shop.newCustomer(new JsonObject().put("email", "vip-new@example.com")
        .put("tags", new JsonArray().add("vip")));
    shop.awaitMembers(vip, Set.of(member));
    // answered after the create's evaluation (behind it on its partition)
    JsonObject e = shop.api().get(shop.path("/segments/" + vip + "/explain?customer_id=" + plain)).expect(200);
    assertEquals(false, e.getBoolean("member"), e::encode);
    assertEquals(List.of("0"), stateRows(plain), "no state row for a new customer with nothing to keep");
    assertEquals(List.of("1"), stateRows(member), "the member's memberships are kept in its row");
    JsonObject got = shop.customer(plain);
    assertEquals(new JsonArray().add("regular"), got.getJsonArray("tags"));
    assertNull(got.getValue("last_seen_at"));

    shop.patchCustomer(plain, new JsonObject().put("tags", new JsonArray().add("vip")));
    shop.awaitMembers(vip, Set.of(plain, member));
    assertEquals(List.of("1"), stateRows(plain));
  }

  private List<String> stateRows(String customerId) {
    return io.shoal.testing.TestDatabase.column(server.databaseUrl(),
        "SELECT count(*) FROM customer_eval_state WHERE customer_id = '" + customerId + "'");
  }

  @Test
  void customFieldsAndAddressRulesFollowProfileEdits() {
    String pro = shop.dynamicSegment("Pro plan", rules(cond("metadata.plan", "eq", "pro")));
    String lyon = shop.dynamicSegment("Lyon, France", rules(cond("address.city", "eq", "lyon"),
        cond("address.country", "in", new JsonArray().add("FR").add("BE"))));
    String c = shop.newCustomer(new JsonObject().put("email", "fields@example.com")
        .put("metadata", new JsonObject().put("plan", "free").put("source", "ads")));
    shop.barrier(c);
    assertEquals(Set.of(), shop.members(pro));

    shop.patchCustomer(c, new JsonObject().put("metadata", new JsonObject().put("plan", "pro")));
    shop.awaitMembers(pro, Set.of(c));
    shop.patchCustomer(c, new JsonObject().put("address", new JsonObject().put("city", "Lyon").put("country", "FR")));
    shop.awaitMembers(lyon, Set.of(c));
    shop.patchCustomer(c, new JsonObject().put("metadata", new JsonObject().put("plan", null)));
    shop.awaitMembers(pro, Set.of());
    shop.patchCustomer(c, new JsonObject().put("address", new JsonObject().put("city", "Paris").put("country", "FR")));
    shop.awaitMembers(lyon, Set.of());

    // The same profile fields carried by an event count the same.
    shop.send(event("customer.updated", null, new JsonObject()).put("customer", new JsonObject()
        .put("email", "fields@example.com").put("metadata", new JsonObject().put("plan", "PRO"))));
    shop.awaitMembers(pro, Set.of(c));
  }

  @Test
  void boughtAProductWithinDaysAndACategoryAtLeastTwice() {
    String red = shop.dynamicSegment("Red sneaker this week", rules(new JsonObject().put("bought", new JsonObject()
        .put("product_ids", new JsonArray().add("sku-red")).put("within_days", 7))));
    String shoes = shop.dynamicSegment("Shoe lovers", rules(new JsonObject().put("bought", new JsonObject()
        .put("category_ids", new JsonArray().add("shoes")).put("min_count", 2))));
    String recent = shop.newCustomer("recent@example.com");
    String old = shop.newCustomer("old@example.com");
    String other = shop.newCustomer("other@example.com");

    shop.send(by(order("r-1", "80.00", daysAgo(2), "sku-red", "shoes"), recent));
    shop.send(by(order("o-1", "80.00", daysAgo(10), "sku-red", "shoes"), old));
    shop.send(by(order("x-1", "20.00", daysAgo(1), "sku-blue", "shoes", "sku-cap", "hats"), other));
    shop.awaitMembers(red, Set.of(recent));
    shop.awaitOrders(old, 1);
    shop.awaitOrders(other, 1);
    assertEquals(Set.of(), shop.members(shoes), "one shoe order each");

    shop.send(by(order("o-2", "90.00", daysAgo(1), "sku-red", "shoes"), old));
    shop.awaitMembers(red, Set.of(recent, old));
    shop.awaitMembers(shoes, Set.of(old));
    shop.send(by(cancel("o-2", hoursAgo(2)), old));
    shop.awaitMembers(red, Set.of(recent));
    shop.awaitMembers(shoes, Set.of());
    shop.send(by(order("x-2", "20.00", hoursAgo(1), "sku-green", "shoes"), other));
    shop.awaitMembers(shoes, Set.of(other));
  }

  @Test
  void performedAnEventAtLeastKTimesWithinNDays() {
    String browsers = shop.dynamicSegment("Browsed 3+ times today", rules(new JsonObject().put("performed",
        new JsonObject().put("event", "page.viewed").put("within_days", 1).put("at_least", 3))));
    String noTickets = shop.dynamicSegment("No ticket this month", rules(
        cond("total_orders", "gte", 1),
        new JsonObject().put("performed", new JsonObject().put("event", "custom.support_ticket")
            .put("within_days", 30).put("at_most", 0))));
    String active = shop.newCustomer("active@example.com");
    String stale = shop.newCustomer("stale@example.com");
    for (int i = 1; i <= 3; i++) {
      shop.send(by(pageView("/old/" + i, daysAgo(2).minusSeconds(i)), stale));
    }
    shop.send(by(pageView("/a", hoursAgo(3)), active));
    shop.send(by(pageView("/b", hoursAgo(2)), active));
    shop.barrier(active);
    shop.barrier(stale);
    assertEquals(Set.of(), shop.members(browsers), "two recent views, and three old ones, are not enough");

    shop.send(by(pageView("/c", hoursAgo(1)), active));
    shop.awaitMembers(browsers, Set.of(active));

    shop.send(by(order("1", "10.00", hoursAgo(5)), active));
    shop.send(by(order("2", "10.00", hoursAgo(5)), stale));
    shop.send(by(event("custom.support_ticket", daysAgo(40), new JsonObject()), stale));
    shop.awaitMembers(noTickets, Set.of(active, stale));
    shop.send(by(event("custom.support_ticket", daysAgo(3), new JsonObject()), stale));
    shop.awaitMembers(noTickets, Set.of(active));
  }

  @Test
  void nestedAnyAllAndNotFollowEveryFieldTheyRead() {
    // (spent >= 100 and tagged vip) or not (email consent given)
    String id = shop.dynamicSegment("Nested", rules(new JsonObject().put("any", new JsonArray()
        .add(new JsonObject().put("all", new JsonArray()
            .add(cond("total_spent", "gte", 100))
            .add(cond("tags", "contains", "vip"))))
        .add(new JsonObject().put("not", cond("email_consent", "eq", true))))));
    String a = shop.newCustomer(new JsonObject().put("email", "a@example.com").put("email_consent", true)
        .put("tags", new JsonArray().add("vip")));
    String b = shop.newCustomer(new JsonObject().put("email", "b@example.com").put("email_consent", true));
    String c = shop.newCustomer(new JsonObject().put("email", "c@example.com").put("email_consent", false));
    String d = shop.newCustomer(new JsonObject().put("email", "d@example.com").put("email_consent", true)
        .put("tags", new JsonArray().add("vip")));
    shop.send(by(order("a", "150.00", daysAgo(1)), a));
    shop.send(by(order("b", "150.00", daysAgo(1)), b));
    shop.send(by(order("d", "50.00", daysAgo(1)), d));
    shop.awaitMembers(id, Set.of(a, c));

    shop.send(by(order("d2", "60.00", hoursAgo(1)), d));
    shop.awaitMembers(id, Set.of(a, c, d));
    shop.patchCustomer(b, new JsonObject().put("tags", new JsonArray().add("vip")));
    shop.awaitMembers(id, Set.of(a, b, c, d));
    shop.patchCustomer(c, new JsonObject().put("email_consent", true));
    shop.awaitMembers(id, Set.of(a, b, d));
    shop.send(by(refund("a", "60.00", hoursAgo(1)), a));
    shop.awaitMembers(id, Set.of(b, d));
  }

  /**
   * Many customers, many kinds of events and edits, and segments over every kind of field: the
   * members kept event by event must equal a full evaluation of the same rules from scratch
   * (preview), and the test's own count.
   */
  @Test
  void membersKeptEventByEventEqualAFullEvaluation() {
    Map<String, JsonArray> definitions = new LinkedHashMap<>();
    definitions.put("cart_over_20", rules(cond("cart.value", "gte", 20)));
    definitions.put("cart_two_items", rules(cond("cart.item_count", "gte", 2)));
    definitions.put("aov_over_30", rules(cond("average_order_value", "gt", 30)));
    definitions.put("bought_p1", rules(cond("products_bought", "contains", "p1")));
    definitions.put("category_c2", rules(cond("categories_bought", "contains", "c2")));
    definitions.put("gold_tag_or_two_orders", rules(new JsonObject().put("any", new JsonArray()
        .add(cond("tags", "contains", "gold")).add(cond("total_orders", "gte", 2)))));
    definitions.put("viewed_twice", rules(new JsonObject().put("performed", new JsonObject()
        .put("event", "page.viewed").put("within_days", 7).put("at_least", 2))));
    definitions.put("source_ads", rules(cond("metadata.source", "eq", "ads")));
    Map<String, String> segments = new LinkedHashMap<>();
    definitions.forEach((name, r) -> segments.put(name, shop.dynamicSegment(name, r)));

    Random random = new Random(11);
    List<String> customers = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      customers.add(shop.newCustomer("mix" + i + "@example.com"));
    }
    List<JsonObject> batch = new ArrayList<>();
    for (int n = 0; n < 400; n++) {
      String c = customers.get(random.nextInt(customers.size()));
      Instant at = now.minusSeconds(3600L * 24 * 5).plusSeconds(n * 60L);
      JsonObject e = switch (random.nextInt(6)) {
        case 0 -> order("o" + n, (5 + random.nextInt(60)) + ".00", at, "p" + random.nextInt(3), "c" + random.nextInt(3));
        case 1 -> cart("cart-" + n, (random.nextInt(40)) + ".00", 1 + random.nextInt(3), at);
        case 2 -> pageView("/p/" + n, at);
        case 3 -> refund("o" + (n - 1 - random.nextInt(5)), "3.00", at);
        case 4 -> event("custom.clicked", at, new JsonObject());
        default -> order("o" + n, "45.00", at);
      };
      batch.add(by(e, c));
      if (batch.size() == 50) {
        assertEquals(50, shop.sendBatch(batch).getInteger("accepted"));
        batch.clear();
      }
      if (n % 40 == 0) {
        shop.patchCustomer(customers.get(random.nextInt(customers.size())), new JsonObject()
            .put("tags", random.nextBoolean() ? new JsonArray().add("gold") : new JsonArray())
            .put("metadata", new JsonObject().put("source", random.nextBoolean() ? "ads" : "seo")));
      }
    }
    customers.forEach(shop::barrier);

    Set<String> checked = new HashSet<>();
    segments.forEach((name, id) -> {
      long full = shop.api().post(shop.path("/segments/preview"), new JsonObject().put("rules", definitions.get(name)))
          .expect(200).getLong("member_count");
      Set<String> members = shop.members(id);
      assertEquals(full, members.size(), name + ": incremental members " + members.size() + ", full evaluation " + full);
      assertEquals(full, shop.segment(id).getLong("customer_count"), name);
      if (members.size() > 0 && members.size() < customers.size()) {
        checked.add(name);
      }
    });
    assertEquals(true, checked.size() >= 5, "most segments should split the customers, not hold all or none: " + checked);
  }

  private static List<String> types(List<JsonObject> transitions) {
    return transitions.stream().map(t -> t.getString("type")).toList();
  }
}
