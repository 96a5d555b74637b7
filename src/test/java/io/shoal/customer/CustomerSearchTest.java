package io.shoal.customer;

import static io.shoal.testing.ApiClient.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.ApiClient;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Listing customers: substring search, filters, sorting and page size. Every test reads one
 * fixed set of customers made once; none writes to it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CustomerSearchTest {

  private static TestServer server;
  private static TestStore store;
  /** The fixture by a short name, in creation order. */
  private static final Map<String, JsonObject> customers = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws SQLException {
    server = TestServer.start();
    store = server.createStore("Search");
    add("john", new JsonObject().put("first_name", "John").put("last_name", "Smith")
        .put("email", "John@AcmeCorp.com").put("phone", "+1 555 0101")
        .put("tags", tags("vip", "wholesale")).put("metadata", new JsonObject().put("source", "trade_show").put("tier", "gold")));
    add("johanna", new JsonObject().put("first_name", "Johanna").put("last_name", "Doe")
        .put("email", "jdoe@example.org").put("phone", "+1 555 0102")
        .put("tags", tags("vip")).put("metadata", new JsonObject().put("source", "web")));
    add("mary", new JsonObject().put("first_name", "Mary").put("last_name", "Johnson")
        .put("email", "mary@johnson.net").put("phone", "07700 900123")
        .put("tags", tags("wholesale")).put("metadata", new JsonObject().put("source", "trade_show")));
    add("percy", new JsonObject().put("first_name", "Percy").put("last_name", "50%Off")
        .put("email", "percy@example.com"));
    add("snake", new JsonObject().put("first_name", "snake_case").put("email", "snake_case@example.com"));
    add("snakex", new JsonObject().put("first_name", "SnakeXCase").put("email", "snakexcase@example.com"));
    add("phoneonly", new JsonObject().put("phone", "+33 1 23 45 67 89"));

    // Orders are not ingested yet in this version, so give the customers different aggregates
    // directly; without them every sort would be a tie and could not fail.
    setAggregates("john", "120.50", 3, "2026-03-01T10:00:00Z");
    setAggregates("johanna", "999.99", 10, "2026-05-01T10:00:00Z");
    setAggregates("percy", "45.00", 1, "2025-12-24T18:30:00Z");
    setAggregates("snake", "120.50", 2, "2026-01-15T09:00:00Z");
    setAggregates("snakex", "5.00", 3, null);
    // mary and phoneonly keep 0, 0 and no last order.
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonArray tags(String... tags) {
    return new JsonArray(List.of(tags));
  }

  private static void add(String name, JsonObject fields) {
    customers.put(name, store.createCustomer(fields));
  }

  private static void setAggregates(String name, String spent, int orders, String lastOrderAt) throws SQLException {
    try (Connection c = TestDatabase.connect(server.databaseUrl());
         PreparedStatement st = c.prepareStatement(
             "UPDATE customers SET total_spent = ?, total_orders = ?, last_order_at = ? WHERE store_id = ? AND id = ?")) {
      st.setBigDecimal(1, new BigDecimal(spent));
      st.setInt(2, orders);
      st.setTimestamp(3, lastOrderAt == null ? null : Timestamp.from(Instant.parse(lastOrderAt)));
      st.setString(4, store.id());
      st.setString(5, customers.get(name).getString("id"));
      assertEquals(1, st.executeUpdate());
    }
    customers.put(name, store.api().get(store.customer(customers.get(name).getString("id"))).expect(200));
  }

  /** The fixture names a list answers, as a set (the default order is tested elsewhere). */
  private static Set<String> found(String queryString) {
    return namesOf(list(queryString)).stream().collect(Collectors.toSet());
  }

  private static List<JsonObject> list(String queryString) {
    ApiResponse answer = store.api().get(store.customers() + queryString);
    List<JsonObject> page = answer.page();
    assertNull(answer.nextCursor(), "the fixture fits in one page");
    return page;
  }

  private static List<String> namesOf(List<JsonObject> page) {
    Map<String, String> byId = new LinkedHashMap<>();
    customers.forEach((name, c) -> byId.put(c.getString("id"), name));
    return page.stream().map(c -> byId.getOrDefault(c.getString("id"), "?" + c.getString("id"))).toList();
  }

  @Test
  void searchFindsCaseInsensitiveSubstringsOfNamesEmailAndPhone() {
    assertEquals(Set.of("john"), found(query("search", "john@")));
    assertEquals(Set.of("john"), found(query("search", "John@AcmeCorp.com")));
    assertEquals(Set.of("john"), found(query("search", "ACMECORP")));
    assertEquals(Set.of("john", "mary"), found(query("search", "JOHN")));
    assertEquals(Set.of("john", "johanna", "mary"), found(query("search", "jOh")));
    assertEquals(Set.of("mary"), found(query("search", "johnson")));
    assertEquals(Set.of("johanna"), found(query("search", "doe")));
    assertEquals(Set.of("john", "johanna"), found(query("search", "555 010")));
    assertEquals(Set.of("phoneonly"), found(query("search", "45 67")));
    assertEquals(Set.of("phoneonly"), found(query("search", "+33")), "a '+' is a plus, not a space");
    assertEquals(Set.of(), found(query("search", "-1")), "a search that reads as a number is still text");
    assertEquals(Set.of(), found(query("search", "2.5")));
    assertEquals(Set.of("john"), found(query("search", "n s")), "first and last name are one text");
    assertEquals(Set.of(), found(query("search", "zebra")));
  }

  @Test
  void percentAndUnderscoreInASearchAreLiteral() {
    assertEquals(Set.of("percy"), found(query("search", "%")));
    assertEquals(Set.of("percy"), found(query("search", "50%off")));
    assertEquals(Set.of(), found(query("search", "5%f")));
    assertEquals(Set.of("snake"), found(query("search", "_")));
    assertEquals(Set.of("snake"), found(query("search", "snake_case")));
    assertEquals(Set.of(), found(query("search", "\\")));
    assertEquals(Set.of(), found(query("search", "\"quoted\"")));
    assertEquals(Set.of(), found(query("search", "'; DROP TABLE customers; --")));
  }

  @Test
  void aBlankSearchFindsEveryone() {
    assertEquals(customers.keySet(), found(query("search", "  ")));
  }

  @Test
  void tagsFilterKeepsCustomersHavingAllOfThem() {
    assertEquals(Set.of("john", "johanna"), found(query("tags", "vip")));
    assertEquals(Set.of("john", "mary"), found(query("tags", "wholesale")));
    assertEquals(Set.of("john"), found(query("tags", "vip", "tags", "wholesale")));
    assertEquals(Set.of("john"), found(query("tags", "vip,wholesale")));
    assertEquals(Set.of("john"), found(query("tags", "wholesale, vip")));
    assertEquals(Set.of(), found(query("tags", "vip", "tags", "nobody-has-this")));
    assertEquals(Set.of(), found(query("tags", "VIP")), "tags are exact");
  }

  @Test
  void metadataFilterMatchesEveryGivenPair() {
    assertEquals(Set.of("john", "mary"), found("?metadata%5Bsource%5D=trade_show"));
    assertEquals(Set.of("john", "mary"), found("?metadata[source]=trade_show"));
    assertEquals(Set.of("john"), found(query("metadata[source]", "trade_show", "metadata[tier]", "gold")));
    assertEquals(Set.of("johanna"), found(query("metadata[source]", "web")));
    assertEquals(Set.of(), found(query("metadata[source]", "nowhere")));
    assertEquals(Set.of(), found(query("metadata[unknown_key]", "x")));
  }

  @Test
  void filtersCombineWithAnd() {
    assertEquals(Set.of("john", "mary"), found(query("search", "john", "tags", "wholesale")));
    assertEquals(Set.of("johanna"), found(query("search", "jo", "metadata[source]", "web")));
    assertEquals(Set.of("john"), found(query("search", "john", "tags", "vip", "metadata[source]", "trade_show")));
  }

  @Test
  void createdAfterIsInclusiveAndCreatedBeforeExclusive() {
    // Wire times have milliseconds; a boundary on a millisecond splits stored times exactly
    // where it splits their wire times, so the expectation below is exact.
    String boundary = customers.get("percy").getString("created_at");
    Instant t = Instant.parse(boundary);
    Set<String> atOrAfter = customers.entrySet().stream()
        .filter(e -> !Instant.parse(e.getValue().getString("created_at")).isBefore(t))
        .map(Map.Entry::getKey).collect(Collectors.toSet());
    Set<String> before = customers.keySet().stream().filter(n -> !atOrAfter.contains(n)).collect(Collectors.toSet());
    assertTrue(atOrAfter.contains("percy") && !atOrAfter.contains("john"), atOrAfter::toString);

    assertEquals(atOrAfter, found(query("created_after", boundary)));
    assertEquals(before, found(query("created_before", boundary)));
    assertEquals(Set.of(), found(query("created_after", boundary, "created_before", boundary)));
    String offsetForm = t.atOffset(ZoneOffset.ofHours(2)).toString();
    assertEquals(atOrAfter, found(query("created_after", offsetForm)), offsetForm);

    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    assertEquals(customers.keySet(), found(query("created_after", today.minusDays(1).toString())));
    assertEquals(Set.of(), found(query("created_after", today.plusDays(1).toString())));
    assertEquals(customers.keySet(), found(query("created_before", today.plusDays(1).toString())));
    assertEquals(Set.of(), found(query("created_before", "2001-01-01")));
  }

  @Test
  void aBadDateIs400NamingTheParameter() {
    assertEquals("created_after", store.api().get(store.customers() + query("created_after", "yesterday"))
        .expectError(400, "parameter_invalid").getString("param"));
    assertEquals("created_before", store.api().get(store.customers() + query("created_before", "2026-13-45"))
        .expectError(400, "parameter_invalid").getString("param"));
  }

  @Test
  void theDefaultOrderIsNewestFirst() {
    List<String> newestFirst = new ArrayList<>(customers.keySet());
    java.util.Collections.reverse(newestFirst);
    assertEquals(newestFirst, namesOf(list("")));
  }

  @ParameterizedTest(name = "sort={0} order={1}")
  @CsvSource({
      "created_at, asc", "created_at, desc",
      "total_spent, asc", "total_spent, desc",
      "total_orders, asc", "total_orders, desc",
      "last_order_at, asc", "last_order_at, desc"})
  void sortsInTheGivenOrderWithTiesByIdAndPagesTheSameWay(String sort, String order) {
    Comparator<JsonObject> byKey = switch (sort) {
      case "created_at" -> Comparator.comparing(c -> creationIndex(c));
      case "total_spent" -> Comparator.comparing(c -> new BigDecimal(c.getValue("total_spent").toString()));
      case "total_orders" -> Comparator.comparing(c -> c.getInteger("total_orders"));
      // A customer without orders sorts as the oldest.
      default -> Comparator.comparing(c -> c.getString("last_order_at") == null ? Instant.MIN
          : Instant.parse(c.getString("last_order_at")));
    };
    Comparator<JsonObject> ascending = byKey.thenComparing(c -> c.getString("id"));
    List<JsonObject> expected = new ArrayList<>(customers.values());
    expected.sort(order.equals("asc") ? ascending : ascending.reversed());

    List<String> onePage = namesOf(list(query("sort", sort, "order", order)));
    assertEquals(namesOf(expected), onePage);

    List<JsonObject> paged = new ArrayList<>();
    String cursor = null;
    do {
      ApiResponse page = store.api().get(store.customers() + query("sort", sort, "order", order, "limit", "2")
          + (cursor == null ? "" : "&cursor=" + ApiClient.encode(cursor)));
      List<JsonObject> items = page.page();
      assertTrue(items.size() <= 2);
      paged.addAll(items);
      cursor = page.nextCursor();
    } while (cursor != null);
    assertEquals(onePage, namesOf(paged));
  }

  private static int creationIndex(JsonObject c) {
    return new ArrayList<>(customers.keySet()).indexOf(namesOf(List.of(c)).get(0));
  }

  @Test
  void anUnknownSortOrOrderIs400() {
    assertEquals("sort", store.api().get(store.customers() + query("sort", "email")).expectError(400, null).getString("param"));
    assertEquals("order", store.api().get(store.customers() + query("order", "sideways")).expectError(400, null).getString("param"));
  }

  @Test
  void limitIs1To100AndDefaults25() {
    TestStore big = server.createStore("Thirty customers");
    for (int i = 0; i < 30; i++) {
      big.createCustomer(new JsonObject().put("email", "c" + i + "@example.com"));
    }
    ApiResponse defaultPage = big.api().get(big.customers());
    assertEquals(25, defaultPage.page().size());
    assertTrue(defaultPage.json().getBoolean("has_more"));

    assertEquals(1, big.api().get(big.customers() + query("limit", "1")).page().size());
    ApiResponse all = big.api().get(big.customers() + query("limit", "100"));
    assertEquals(30, all.page().size());
    assertFalse(all.json().getBoolean("has_more"));
    assertNull(all.nextCursor());

    for (String bad : List.of("0", "101", "-1", "ten", "2.5")) {
      JsonObject error = big.api().get(big.customers() + query("limit", bad)).expectError(400, null);
      assertEquals("limit", error.getString("param"), () -> "limit=" + bad + ": " + error.encode());
    }
  }
}
