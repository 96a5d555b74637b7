package io.shoal.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Customer profiles: create, read, update, delete, and the rules on their fields. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CustomersTest {

  private static TestServer server;
  private TestStore store;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void freshStore() {
    store = server.createStore("Customers");
  }

  static JsonObject fullProfile() {
    return new JsonObject()
        .put("email", "Ada.Lovelace@Example.com")
        .put("first_name", "Ada")
        .put("last_name", "Lovelace")
        .put("phone", "+44 20 7946 0000")
        .put("external_id", "shopify-1815")
        .put("timezone", "Europe/London")
        .put("tags", new JsonArray().add("vip").add("newsletter"))
        .put("address", new JsonObject()
            .put("line1", "12 St James's Square").put("line2", null).put("city", "London")
            .put("state", null).put("postal_code", "SW1Y 4JH").put("country", "GB"))
        .put("metadata", new JsonObject().put("source", "trade_show").put("referrer", "babbage"))
        .put("email_consent", true)
        .put("sms_consent", false)
        .put("push_consent", true);
  }

  @Test
  void createAnswers201WithEveryProfileFieldAsSent() {
    JsonObject sent = fullProfile();
    Instant before = Instant.now().minusSeconds(5);

    JsonObject created = store.api().post(store.customers(), sent).expect(201);

    assertTrue(created.getString("id").startsWith("cust_"), created::encode);
    assertEquals("customer", created.getString("object"));
    for (String field : sent.fieldNames()) {
      assertEquals(sent.getValue(field), created.getValue(field), () -> field + " in " + created.encode());
    }
    assertEquals(0, created.getInteger("total_orders"));
    assertEquals(0, new BigDecimal(created.getValue("total_spent").toString()).signum());
    assertNull(created.getString("last_order_at"));
    Instant createdAt = Instant.parse(created.getString("created_at"));
    assertTrue(createdAt.isAfter(before) && createdAt.isBefore(Instant.now().plusSeconds(5)), createdAt::toString);

    assertEquals(created, store.api().get(store.customer(created.getString("id"))).expect(200));
  }

  /**
   * A customer's id starts with its time (issue 17, eighteenth pass), so customers created later have
   * ids that sort after: each lands at the end of the indexes keyed by id instead of on a random page.
   * The ids keep their shape, and their random part (55 bits from SecureRandom) still differs.
   */
  @Test
  void customersCreatedLaterHaveIdsThatSortAfter() throws InterruptedException {
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(store.api().post(store.customers(), new JsonObject().put("email", "order" + i + "@example.com"))
          .expect(201).getString("id"));
      Thread.sleep(2);
    }
    for (String id : ids) {
      assertTrue(id.matches("cust_[0-9a-hjkmnp-tv-z]{20}"), id);
      assertEquals(id, store.api().get(store.customer(id)).expect(200).getString("id"));
    }
    List<String> sorted = new java.util.ArrayList<>(ids);
    java.util.Collections.sort(sorted);
    assertEquals(ids, sorted, "ids in the order their customers were created");
    assertEquals(ids.size(), ids.stream().map(id -> id.substring(14)).distinct().count(), ids::toString);
  }

  /**
   * Creates sent at once share commits, and their customers are written by one statement per
   * batch (issue 17, eleventh pass): every create still answers as if it ran alone in the order
   * the batch holds them. Duplicates of an email (in another case) or an external id, also within
   * one batch, answer the one customer that was created first, with 200; each created customer has
   * exactly its fields, one "created" activity entry and one customer.created notification.
   */
  @Test
  void concurrentCreatesAnswerAsIfEachRanAlone() throws Exception {
    int n = 240;
    List<JsonObject> sent = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      JsonObject body = new JsonObject().put("first_name", "Batch" + i);
      if (i % 3 == 0) {
        body.put("external_id", "ext-" + (i % 30)); // 8 creates share each of 10 external ids
      } else {
        body.put("email", (i % 2 == 0 ? "Same" : "same") + (i % 20) + "@Batch.example"); // 8 each, two cases
      }
      if (i % 4 == 1) {
        body.put("tags", new JsonArray().add("b" + i).add("vip")).put("metadata", new JsonObject().put("k", "v" + i))
            .put("address", new JsonObject().put("city", "Town " + i).put("line2", null)).put("sms_consent", true);
      }
      sent.add(body);
    }
    List<io.vertx.core.Future<ApiResponse>> all = new java.util.ArrayList<>();
    for (JsonObject body : sent) {
      all.add(store.api().sendJson(io.vertx.core.http.HttpMethod.POST, store.customers(), body, null));
    }
    io.shoal.testing.ApiClient.await(io.vertx.core.Future.all(all));
    java.util.Map<String, String> customerOfKey = new java.util.HashMap<>();
    java.util.Map<String, JsonObject> firstOfKey = new java.util.HashMap<>();
    int created = 0;
    for (int i = 0; i < n; i++) {
      ApiResponse r = all.get(i).result();
      JsonObject c = r.json();
      String key = sent.get(i).containsKey("email") ? sent.get(i).getString("email").toLowerCase() : sent.get(i).getString("external_id");
      String before = customerOfKey.putIfAbsent(key, c.getString("id"));
      if (r.status() == 201) {
        created++;
        firstOfKey.put(key, sent.get(i));
        for (String field : sent.get(i).fieldNames()) {
          assertEquals(sent.get(i).getValue(field), c.getValue(field), () -> field + " in " + c.encode());
        }
      } else {
        assertEquals(200, r.status(), r::text);
      }
      if (before != null) {
        assertEquals(before, c.getString("id"), "one customer per email or external id");
      }
    }
    assertEquals(30, created, "one create per distinct email (20) and external id (10)");
    assertEquals(30, customerOfKey.size());
    for (String key : customerOfKey.keySet()) {
      JsonObject stored = store.api().get(store.customers() + "/" + customerOfKey.get(key)).expect(200);
      for (String field : firstOfKey.get(key).fieldNames()) {
        assertEquals(firstOfKey.get(key).getValue(field), stored.getValue(field), () -> field + " in " + stored.encode());
      }
    }
    try (var c = io.shoal.testing.TestDatabase.connect(server.databaseUrl()); var st = c.createStatement()) {
      String mine = "store_id = '" + store.id() + "'";
      try (var rs = st.executeQuery("SELECT count(*), count(DISTINCT xmin::text) FROM customers WHERE " + mine)) {
        rs.next();
        assertEquals(30, rs.getLong(1));
        assertTrue(rs.getLong(2) < 30, "creates sent at once share transactions: " + rs.getLong(2));
      }
      try (var rs = st.executeQuery("SELECT count(*), count(DISTINCT customer_id) FROM customer_activity WHERE " + mine)) {
        rs.next();
        assertEquals(30, rs.getLong(1), "one activity entry per created customer");
        assertEquals(30, rs.getLong(2));
      }
      // written with its customer (one statement since the twenty-fifth pass of issue 17): the same
      // transaction, the created entry's own id, type and title, none for a create that found its customer
      try (var rs = st.executeQuery("SELECT count(*), count(DISTINCT a.id) FROM customer_activity a JOIN customers c"
          + " ON c.store_id = a.store_id AND c.id = a.customer_id AND c.xmin::text = a.xmin::text"
          + " WHERE a.store_id = '" + store.id() + "' AND a.type = 'profile' AND a.title = 'Customer created'"
          + " AND a.id LIKE 'act\\_%' AND a.data = '{}'::jsonb")) {
        rs.next();
        assertEquals(30, rs.getLong(1), "each created customer's activity, in its customer's transaction");
        assertEquals(30, rs.getLong(2));
      }
      try (var rs = st.executeQuery("SELECT count(*), count(DISTINCT customer_id) FROM notifications WHERE " + mine
          + " AND type = 'customer.created'")) {
        rs.next();
        assertEquals(30, rs.getLong(1), "one customer.created per created customer");
        assertEquals(30, rs.getLong(2));
      }
    }
  }

  /**
   * Creates are written one batch at a time: those that arrive while a batch waits are all
   * committed together after it, in one transaction (with two lanes, the first of them took the
   * free lane alone and the rest a third transaction).
   */
  @Test
  void createsArrivingWhileABatchIsWrittenShareTheNextTransaction() throws Exception {
    try (var lock = io.shoal.testing.TestDatabase.connect(server.databaseUrl()); var st = lock.createStatement()) {
      lock.setAutoCommit(false);
      // the customers INSERT's foreign key check waits for this lock on the store's row
      st.execute("SELECT 1 FROM stores WHERE id = '" + store.id() + "' FOR UPDATE");
      var first = store.api().sendJson(io.vertx.core.http.HttpMethod.POST, store.customers(),
          new JsonObject().put("email", "first@wait.example"), null);
      awaitWaitingInsert();
      List<io.vertx.core.Future<ApiResponse>> later = new java.util.ArrayList<>();
      for (int i = 0; i < 12; i++) {
        later.add(store.api().sendJson(io.vertx.core.http.HttpMethod.POST, store.customers(),
            new JsonObject().put("email", "later" + i + "@wait.example"), null));
      }
      Thread.sleep(1_500); // the twelve reach the server and queue (or, with a free lane, start a batch)
      lock.rollback();
      assertEquals(201, io.shoal.testing.ApiClient.await(first).status());
      io.shoal.testing.ApiClient.await(io.vertx.core.Future.all(later));
      for (var r : later) {
        assertEquals(201, r.result().status(), r.result()::text);
      }
    }
    try (var c = io.shoal.testing.TestDatabase.connect(server.databaseUrl()); var st = c.createStatement();
         var rs = st.executeQuery("SELECT count(*), count(DISTINCT xmin::text) FROM customers WHERE store_id = '"
             + store.id() + "' AND email LIKE 'later%'")) {
      rs.next();
      assertEquals(12, rs.getLong(1));
      assertEquals(1, rs.getLong(2), "the twelve creates that waited share one transaction");
    }
  }

  /** Waits until a customers INSERT waits for a lock (asked on a connection of its own: a transaction sees one snapshot of pg_stat_activity). */
  private void awaitWaitingInsert() throws Exception {
    try (var c = io.shoal.testing.TestDatabase.connect(server.databaseUrl()); var st = c.createStatement()) {
      for (int i = 0; i < 200; i++) {
        try (var rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            + " AND query LIKE '%INSERT INTO customers%'")) {
          rs.next();
          if (rs.getLong(1) > 0) {
            return;
          }
        }
        Thread.sleep(50);
      }
    }
    throw new AssertionError("no create waited for the store's row");
  }

  @Test
  void unsentFieldsHaveTheirDefaults() {
    JsonObject created = store.createCustomer(new JsonObject().put("phone", "+1 555 0100"));

    assertNull(created.getString("email"));
    assertNull(created.getValue("address"));
    assertEquals(new JsonArray(), created.getJsonArray("tags"));
    assertEquals(new JsonObject(), created.getJsonObject("metadata"));
    assertFalse(created.getBoolean("email_consent"));
    assertFalse(created.getBoolean("sms_consent"));
    assertFalse(created.getBoolean("push_consent"));
  }

  @Test
  void anExistingEmailInAnyCaseAnswers200WithTheExistingCustomerUnchanged() {
    JsonObject first = store.createCustomer(new JsonObject().put("email", "john@acmecorp.com").put("first_name", "John"));

    ApiResponse again = store.api().post(store.customers(),
        new JsonObject().put("email", "  JOHN@AcmeCorp.COM ").put("first_name", "Johnny").put("tags", new JsonArray().add("x")));

    assertEquals(first, again.expect(200));
    assertEquals(first, store.api().get(store.customer(first.getString("id"))).expect(200));
    assertEquals(1, store.api().get(store.customers()).page().size());
  }

  @Test
  void anExistingExternalIdAnswers200WithTheExistingCustomerUnchanged() {
    JsonObject first = store.createCustomer(new JsonObject().put("external_id", "ext-42").put("first_name", "Grace"));

    JsonObject again = store.api().post(store.customers(),
        new JsonObject().put("external_id", "ext-42").put("first_name", "Someone else").put("email", "other@example.com"))
        .expect(200);

    assertEquals(first, again);
    assertEquals(1, store.api().get(store.customers()).page().size());
  }

  @Test
  void theSameEmailInAnotherStoreIsAnotherCustomer() {
    TestStore other = server.createStore("Other");
    JsonObject here = store.createCustomer(new JsonObject().put("email", "shared@example.com"));
    JsonObject there = other.api().post(other.customers(), new JsonObject().put("email", "shared@example.com")).expect(201);
    assertNotEquals(here.getString("id"), there.getString("id"));
  }

  @Test
  void aCustomerNeedsAnEmailPhoneOrExternalId() {
    store.api().post(store.customers(), new JsonObject().put("first_name", "Nobody")).expectError(400, null);
    store.api().post(store.customers(), new JsonObject().put("email", "   ").put("first_name", "Blank"))
        .expectError(400, null);
    store.api().post(store.customers(), new JsonObject()).expectError(400, null);
    assertEquals(0, store.api().get(store.customers()).page().size());
  }

  @Test
  void aPatchCannotClearTheLastIdentifier() {
    JsonObject created = store.api().post(store.customers(), new JsonObject().put("email", "only@example.com")).expect(201);
    String path = store.customer(created.getString("id"));

    JsonObject error = store.api().patch(path, new JsonObject().put("email", null)).expectError(400, "identifier_required");

    assertEquals("email", error.getString("param"));
    assertEquals("only@example.com", store.api().get(path).expect(200).getString("email"));
    store.api().patch(path, new JsonObject().put("phone", "+1 555 0100").put("email", null)).expect(200);
  }

  @Test
  void badEmailOrTimezoneIs400NamingTheParameter() {
    JsonObject badEmail = store.api().post(store.customers(), new JsonObject().put("email", "not-an-email"))
        .expectError(400, "parameter_invalid");
    assertEquals("email", badEmail.getString("param"));

    JsonObject badZone = store.api().post(store.customers(),
        new JsonObject().put("email", "tz@example.com").put("timezone", "Mars/Olympus_Mons")).expectError(400, "parameter_invalid");
    assertEquals("timezone", badZone.getString("param"));

    JsonObject c = store.createCustomer(new JsonObject().put("email", "ok@example.com"));
    assertEquals("email", store.api().patch(store.customer(c.getString("id")), new JsonObject().put("email", "a b@c"))
        .expectError(400, "parameter_invalid").getString("param"));
    assertEquals("timezone", store.api().patch(store.customer(c.getString("id")), new JsonObject().put("timezone", "Nowhere"))
        .expectError(400, "parameter_invalid").getString("param"));
    assertEquals(0, store.api().get(store.customers()).page().stream().filter(x -> x.getString("timezone") != null).count());
  }

  @Test
  void getOfAnUnknownCustomerIs404() {
    store.api().get(store.customer("cust_doesnotexist")).expectError(404, "resource_missing");
    store.api().patch(store.customer("cust_doesnotexist"), new JsonObject().put("first_name", "X"))
        .expectError(404, "resource_missing");
    store.api().delete(store.customer("cust_doesnotexist")).expectError(404, "resource_missing");
  }

  @Test
  void patchReplacesGivenFieldsClearsNullsAndMergesMetadata() {
    JsonObject c = store.createCustomer(fullProfile());
    String path = store.customer(c.getString("id"));

    JsonObject patched = store.api().patch(path, new JsonObject()
        .put("first_name", "Augusta")
        .put("last_name", null)
        .put("tags", new JsonArray().add("mathematician"))
        .put("address", new JsonObject().put("city", "Marylebone").put("country", "GB"))
        .put("metadata", new JsonObject().put("source", null).put("plan", "gold"))
        .put("sms_consent", true)).expect(200);

    assertEquals("Augusta", patched.getString("first_name"));
    assertNull(patched.getString("last_name"));
    assertEquals(new JsonArray().add("mathematician"), patched.getJsonArray("tags"));
    assertEquals(new JsonObject().put("city", "Marylebone").put("country", "GB"), patched.getJsonObject("address"));
    assertEquals(new JsonObject().put("referrer", "babbage").put("plan", "gold"), patched.getJsonObject("metadata"));
    assertTrue(patched.getBoolean("sms_consent"));
    // Untouched fields stay.
    for (String field : List.of("email", "phone", "external_id", "timezone", "email_consent", "push_consent", "created_at")) {
      assertEquals(c.getValue(field), patched.getValue(field), field);
    }
    assertFalse(Instant.parse(patched.getString("updated_at")).isBefore(Instant.parse(c.getString("updated_at"))));
    assertEquals(patched, store.api().get(path).expect(200));

    JsonObject cleared = store.api().patch(path, new JsonObject()
        .put("address", null).put("tags", null).put("phone", null)).expect(200);
    assertNull(cleared.getValue("address"));
    assertEquals(new JsonArray(), cleared.getJsonArray("tags"));
    assertNull(cleared.getString("phone"));
  }

  @Test
  void changingTheEmailToAnotherCustomersIs409AndChangesNothing() {
    store.createCustomer(new JsonObject().put("email", "taken@example.com"));
    JsonObject c = store.createCustomer(new JsonObject().put("email", "mine@example.com").put("first_name", "Mine"));
    String path = store.customer(c.getString("id"));

    JsonObject error = store.api().patch(path, new JsonObject().put("email", "TAKEN@example.com").put("first_name", "Changed"))
        .expectError(409, "email_taken");
    assertEquals("email", error.getString("param"));

    assertEquals(c, store.api().get(path).expect(200));
    assertEquals(1, store.api().get(path + "/activity").page().size(), "only the creation is in the timeline");

    // The same email in another case is not someone else's.
    assertEquals("MINE@example.com",
        store.api().patch(path, new JsonObject().put("email", "MINE@example.com")).expect(200).getString("email"));
  }

  @Test
  void changingTheExternalIdToAnotherCustomersIs409() {
    store.createCustomer(new JsonObject().put("external_id", "ext-1"));
    JsonObject c = store.createCustomer(new JsonObject().put("external_id", "ext-2"));
    store.api().patch(store.customer(c.getString("id")), new JsonObject().put("external_id", "ext-1"))
        .expectError(409, null);
    assertEquals("ext-2", store.api().get(store.customer(c.getString("id"))).expect(200).getString("external_id"));
  }

  @Test
  void aggregatesCannotBeWritten() {
    JsonObject c = store.createCustomer(new JsonObject().put("email", "agg@example.com"));
    String path = store.customer(c.getString("id"));
    for (String aggregate : List.of("total_spent", "total_orders", "average_order_value", "last_order_at",
        "first_order_at", "created_at", "id")) {
      Object value = aggregate.endsWith("_at") ? "2020-01-01T00:00:00Z" : aggregate.equals("id") ? "cust_x" : 1000;
      JsonObject error = store.api().patch(path, new JsonObject().put(aggregate, value)).expectError(400, null);
      assertEquals(aggregate, error.getString("param"), error::encode);
      assertTrue(error.getString("message").contains(aggregate), error::encode);

      JsonObject onCreate = store.api().post(store.customers(),
          new JsonObject().put("email", "new-" + aggregate + "@example.com").put(aggregate, value)).expectError(400, null);
      assertEquals(aggregate, onCreate.getString("param"), onCreate::encode);
    }
    assertEquals(c, store.api().get(path).expect(200));
    assertEquals(1, store.api().get(store.customers()).page().size());
  }

  @Test
  void deleteRemovesTheCustomerWithItsNotesAndActivity() {
    JsonObject c = store.createCustomer(new JsonObject().put("email", "gone@example.com"));
    String path = store.customer(c.getString("id"));
    store.api().post(path + "/notes", new JsonObject().put("body", "called about a refund")).expect(201);

    JsonObject deleted = store.api().delete(path).expect(200);
    assertEquals(new JsonObject().put("id", c.getString("id")).put("object", "customer").put("deleted", true), deleted);

    store.api().get(path).expectError(404, "resource_missing");
    store.api().get(path + "/notes").expectError(404, "resource_missing");
    store.api().get(path + "/activity").expectError(404, "resource_missing");
    store.api().delete(path).expectError(404, "resource_missing");
    assertEquals(0, store.api().get(store.customers()).page().size());

    // The email is free again.
    assertNotEquals(c.getString("id"),
        store.api().post(store.customers(), new JsonObject().put("email", "gone@example.com")).expect(201).getString("id"));
  }
}
