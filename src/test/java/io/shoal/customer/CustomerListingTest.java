package io.shoal.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.ApiClient;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The list answers the same customers, in the same order, whichever path {@link CustomerListing}
 * takes: every page of every query is compared with a plain SQL reference on the same data
 * (the search as it has always been defined: {@code search_text LIKE '%term%'}). 3,000 customers
 * with common, mid and rare names, emails, phones and tags; one listing with small bounds so that
 * every path and every fallback runs (walk found the page / walk gave up / trigram under or over
 * its cap / term too short for trigrams), one with the production bounds.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CustomerListingTest {

  private static final int CUSTOMERS = 3000;
  private static final int PAGES = 4;
  private static TestServer server;
  private static TestStore store;
  private static Vertx vertx;
  private static Pool pool;
  private static String segmentId = "seg_listingtest";
  /** The reference's connection, opened by the first comparison. */
  private static Connection referenceConnection;

  @BeforeAll
  static void start() throws SQLException {
    server = TestServer.start();
    store = server.createStore("Listing");
    try (Connection c = TestDatabase.connect(server.databaseUrl()); Statement st = c.createStatement()) {
      // Surnames: Smith common (1/3), Reynolds mid (1/20), Zyxwv rare (1/600), Müller non-ASCII.
      // Emails: first.last<i>@ (gmail 1/2 | acme-corp.io | x.io); phones in two formats or none.
      // created_at is shuffled against insertion order, with ties every 50 (id breaks them).
      st.execute("INSERT INTO customers (store_id, id, first_name, last_name, email, phone, tags, metadata,"
          + " total_spent, total_orders, last_order_at, created_at)"
          + " SELECT '" + store.id() + "', 'cust_t' || lpad(i::text, 6, '0'),"
          + " (ARRAY['John','Joshua','Mary','Ann','Jo','Marco','Zoe'])[1 + i % 7],"
          + " CASE WHEN i % 600 = 7 THEN 'Zyxwv' WHEN i % 20 = 3 THEN 'Reynolds' WHEN i % 3 = 0 THEN 'Smith'"
          + "      WHEN i % 97 = 5 THEN 'Müller' ELSE 'Lee' || (i % 40) END,"
          + " CASE WHEN i % 11 = 0 THEN NULL ELSE lower((ARRAY['john','joshua','mary','ann','jo','marco','zoe'])[1 + i % 7])"
          + "      || '.' || CASE WHEN i % 3 = 0 THEN 'smith' ELSE 'lee' END || i || '@'"
          + "      || (ARRAY['gmail.com','gmail.com','acme-corp.io','x.io'])[1 + i % 4] END,"
          + " CASE WHEN i % 5 = 0 THEN NULL WHEN i % 2 = 0 THEN '+1415555' || lpad(i::text, 4, '0')"
          + "      ELSE '(415) 555-' || lpad(i::text, 4, '0') END,"
          + " CASE WHEN i % 500 = 1 THEN ARRAY['rare','vip'] WHEN i % 7 = 0 THEN ARRAY['vip'] ELSE '{}'::text[] END,"
          + " CASE WHEN i % 9 = 0 THEN '{\"tier\":\"gold\"}'::jsonb ELSE '{}'::jsonb END,"
          + " (i % 100) + 0.5, i % 13,"
          + " CASE WHEN i % 4 = 0 THEN NULL ELSE timestamptz '2025-01-01' + (i % 17) * interval '1 day' END,"
          + " timestamptz '2024-01-01' + ((i * 7919) % " + CUSTOMERS + " - (i % 50 = 0)::int) * interval '1 minute'"
          + " FROM generate_series(1, " + CUSTOMERS + ") i");
      st.execute("INSERT INTO segments (store_id, id, name, type) VALUES ('" + store.id() + "', '" + segmentId
          + "', 'listing test', 'static')");
      st.execute("INSERT INTO segment_members (store_id, segment_id, customer_id) SELECT store_id, '" + segmentId
          + "', id FROM customers WHERE store_id = '" + store.id() + "' AND substr(id, 7)::int % 13 = 4");
      st.execute("ANALYZE customers");
      st.execute("ANALYZE segment_members");
    }
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().connectingTo(io.shoal.db.Database.parseUrl(server.databaseUrl())).using(vertx).build();
  }

  @AfterAll
  static void stop() throws SQLException {
    if (referenceConnection != null) {
      referenceConnection.close();
    }
    if (pool != null) {
      ApiClient.await(pool.close());
    }
    if (vertx != null) {
      ApiClient.await(vertx.close());
    }
    if (server != null) {
      server.close();
    }
  }

  private static final String[] TERMS = {
      "smith",            // a third of everyone: a walk finds the page at once
      "reynolds",         // 8 letters, looks rare, has more matches than the small cap: walked
      "zyxwv",            // 5 letters, rare: the walk gives up, trigram finds all
      "jo",               // too short for trigrams: walked to the end
      "joshua.s",         // punctuation: trigram on the folded text
      "a.c",              // the folded trigram 'axc' also matches 'a-c'/'a_c'; the exact test drops those
      "x.io", "x",        // 'x' is the fold character: must not match punctuation
      "555",              // digits, common
      "4155550123",       // digits, one customer
      "555-0123",         // the formatted phone
      "@gmail", "gmail.com",
      "john smith",       // across first and last name
      "müller",           // non-ASCII
      "%", "_", "50%",    // LIKE's own characters are plain characters to search
      "nobody-has-this",
  };

  @Test
  void everyPathAnswersWhatTheReferenceAnswers() throws SQLException {
    CustomerListing small = new CustomerListing(pool, 200, 100, 50);
    CustomerListing production = new CustomerListing(pool);
    ApiClient.await(production.sampleTrigrams()); // production asks for the rarer trigrams from the start
    int compared = 0;
    for (CustomerListing listing : List.of(small, production)) {
      for (String term : TERMS) {
        compared += compare(listing, query(term, List.of(), new JsonObject(), null, null, CustomerSort.CREATED_AT, true));
        compared += compare(listing, query(term, List.of(), new JsonObject(), null, null, CustomerSort.CREATED_AT, false));
        compared += compare(listing, query(term, List.of(), new JsonObject(), null, null, CustomerSort.TOTAL_SPENT, true));
        compared += compare(listing, query(term, List.of("vip"), new JsonObject(), null, null, CustomerSort.CREATED_AT, true));
      }
      // filters without a search: common, rare, combined, segment, range, other sorts
      compared += compare(listing, query(null, List.of("vip"), new JsonObject(), null, null, CustomerSort.CREATED_AT, true));
      compared += compare(listing, query(null, List.of("rare"), new JsonObject(), null, null, CustomerSort.CREATED_AT, true));
      compared += compare(listing, query(null, List.of("rare", "vip"), new JsonObject(), null, null, CustomerSort.LAST_ORDER_AT, false));
      compared += compare(listing, query(null, List.of(), new JsonObject().put("tier", "gold"), null, null, CustomerSort.CREATED_AT, true));
      compared += compare(listing, query(null, List.of(), new JsonObject(), segmentId, null, CustomerSort.CREATED_AT, true));
      compared += compare(listing, query("smith", List.of(), new JsonObject(), segmentId, null, CustomerSort.TOTAL_ORDERS, true));
      compared += compare(listing, query(null, List.of(), new JsonObject(), null, Instant.parse("2024-01-02T12:00:00Z"),
          CustomerSort.CREATED_AT, true));
      compared += compare(listing, query("zyxwv", List.of(), new JsonObject(), null, Instant.parse("2024-01-02T12:00:00Z"),
          CustomerSort.CREATED_AT, true));
      compared += compare(listing, query(null, List.of(), new JsonObject(), null, null, CustomerSort.CREATED_AT, true));
    }
    assertTrue(compared > 1500, "customers compared: " + compared);
  }

  /**
   * A segment filter of a small segment is answered from the segment's members (each customer by
   * primary key), not by walking the customers and probing the membership of each: the path is
   * checked on every page, and every page is the reference's. A segment above the member cap is
   * walked; when the walk gives up the sort order is walked against a hash of its members
   * (segment only) or it is read by the other filter's index (segment and tags).
   */
  @Test
  void aSmallSegmentIsReadFromItsMembers() throws SQLException {
    CustomerListing production = new CustomerListing(pool);
    CustomerListing.Path members = CustomerListing.Path.BY_MEMBERS;
    int compared = 0;
    for (CustomerSort sort : CustomerSort.values()) {
      for (boolean desc : new boolean[] {true, false}) {
        compared += compare(production, query(null, List.of(), new JsonObject(), segmentId, null, sort, desc),
            sort == CustomerSort.CREATED_AT ? CustomerListing.Path.BY_MEMBER_ORDER : members);
      }
    }
    compared += compare(production, query("smith", List.of(), new JsonObject(), segmentId, null, CustomerSort.CREATED_AT, true), members);
    compared += compare(production, query("jo", List.of("vip"), new JsonObject(), segmentId, null, CustomerSort.CREATED_AT, true), members);
    compared += compare(production, query(null, List.of(), new JsonObject().put("tier", "gold"), segmentId,
        Instant.parse("2024-01-01T20:00:00Z"), CustomerSort.TOTAL_SPENT, false), members);
    compared += compare(production, query("qqq", List.of(), new JsonObject(), segmentId, null, CustomerSort.CREATED_AT, true), members);
    compared += compare(production, query(null, List.of(), new JsonObject(), "seg_nobody", null, CustomerSort.CREATED_AT, true), members);
    assertTrue(compared > 200, "customers compared: " + compared);

    // 230 members over a cap of 50: walked; 600 rows hold a page (1 in 13 is a member, ~46)...
    CustomerListing walking = new CustomerListing(pool, 600, 600, 50, 50, CustomerListing.MEMBER_SET_CAP, false);
    compare(walking, query(null, List.of(), new JsonObject(), segmentId, null, CustomerSort.CREATED_AT, true),
        CustomerListing.Path.WALK);
    // ...100 rows do not: then the sort order against a hash of the members, or the tag's index when a
    // tag narrows too
    CustomerListing givingUp = new CustomerListing(pool, 100, 100, 50, 50, CustomerListing.MEMBER_SET_CAP, false);
    compare(givingUp, query(null, List.of(), new JsonObject(), segmentId, null, CustomerSort.CREATED_AT, true),
        CustomerListing.Path.BY_MEMBER_SET);
    compare(givingUp, query(null, List.of("vip"), new JsonObject(), segmentId, null, CustomerSort.CREATED_AT, true),
        CustomerListing.Path.BY_MATCHES);
  }

  /**
   * The pathological segment of a real store ("churned"): its members are the oldest fifth of the
   * customers, so newest first a walk passes 2,400 non-members before the first member. Every sort,
   * both orders, with the production bounds and with small ones (the walk gives up: the sort order
   * is walked against a hash of the members; above the member-set cap, each member is read by
   * key), every page is the plain SQL's. Those are the paths of an evaluated segment; a static one
   * is read in its members' order on the default sort, whatever the bounds (V56).
   */
  @Test
  void aSegmentOfTheOldestCustomersAnswersWhatTheReferenceAnswers() throws SQLException {
    String oldest = "seg_listingoldest";
    try (Connection c = TestDatabase.connect(server.databaseUrl()); Statement st = c.createStatement()) {
      st.execute("INSERT INTO segments (store_id, id, name, type) VALUES ('" + store.id() + "', '" + oldest
          + "', 'oldest', 'static') ON CONFLICT DO NOTHING");
      st.execute("INSERT INTO segment_members (store_id, segment_id, customer_id) SELECT store_id, '" + oldest
          + "', id FROM customers WHERE store_id = '" + store.id() + "' ORDER BY created_at, id LIMIT " + CUSTOMERS / 5
          + " ON CONFLICT DO NOTHING");
      st.execute("ANALYZE segment_members");
    }
    CustomerListing production = new CustomerListing(pool);
    CustomerListing givingUp = new CustomerListing(pool, 100, 100, 50, 50, CustomerListing.MEMBER_SET_CAP, false);
    CustomerListing overSetCap = new CustomerListing(pool, 100, 100, 50, 50, 100, false);
    CustomerQuery newestFirst = query(null, List.of(), new JsonObject(), oldest, null, CustomerSort.CREATED_AT, true);
    assertEquals(CustomerListing.Path.BY_MEMBER_ORDER, ApiClient.await(production.pageAndPath(store.id(), newestFirst)).path());
    assertEquals(CustomerListing.Path.BY_MEMBER_SET, ApiClient.await(givingUp.pageAndPath(store.id(), newestFirst)).path());
    assertEquals(CustomerListing.Path.BY_MEMBERS, ApiClient.await(overSetCap.pageAndPath(store.id(), newestFirst)).path());
    int compared = 0;
    for (CustomerListing listing : List.of(production, givingUp, overSetCap)) {
      for (CustomerSort sort : CustomerSort.values()) {
        for (boolean desc : new boolean[] {true, false}) {
          compared += compare(listing, query(null, List.of(), new JsonObject(), oldest, null, sort, desc));
          compared += compare(listing, query(null, List.of(), new JsonObject(), oldest,
              Instant.parse("2024-01-01T04:00:00Z"), sort, desc));
        }
      }
    }
    assertEquals(3 * CustomerSort.values().length * 2 * 2 * PAGES * 25, compared);
  }

  /**
   * A static segment's list in its members' order (V56) follows every way its members change: the
   * API's writers (creation with customer ids, add, remove) write each member's created_at, and
   * the list right after each answer is the plain SQL's, newest and oldest first, with a created_at
   * range on both sides, over pages; a customer's created_at moved by SQL moves its memberships.
   * A list request through the API answers the same page.
   */
  @Test
  void aStaticSegmentInItsMembersOrderFollowsItsChanges() throws SQLException {
    List<String> firstMembers = new ArrayList<>();
    for (int i = 3; i <= CUSTOMERS; i += 17) {
      firstMembers.add(String.format(Locale.ROOT, "cust_t%06d", i));
    }
    JsonObject created = store.api().post(store.path("/customer-segments"), new JsonObject().put("name", "picked")
        .put("type", "static").put("customer_ids", new io.vertx.core.json.JsonArray(firstMembers))).expect(201);
    String picked = created.getString("id");
    CustomerListing production = new CustomerListing(pool);
    Instant from = Instant.parse("2024-01-01T06:00:00Z");
    Instant before = Instant.parse("2024-01-02T20:00:00Z");
    java.util.function.IntSupplier compareAll = () -> {
      int n = 0;
      for (boolean desc : new boolean[] {true, false}) {
        try {
          n += compare(production, query(null, List.of(), new JsonObject(), picked, null, CustomerSort.CREATED_AT, desc),
              CustomerListing.Path.BY_MEMBER_ORDER);
          n += compare(production, new CustomerQuery(null, List.of(), from, before, new JsonObject(), picked,
              CustomerSort.CREATED_AT, desc, null, null, 26), CustomerListing.Path.BY_MEMBER_ORDER);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      }
      return n;
    };
    assertEquals(0, membersWithoutTheirCustomersCreatedAt());
    assertTrue(compareAll.getAsInt() >= 4 * 25, "compared");

    List<String> more = new ArrayList<>();
    for (int i = 5; i <= CUSTOMERS; i += 29) {
      more.add(String.format(Locale.ROOT, "cust_t%06d", i));
    }
    store.api().post(store.path("/segments/" + picked + "/members"),
        new JsonObject().put("customer_ids", new io.vertx.core.json.JsonArray(more))).expect(200);
    assertEquals(0, membersWithoutTheirCustomersCreatedAt());
    compareAll.getAsInt();

    store.api().post(store.path("/segments/" + picked + "/members/remove"),
        new JsonObject().put("customer_ids", new io.vertx.core.json.JsonArray(firstMembers.subList(0, 120)))).expect(200);
    compareAll.getAsInt();

    // The newest member becomes the oldest customer, and back.
    List<String> newest = reference(query(null, List.of(), new JsonObject(), picked, null, CustomerSort.CREATED_AT, true));
    try (Connection c = TestDatabase.connect(server.databaseUrl()); Statement st = c.createStatement()) {
      st.execute("UPDATE customers SET created_at = timestamptz '2023-06-01' WHERE store_id = '" + store.id()
          + "' AND id = '" + newest.get(0) + "'");
      assertEquals(0, membersWithoutTheirCustomersCreatedAt());
      compareAll.getAsInt();
      assertEquals(newest.get(0), reference(query(null, List.of(), new JsonObject(), picked, null,
          CustomerSort.CREATED_AT, false)).get(0));
      st.execute("UPDATE customers SET created_at = timestamptz '2024-01-01' + ((substr(id, 7)::int * 7919) % "
          + CUSTOMERS + " - (substr(id, 7)::int % 50 = 0)::int) * interval '1 minute'"
          + " WHERE store_id = '" + store.id() + "' AND id = '" + newest.get(0) + "'");
    }
    assertEquals(0, membersWithoutTheirCustomersCreatedAt());

    JsonObject page = store.api().get(store.customers() + "?segment_id=" + picked + "&limit=10").expect(200);
    List<String> listed = new ArrayList<>();
    page.getJsonArray("data").forEach(o -> listed.add(((JsonObject) o).getString("id")));
    assertEquals(newest.subList(0, 10), listed);

    // The page is read from the members alone (no customer row joined): a deleted customer's membership goes
    // with it, so the pages still hold only customers that exist, as the reference's join does.
    List<String> members = reference(query(null, List.of(), new JsonObject(), picked, null, CustomerSort.CREATED_AT, true));
    List<String> gone = List.of(members.get(0), members.get(3), members.get(40), members.get(members.size() - 1));
    for (String id : gone) {
      store.api().delete(store.customer(id)).expect(200);
    }
    List<String> left = reference(query(null, List.of(), new JsonObject(), picked, null, CustomerSort.CREATED_AT, true));
    assertEquals(members.size() - gone.size(), left.size());
    assertTrue(compareAll.getAsInt() >= 4 * 25, "compared after deletes");
    assertEquals(0, membersWithoutTheirCustomersCreatedAt());
    try (Connection c = TestDatabase.connect(server.databaseUrl()); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM segment_members m WHERE m.store_id = '" + store.id()
             + "' AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.store_id = m.store_id AND c.id = m.customer_id)")) {
      rs.next();
      assertEquals(0, rs.getLong(1), "memberships without their customer");
    }
    // Not a static segment (an evaluated one, or none of that id): the members' order does not answer.
    assertEquals(CustomerListing.Path.BY_MEMBERS, ApiClient.await(production.pageAndPath(store.id(),
        query(null, List.of(), new JsonObject(), "seg_nobody_has_it", null, CustomerSort.CREATED_AT, true))).path());
  }

  /**
   * The first list by several facets reads the facets' statistics ({@link FacetStats}) on the connection the
   * page already holds: with a pool of one connection, a page that asked the pool for another would wait for
   * its own (the API's pages hold one while they ask). Later pages use the statistics kept. Every page is the
   * reference's.
   */
  @Test
  void theFirstListBySeveralFacetsReadsTheirStatisticsOnItsOwnConnection() throws SQLException {
    Pool one = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(io.shoal.db.Database.parseUrl(server.databaseUrl())).using(vertx).build();
    try {
      CustomerListing listing = new CustomerListing(one);
      CustomerQuery q = query(null, List.of("vip"), new JsonObject().put("tier", "gold"), null, null, CustomerSort.CREATED_AT, true);
      for (int call = 0; call < 2; call++) {
        CustomerListing.Page page = ApiClient.await(one.withConnection(conn -> listing.on(conn).pageAndPath(store.id(), q)), 20);
        List<String> got = new ArrayList<>();
        page.rows().forEach(r -> got.add(r.getString("id")));
        List<String> expected = reference(q);
        assertEquals(expected.subList(0, Math.min(expected.size(), got.size())), got);
        assertFalse(got.isEmpty(), "gold vip customers in this store");
      }
    } finally {
      ApiClient.await(one.close());
    }
  }

  /**
   * A list by several facets reads the rarest one's entries first, which {@link FacetStats} finds by
   * the facet's text: the texts it makes are the database's own (V46's {@code customer_facets_of}),
   * also for keys and values that JSON escapes. (The statement itself writes each facet with SQL, so
   * its answers never depend on these texts.)
   */
  @Test
  void facetTextsAreTheDatabasesOwn() throws SQLException {
    List<String[]> pairs = List.of(new String[] {"source", "web"}, new String[] {"referrer", "campaign_3"},
        new String[] {"quote\"d", "back\\slash"}, new String[] {"tab\tnew\nline", "cr\rff\fbs\b"},
        new String[] {"ctl\u0001\u001f", "caf\u00e9 \u20ac \ud83d\ude00"}, new String[] {"", " "},
        new String[] {"{\"k\": 1}", "[a, b]"}, new String[] {"slash/", "<>&'"});
    try (Connection c = TestDatabase.connect(server.databaseUrl())) {
      for (String[] pair : pairs) {
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT f FROM customer_facets_of('{}'::text[], ?::jsonb) f")) {
          ps.setString(1, new JsonObject().put(pair[0], pair[1]).encode());
          try (ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next());
            assertEquals(rs.getString(1), FacetStats.pair(pair[0], pair[1]), () -> "pair " + pair[0] + "=" + pair[1]);
          }
        }
      }
      for (String tag : List.of("vip", "with space", "quote\"d", "caf\u00e9")) {
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT f FROM customer_facets_of(ARRAY[?], '{}'::jsonb) f")) {
          ps.setString(1, tag);
          try (ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next());
            assertEquals(rs.getString(1), FacetStats.tag(tag));
          }
        }
      }
    }
  }

  /**
   * A page by two facets probes only the entries whose customer's facet hashes (V78) hold the other
   * facet's: the hashes decide what is probed, the probe decides the answer. Entries given the other
   * facet's hash without having it (what a shared hash would do) are probed and dropped: the page is
   * still the reference's. Entries whose hashes were emptied are not probed, so their customers,
   * who do match, are no longer on the page: without the hashes in the statement they would be.
   */
  @Test
  void aPageByTwoFacetsProbesOnlyTheEntriesWhoseHashesHoldTheOther() throws SQLException {
    TestStore two = server.createStore("Two facets");
    String mine = "store_id = '" + two.id() + "'";
    try (Connection c = TestDatabase.connect(server.databaseUrl()); Statement st = c.createStatement()) {
      // source=import for even i, referrer=campaign_3 for i divisible by 3: both for i divisible by 6.
      st.execute("INSERT INTO customers (store_id, id, metadata, created_at) SELECT '" + two.id() + "',"
          + " 'cust_h' || lpad(i::text, 4, '0'), CASE WHEN i % 2 = 0 THEN '{\"source\": \"import\"}'::jsonb"
          + "   ELSE '{\"source\": \"web\"}'::jsonb END"
          + "   || CASE WHEN i % 3 = 0 THEN '{\"referrer\": \"campaign_3\"}'::jsonb ELSE '{}'::jsonb END,"
          + " timestamptz '2024-01-01' + i * interval '1 minute' FROM generate_series(1, 600) i");
      String both = "ARRAY[hashtextextended('m' || jsonb_build_object('source', 'import')::text, 0),"
          + " hashtextextended('m' || jsonb_build_object('referrer', 'campaign_3')::text, 0)]";
      assertEquals(100 * 2, st.executeUpdate("UPDATE customer_facets SET facet_set = facet_set || " + both + " WHERE " + mine
          + " AND substr(customer_id, 7)::int % 3 = 0 AND substr(customer_id, 7)::int % 2 = 1"), "the forged entries");
    }
    CustomerListing listing = new CustomerListing(pool);
    CustomerQuery q = filter(List.of(), new JsonObject().put("source", "import").put("referrer", "campaign_3"), null, null,
        null);
    CustomerListing.Page page = ApiClient.await(listing.pageAndPath(two.id(), q));
    assertEquals(CustomerListing.Path.BY_FACETS, page.path());
    assertEquals(reference(two, q).subList(0, 26), ids(page), "forged hashes are probed and dropped");

    try (Connection c = TestDatabase.connect(server.databaseUrl()); Statement st = c.createStatement()) {
      assertEquals(50 * 2, st.executeUpdate("UPDATE customer_facets SET facet_set = '{}' WHERE " + mine
          + " AND substr(customer_id, 7)::int % 12 = 0"), "the emptied entries");
    }
    List<String> unprobed = new ArrayList<>(reference(two, q));
    unprobed.removeIf(id -> Integer.parseInt(id.substring(6)) % 12 == 0);
    page = ApiClient.await(listing.pageAndPath(two.id(), q));
    assertEquals(CustomerListing.Path.BY_FACETS, page.path());
    assertEquals(unprobed.subList(0, 26), ids(page), "customers whose entries lack the hashes are not probed");
  }

  private static List<String> ids(CustomerListing.Page page) {
    List<String> ids = new ArrayList<>();
    page.rows().forEach(r -> ids.add(r.getString("id")));
    return ids;
  }

  private static long membersWithoutTheirCustomersCreatedAt() throws SQLException {
    try (Connection c = TestDatabase.connect(server.databaseUrl()); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM segment_members m JOIN customers c"
             + " ON c.store_id = m.store_id AND c.id = m.customer_id WHERE m.created_at IS DISTINCT FROM c.created_at")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * A walk that found half a page or more within its bound walks on from its last match (about
   * one in seven customers is a Zoe or has the tag vip: 120 rows hold 13-25 of them) instead of
   * reading every match; with fewer (40 rows) it reads every match. Every page is the reference's.
   */
  @Test
  void aWalkThatFoundHalfAPageWalksOn() throws SQLException {
    CustomerListing walkingOn = new CustomerListing(pool, 120, 120, 50, 50);
    CustomerListing givingUp = new CustomerListing(pool, 40, 40, 50, 50);
    CustomerQuery zoe = query("zoe", List.of(), new JsonObject(), null, null, CustomerSort.CREATED_AT, true);
    CustomerQuery vip = query(null, List.of("vip"), new JsonObject(), null, null, CustomerSort.LAST_ORDER_AT, true);
    CustomerQuery vipBySpend = query(null, List.of("vip"), new JsonObject(), null, null, CustomerSort.TOTAL_SPENT, false);
    for (CustomerQuery q : List.of(zoe, vip, vipBySpend)) {
      assertEquals(CustomerListing.Path.WALK_ON, ApiClient.await(walkingOn.pageAndPath(store.id(), q)).path(),
          "search " + q.search() + ", tags " + q.tags() + ", sort " + q.sort());
      assertEquals(CustomerListing.Path.BY_MATCHES, ApiClient.await(givingUp.pageAndPath(store.id(), q)).path(),
          "search " + q.search() + ", tags " + q.tags() + ", sort " + q.sort());
      assertEquals(PAGES * 25, compare(walkingOn, q));
      assertEquals(PAGES * 25, compare(givingUp, q));
    }
  }

  /**
   * A search alone whose trigrams the sample finds together in at most the walk's bound / 11 customers
   * goes to the trigram index first, even six letters that do not look rare ("reynol": Reynolds is
   * 1 in 20 of this store, a few hundred in the table); a common term is walked ("smith", 1 in 3:
   * 1,000 here, so with a walk bound of 5,500, 500 candidates, whatever other tests left in the table,
   * which the sample also counts); with a walk bound of 1,100 (100 candidates) "reynol" is walked too.
   * Every page is the reference's.
   */
  @Test
  void aSearchTheSampleFindsRareGoesToTheTrigramIndexFirst() throws SQLException {
    CustomerListing production = new CustomerListing(pool);
    CustomerListing shortWalk = new CustomerListing(pool, 1_100, 100, 5_000);
    CustomerListing fewer = new CustomerListing(pool, 5_500, 2_000, 5_000);
    ApiClient.await(production.sampleTrigrams());
    ApiClient.await(shortWalk.sampleTrigrams());
    ApiClient.await(fewer.sampleTrigrams());
    for (boolean desc : new boolean[] {true, false}) {
      CustomerQuery reynol = query("reynol", List.of(), new JsonObject(), null, null, CustomerSort.CREATED_AT, desc);
      CustomerQuery smith = query("smith", List.of(), new JsonObject(), null, null, CustomerSort.CREATED_AT, desc);
      // every match, or (V72) those of a recent period when the sample expects more than 3 pages of them
      assertTrue(List.of(CustomerListing.Path.BY_MATCHES, CustomerListing.Path.BY_PERIOD)
          .contains(ApiClient.await(production.pageAndPath(store.id(), reynol)).path()));
      assertEquals(PAGES * 25, compare(production, reynol, null));
      assertEquals(PAGES * 25, compare(shortWalk, reynol, CustomerListing.Path.WALK));
      assertEquals(PAGES * 25, compare(fewer, smith, CustomerListing.Path.WALK));
      // Only a search alone in the default order goes to the trigram index because it looks rare: in
      // another order its matches are probed by key (V73), so the sample's count decides. "gmail.com"
      // (9 characters, ~1,360 customers) is walked by total_spent, read by its matches in the default order.
      CustomerQuery gmailBySpend = query("gmail.com", List.of(), new JsonObject(), null, null, CustomerSort.TOTAL_SPENT,
          desc);
      CustomerQuery gmail = query("gmail.com", List.of(), new JsonObject(), null, null, CustomerSort.CREATED_AT, desc);
      assertEquals(PAGES * 25, compare(fewer, gmailBySpend, CustomerListing.Path.WALK));
      assertNotEquals(CustomerListing.Path.WALK, ApiClient.await(fewer.pageAndPath(store.id(), gmail)).path());
    }
  }

  /**
   * The trigram sample is the same at every draw from the same table (REPEATABLE), so each term takes
   * the same path from one server start to the next: two samples of a tenth of the customers, drawn
   * by two listings, hold the same customers with the same trigrams. With a new draw each time
   * (until the thirty-fourth pass) the pages differed, and so did the terms near the threshold's paths.
   */
  @Test
  void theTrigramSampleIsTheSameAtEveryDraw() throws SQLException {
    long customers;
    try (Connection c = TestDatabase.connect(server.databaseUrl()); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM customers")) {
      rs.next();
      customers = rs.getLong(1);
    }
    int rows = (int) (customers / 10);
    TrigramStats.Sample first = ApiClient.await(new TrigramStats(pool, rows).refresh());
    TrigramStats.Sample second = ApiClient.await(new TrigramStats(pool, rows).refresh());
    assertTrue(first.rows() > 0 && first.rows() < customers / 2, first.rows() + " of " + customers);
    assertEquals(first.rows(), second.rows());
    assertEquals(first.holders().keySet(), second.holders().keySet());
    first.holders().forEach((trigram, holders) ->
        assertTrue(java.util.Arrays.equals(holders, second.holders().get(trigram)), trigram));
  }

  /**
   * A search alone whose matches the sample puts between 3 pages and the trigram threshold reads
   * its page from a period of created_at first (V72: the trigram index and the BRIN of
   * {@code customer_search} together): "newperiod" (600 customers spread over six years) from a
   * period on every page, both orders; "oldperiod" (1,000 customers all in the store's first two
   * months) oldest first from a period, newest first from every match, since the newest period
   * holds none of them. Every page is the plain SQL's.
   */
  @Test
  void aRareSearchReadsItsPageFromAPeriodOrEveryMatchWhenThePeriodHoldsTooFew() throws SQLException {
    TestStore periods = server.createStore("Listing periods");
    try (Connection c = TestDatabase.connect(server.databaseUrl()); Statement st = c.createStatement()) {
      st.execute("INSERT INTO customers (store_id, id, first_name, last_name, created_at)"
          + " SELECT '" + periods.id() + "', 'cust_p' || lpad(i::text, 6, '0'),"
          + " CASE WHEN i <= 1000 THEN 'Pat' WHEN i <= 1600 THEN 'Sam' ELSE 'Lee' END,"
          + " CASE WHEN i <= 1000 THEN 'Oldperiod' WHEN i <= 1600 THEN 'Newperiod' ELSE 'Filler' || (i % 50) END,"
          + " CASE WHEN i <= 1000 THEN timestamptz '2020-01-01' + i * interval '1 hour'"
          + "      ELSE timestamptz '2020-01-01' + ((i * 7919) % 21600) * interval '146 minutes' END"
          + " FROM generate_series(1, 21600) i");
      st.execute("ANALYZE customers");
    }
    CustomerListing production = new CustomerListing(pool);
    ApiClient.await(production.sampleTrigrams());
    CustomerQuery oldNewest = query("oldperiod", List.of(), new JsonObject(), null, null, CustomerSort.CREATED_AT, true);
    CustomerQuery oldOldest = query("oldperiod", List.of(), new JsonObject(), null, null, CustomerSort.CREATED_AT, false);
    assertEquals(CustomerListing.Path.BY_MATCHES, ApiClient.await(production.pageAndPath(periods.id(), oldNewest)).path());
    assertEquals(PAGES * 25, compare(periods, production, oldNewest, null));
    assertEquals(PAGES * 25, compare(periods, production, oldOldest, CustomerListing.Path.BY_PERIOD));
    for (boolean desc : new boolean[] {true, false}) {
      assertEquals(PAGES * 25, compare(periods, production, query("newperiod", List.of(), new JsonObject(), null, null,
          CustomerSort.CREATED_AT, desc), CustomerListing.Path.BY_PERIOD));
    }
  }

  /**
   * The four term classes of bench/run.sh on data shaped like its 1M customers (Zipf-like names,
   * emails in six styles on weighted domains, phones in three formats, 5 % without email): an
   * email's start as an agent types it (its local part minus the last character), a surname's
   * first six letters, a US phone's last six digits and very common terms. Terms are drawn from
   * the data itself. Every page, newest first and oldest first, is the plain SQL's.
   */
  @Test
  void everyTermClassOfTheBenchmarkAnswersWhatTheReferenceAnswers() throws SQLException {
    TestStore bench = server.createStore("Listing term classes");
    List<String> emailTerms = new ArrayList<>();
    List<String> surnameTerms = new ArrayList<>();
    List<String> phoneTerms = new ArrayList<>();
    try (Connection c = TestDatabase.connect(server.databaseUrl()); Statement st = c.createStatement()) {
      st.execute("SELECT setseed(0.17)");
      st.execute("INSERT INTO customers (store_id, id, first_name, last_name, email, phone, created_at)"
          + " SELECT '" + bench.id() + "', 'cust_b' || lpad(i::text, 6, '0'), f, l,"
          + "   CASE WHEN r1 < 0.05 THEN NULL ELSE (CASE (i % 6)"
          + "     WHEN 0 THEN lower(f) || '.' || lower(l) || (i % 90)"
          + "     WHEN 1 THEN left(lower(f), 1) || lower(l) || (i % 100)"
          + "     WHEN 2 THEN lower(l) || '.' || lower(f) || (1950 + i % 50)"
          + "     WHEN 3 THEN lower(f) || '_' || lower(l)"
          + "     WHEN 4 THEN lower(f) || '.' || left(lower(l), 1) || (i % 30)"
          + "     ELSE lower(f) || lower(l) || (i % 1000) END)"
          + "     || '@' || (CASE WHEN r2 < 0.35 THEN 'gmail.com' WHEN r2 < 0.5 THEN 'yahoo.com'"
          + "       WHEN r2 < 0.6 THEN 'outlook.com' WHEN r2 < 0.7 THEN 'hotmail.co.uk' ELSE 'acme-' || (i % 40) || '.com' END) END,"
          + "   CASE WHEN r3 < 0.15 THEN NULL"
          + "     WHEN r3 < 0.65 THEN '+1' || (201 + i % 780) || lpad(((i * 7919) % 10000000)::text, 7, '0')"
          + "     WHEN r3 < 0.85 THEN '(' || (201 + i % 780) || ') 555-' || lpad((i % 10000)::text, 4, '0')"
          + "     ELSE '+44 7' || lpad((i % 1000)::text, 3, '0') || ' ' || lpad(((i * 31) % 1000000)::text, 6, '0') END,"
          + "   timestamptz '2023-01-01' + (r4 * 3 * 365 * 24 * 60) * interval '1 minute'"
          + " FROM (SELECT i, random() r1, random() r2, random() r3, random() r4,"
          + "   (ARRAY['James','Mary','John','Patricia','Robert','Jennifer','Michael','Linda','William','Elizabeth',"
          + "     'David','Maria','Joshua','Scott','Marco','Anna','Wei','Yuki','Jo','Ann'])[1 + floor(20 * power(random(), 2))::int] f,"
          + "   (ARRAY['Smith','Johnson','Williams','Brown','Jones','Garcia','Miller','Davis','Rodriguez','Martinez',"
          + "     'Hernandez','Lopez','Gonzalez','Wilson','Anderson','Thomas','Taylor','Moore','Jackson','Martin',"
          + "     'Lee','Perez','Thompson','White','Harris','Sanchez','Clark','Ramirez','Lewis','Robinson',"
          + "     'Reynolds','Becker','Kowalski','Müller','Nguyen','Tanaka','Schmidt','Rossi','Dubois','Scott'])"
          + "     [1 + floor(40 * power(random(), 2.5))::int] l"
          + "   FROM generate_series(1, 12000) i) g"
          + " ON CONFLICT DO NOTHING");
      st.execute("ANALYZE customers");
      try (ResultSet rs = st.executeQuery("SELECT left(local, length(local) - 1) FROM (SELECT id,"
          + " split_part(lower(email), '@', 1) AS local FROM customers WHERE store_id = '" + bench.id() + "'"
          + " AND email IS NOT NULL) e WHERE length(local) >= 5 ORDER BY md5(id) LIMIT 12")) {
        while (rs.next()) {
          emailTerms.add(rs.getString(1));
        }
      }
      try (ResultSet rs = st.executeQuery("SELECT left(lower(last_name), 6), count(*) FROM customers WHERE store_id = '"
          + bench.id() + "' GROUP BY 1 ORDER BY 2 DESC, 1")) {
        int i = 0;
        while (rs.next()) {
          if (i++ % 4 == 0) { // common, mid and rare surnames
            surnameTerms.add(rs.getString(1));
          }
        }
      }
      try (ResultSet rs = st.executeQuery("SELECT right(phone, 6) FROM customers WHERE store_id = '" + bench.id() + "'"
          + " AND phone LIKE '+1%' AND length(phone) = 12 ORDER BY md5(id) LIMIT 12")) {
        while (rs.next()) {
          phoneTerms.add(rs.getString(1));
        }
      }
    }
    assertEquals(12, emailTerms.size());
    assertTrue(surnameTerms.size() >= 8, "surname terms " + surnameTerms);
    assertEquals(12, phoneTerms.size());
    List<String> commonTerms = List.of("gmail", "son", "mar", "com");

    CustomerListing small = new CustomerListing(pool, 300, 100, 40);
    CustomerListing production = new CustomerListing(pool);
    // Both ask the trigram index for the rarer trigrams only (TrigramStats); most email starts have
    // common ones ('joh', 'smi') to leave out, so the comparison covers those statements.
    ApiClient.await(small.sampleTrigrams());
    TrigramStats.Sample sample = ApiClient.await(production.sampleTrigrams());
    assertTrue(sample.rows() > 1000, "sampled " + sample.rows());
    long reduced = emailTerms.stream().map(t -> CustomerListing.fold(t))
        .filter(f -> !TrigramStats.patterns(f, sample).equals(List.of("%" + f + "%"))).count();
    assertTrue(reduced >= 6, "email terms asked with fewer trigrams: " + reduced + " of " + emailTerms);
    int compared = 0;
    for (List<String> terms : List.of(emailTerms, surnameTerms, phoneTerms, commonTerms)) {
      for (String term : terms) {
        for (CustomerListing listing : List.of(small, production)) {
          for (boolean desc : new boolean[] {true, false}) {
            compared += compare(bench, listing, query(term, List.of(), new JsonObject(), null, null,
                CustomerSort.CREATED_AT, desc), null);
          }
        }
      }
    }
    assertTrue(compared > 3000, "customers compared: " + compared);
  }

  /**
   * The list filters of bench/run.sh (tags, created_after/before, segment_id, metadata) on data
   * shaped like its 1M customers: 0-3 of 14 tags with frequencies from 20 % to 0.1 %, a metadata
   * source (9 values, 'web' a third) and for 30 % a referrer (40 campaigns), a few metadata values
   * that are not strings, created_at over three years with ties, a 10 % and a 1 % segment. Every
   * page of every filter and combination, newest and oldest first, is the plain SQL's; a single
   * tag or pair is read from its facet on every page. Then tags, metadata and created_at are
   * changed, customers deleted and added, and every filter is compared again, and the facets
   * are exactly those of the customers as they now are.
   */
  @Test
  void everyFilterOfTheBenchmarkAnswersWhatTheReferenceAnswers() throws SQLException {
    TestStore bench = server.createStore("Listing filters");
    String large = "seg_filters_large", small = "seg_filters_small";
    try (Connection c = TestDatabase.connect(server.databaseUrl()); Statement st = c.createStatement()) {
      st.execute("SELECT setseed(0.29)");
      st.execute("INSERT INTO customers (store_id, id, first_name, tags, metadata, created_at)"
          + " SELECT '" + bench.id() + "', 'cust_f' || lpad(i::text, 6, '0'), 'F' || i,"
          + "   CASE WHEN r1 < 0.4 THEN '{}'::text[] WHEN i % 97 = 0 THEN ARRAY['vip', 'vip']"
          + "     ELSE ARRAY(SELECT DISTINCT t[1 + least(13, floor(abs(n) * 4)::int)] FROM"
          + "       (SELECT sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS n, ARRAY['vip','wholesale',"
          + "         'newsletter','returning','first_time_buyer','churn_risk','loyalty_gold','loyalty_silver','b2b',"
          + "         'influencer','abandoned_cart','discount_hunter','gift_buyer','subscriber'] AS t, k"
          + "        FROM generate_series(0, floor(r1 * 5)::int % 3) k) d) END,"
          + "   CASE WHEN i % 211 = 0 THEN '{\"source\": 5}'::jsonb WHEN i % 223 = 0 THEN '{\"source\": [\"web\"]}'::jsonb"
          + "     WHEN i % 227 = 0 THEN '{\"source\": {\"web\": \"web\"}}'::jsonb"
          + "     ELSE jsonb_build_object('source', (ARRAY['web','web','web','pos','instagram','tiktok','trade_show',"
          + "       'referral','import'])[1 + floor(r2 * 9)::int])"
          + "       || CASE WHEN r3 < 0.3 THEN jsonb_build_object('referrer', 'campaign_' || floor(r4 * 40)::int)"
          + "          ELSE '{}'::jsonb END END,"
          + "   timestamptz '2023-01-01' + floor(r5 * 3 * 365 * 24 * 4) * interval '15 minutes'"
          + " FROM (SELECT i, random() r1, random() r2, random() r3, random() r4,"
          + "   CASE WHEN i % 25 < 3 THEN 0.5 ELSE random() END r5 FROM generate_series(1, 8000) i) g");
      st.execute("INSERT INTO segments (store_id, id, name, type) VALUES ('" + bench.id() + "', '" + large
          + "', 'large', 'static'), ('" + bench.id() + "', '" + small + "', 'small', 'static')");
      st.execute("INSERT INTO segment_members (store_id, segment_id, customer_id) SELECT store_id, '" + large
          + "', id FROM customers WHERE store_id = '" + bench.id() + "' AND abs(hashtext(id)) % 10 = 0");
      st.execute("INSERT INTO segment_members (store_id, segment_id, customer_id) SELECT store_id, '" + small
          + "', id FROM customers WHERE store_id = '" + bench.id() + "' AND abs(hashtext(id)) % 100 = 1");
      st.execute("ANALYZE customers");
      st.execute("ANALYZE customer_facets");
      st.execute("ANALYZE segment_members");
    }
    int compared = compareFilters(bench, large, small);
    assertTrue(compared > 6_000, "customers compared: " + compared);

    try (Connection c = TestDatabase.connect(server.databaseUrl()); Statement st = c.createStatement()) {
      String mine = "store_id = '" + bench.id() + "'";
      st.execute("UPDATE customers SET tags = ARRAY['subscriber', 'vip'] WHERE " + mine + " AND substr(id, 7)::int % 17 = 0");
      st.execute("UPDATE customers SET metadata = metadata || '{\"referrer\": \"campaign_3\"}' WHERE " + mine
          + " AND substr(id, 7)::int % 19 = 0");
      st.execute("UPDATE customers SET created_at = created_at - interval '400 days' WHERE " + mine
          + " AND substr(id, 7)::int % 23 = 0");
      st.execute("UPDATE customers SET tags = '{}', metadata = '{}' WHERE " + mine + " AND substr(id, 7)::int % 29 = 0");
      st.execute("UPDATE customers SET first_name = 'Renamed', tags = tags WHERE " + mine + " AND substr(id, 7)::int % 31 = 0");
      st.execute("DELETE FROM customers WHERE " + mine + " AND substr(id, 7)::int % 37 = 0");
      st.execute("INSERT INTO customers (store_id, id, tags, metadata, created_at) SELECT '" + bench.id() + "',"
          + " 'cust_g' || lpad(i::text, 6, '0'), ARRAY['gift_buyer', 'b2b'], '{\"source\": \"import\", \"referrer\": \"campaign_3\"}',"
          + " timestamptz '2024-06-01' + i * interval '1 hour' FROM generate_series(1, 300) i");
      st.execute("INSERT INTO customers (store_id, id, tags, metadata) VALUES ('" + bench.id() + "', 'cust_long1',"
          + " ARRAY['" + LONG_TAG + "', 'vip'], jsonb_build_object('source', '" + LONG_TAG + "')), ('" + bench.id()
          + "', 'cust_long2', ARRAY['" + LONG_TAG + "'], '{}')");
      st.execute("ANALYZE customer_facets");
      // Each entry with its customer's facet hashes (V78), in any order.
      String own = "SELECT store_id, f, created_at, id, ARRAY(SELECT hashtextextended(x, 0) FROM customer_facets_of(tags, metadata) x"
          + " ORDER BY 1) FROM customers, customer_facets_of(tags, metadata) f WHERE " + mine;
      String kept = "SELECT store_id, facet, created_at, customer_id, ARRAY(SELECT unnest(facet_set) ORDER BY 1)"
          + " FROM customer_facets WHERE " + mine;
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM ((" + kept + " EXCEPT ALL " + own + ")"
          + " UNION ALL (" + own + " EXCEPT ALL " + kept + ")) d")) {
        rs.next();
        assertEquals(0, rs.getLong(1), "facets that differ from the customers' own");
      }
      assertEquals(0, searchRowsThatDiffer(c), "customer_search rows that differ from the customers' own");
    }
    compared = compareFilters(bench, large, small);
    assertTrue(compared > 6_000, "customers compared after the changes: " + compared);
  }

  /** Longer than any facet V46 keeps (1,000 bytes): customers with it are written and found all the same. */
  private static final String LONG_TAG = "long-" + "x".repeat(1200);

  private static int compareFilters(TestStore bench, String large, String small) throws SQLException {
    Instant after = Instant.parse("2025-06-01T00:00:00Z");
    Instant from = Instant.parse("2024-01-01T00:00:00Z");
    Instant to = Instant.parse("2024-02-01T00:00:00Z");
    JsonObject none = new JsonObject();
    List<CustomerQuery> facetOnly = new ArrayList<>();
    for (String tag : List.of("vip", "wholesale", "newsletter", "returning", "first_time_buyer", "churn_risk",
        "loyalty_gold", "loyalty_silver", "b2b", "influencer", "abandoned_cart", "discount_hunter", "gift_buyer",
        "subscriber", "nobody-has-it")) {
      facetOnly.add(filter(List.of(tag), none, null, null, null));
    }
    for (String source : List.of("web", "tiktok", "import", "nowhere")) {
      facetOnly.add(filter(List.of(), new JsonObject().put("source", source), null, null, null));
    }
    facetOnly.add(filter(List.of(), new JsonObject().put("referrer", "campaign_7"), null, null, null));
    facetOnly.add(filter(List.of("vip"), none, after, null, null));
    facetOnly.add(filter(List.of("b2b"), none, from, to, null));
    facetOnly.add(filter(List.of(), new JsonObject().put("source", "web"), from, to, null));
    List<CustomerQuery> others = List.of(
        filter(List.of("vip", "newsletter"), none, null, null, null),
        filter(List.of("vip", "vip"), none, null, null, null),
        filter(List.of("b2b", "vip"), none, null, null, null),
        filter(List.of("subscriber", "gift_buyer"), none, null, null, null),
        filter(List.of(), new JsonObject().put("source", "import").put("referrer", "campaign_3"), null, null, null),
        filter(List.of("vip"), new JsonObject().put("source", "web"), null, null, null),
        filter(List.of("newsletter"), new JsonObject().put("referrer", "campaign_7"), after, null, null),
        filter(List.of(), none, null, null, large),
        filter(List.of(), none, null, null, small),
        filter(List.of("vip"), none, null, null, large),
        filter(List.of("newsletter"), none, null, null, small),
        filter(List.of(), new JsonObject().put("source", "web"), null, null, large),
        filter(List.of(), none, after, null, null),
        filter(List.of(), none, from, to, null),
        filter(List.of(), none, from, to, large),
        filter(List.of(LONG_TAG), none, null, null, null), // not kept as a facet: found through the GIN index
        filter(List.of(), new JsonObject().put("source", LONG_TAG), null, null, null));
    CustomerListing production = new CustomerListing(pool);
    CustomerListing bounded = new CustomerListing(pool, 300, 100, 40, 50);
    int compared = 0;
    for (boolean desc : new boolean[] {true, false}) {
      for (CustomerQuery q : facetOnly) {
        CustomerQuery ordered = descending(q, desc);
        compared += compare(bench, production, ordered, CustomerListing.Path.BY_FACETS);
      }
      for (CustomerQuery q : others) {
        compared += compare(bench, production, descending(q, desc), null);
        compared += compare(bench, bounded, descending(q, desc), null);
      }
    }
    return compared;
  }

  private static CustomerQuery filter(List<String> tags, JsonObject metadata, Instant createdAfter, Instant createdBefore,
                                      String segment) {
    return new CustomerQuery(null, tags, createdAfter, createdBefore, metadata, segment, CustomerSort.CREATED_AT, true,
        null, null, 26);
  }

  private static CustomerQuery descending(CustomerQuery q, boolean descending) {
    return new CustomerQuery(q.search(), q.tags(), q.createdAfter(), q.createdBefore(), q.metadata(), q.segmentId(),
        q.sort(), descending, null, null, q.limit());
  }

  /**
   * The pages of one facet, of two, of a created range and of no filter are planned once per
   * connection, not at every call (twenty-second pass: planning was 0.6-0.9 ms of a tags page's
   * 1.2-2 ms at 1M customers): PostgreSQL's own count of each prepared statement's custom and
   * generic plans (pg_prepared_statements), on one connection, for first and later pages, in this
   * database of many stores. Before, the plain pages (a created range, another sort) were planned at
   * every call here, and the facets' pages at 1M (their limits were parameters). Each page is also
   * the reference's.
   */
  @Test
  void filteredPagesArePlannedOnceNotAtEveryCall() throws SQLException {
    Pool one = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(io.shoal.db.Database.parseUrl(server.databaseUrl()).setCachePreparedStatements(true))
        .using(vertx).build();
    try {
      CustomerListing listing = new CustomerListing(one);
      JsonObject none = new JsonObject();
      JsonObject gold = new JsonObject().put("tier", "gold");
      Instant after = Instant.parse("2024-01-01T12:00:00Z");
      List<CustomerQuery> lists = List.of(
          limit(query(null, List.of("vip"), none, null, null, CustomerSort.CREATED_AT, true), 11),
          limit(query(null, List.of(), gold, null, null, CustomerSort.CREATED_AT, false), 11),
          limit(query(null, List.of("vip"), gold, null, null, CustomerSort.CREATED_AT, true), 11),
          limit(query(null, List.of(), none, null, after, CustomerSort.CREATED_AT, true), 11),
          limit(query(null, List.of(), none, null, null, CustomerSort.TOTAL_SPENT, false), 11));
      int calls = 8;
      for (CustomerQuery first : lists) {
        CustomerListing.Path path = first.tags().isEmpty() && first.metadata().isEmpty()
            ? CustomerListing.Path.PLAIN : CustomerListing.Path.BY_FACETS;
        List<String> expected = reference(first).subList(0, 20);
        for (int call = 0; call < calls; call++) {
          List<String> got = new ArrayList<>();
          CustomerQuery q = first;
          for (int pages = 0; pages < 2; pages++) {
            CustomerListing.Page page = ApiClient.await(listing.pageAndPath(store.id(), q));
            assertEquals(path, page.path(), "tags " + q.tags() + ", metadata " + q.metadata() + ", page " + pages);
            assertEquals(11, page.rows().size(), "a full page and one row more");
            page.rows().subList(0, 10).forEach(r -> got.add(r.getString("id")));
            Row last = page.rows().get(9);
            q = new CustomerQuery(null, q.tags(), q.createdAfter(), null, q.metadata(), null, q.sort(), q.descending(),
                last.getString("sort_key"), last.getString("id"), q.limit());
          }
          assertEquals(expected, got, "tags " + first.tags() + ", metadata " + first.metadata() + ", call " + call);
        }
      }
      List<String> plans = new ArrayList<>();
      for (Row r : ApiClient.await(one.query("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
          + " WHERE statement NOT LIKE '%pg_prepared_statements%'")
          .execute())) {
        plans.add(r.getLong("generic_plans") + " generic, " + r.getLong("custom_plans") + " custom: "
            + r.getString("statement"));
        // PostgreSQL makes 5 custom plans before it weighs the generic one.
        assertEquals(calls - 5, r.getLong("generic_plans"), () -> String.join("\n", plans));
        assertEquals(5, r.getLong("custom_plans"));
      }
      assertEquals(2 * lists.size(), plans.size(), "a statement for each list's first and later pages: " + plans);
    } finally {
      ApiClient.await(one.close());
    }
  }

  /**
   * A walked search is planned once per connection, like the filtered pages: its walk bound and
   * page size are written into the statement and its values are init plans, so PostgreSQL keeps
   * the generic plan from the sixth execution on. A search alone ("smith", a third of this store:
   * the covering index), a search with a tag sorted by spend (the table), a search walked on
   * after half a page (a bound of 120 rows); each on its first and a later page, every page the
   * reference's. On main before this the walk had a parameter as its limit and 8 custom plans.
   */
  @Test
  void walkedSearchesArePlannedOnceNotAtEveryCall() throws SQLException {
    Pool one = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(io.shoal.db.Database.parseUrl(server.databaseUrl()).setCachePreparedStatements(true))
        .using(vertx).build();
    try {
      CustomerListing listing = new CustomerListing(one);
      CustomerListing walkingOn = new CustomerListing(one, 120, 120, 50, 50);
      JsonObject none = new JsonObject();
      record Case(CustomerListing listing, CustomerQuery query, CustomerListing.Path path) {}
      List<Case> cases = List.of(
          new Case(listing, limit(query("smith", List.of(), none, null, null, CustomerSort.CREATED_AT, true), 11),
              CustomerListing.Path.WALK),
          new Case(listing, limit(query("smith", List.of("vip"), none, null, null, CustomerSort.TOTAL_SPENT, false), 11),
              CustomerListing.Path.WALK),
          new Case(walkingOn, query("zoe", List.of(), none, null, null, CustomerSort.CREATED_AT, true),
              CustomerListing.Path.WALK_ON));
      int calls = 8;
      for (Case c : cases) {
        int n = c.query().limit() - 1;
        List<String> expected = reference(c.query()).subList(0, 2 * n);
        for (int call = 0; call < calls; call++) {
          List<String> got = new ArrayList<>();
          CustomerQuery q = c.query();
          for (int pages = 0; pages < 2; pages++) {
            CustomerListing.Page page = ApiClient.await(c.listing().pageAndPath(store.id(), q));
            assertEquals(c.path(), page.path(), "search " + q.search() + ", tags " + q.tags() + ", page " + pages);
            assertEquals(n + 1, page.rows().size(), "a full page and one row more");
            page.rows().subList(0, n).forEach(r -> got.add(r.getString("id")));
            Row last = page.rows().get(n - 1);
            q = new CustomerQuery(q.search(), q.tags(), null, null, q.metadata(), null, q.sort(), q.descending(),
                last.getString("sort_key"), last.getString("id"), q.limit());
          }
          assertEquals(expected, got, "search " + c.query().search() + ", tags " + c.query().tags() + ", call " + call);
        }
      }
      List<String> plans = new ArrayList<>();
      for (Row r : ApiClient.await(one.query("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
          + " WHERE statement LIKE '%strpos(r.search_text%'").execute())) {
        plans.add(r.getLong("generic_plans") + " generic, " + r.getLong("custom_plans") + " custom: "
            + r.getString("statement"));
      }
      // search alone and search with a tag: first and later pages; walked on: the walk's two and at least one
      // walk on (its page is what the walk left, written into the statement: one per remainder)
      assertTrue(plans.size() >= 2 * 2 + 2 + 1, () -> "the walks' statements: " + String.join("\n", plans));
      for (Row r : ApiClient.await(one.query("SELECT generic_plans, custom_plans FROM pg_prepared_statements"
          + " WHERE statement LIKE '%strpos(r.search_text%'").execute())) {
        // PostgreSQL makes 5 custom plans before it weighs the generic one; each statement ran 8 times or more.
        assertEquals(5, r.getLong("custom_plans"), () -> String.join("\n", plans));
        assertTrue(r.getLong("generic_plans") >= calls - 5, () -> String.join("\n", plans));
      }
    } finally {
      ApiClient.await(one.close());
    }
  }

  private static CustomerQuery limit(CustomerQuery q, int limit) {
    return new CustomerQuery(q.search(), q.tags(), q.createdAfter(), q.createdBefore(), q.metadata(), q.segmentId(),
        q.sort(), q.descending(), q.afterSortKey(), q.afterId(), limit);
  }

  /**
   * A search beside a tag, metadata or created_at filter (V73: customers have no trigram index any
   * more) walks customer_search's key and probes each text match's customer for the filter; when the
   * walk gives up, every match comes from the rarer side: a term the sample finds in few customers
   * from customer_search's trigram index, each match joined to its customer; a common term beside a
   * rarer filter from that filter's own index, with the exact test on each customer's text. The
   * choice is checked, and every page of each, in both orders and another sort, is the reference's;
   * so are their counts.
   */
  @Test
  void aSearchBesideAFilterFindsEveryMatchFromTheRarerSide() throws SQLException {
    CustomerListing production = new CustomerListing(pool);
    CustomerListing small = new CustomerListing(pool, 200, 100, 50);
    CustomerListing fewCandidates = new CustomerListing(pool, 110, 100, 5_000); // at most 10 candidates are few
    for (CustomerListing listing : List.of(production, small, fewCandidates)) {
      ApiClient.await(listing.sampleTrigrams());
    }
    JsonObject none = new JsonObject();
    // 5 customers are "zyxwv": few; 1,000 are "smith", 6 are tagged "rare": the tag's index drives
    assertTrue(ApiClient.await(fewCandidates.viaTrigrams(store.id(),
        query("zyxwv", List.of("vip"), none, null, null, CustomerSort.CREATED_AT, true), "zyxwv", true)));
    assertFalse(ApiClient.await(fewCandidates.viaTrigrams(store.id(),
        query("smith", List.of("rare"), none, null, null, CustomerSort.CREATED_AT, true), "smith", true)));
    assertFalse(ApiClient.await(fewCandidates.viaTrigrams(store.id(),
        query("smith", List.of(), new JsonObject().put("tier", "gold"), null, null, CustomerSort.TOTAL_SPENT, true),
        "smith", true)), "333 gold customers against 1,000 smiths");
    // a segment alone has no index of its own: the trigram index drives
    assertTrue(ApiClient.await(fewCandidates.viaTrigrams(store.id(),
        query("smith", List.of(), none, segmentId, null, CustomerSort.CREATED_AT, true), "smith", true)));
    int compared = 0;
    Instant after = Instant.parse("2024-01-02T12:00:00Z");
    for (CustomerListing listing : List.of(production, small, fewCandidates)) {
      for (String term : new String[] {"smith", "reynolds", "zyxwv", "joshua.s", "555", "@gmail", "jo", "a.c"}) {
        for (CustomerSort sort : new CustomerSort[] {CustomerSort.CREATED_AT, CustomerSort.TOTAL_SPENT}) {
          for (boolean desc : new boolean[] {true, false}) {
            compared += compare(listing, query(term, List.of("vip"), none, null, null, sort, desc));
            compared += compare(listing, query(term, List.of("rare"), none, null, null, sort, desc));
            compared += compare(listing, query(term, List.of(), new JsonObject().put("tier", "gold"), null, null, sort, desc));
            compared += compare(listing, query(term, List.of(), none, null, after, sort, desc));
            compared += compare(listing, query(term, List.of(), none, segmentId, null, sort, desc));
          }
        }
      }
    }
    assertTrue(compared > 3000, "customers compared: " + compared);
    for (CustomerListing listing : List.of(production, fewCandidates)) {
      for (String term : new String[] {"smith", "reynolds", "zyxwv", "@gmail", "jo"}) {
        for (CustomerQuery q : List.of(query(term, List.of("vip"), none, null, null, CustomerSort.CREATED_AT, true),
            query(term, List.of("rare"), none, null, null, CustomerSort.CREATED_AT, true),
            query(term, List.of(), new JsonObject().put("tier", "gold"), null, null, CustomerSort.CREATED_AT, true),
            query(term, List.of(), none, segmentId, null, CustomerSort.CREATED_AT, true),
            query(term, List.of(), none, null, after, CustomerSort.CREATED_AT, true))) {
          long actual = reference(q).size();
          CustomerListing.Count count = ApiClient.await(listing.count(store.id(), q));
          if (actual <= CustomerListing.EXACT_COUNT_LIMIT) {
            assertEquals(actual, count.value(), term + " " + q.tags() + " " + q.metadata());
            assertFalse(count.estimated(), term);
          } else {
            assertTrue(count.estimated() && count.value() > CustomerListing.EXACT_COUNT_LIMIT, term);
          }
        }
      }
    }
  }

  @Test
  void countIsExactWhenSmallAndMarkedAnEstimateWhenLarge() throws SQLException {
    CustomerListing listing = new CustomerListing(pool);
    for (String term : new String[] {"zyxwv", "reynolds", "jo", "smith", "@gmail", "nobody-has-this"}) {
      CustomerQuery q = query(term, List.of(), new JsonObject(), null, null, CustomerSort.CREATED_AT, true);
      CustomerListing.Count count = ApiClient.await(listing.count(store.id(), q));
      long actual = reference(q).size();
      if (actual <= CustomerListing.EXACT_COUNT_LIMIT) {
        assertEquals(actual, count.value(), term);
        assertFalse(count.estimated(), term);
      } else {
        assertTrue(count.estimated(), term);
        assertTrue(count.value() > CustomerListing.EXACT_COUNT_LIMIT, term + ": " + count.value());
      }
    }
    // 3,000 customers: more than the exact limit, so an estimate, which ANALYZE makes close
    CustomerListing.Count all = ApiClient.await(listing.count(store.id(),
        query(null, List.of(), new JsonObject(), null, null, CustomerSort.CREATED_AT, true)));
    assertTrue(all.estimated());
    assertTrue(all.value() > 2000 && all.value() < 4500, "estimate " + all.value());
  }

  @Test
  void theApiAddsTheCountWhenAskedAndOnlyThen() {
    JsonObject plain = store.api().get(store.customers() + "?search=zyxwv").expect(200);
    assertFalse(plain.containsKey("count"));
    JsonObject rare = store.api().get(store.customers() + "?search=zyxwv&count=true&limit=2").expect(200);
    assertEquals(5, rare.getLong("count"));
    assertEquals(false, rare.getBoolean("count_estimated"));
    assertEquals(2, rare.getJsonArray("data").size());
    JsonObject everyone = store.api().get(store.customers() + "?count=true").expect(200);
    assertEquals(true, everyone.getBoolean("count_estimated"));
    assertTrue(everyone.getLong("count") > CustomerListing.EXACT_COUNT_LIMIT);
    store.api().get(store.customers() + "?count=maybe").expect(400);
  }

  // --- comparing ------------------------------------------------------------------------------

  private static CustomerQuery query(String search, List<String> tags, JsonObject metadata, String segment,
                                     Instant createdAfter, CustomerSort sort, boolean descending) {
    return new CustomerQuery(search, tags, createdAfter, null, metadata, segment, sort, descending, null, null, 26);
  }

  /**
   * Pages through the first {@value #PAGES} pages (25 a page, asked as the API asks: limit + 1)
   * and compares them with the start of the reference.
   */
  private static int compare(CustomerListing listing, CustomerQuery first) throws SQLException {
    return compare(listing, first, null);
  }

  /** The same, and every page must have been found along {@code path} (any path when null). */
  private static int compare(CustomerListing listing, CustomerQuery first, CustomerListing.Path path) throws SQLException {
    return compare(store, listing, first, path);
  }

  /** The same in the given store. */
  private static int compare(TestStore store, CustomerListing listing, CustomerQuery first, CustomerListing.Path path)
      throws SQLException {
    List<String> expected = reference(store, first);
    List<String> got = new ArrayList<>();
    CustomerQuery q = first;
    for (int pages = 0; pages < PAGES; pages++) {
      CustomerListing.Page page = ApiClient.await(listing.pageAndPath(store.id(), q));
      if (path != null) {
        assertEquals(path, page.path(), "page " + pages + " of search " + first.search() + ", tags " + first.tags()
            + ", segment " + first.segmentId() + ", sort " + first.sort());
      }
      List<Row> rows = page.rows();
      int take = Math.min(rows.size(), q.limit() - 1);
      for (int i = 0; i < take; i++) {
        got.add(rows.get(i).getString("id"));
      }
      if (rows.size() < q.limit()) {
        break;
      }
      Row last = rows.get(take - 1);
      q = new CustomerQuery(q.search(), q.tags(), q.createdAfter(), q.createdBefore(), q.metadata(), q.segmentId(),
          q.sort(), q.descending(), last.getString("sort_key"), last.getString("id"), q.limit());
    }
    expected = expected.subList(0, Math.min(expected.size(), got.size() == PAGES * 25 ? got.size() : expected.size()));
    assertEquals(expected, got, () -> "search " + first.search() + ", tags " + first.tags() + ", metadata "
        + first.metadata() + ", segment " + first.segmentId() + ", sort " + first.sort() + " desc " + first.descending());
    return got.size();
  }

  /** The plain SQL meaning of a list, the way it was always written. */
  private static List<String> reference(CustomerQuery q) throws SQLException {
    return reference(store, q);
  }

  private static List<String> reference(TestStore store, CustomerQuery q) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT id FROM customers WHERE store_id = ?");
    List<Object> args = new ArrayList<>(List.of(store.id()));
    if (q.search() != null) {
      sql.append(" AND search_text LIKE ?");
      args.add("%" + q.search().toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
    }
    for (String tag : q.tags()) {
      sql.append(" AND ? = ANY(tags)");
      args.add(tag);
    }
    for (String key : q.metadata().fieldNames()) {
      sql.append(" AND metadata @> jsonb_build_object(?::text, ?::text)");
      args.add(key);
      args.add(q.metadata().getString(key));
    }
    if (q.segmentId() != null) {
      sql.append(" AND id IN (SELECT customer_id FROM segment_members WHERE store_id = customers.store_id AND segment_id = ?)");
      args.add(q.segmentId());
    }
    if (q.createdAfter() != null) {
      sql.append(" AND created_at >= ?");
      args.add(java.sql.Timestamp.from(q.createdAfter()));
    }
    if (q.createdBefore() != null) {
      sql.append(" AND created_at < ?");
      args.add(java.sql.Timestamp.from(q.createdBefore()));
    }
    String dir = q.descending() ? " DESC" : " ASC";
    sql.append(" ORDER BY ").append(q.sort().expression).append(dir).append(", id").append(dir);
    List<String> ids = new ArrayList<>();
    if (referenceConnection == null) {
      referenceConnection = TestDatabase.connect(server.databaseUrl());
    }
    try (PreparedStatement ps = referenceConnection.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
    }
    return ids;
  }
  /**
   * Rows of {@code customer_search} (V72, kept by triggers on customers) that differ from the
   * customers' own store, created_at, id and search texts, both ways, in every store: 0 when the
   * table is exactly the customers.
   */
  static long searchRowsThatDiffer(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM ("
        + " (SELECT store_id, created_at, id, search_text, search_folded FROM customer_search"
        + "  EXCEPT ALL SELECT store_id, created_at, id, search_text, search_folded FROM customers)"
        + " UNION ALL"
        + " (SELECT store_id, created_at, id, search_text, search_folded FROM customers"
        + "  EXCEPT ALL SELECT store_id, created_at, id, search_text, search_folded FROM customer_search)) d")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
