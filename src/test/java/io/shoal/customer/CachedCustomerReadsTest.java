package io.shoal.customer;

import static io.shoal.engine.support.Events.by;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.AutomationConfig;
import io.shoal.config.ShoalConfig;
import io.shoal.engine.support.Events;
import io.shoal.engine.support.Poll;
import io.shoal.testing.ApiClient;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * GET of a customer by id, answered from the cache of encoded customers, after every kind of
 * write: the next get shows the write (at once for the API's own writes; as soon as the
 * evaluator or the automation committed theirs). Every test runs on a server with the cache
 * (the default) and on one with {@code SHOAL_CUSTOMER_CACHE_BYTES=0}, which answer the same.
 * Before each write the customer is read twice, so a cached answer is there to go stale.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class CachedCustomerReadsTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String SHOP = "https://shop.example.com";

  private static TestServer cached;
  private static TestServer uncached;

  @BeforeAll
  static void start() {
    cached = TestServer.start(Map.of(AutomationConfig.POLL_INTERVAL_MS, "200"));
    uncached = TestServer.start(Map.of(AutomationConfig.POLL_INTERVAL_MS, "200", ShoalConfig.CUSTOMER_CACHE_BYTES, "0"));
  }

  @AfterAll
  static void stop() {
    try {
      if (cached != null) {
        cached.close();
      }
    } finally {
      if (uncached != null) {
        uncached.close();
      }
    }
  }

  /** Runs the scenario on both servers, each with a fresh store. */
  private static void onBoth(String name, BiConsumer<TestServer, TestStore> scenario) {
    for (TestServer server : List.of(cached, uncached)) {
      scenario.accept(server, server.createStore(name));
    }
  }

  /** Reads the customer twice (the second from the cache, where there is one); both answers are the same bytes. */
  private static JsonObject warm(TestStore store, String id) {
    ApiResponse first = store.api().get(store.customer(id));
    ApiResponse second = store.api().get(store.customer(id));
    assertEquals(200, first.status(), first::text);
    assertEquals(first.text(), second.text());
    assertEquals("application/json", second.header("Content-Type"));
    return second.json();
  }

  /**
   * Waits until the visitor's first event is evaluated (its last_seen_at written): {@link #warm}'s two
   * reads must not straddle that write (seen once: they differed in last_seen_at).
   */
  private static void seen(TestStore store, String id) {
    Poll.until("the visitor's first event evaluated", WAIT, () -> get(store, id), c -> c.getValue("last_seen_at") != null);
  }

  private static JsonObject get(TestStore store, String id) {
    return store.api().get(store.customer(id)).expect(200);
  }

  @Test
  void theCachedAnswerIsTheCreatedCustomer() {
    onBoth("same answer", (server, store) -> {
      JsonObject created = store.createCustomer(CustomersTest.fullProfile());
      assertEquals(created, warm(store, created.getString("id")));
    });
  }

  @Test
  void profileChangesAndTagsShowAtOnce() {
    onBoth("patch", (server, store) -> {
      String id = store.createCustomer(new JsonObject().put("email", "pat@example.com")
          .put("tags", new JsonArray().add("retail"))).getString("id");
      warm(store, id);
      JsonObject patched = store.api().patch(store.customer(id), new JsonObject().put("first_name", "Pat")
          .put("metadata", new JsonObject().put("tier", "gold"))).expect(200);
      assertEquals(patched, get(store, id));
      assertEquals("Pat", get(store, id).getString("first_name"));

      warm(store, id);
      store.api().patch(store.customer(id), new JsonObject().put("tags", new JsonArray().add("retail").add("vip")))
          .expect(200);
      assertEquals(new JsonArray().add("retail").add("vip"), get(store, id).getJsonArray("tags"));
      warm(store, id);
      store.api().patch(store.customer(id), new JsonObject().put("tags", new JsonArray().add("vip"))).expect(200);
      assertEquals(new JsonArray().add("vip"), get(store, id).getJsonArray("tags"));
    });
  }

  @Test
  void ordersCartsAndVisitsShowOnceTheEvaluatorWroteThem() {
    onBoth("events", (server, store) -> {
      String id = store.createCustomer(new JsonObject().put("email", "eve@example.com")).getString("id");
      JsonObject before = warm(store, id);
      assertEquals(0, before.getInteger("total_orders"));
      assertNull(before.getValue("cart"));
      Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

      send(store, by(Events.cart("cart_1", "30.00", 2, now.minusSeconds(30)), id));
      JsonObject carted = Poll.until("the cart", WAIT, () -> get(store, id), c -> c.getValue("cart") != null);
      assertEquals("cart_1", carted.getJsonObject("cart").getString("cart_id"));

      warm(store, id);
      send(store, by(Events.order("O-1", "42.50", now.minusSeconds(20)), id));
      JsonObject ordered = Poll.until("the order", WAIT, () -> get(store, id), c -> c.getInteger("total_orders") == 1);
      assertEquals(0, new java.math.BigDecimal("42.50").compareTo(new java.math.BigDecimal(ordered.getValue("total_spent").toString())));
      assertNull(ordered.getValue("cart"), "the order closed the cart");

      warm(store, id);
      send(store, by(Events.pageView("/later", now), id));
      JsonObject seen = Poll.until("the visit", WAIT, () -> get(store, id),
          c -> c.getString("last_seen_at") != null && !Instant.parse(c.getString("last_seen_at")).isBefore(now));
      assertEquals(1, seen.getInteger("total_orders"));
    });
  }

  /**
   * A list page shows each customer as a get answers it, to the byte (its customers come from the
   * same cache, or are read by key and kept): after a patch, an order the evaluator wrote and a
   * delete, the next page shows the change; its pages and cursor are the same on both servers.
   */
  @Test
  void aListShowsEachCustomerAsAGetAnswersItAfterEveryWrite() {
    onBoth("list", (server, store) -> {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ids.add(store.createCustomer(new JsonObject().put("email", "lister" + i + "@example.com")
            .put("first_name", "Lis").put("last_name", "Ter" + i).put("tags", new JsonArray().add("listed"))
            .put("metadata", new JsonObject().put("tier", "gold"))).getString("id"));
      }
      String search = store.customers() + "?search=lister";
      String tagged = store.customers() + "?tags=listed&limit=2";
      for (String id : ids) {
        warm(store, id);
      }
      assertListedAsGot(store, search, 3);
      assertListedAsGot(store, search, 3); // the second from the cache where there is one

      store.api().patch(store.customer(ids.get(1)), new JsonObject().put("first_name", "Patched")).expect(200);
      JsonObject patched = listed(store, search).stream().filter(c -> c.getString("id").equals(ids.get(1)))
          .findFirst().orElseThrow();
      assertEquals("Patched", patched.getString("first_name"));
      assertListedAsGot(store, search, 3);

      send(store, by(Events.order("O-1", "12.00", Instant.now().truncatedTo(ChronoUnit.MILLIS)), ids.get(2)));
      Poll.until("the order on the list", WAIT, () -> listed(store, search),
          page -> page.stream().anyMatch(c -> c.getString("id").equals(ids.get(2)) && c.getInteger("total_orders") == 1));
      assertListedAsGot(store, search, 3);

      // Two pages of two by tag: the cursor leads to the rest.
      JsonObject first = store.api().get(tagged).expect(200);
      assertEquals(2, first.getJsonArray("data").size());
      assertTrue(first.getBoolean("has_more"));
      JsonObject second = store.api().get(tagged + "&cursor=" + first.getString("next_cursor")).expect(200);
      assertEquals(1, second.getJsonArray("data").size());
      assertEquals(false, second.getBoolean("has_more"));
      assertNull(second.getValue("next_cursor"));
      assertEquals(List.of(ids.get(2), ids.get(1), ids.get(0)), List.of(first.getJsonArray("data").getJsonObject(0).getString("id"),
          first.getJsonArray("data").getJsonObject(1).getString("id"), second.getJsonArray("data").getJsonObject(0).getString("id")));
      JsonObject counted = store.api().get(search + "&count=true").expect(200);
      assertEquals(3L, counted.getLong("count"));
      assertEquals(false, counted.getBoolean("count_estimated"));

      store.api().delete(store.customer(ids.get(0))).expect(200);
      assertEquals(List.of(ids.get(2), ids.get(1)), listed(store, search).stream().map(c -> c.getString("id")).toList());
      assertListedAsGot(store, search, 2);
    });
  }

  private static List<JsonObject> listed(TestStore store, String path) {
    List<JsonObject> out = new ArrayList<>();
    store.api().get(path).expect(200).getJsonArray("data").forEach(o -> out.add((JsonObject) o));
    return out;
  }

  /** The page holds n customers, each the bytes a get of it answers. */
  private static void assertListedAsGot(TestStore store, String path, int n) {
    ApiResponse page = store.api().get(path);
    assertEquals(200, page.status(), page::text);
    assertEquals("application/json", page.header("Content-Type"));
    JsonArray data = page.json().getJsonArray("data");
    assertEquals(n, data.size(), page::text);
    for (int i = 0; i < n; i++) {
      ApiResponse got = store.api().get(store.customer(data.getJsonObject(i).getString("id")));
      assertEquals(got.json(), data.getJsonObject(i));
      assertTrue(page.text().contains(got.text()), () -> got.text() + " not in " + page.text());
    }
  }

  @Test
  void deletedAndErasedCustomersAre404AtOnce() {
    onBoth("delete", (server, store) -> {
      String id = store.createCustomer(new JsonObject().put("email", "del@example.com")).getString("id");
      warm(store, id);
      store.api().delete(store.customer(id)).expect(200);
      store.api().get(store.customer(id)).expectError(404, "resource_missing");

      String erased = store.createCustomer(new JsonObject().put("email", "erase@example.com")).getString("id");
      warm(store, erased);
      JsonObject request = store.api().post(store.customer(erased) + "/removal-request",
          new JsonObject().put("type", "erasure")).expect(202);
      Poll.until("the erasure", WAIT, () -> store.api().get(store.path("/removal-requests/" + request.getString("id")))
          .expect(200), r -> "completed".equals(r.getString("status")));
      store.api().get(store.customer(erased)).expectError(404, "resource_missing");
    });
  }

  @Test
  void anAutomationsTagAndUpdateShow() {
    onBoth("automation", (server, store) -> {
      store.api().post(store.path("/automation-rules"), new JsonObject().put("name", "Reviewer")
          .put("trigger_event", "custom.review_written")
          .put("actions", new JsonArray()
              .add(new JsonObject().put("type", "add_tag").put("tag", "reviewer"))
              .add(new JsonObject().put("type", "update_customer")
                  .put("fields", new JsonObject().put("metadata", new JsonObject().put("reviews", "1"))))))
          .expect(201);
      String id = store.createCustomer(new JsonObject().put("email", "rev@example.com")).getString("id");
      warm(store, id);
      send(store, by(Events.event("custom.review_written", Instant.now(), new JsonObject().put("stars", 5)), id));
      JsonObject done = Poll.until("the tag and the update", WAIT, () -> get(store, id),
          c -> c.getJsonArray("tags").contains("reviewer") && "1".equals(c.getJsonObject("metadata").getString("reviews")));
      assertEquals(done, warm(store, id));
    });
  }

  @Test
  void aMergedVisitorIs404AndAnIdentifiedOneShowsItsIdentity() {
    onBoth("visitors", (server, store) -> {
      String key = store.api().post(store.path("/publishable-keys"), new JsonObject()
          .put("allowed_origins", new JsonArray().add(SHOP)).put("visitor_rate_limit_per_minute", 1000))
          .expect(201).getString("key");
      String known = store.createCustomer(new JsonObject().put("email", "ana@example.com").put("first_name", "Ana"))
          .getString("id");

      // identify as a known person: the anonymous profile merges into hers and is gone
      String anonymousId = UUID.randomUUID().toString().replace("-", "");
      browser(server, key, anonymousId, view()).expect(202);
      String visitor = visitorCustomer(server, store, anonymousId);
      seen(store, visitor);
      assertNull(warm(store, visitor).getString("email"));
      warm(store, known);
      browser(server, key, anonymousId, identify(new JsonObject().put("email", "ANA@example.com"))).expect(202);
      store.api().get(store.customer(visitor)).expectError(404, "resource_missing");
      assertEquals("Ana", get(store, known).getString("first_name"));

      // identify as nobody known yet: the same profile takes the identity
      String newcomerId = UUID.randomUUID().toString().replace("-", "");
      browser(server, key, newcomerId, view()).expect(202);
      String newcomer = visitorCustomer(server, store, newcomerId);
      seen(store, newcomer);
      warm(store, newcomer);
      browser(server, key, newcomerId, identify(new JsonObject().put("email", "bo@example.com").put("first_name", "Bo")))
          .expect(202);
      JsonObject bo = Poll.until("Bo identified", WAIT, () -> get(store, newcomer),
          c -> "bo@example.com".equals(c.getString("email")));
      assertEquals("Bo", bo.getString("first_name"));
    });
  }

  /**
   * {@code customer_search} (V72), which a search alone reads, is the customers' own store,
   * created_at, id and search text after every kind of write: creates, a patch of each searched
   * field and of others, a merge of a visitor into a known customer and a visitor taking an
   * identity, a delete and an erasure. After each, the table equals the customers (every store of
   * the server), and a search finds the new text and not the old.
   */
  @Test
  void theSearchTableFollowsEveryWriteOfACustomer() {
    onBoth("search table", (server, store) -> {
      String a = store.createCustomer(new JsonObject().put("email", "qa.one@example.com").put("first_name", "Quill")
          .put("last_name", "Abernathy").put("phone", "+14155550101")).getString("id");
      String b = store.createCustomer(new JsonObject().put("email", "qb.two@example.com").put("first_name", "Quill"))
          .getString("id");
      inSync(server);
      store.api().patch(store.customer(a), new JsonObject().put("last_name", "Zebulon").put("phone", null)).expect(200);
      store.api().patch(store.customer(b), new JsonObject().put("email", "qb.renamed@example.com")).expect(200);
      store.api().patch(store.customer(b), new JsonObject().put("metadata", new JsonObject().put("n", "1"))).expect(200);
      inSync(server);
      assertEquals(List.of(a), found(store, "zebulon"));
      assertEquals(List.of(), found(store, "abernathy"));
      assertEquals(List.of(b), found(store, "qb.renamed"));

      String key = store.api().post(store.path("/publishable-keys"), new JsonObject()
          .put("allowed_origins", new JsonArray().add(SHOP)).put("visitor_rate_limit_per_minute", 1000))
          .expect(201).getString("key");
      String anonymousId = UUID.randomUUID().toString().replace("-", "");
      browser(server, key, anonymousId, view()).expect(202);
      String visitor = visitorCustomer(server, store, anonymousId);
      seen(store, visitor);
      browser(server, key, anonymousId, identify(new JsonObject().put("email", "QA.one@example.com"))).expect(202);
      Poll.until("the visitor merged", WAIT, () -> store.api().get(store.customer(visitor)).status(), st -> st == 404);
      String newcomerId = UUID.randomUUID().toString().replace("-", "");
      browser(server, key, newcomerId, view()).expect(202);
      String newcomer = visitorCustomer(server, store, newcomerId);
      seen(store, newcomer);
      browser(server, key, newcomerId, identify(new JsonObject().put("email", "quentin@example.com")
          .put("first_name", "Quentin"))).expect(202);
      Poll.until("the newcomer identified", WAIT, () -> get(store, newcomer),
          c -> "quentin@example.com".equals(c.getString("email")));
      inSync(server);
      assertEquals(List.of(newcomer), found(store, "quentin"));

      store.api().delete(store.customer(b)).expect(200);
      JsonObject request = store.api().post(store.customer(a) + "/removal-request",
          new JsonObject().put("type", "erasure")).expect(202);
      Poll.until("the erasure", WAIT, () -> store.api().get(store.path("/removal-requests/" + request.getString("id")))
          .expect(200), r -> "completed".equals(r.getString("status")));
      inSync(server);
      assertEquals(List.of(), found(store, "zebulon"));
      assertEquals(List.of(), found(store, "qb.renamed"));
      assertEquals(List.of(), found(store, "quill"));
    });
  }

  private static void inSync(TestServer server) {
    try (Connection c = TestDatabase.connect(server.databaseUrl())) {
      assertEquals(0, CustomerListingTest.searchRowsThatDiffer(c), "customer_search rows that differ from customers");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The ids a search alone finds, newest first. */
  private static List<String> found(TestStore store, String term) {
    JsonArray data = store.api().get(store.customers() + ApiClient.query("search", term)).expect(200).getJsonArray("data");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      ids.add(data.getJsonObject(i).getString("id"));
    }
    return ids;
  }

  /**
   * Reads racing a stream of writes to one customer: a get sent after a PATCH was answered never
   * shows an older profile (read-your-writes across clients, fills racing forgets).
   */
  @Test
  void getsRacingWritesNeverShowAProfileOlderThanTheLastAnsweredWrite() {
    onBoth("race", (server, store) -> {
      String id = store.createCustomer(new JsonObject().put("email", "race@example.com")
          .put("metadata", new JsonObject().put("n", "0"))).getString("id");
      AtomicInteger answered = new AtomicInteger();
      AtomicBoolean writing = new AtomicBoolean(true);
      List<String> older = new CopyOnWriteArrayList<>();
      AtomicInteger reads = new AtomicInteger();
      List<Future<Void>> readers = new ArrayList<>();
      for (int r = 0; r < 8; r++) {
        Promise<Void> done = Promise.promise();
        readLoop(store, id, answered, writing, older, reads, done);
        readers.add(done.future());
      }
      for (int n = 1; n <= 150; n++) {
        store.api().patch(store.customer(id), new JsonObject().put("metadata", new JsonObject().put("n", "" + n)))
            .expect(200);
        answered.set(n);
      }
      writing.set(false);
      ApiClient.await(Future.all(readers));
      assertTrue(older.isEmpty(), () -> older.size() + " of " + reads.get() + " gets were older than the last answered"
          + " write, e.g. " + older.subList(0, Math.min(5, older.size())));
      assertTrue(reads.get() > 150, () -> "only " + reads.get() + " gets ran alongside the writes");
      assertEquals("150", get(store, id).getJsonObject("metadata").getString("n"));
    });
  }

  private static void readLoop(TestStore store, String id, AtomicInteger answered, AtomicBoolean writing,
                               List<String> older, AtomicInteger reads, Promise<Void> done) {
    if (!writing.get()) {
      done.complete();
      return;
    }
    int floor = answered.get(); // taken before the get is sent
    store.api().send(HttpMethod.GET, store.customer(id), null, null, null).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
        return;
      }
      reads.incrementAndGet();
      int seen = Integer.parseInt(ar.result().json().getJsonObject("metadata").getString("n"));
      if (seen < floor) {
        older.add("saw " + seen + " after " + floor + " was answered");
      }
      readLoop(store, id, answered, writing, older, reads, done);
    });
  }

  @Test
  void aKeyOfOneStoreNeverReadsAnotherStoresCustomer() {
    onBoth("isolation", (server, a) -> {
      String id = a.createCustomer(new JsonObject().put("email", "iso@example.com")).getString("id");
      warm(a, id);
      TestStore b = server.createStore("other");
      b.api().get(b.customer(id)).expectError(404, "resource_missing");
      assertNotEquals(200, b.api().get(a.customer(id)).status());
      assertNotNull(get(a, id));
    });
  }

  /**
   * A get the cache answers (before the router: the customer and the store key are both kept) is
   * the router's answer to the byte: status, headers and body, compressed or not. The admin key's
   * gets are always the router's; the store key's are the cache's once it holds the customer again
   * after the write (the evaluator's own write may drop it once more: so ten of each).
   */
  @Test
  void aCachedGetIsTheRoutersAnswerToTheByte() {
    onBoth("same bytes", (server, store) -> {
      String id = store.createCustomer(CustomersTest.fullProfile()).getString("id");
      MultiMap gzip = MultiMap.caseInsensitiveMultiMap().add("Accept-Encoding", "gzip");
      for (MultiMap headers : java.util.Arrays.asList(null, gzip)) {
        store.api().patch(store.customer(id), new JsonObject().put("first_name", "Routed")).expect(200);
        for (int i = 0; i < 10; i++) {
          ApiResponse routed = ApiClient.await(server.admin().send(HttpMethod.GET, store.customer(id), headers, null, null));
          ApiResponse kept = ApiClient.await(store.api().send(HttpMethod.GET, store.customer(id), headers, null, null));
          assertEquals(200, routed.status(), routed::text);
          assertEquals(200, kept.status(), kept::text);
          assertEquals(headerLines(routed), headerLines(kept));
          assertEquals(routed.body(), kept.body());
          if (headers != null) {
            assertEquals("gzip", kept.header("Content-Encoding"));
          }
        }
      }
    });
  }

  /**
   * Requests the cache must leave to the router although it holds both the customer and the key:
   * another store's key, a query, a revoked key, a body, a path to decode. Both servers answer them alike.
   */
  @Test
  void requestsOtherThanAPlainGetByTheStoresKeyAreAnsweredAsWithoutTheCache() {
    Map<TestServer, List<Integer>> statuses = new java.util.HashMap<>();
    onBoth("not from the cache", (server, a) -> {
      String id = a.createCustomer(new JsonObject().put("email", "odd@example.com")).getString("id");
      JsonObject second = a.api().post(a.path("/api-keys"), null).expect(201);
      ApiClient asSecond = server.withKey(second.getString("key"));
      assertEquals(warm(a, id), asSecond.get(a.customer(id)).expect(200));
      TestStore b = server.createStore("other");
      b.api().get(b.customer(id)).expectError(404, "resource_missing");

      b.api().get(a.customer(id)).expectError(404, "resource_missing");
      a.api().get(a.customer(id) + "?expand=cart").expectError(400, "parameter_unknown");
      server.anonymous().get(a.customer(id)).expectError(401, "unauthorized");
      MultiMap lowerCase = MultiMap.caseInsensitiveMultiMap().add("Authorization", "bearer  " + a.apiKey() + " ");
      assertEquals(get(a, id), server.anonymous().withHeaders(HttpMethod.GET, a.customer(id), lowerCase, null).expect(200));

      a.api().delete(a.path("/api-keys/" + second.getString("id"))).expect(200);
      asSecond.get(a.customer(id)).expectError(401, "unauthorized");

      List<Integer> odd = new ArrayList<>();
      odd.add(a.api().raw(HttpMethod.GET, a.customer(id), "application/json", "{}").status());
      odd.add(a.api().get(a.customer(id) + "?").status());
      odd.add(a.api().get(a.customer(id) + "/").status());
      odd.add(a.api().get(a.customer(id).replace("cust_", "cust%5F")).status());
      odd.add(a.api().get(a.customer(id).replace("/v1/stores/", "/v1//stores/")).status());
      odd.add(a.api().raw(HttpMethod.HEAD, a.customer(id), null, null).status());
      statuses.put(server, odd);
      assertNotNull(get(a, id));
    });
    assertEquals(statuses.get(uncached), statuses.get(cached));
  }

  /** The response's headers, one "name: value" line each, in order. */
  private static List<String> headerLines(ApiResponse response) {
    List<String> lines = new ArrayList<>();
    response.headers().forEach(e -> lines.add(e.getKey().toLowerCase() + ": " + e.getValue()));
    return lines;
  }

  private static void send(TestStore store, JsonObject event) {
    store.api().post(store.path("/events"), event).expect(202);
  }

  private static JsonObject view() {
    return new JsonObject().put("id", UUID.randomUUID().toString()).put("type", "page.viewed")
        .put("data", new JsonObject().put("path", "/"));
  }

  private static JsonObject identify(JsonObject identity) {
    return new JsonObject().put("id", UUID.randomUUID().toString()).put("type", "identify").put("data", identity);
  }

  /** As a storefront page sends its events (sendBeacon: text/plain, the page's Origin). */
  private static ApiResponse browser(TestServer server, String key, String anonymousId, JsonObject event) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Origin", SHOP);
    JsonObject body = new JsonObject().put("anonymous_id", anonymousId).put("consent", true)
        .put("events", new JsonArray().add(event));
    return ApiClient.await(server.anonymous().send(HttpMethod.POST, "/v1/browser/events?key=" + key, headers,
        "text/plain;charset=UTF-8", Buffer.buffer(body.encode())));
  }

  private static String visitorCustomer(TestServer server, TestStore store, String anonymousId) {
    return Poll.until("the visitor's profile", WAIT, () -> {
      try (Connection c = TestDatabase.connect(server.databaseUrl());
           PreparedStatement ps = c.prepareStatement("SELECT id FROM customers WHERE store_id = ? AND anonymous_id = ?")) {
        ps.setString(1, store.id());
        ps.setString(2, anonymousId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getString(1) : null;
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }, id -> id != null);
  }
}
