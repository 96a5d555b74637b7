package io.shoal.customer;

import static io.shoal.testing.ApiClient.await;
import static io.shoal.testing.ApiClient.encode;
import static io.shoal.testing.ApiClient.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Keyset paging of customers: complete, in order, stable under concurrent inserts, cursors checked. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CustomerPaginationTest {

  private static final int CUSTOMERS = 60;

  private static TestServer server;
  /** A store with {@link #CUSTOMERS} customers made one after another; tests only read it. */
  private static TestStore sixty;
  private static final List<String> createdInOrder = new ArrayList<>();
  private static final AtomicInteger emails = new AtomicInteger();

  @BeforeAll
  static void start() {
    server = TestServer.start();
    sixty = server.createStore("Sixty");
    for (int i = 0; i < CUSTOMERS; i++) {
      createdInOrder.add(sixty.createCustomer(newCustomer()).getString("id"));
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonObject newCustomer() {
    return new JsonObject().put("email", "customer" + emails.incrementAndGet() + "@example.com");
  }

  /** Pages through a list to its end, answering every id in the order seen. */
  private static List<String> pageThrough(TestStore store, String queryString, int limit, Runnable betweenPages) {
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      ApiResponse page = store.api().get(store.customers() + queryString + "&limit=" + limit
          + (cursor == null ? "" : "&cursor=" + encode(cursor)));
      List<JsonObject> items = page.page();
      assertTrue(items.size() <= limit, page::text);
      items.forEach(c -> seen.add(c.getString("id")));
      cursor = page.nextCursor();
      assertTrue(cursor == null || items.size() == limit, "a page before the last one is full");
      assertTrue(++pages < 100, "paging does not end");
      if (cursor != null) {
        betweenPages.run();
      }
    } while (cursor != null);
    return seen;
  }

  @Test
  void pagingNewestFirstAnswersEveryCustomerOnceInOrder() {
    List<String> seen = pageThrough(sixty, query("order", "desc"), 7, () -> { });
    List<String> newestFirst = new ArrayList<>(createdInOrder);
    Collections.reverse(newestFirst);
    assertEquals(newestFirst, seen);
  }

  @Test
  void pagingOldestFirstAnswersEveryCustomerOnceInOrder() {
    assertEquals(createdInOrder, pageThrough(sixty, query("sort", "created_at", "order", "asc"), 7, () -> { }));
  }

  @Test
  void pagingNewestFirstWhileCustomersAreCreatedNeverSkipsOrRepeatsOne() {
    List<String> seenNew = pageWhileCreating("desc");
    assertTrue(seenNew.isEmpty(), "newest first, customers created meanwhile are before page one: " + seenNew);
  }

  @Test
  void pagingOldestFirstWhileCustomersAreCreatedNeverSkipsOrRepeatsOne() {
    List<String> seenNew = pageWhileCreating("asc");
    assertFalse(seenNew.isEmpty(), "oldest first, customers created meanwhile come at the end");
  }

  /**
   * Pages through 40 customers 6 at a time while more are created between the page requests
   * (some finished before the next page is asked for, some racing with it). Asserts that every
   * customer that existed before is answered exactly once and in order, and that nothing is
   * answered twice. Answers the customers created meanwhile that the pages included.
   */
  private static List<String> pageWhileCreating(String order) {
    TestStore store = server.createStore("Busy " + order);
    List<String> existing = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      existing.add(store.createCustomer(newCustomer()).getString("id"));
    }
    Set<String> created = Collections.synchronizedSet(new HashSet<>());
    List<Future<ApiResponse>> inFlight = new ArrayList<>();
    Runnable createMore = () -> {
      for (int i = 0; i < 2; i++) {
        created.add(store.createCustomer(newCustomer()).getString("id"));
      }
      for (int i = 0; i < 3; i++) {
        inFlight.add(store.api().sendJson(HttpMethod.POST, store.customers(), newCustomer(), null)
            .onSuccess(r -> created.add(r.json().getString("id"))));
      }
    };

    List<String> seen = pageThrough(store, query("order", order), 6, createMore);
    inFlight.forEach(f -> assertEquals(201, await(f).status()));

    assertEquals(seen.size(), new HashSet<>(seen).size(), () -> "a customer was answered twice: " + seen);
    List<String> expected = new ArrayList<>(existing);
    if (order.equals("desc")) {
      Collections.reverse(expected);
    }
    assertEquals(expected, seen.stream().filter(existing::contains).toList(),
        "every customer that existed is answered once, in order");
    List<String> seenNew = seen.stream().filter(id -> !existing.contains(id)).toList();
    assertTrue(created.containsAll(seenNew), seen::toString);
    return seenNew;
  }

  private static String firstCursor(String queryString) {
    ApiResponse page = sixty.api().get(sixty.customers() + queryString);
    String cursor = page.nextCursor();
    assertNotNull(cursor, page::text);
    return cursor;
  }

  @Test
  void aCursorIsValidOnlyWithTheSortAndOrderItCameFrom() {
    String cursor = firstCursor(query("sort", "total_spent", "order", "asc", "limit", "5"));
    sixty.api().get(sixty.customers() + query("sort", "total_spent", "order", "asc", "limit", "5", "cursor", cursor))
        .page();

    for (String other : List.of(
        query("cursor", cursor),
        query("sort", "created_at", "order", "asc", "cursor", cursor),
        query("sort", "total_spent", "order", "desc", "cursor", cursor),
        query("sort", "last_order_at", "order", "asc", "cursor", cursor))) {
      assertEquals("cursor", sixty.api().get(sixty.customers() + other).expectError(400, "cursor_invalid").getString("param"));
    }
  }

  @Test
  void aGarbageOrTamperedCursorIs400NeverA500() {
    String real = firstCursor(query("limit", "5"));
    List<String> bad = new ArrayList<>(List.of(
        "garbage", "!!!", "%%%", "eyJ", "null", real + "x", real.substring(0, real.length() / 2),
        base64("not json"), base64("[1,2]"), base64("{}"), base64("\"text\""),
        base64("{\"s\":\"created_at\",\"o\":\"desc\",\"k\":\"yesterday\",\"id\":\"cust_x\"}"),
        base64("{\"s\":\"created_at\",\"o\":\"desc\",\"k\":42,\"id\":\"cust_x\"}"),
        base64("{\"s\":\"created_at\",\"o\":\"desc\",\"k\":\"2026-01-01 00:00:00+00\"}"),
        base64("{\"s\":\"created_at\",\"o\":\"desc\",\"id\":\"cust_x\"}"),
        base64("{\"s\":\"created_at\",\"o\":\"desc\",\"k\":{\"a\":1},\"id\":\"cust_x\"}"),
        base64("{\"s\":\"created_at\",\"o\":\"desc\",\"k\":\"2026-01-01 00:00:00+00\",\"id\":7}")));
    // Flip single characters of a real cursor.
    for (int i = 3; i < real.length(); i += 7) {
      char c = real.charAt(i);
      bad.add(real.substring(0, i) + (c == 'A' ? 'B' : 'A') + real.substring(i + 1));
    }
    for (String cursor : bad) {
      ApiResponse answer = sixty.api().get(sixty.customers() + query("limit", "5", "cursor", cursor));
      // An edited cursor may still decode to a valid position; then it is an ordinary page.
      if (answer.status() != 200) {
        assertEquals("cursor", answer.expectError(400, "cursor_invalid").getString("param"), cursor);
      }
    }
    for (String cursor : List.of("garbage", base64("[1]"), base64("{\"t\":\"nope\",\"id\":\"x\"}"))) {
      sixty.api().get(sixty.customers() + query("cursor", cursor)).expectError(400, "cursor_invalid");
      String customer = sixty.customer(createdInOrder.get(0));
      sixty.api().get(customer + "/notes" + query("cursor", cursor)).expectError(400, "cursor_invalid");
      sixty.api().get(customer + "/activity" + query("cursor", cursor)).expectError(400, "cursor_invalid");
      sixty.api().get(sixty.path("/api-keys") + query("cursor", cursor)).expectError(400, "cursor_invalid");
      server.admin().get("/v1/stores" + query("cursor", cursor)).expectError(400, "cursor_invalid");
    }
  }

  private static String base64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
