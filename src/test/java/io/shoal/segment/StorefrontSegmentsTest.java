package io.shoal.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.engine.support.Events;
import io.shoal.engine.support.StoreDriver;
import io.shoal.testing.ApiClient;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
 * Seed 004 in Shoal's API: segment fields (localized texts, validity, status, site), search,
 * item and customer assignments, a customer's items and category tree, and that none of it
 * crosses stores.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StorefrontSegmentsTest {

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
    store = server.createStore("Storefront");
    api = store.api();
  }

  private static MultiMap headers(String... namesAndValues) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      h.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return h;
  }

  private JsonObject staticSegment(JsonObject fields) {
    return api.post(store.path("/segments"), fields.copy().put("type", "static")).expect(201);
  }

  private String customer(String email) {
    return store.createCustomer(new JsonObject().put("email", email)).getString("id");
  }

  // --- segment fields ------------------------------------------------------------------------

  @Test
  void theSeedsSegmentWithLocalizedTextsValidityStatusAndSiteIsServed() {
    // seed 004's create, in Shoal's names
    JsonObject body = new JsonObject()
        .put("name", new JsonObject().put("en", "Golden Segment").put("de", "Goldenes Segment"))
        .put("description", new JsonObject().put("en", "Our best customers").put("de", "Unsere besten Kunden"))
        .put("validity", new JsonObject().put("from", "2024-04-17T08:00:00.000Z").put("to", "2099-04-17T08:00:00.000Z"))
        .put("status", "ACTIVE")
        .put("site_code", "main")
        .put("type", "static");
    JsonObject seg = api.withHeaders(HttpMethod.POST, store.path("/segments"), headers("Content-Language", "en"), body)
        .expect(201);
    assertEquals("Golden Segment", seg.getString("name"));
    assertEquals("Our best customers", seg.getString("description"));
    assertEquals("Goldenes Segment", seg.getJsonObject("localized_name").getString("de"));
    assertEquals("2024-04-17T08:00:00.000Z", seg.getJsonObject("validity").getString("from"));
    assertEquals("active", seg.getString("status"));
    assertEquals("main", seg.getString("site_code"));
    assertTrue(seg.getBoolean("active"));

    String id = seg.getString("id");
    JsonObject german = api.withHeaders(HttpMethod.GET, store.path("/segments/" + id),
        headers("Accept-Language", "fr-CH, de;q=0.9, en;q=0.8"), null).expect(200);
    assertEquals("Goldenes Segment", german.getString("name"));
    assertEquals("Unsere besten Kunden", german.getString("description"));
    assertEquals("de", german.getString("language"));

    // a plain string with Content-Language sets one language and keeps the others
    JsonObject renamed = api.withHeaders(HttpMethod.PATCH, store.path("/segments/" + id),
        headers("Content-Language", "de"), new JsonObject().put("name", "Gold-Segment")).expect(200);
    assertEquals("Golden Segment", renamed.getString("name"), "the default language (en) is unchanged");
    assertEquals("Gold-Segment", renamed.getJsonObject("localized_name").getString("de"));

    // seed 001's shape still reads a plain name
    JsonObject cs = api.get(store.path("/customer-segments/" + id)).expect(200);
    assertEquals("Golden Segment", cs.getString("name"));

    // a plain string with no language still works as before
    JsonObject plain = api.post(store.path("/segments"), new JsonObject().put("name", "Plain").put("type", "static"))
        .expect(201);
    assertEquals("Plain", plain.getString("name"));
    assertEquals("active", plain.getString("status"));
    assertNull(plain.getJsonObject("validity").getString("from"));
  }

  @Test
  void badStorefrontFieldsAre400sAndWriteNothing() {
    api.post(store.path("/segments"), new JsonObject().put("name", "x").put("type", "static")
        .put("validity", new JsonObject().put("from", "2025-01-02T00:00:00Z").put("to", "2025-01-01T00:00:00Z")))
        .expectError(400, "parameter_invalid");
    api.post(store.path("/segments"), new JsonObject().put("name", "x").put("type", "static").put("status", "maybe"))
        .expectError(400, null);
    api.post(store.path("/segments"), new JsonObject().put("name", new JsonObject()).put("type", "static"))
        .expectError(400, null);
    api.post(store.path("/segments"), new JsonObject().put("name", "x").put("type", "static")
        .put("validity", new JsonObject().put("from", "yesterday"))).expectError(400, "parameter_invalid");
    assertEquals(0, api.get(store.path("/segments")).page().size());
  }

  // --- search ----------------------------------------------------------------------------------

  @Test
  void searchFindsBySiteStatusWordsAndActivityWithTotalsAndBothKindsOfPaging() {
    for (int i = 0; i < 5; i++) {
      staticSegment(new JsonObject().put("name", "Main golden " + i).put("site_code", "main"));
    }
    staticSegment(new JsonObject().put("name", "Outlet golden").put("site_code", "outlet"));
    staticSegment(new JsonObject().put("name", "Main paused").put("site_code", "main").put("status", "inactive"));
    staticSegment(new JsonObject().put("name", "Main expired").put("site_code", "main")
        .put("validity", new JsonObject().put("to", "2020-01-01T00:00:00Z")));

    ApiResponse all = api.withHeaders(HttpMethod.POST, store.path("/segments/search?limit=3"),
        headers("X-Total-Count", "true"), new JsonObject().put("q", "siteCode:main"));
    JsonObject first = all.expect(200);
    assertEquals(7, first.getInteger("total_count"));
    assertEquals("7", all.header("X-Total-Count"));
    assertEquals(3, first.getJsonArray("data").size());
    List<String> names = new ArrayList<>();
    first.getJsonArray("data").forEach(o -> names.add(((JsonObject) o).getString("name")));
    String cursor = first.getString("next_cursor");
    while (cursor != null) {
      JsonObject page = api.post(store.path("/segments/search?limit=3&cursor=" + cursor),
          new JsonObject().put("q", "site_code:main")).expect(200);
      page.getJsonArray("data").forEach(o -> names.add(((JsonObject) o).getString("name")));
      cursor = page.getString("next_cursor");
    }
    assertEquals(7, names.size());
    assertEquals(7, names.stream().distinct().count());

    JsonObject byNumber = api.post(store.path("/segments/search?page_size=2&page_number=3"),
        new JsonObject().put("q", "site_code:main")).expect(200);
    assertEquals(2, byNumber.getJsonArray("data").size());
    assertEquals(names.subList(4, 6), List.of(byNumber.getJsonArray("data").getJsonObject(0).getString("name"),
        byNumber.getJsonArray("data").getJsonObject(1).getString("name")));

    JsonObject golden = api.post(store.path("/segments/search"), new JsonObject().put("q", "golden status:active"))
        .expect(200);
    assertEquals(6, golden.getJsonArray("data").size());
    JsonObject live = api.post(store.path("/segments/search"), new JsonObject().put("q", "site_code:main active:true"))
        .expect(200);
    assertEquals(5, live.getJsonArray("data").size(), "paused and expired segments are not live");
    JsonObject none = api.post(store.path("/segments/search"), new JsonObject().put("q", "50%")).expect(200);
    assertEquals(0, none.getJsonArray("data").size(), "% is a character, not a wildcard");

    api.post(store.path("/segments/search"), new JsonObject().put("q", "colour:red")).expectError(400, "parameter_invalid");
    api.post(store.path("/segments/search?cursor=nonsense"), new JsonObject()).expectError(400, "cursor_invalid");

    TestStore other = server.createStore("Other");
    JsonObject foreign = other.api().post(other.path("/segments/search"), new JsonObject().put("q", "golden")).expect(200);
    assertEquals(0, foreign.getJsonArray("data").size());
    other.api().post(store.path("/segments/search"), new JsonObject()).expectError(404, "resource_missing");
  }

  // --- item and customer assignments ---------------------------------------------------------

  @Test
  void itemsAreAssignedOneByOneAndInBulkWithAttributesListedAndRemoved() {
    String seg = staticSegment(new JsonObject().put("name", "Premium")).getString("id");
    JsonObject one = api.put(store.path("/segments/" + seg + "/items/PRODUCT/p-1"), new JsonObject()
        .put("mixins", new JsonObject().put("segmentAttributes", new JsonObject().put("membershipStatus", "PREMIUM"))))
        .expect(200);
    assertEquals("product", one.getString("type"));
    assertEquals("PREMIUM", one.getJsonObject("attributes").getJsonObject("segmentAttributes")
        .getString("membershipStatus"));

    JsonArray bulk = new JsonArray();
    for (int i = 0; i < 30; i++) {
      bulk.add(new JsonObject().put("type", i % 3 == 0 ? "category" : "product").put("item_id", "i-" + i)
          .put("attributes", new JsonObject().put("rank", i)));
    }
    bulk.add(new JsonObject().put("type", "product").put("item_id", "p-1")
        .put("attributes", new JsonObject().put("membership_status", "gold")));
    assertEquals(31, api.post(store.path("/segments/" + seg + "/items/bulk"), new JsonObject().put("items", bulk))
        .expect(200).getInteger("upserted"));
    JsonObject p1 = api.get(store.path("/segments/" + seg + "/items?type=product&limit=100")).expect(200)
        .getJsonArray("data").stream().map(JsonObject.class::cast).filter(o -> o.getString("item_id").equals("p-1"))
        .findFirst().orElseThrow();
    assertEquals("gold", p1.getJsonObject("attributes").getString("membership_status"), "bulk is an upsert");

    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = api.get(store.path("/segments/" + seg + "/items?limit=7" + (cursor == null ? "" : "&cursor=" + cursor)))
          .expect(200);
      page.getJsonArray("data").forEach(o -> seen.add(((JsonObject) o).getString("type") + "/"
          + ((JsonObject) o).getString("item_id")));
      cursor = page.getString("next_cursor");
    } while (cursor != null);
    assertEquals(31, seen.size());
    assertEquals(31, seen.stream().distinct().count());

    api.delete(store.path("/segments/" + seg + "/items/product/p-1")).expect(200);
    api.delete(store.path("/segments/" + seg + "/items/product/p-1")).expectError(404, "resource_missing");
    api.put(store.path("/segments/" + seg + "/items/service/x"), new JsonObject()).expectError(400, null);
    // a bad row anywhere in a bulk writes nothing
    api.post(store.path("/segments/" + seg + "/items/bulk"), new JsonObject().put("items", new JsonArray()
        .add(new JsonObject().put("type", "product").put("item_id", "new-1"))
        .add(new JsonObject().put("type", "product").put("item_id", "new-2").put("attributes", "flat"))))
        .expectError(400, null);
    assertEquals(30, count(store.path("/segments/" + seg + "/items?limit=100")));

    TestStore other = server.createStore("Other");
    other.api().put(store.path("/segments/" + seg + "/items/product/x"), new JsonObject()).expectError(404, "resource_missing");
    other.api().put(other.path("/segments/" + seg + "/items/product/x"), new JsonObject()).expectError(404, "resource_missing");
  }

  @Test
  void customersAreAssignedWithLegalEntitiesAndAttributesOnlyToStaticSegments() {
    String seg = staticSegment(new JsonObject().put("name", "B2B")).getString("id");
    String a = customer("a@example.com");
    String b = customer("b@example.com");
    JsonObject m = api.put(store.path("/segments/" + seg + "/customers/" + a), new JsonObject()
        .put("legal_entity_id", "le-1").put("attributes", new JsonObject().put("membership_status", "premium")))
        .expect(200);
    assertEquals("le-1", m.getString("legal_entity_id"));
    assertEquals("premium", m.getJsonObject("attributes").getString("membership_status"));
    JsonObject bulk = api.post(store.path("/segments/" + seg + "/customers/bulk"), new JsonObject().put("customers",
        new JsonArray().add(new JsonObject().put("customer_id", a).put("legal_entity_id", "le-2"))
            .add(new JsonObject().put("customer_id", b)))).expect(200);
    assertEquals(1, bulk.getInteger("added"));
    assertEquals(1, bulk.getInteger("updated"));
    assertEquals(2, bulk.getInteger("member_count"));
    List<JsonObject> members = api.get(store.path("/segments/" + seg + "/members")).page();
    JsonObject ma = members.stream().filter(x -> x.getString("customer_id").equals(a)).findFirst().orElseThrow();
    assertEquals("le-2", ma.getString("legal_entity_id"));

    api.post(store.path("/segments/" + seg + "/customers/bulk"), new JsonObject().put("customers",
        new JsonArray().add(new JsonObject().put("customer_id", "cust_nobody")))).expectError(400, "customer_unknown");
    api.put(store.path("/segments/" + seg + "/customers/cust_nobody"), new JsonObject()).expectError(404, "resource_missing");
    api.delete(store.path("/segments/" + seg + "/customers/" + b)).expect(200);
    assertEquals(1, api.get(store.path("/segments/" + seg + "/members")).page().size());

    String dynamic = api.post(store.path("/segments"), new JsonObject().put("name", "Rules").put("rules",
        new JsonArray().add(new JsonObject().put("field", "total_orders").put("operator", "gte").put("value", 1))))
        .expect(201).getString("id");
    api.put(store.path("/segments/" + dynamic + "/customers/" + a), new JsonObject()).expectError(400, "segment_not_static");

    TestStore other = server.createStore("Other");
    other.api().put(other.path("/segments/" + seg + "/customers/" + a), new JsonObject()).expectError(404, "resource_missing");
  }

  // --- one customer's items and tree -----------------------------------------------------------

  @Test
  void aCustomerSeesTheItemsOfItsLiveSegmentsFilteredBySiteTypeAndLegalEntity() {
    String c = customer("shopper@example.com");
    String main = staticSegment(new JsonObject().put("name", "Main").put("site_code", "main")).getString("id");
    String outlet = staticSegment(new JsonObject().put("name", "Outlet").put("site_code", "outlet")).getString("id");
    String paused = staticSegment(new JsonObject().put("name", "Paused").put("status", "inactive")).getString("id");
    String future = staticSegment(new JsonObject().put("name", "Later")
        .put("validity", new JsonObject().put("from", "2099-01-01T00:00:00Z"))).getString("id");
    String b2b = staticSegment(new JsonObject().put("name", "Wholesale")).getString("id");
    String notMine = staticSegment(new JsonObject().put("name", "Others")).getString("id");
    for (String s : List.of(main, outlet, paused, future)) {
      api.put(store.path("/segments/" + s + "/customers/" + c), new JsonObject()).expect(200);
    }
    api.put(store.path("/segments/" + b2b + "/customers/" + c), new JsonObject().put("legal_entity_id", "le-9")).expect(200);
    for (String s : List.of(main, outlet, paused, future, b2b, notMine)) {
      api.put(store.path("/segments/" + s + "/items/product/p-" + s), new JsonObject()).expect(200);
      api.put(store.path("/segments/" + s + "/items/category/c-" + s), new JsonObject()).expect(200);
    }
    List<String> live = items(c, "");
    assertEquals(List.of(b2b, b2b, main, main, outlet, outlet).stream().sorted().toList(),
        live.stream().map(x -> x.split("\\|")[0]).sorted().toList(), "only live segments the customer is in: " + live);
    assertEquals(2, items(c, "&site_code=main").size());
    assertEquals(3, items(c, "&type=product").size());
    assertEquals(3, items(c, "&q=type:CATEGORY").size());
    assertEquals(4, items(c, "&legal_entity_id=le-1").size(), "another legal entity's membership does not count");
    assertEquals(10, items(c, "&only_active=false").size());

    // paging is stable and complete
    List<String> paged = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = api.get(store.customer(c) + "/segment-items?limit=4&only_active=false"
          + (cursor == null ? "" : "&cursor=" + cursor)).expect(200);
      page.getJsonArray("data").forEach(o -> paged.add(((JsonObject) o).getString("segment_id") + "|"
          + ((JsonObject) o).getString("item_id")));
      cursor = page.getString("next_cursor");
    } while (cursor != null);
    assertEquals(items(c, "&only_active=false"), paged);

    api.get(store.customer("cust_nobody") + "/segment-items").expectError(404, "resource_missing");
    TestStore other = server.createStore("Other");
    other.api().get(other.customer(c) + "/segment-items").expectError(404, "resource_missing");
  }

  /**
   * A customer's items page by a keyset over (segment, type, item): from any position, at a
   * segment's boundary or inside it, with a type filter, and past a segment that is not live,
   * the pages together are the whole list once, in order.
   */
  @Test
  void aCustomersItemsPageFromAnyPositionWithoutGapsOrRepeats() {
    String c = customer("pager@example.com");
    List<String> mine = new ArrayList<>();
    for (int n = 0; n < 4; n++) {
      String seg = staticSegment(new JsonObject().put("name", "Pager " + n).put("status", n == 2 ? "inactive" : "active"))
          .getString("id");
      mine.add(seg);
      api.put(store.path("/segments/" + seg + "/customers/" + c), new JsonObject()).expect(200);
      JsonArray bulk = new JsonArray();
      for (int i = 0; i < 12; i++) {
        bulk.add(new JsonObject().put("type", i % 3 == 0 ? "category" : "product").put("item_id", "x" + (10 + i)));
      }
      api.post(store.path("/segments/" + seg + "/items/bulk"), new JsonObject().put("items", bulk)).expect(200);
    }
    String notMine = staticSegment(new JsonObject().put("name", "Not mine")).getString("id");
    api.put(store.path("/segments/" + notMine + "/items/product/x10"), new JsonObject()).expect(200);

    List<String> all = items(c, "");
    assertEquals(36, all.size(), "3 live segments of 12 items: " + all);
    assertEquals(36, all.stream().distinct().count());
    assertTrue(all.stream().noneMatch(x -> x.startsWith(mine.get(2) + "|") || x.startsWith(notMine + "|")), all.toString());
    List<String> products = items(c, "&type=product");
    assertEquals(24, products.size());
    for (int size : new int[] {1, 5, 11, 12, 13, 36}) {
      assertEquals(all, paged(c, "", size), "pages of " + size);
      assertEquals(products, paged(c, "&type=product", size), "product pages of " + size);
    }
    assertEquals(48, paged(c, "&only_active=false", 7).size(), "the paused segment's items when asked for");
  }

  private List<String> paged(String customerId, String query, int size) {
    List<String> out = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = api.get(store.customer(customerId) + "/segment-items?limit=" + size + query
          + (cursor == null ? "" : "&cursor=" + cursor)).expect(200);
      page.getJsonArray("data").forEach(o -> out.add(((JsonObject) o).getString("segment_id") + "|"
          + ((JsonObject) o).getString("item_id")));
      cursor = page.getString("next_cursor");
    } while (cursor != null && out.size() < 1000);
    return out;
  }

  private List<String> items(String customerId, String query) {
    List<String> out = new ArrayList<>();
    api.get(store.customer(customerId) + "/segment-items?limit=100" + query).expect(200).getJsonArray("data")
        .forEach(o -> out.add(((JsonObject) o).getString("segment_id") + "|" + ((JsonObject) o).getString("item_id")));
    return out;
  }

  private int count(String path) {
    return api.get(path).expect(200).getJsonArray("data").size();
  }

  @Test
  void theCategoryTreeShowsAssignedCategoriesUnderTheirAncestorsAsLabels() {
    api.put(store.path("/catalog/categories/clothing"), new JsonObject()
        .put("name", new JsonObject().put("en", "Clothing").put("de", "Kleidung"))).expect(200);
    api.put(store.path("/catalog/categories/women"), new JsonObject().put("name", "Women").put("parent_id", "clothing"))
        .expect(200);
    api.put(store.path("/catalog/categories/dresses"), new JsonObject().put("name", "Dresses").put("parent_id", "women"))
        .expect(200);
    api.put(store.path("/catalog/categories/shoes"), new JsonObject().put("name", "Shoes").put("parent_id", "clothing"))
        .expect(200);
    api.put(store.path("/catalog/categories/toys"), new JsonObject().put("name", "Toys")).expect(200);
    String c = customer("tree@example.com");
    String seg = staticSegment(new JsonObject().put("name", "Dress lovers")).getString("id");
    String seg2 = staticSegment(new JsonObject().put("name", "Shoe lovers")).getString("id");
    api.put(store.path("/segments/" + seg + "/customers/" + c), new JsonObject()).expect(200);
    api.put(store.path("/segments/" + seg2 + "/customers/" + c), new JsonObject()).expect(200);
    api.put(store.path("/segments/" + seg + "/items/category/dresses"), new JsonObject()).expect(200);
    api.put(store.path("/segments/" + seg2 + "/items/category/shoes"), new JsonObject()).expect(200);
    api.put(store.path("/segments/" + seg2 + "/items/category/dresses"), new JsonObject()).expect(200);

    JsonObject tree = api.withHeaders(HttpMethod.GET, store.customer(c) + "/category-tree",
        headers("Accept-Language", "de"), null).expect(200);
    JsonArray roots = tree.getJsonArray("data");
    assertEquals(1, roots.size(), tree.encodePrettily());
    JsonObject clothing = roots.getJsonObject(0);
    assertEquals("clothing", clothing.getString("id"));
    assertEquals("Kleidung", clothing.getString("name"));
    assertFalse(clothing.getBoolean("assigned"), "a parent shown for a subcategory only carries the label");
    JsonArray below = clothing.getJsonArray("children");
    assertEquals(2, below.size());
    JsonObject shoes = below.stream().map(JsonObject.class::cast).filter(n -> n.getString("id").equals("shoes"))
        .findFirst().orElseThrow();
    assertTrue(shoes.getBoolean("assigned"));
    JsonObject women = below.stream().map(JsonObject.class::cast).filter(n -> n.getString("id").equals("women"))
        .findFirst().orElseThrow();
    assertFalse(women.getBoolean("assigned"));
    JsonObject dresses = women.getJsonArray("children").getJsonObject(0);
    assertEquals("dresses", dresses.getString("id"));
    assertTrue(dresses.getBoolean("assigned"));
    assertEquals(2, dresses.getJsonArray("segment_ids").size());

    // once the shoe segment is paused, its category leaves the tree
    api.patch(store.path("/segments/" + seg2), new JsonObject().put("status", "inactive")).expect(200);
    JsonObject after = api.get(store.customer(c) + "/category-tree").expect(200);
    JsonObject clothing2 = after.getJsonArray("data").getJsonObject(0);
    assertEquals(1, clothing2.getJsonArray("children").size());
    assertEquals("women", clothing2.getJsonArray("children").getJsonObject(0).getString("id"));
  }

  // --- validity and dynamic evaluation ---------------------------------------------------------

  @Test
  void outsideItsValidityADynamicSegmentAnnouncesNoEnterButKeepsItsMembersForWhenItIsLive() {
    StoreDriver shop = new StoreDriver(store);
    JsonArray rules = new JsonArray().add(new JsonObject().put("field", "total_orders").put("operator", "gte")
        .put("value", 1));
    String later = shop.createSegment(new JsonObject().put("name", "Later buyers").put("rules", rules)
        .put("validity", new JsonObject().put("from", "2099-01-01T00:00:00Z"))).getString("id");
    String now = shop.createSegment(new JsonObject().put("name", "Buyers").put("rules", rules)).getString("id");
    shop.awaitSynced(later);
    shop.awaitSynced(now);
    String c = shop.newCustomer("buyer@example.com");
    Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    shop.send(Events.by(Events.order("o-1", "10.00", at), c));
    shop.awaitOrders(c, 1);
    shop.awaitMembers(now, java.util.Set.of(c));
    shop.awaitMembers(later, java.util.Set.of(c));
    shop.barrier(c);
    assertEquals(1, shop.transitions(now, c).size(), "the live segment announced the enter");
    assertTrue(shop.transitions(later, c).isEmpty(), "the segment outside its validity announced nothing");
    // its member does not count for items while it is not live
    api.put(store.path("/segments/" + later + "/items/product/p-later"), new JsonObject()).expect(200);
    assertTrue(items(c, "").isEmpty());
    // made live, the member counts at once
    api.patch(store.path("/segments/" + later), new JsonObject().put("validity", null)).expect(200);
    assertEquals(1, items(c, "").size());
    assertNotNull(api.get(store.path("/segments/" + later)).expect(200).getBoolean("active"));
  }
}
