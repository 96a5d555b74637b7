package io.shoal.segment;

import static io.shoal.engine.support.Events.by;
import static io.shoal.engine.support.Events.byEmail;
import static io.shoal.engine.support.Events.order;
import static io.shoal.engine.support.StoreDriver.cond;
import static io.shoal.engine.support.StoreDriver.money;
import static io.shoal.engine.support.StoreDriver.rules;
import static io.shoal.testing.ApiClient.encode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.engine.support.Events;
import io.shoal.engine.support.StoreDriver;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The segments API: its two shapes of one resource, the three types, static members, listing,
 * editing and deleting, rule errors, backfill, transitions, members, explain and preview.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SegmentsApiTest {

  private static final Instant DAY = Instant.parse("2025-06-01T12:00:00Z");

  private static TestServer server;
  private StoreDriver shop;

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
    shop = new StoreDriver(server.createStore("Segments"));
  }

  /** A customer with one order of this total; waits until the order is applied. */
  private String spender(String email, String total) {
    String id = shop.newCustomer(email);
    shop.send(by(order(email + "-1", total, DAY), id));
    shop.awaitOrders(id, 1);
    return id;
  }

  private static JsonArray spentAtLeast(int amount) {
    return rules(cond("total_spent", "gte", amount));
  }

  // --- one resource, two shapes, three types --------------------------------------------------

  @Test
  void segmentsAndCustomerSegmentsAreOneResourceInTwoShapes() {
    String rich = spender("rich@example.com", "250.00");
    spender("poor@example.com", "20.00");

    JsonObject seg = shop.createSegment(new JsonObject().put("name", "Big spenders").put("is_dynamic", true)
        .put("rules", spentAtLeast(100)).put("metadata", new JsonObject().put("owner", "crm")));
    assertEquals("segment", seg.getString("object"));
    assertTrue(seg.getString("id").startsWith("seg_"), seg::encode);
    assertEquals(true, seg.getBoolean("is_dynamic"));
    assertEquals(spentAtLeast(100), seg.getJsonArray("rules"));
    assertEquals("crm", seg.getJsonObject("metadata").getString("owner"));
    assertTrue(seg.containsKey("customer_count"), seg::encode);
    String id = seg.getString("id");
    shop.awaitSynced(id);

    JsonObject same = shop.api().get(shop.path("/customer-segments/" + id)).expect(200);
    assertEquals("customer_segment", same.getString("object"));
    assertEquals("dynamic", same.getString("type"));
    assertEquals(1, same.getInteger("member_count"));
    assertEquals("Big spenders", same.getString("name"));
    assertEquals(Set.of(rich), shop.members(id));

    JsonObject passive = shop.api().post(shop.path("/customer-segments"), new JsonObject().put("name", "Quiet")
        .put("type", "passive").put("rules", spentAtLeast(10))).expect(201);
    assertEquals("customer_segment", passive.getString("object"));
    assertEquals("passive", passive.getString("type"));
    JsonObject passiveAsSegment = shop.awaitSynced(passive.getString("id"));
    assertEquals("segment", passiveAsSegment.getString("object"));
    assertEquals(true, passiveAsSegment.getBoolean("is_dynamic"), "a passive segment is kept current too");
    assertEquals("passive", passiveAsSegment.getString("type"));
    assertEquals(2, passiveAsSegment.getInteger("customer_count"));

    assertEquals(List.of(id, passive.getString("id")), ids(shop.all(shop.path("/segments"))));
    assertEquals(List.of(id, passive.getString("id")), ids(shop.all(shop.path("/customer-segments"))));
  }

  @Test
  void aStaticSegmentHoldsExactlyTheCustomersGivenAndTakesMembersAddedAndRemoved() {
    String a = shop.newCustomer("a@example.com");
    String b = shop.newCustomer("b@example.com");
    String c = shop.newCustomer("c@example.com");
    JsonObject seg = shop.api().post(shop.path("/customer-segments"), new JsonObject().put("name", "Hand-picked")
        .put("type", "static").put("customer_ids", new JsonArray().add(a).add(b))).expect(201);
    String id = seg.getString("id");
    assertEquals("static", seg.getString("type"));
    assertEquals(2, seg.getInteger("member_count"));
    assertEquals("done", seg.getString("sync_status"));
    assertEquals(false, shop.segment(id).getBoolean("is_dynamic"));
    assertEquals(Set.of(a, b), shop.members(id));

    JsonObject added = shop.api().post(shop.path("/segments/" + id + "/members"),
        new JsonObject().put("customer_ids", new JsonArray().add(b).add(c))).expect(200);
    assertEquals(1, added.getInteger("added"), "b was a member already");
    assertEquals(3, added.getInteger("member_count"));
    assertEquals(Set.of(a, b, c), shop.members(id));

    JsonObject removed = shop.api().post(shop.path("/segments/" + id + "/members/remove"),
        new JsonObject().put("customer_ids", new JsonArray().add(a).add("cust_notamember"))).expect(200);
    assertEquals(1, removed.getInteger("removed"));
    assertEquals(2, removed.getInteger("member_count"));
    assertEquals(Set.of(b, c), shop.members(id));
    assertEquals(Set.of(b, c), shop.customersIn(id));
    assertEquals(2, shop.segment(id).getInteger("customer_count"));

    JsonObject unknown = shop.api().post(shop.path("/segments/" + id + "/members"),
        new JsonObject().put("customer_ids", new JsonArray().add("cust_nobody"))).expectError(400, "customer_unknown");
    assertTrue(unknown.getString("message").contains("cust_nobody"), unknown::encode);

    shop.api().post(shop.path("/segments"), new JsonObject().put("name", "bad").put("type", "static")
        .put("customer_ids", new JsonArray().add("cust_nobody"))).expectError(400, "customer_unknown");
    // rules and explicit ids together are ambiguous (rules alone build a static segment: AudiencesTest)
    shop.api().post(shop.path("/segments"), new JsonObject().put("name", "bad").put("type", "static")
        .put("rules", spentAtLeast(1)).put("customer_ids", new JsonArray().add(a))).expectError(400, null);
  }

  @Test
  void membersCannotBeAddedToOrRemovedFromAnEvaluatedSegment() {
    String a = shop.newCustomer("a@example.com");
    String id = shop.dynamicSegment("Rule-based", spentAtLeast(100));
    JsonObject error = shop.api().post(shop.path("/segments/" + id + "/members"),
        new JsonObject().put("customer_ids", new JsonArray().add(a))).expectError(400, "segment_not_static");
    assertTrue(error.getString("message").contains("static"), error::encode);
    shop.api().post(shop.path("/segments/" + id + "/members/remove"),
        new JsonObject().put("customer_ids", new JsonArray().add(a))).expectError(400, "segment_not_static");
    shop.api().post(shop.path("/segments"), new JsonObject().put("name", "x").put("type", "dynamic")
        .put("rules", spentAtLeast(1)).put("customer_ids", new JsonArray().add(a))).expectError(400, null);
    assertEquals(Set.of(), shop.members(id));
  }

  @Test
  void listsFilterByIsDynamicAndType() {
    String dynamic = shop.dynamicSegment("d", spentAtLeast(1));
    String passive = shop.createSegment(new JsonObject().put("name", "p").put("type", "passive")
        .put("rules", spentAtLeast(1))).getString("id");
    String fixed = shop.createSegment(new JsonObject().put("name", "s").put("is_dynamic", false)).getString("id");
    assertEquals("static", shop.segment(fixed).getString("type"));

    assertEquals(List.of(dynamic, passive), ids(shop.all(shop.path("/segments?is_dynamic=true"))));
    assertEquals(List.of(fixed), ids(shop.all(shop.path("/segments?is_dynamic=false"))));
    assertEquals(List.of(passive), ids(shop.all(shop.path("/segments?type=passive"))));
    assertEquals(List.of(dynamic), ids(shop.all(shop.path("/customer-segments?type=dynamic"))));
    assertEquals(List.of(fixed), ids(shop.all(shop.path("/customer-segments?type=static"))));
    shop.api().get(shop.path("/segments?type=sometimes")).expectError(400, null);

    List<String> paged = new ArrayList<>();
    String cursor = null;
    do {
      ApiResponse page = shop.api().get(shop.path("/segments?limit=2" + (cursor == null ? "" : "&cursor=" + encode(cursor))));
      paged.addAll(ids(page.page()));
      cursor = page.nextCursor();
    } while (cursor != null);
    assertEquals(List.of(dynamic, passive, fixed), paged);
  }

  // --- editing and deleting -------------------------------------------------------------------

  @Test
  void nameRulesAndTypeCanBeChangedOnEitherPath() {
    String small = spender("small@example.com", "50.00");
    String big = spender("big@example.com", "150.00");
    String id = shop.dynamicSegment("Spenders", spentAtLeast(100));
    assertEquals(Set.of(big), shop.members(id));

    JsonObject renamed = shop.api().patch(shop.path("/segments/" + id), new JsonObject().put("name", "Top spenders"))
        .expect(200);
    assertEquals("Top spenders", renamed.getString("name"));
    assertEquals(spentAtLeast(100), renamed.getJsonArray("rules"), "a rename keeps the rules");
    assertEquals("done", renamed.getString("sync_status"), "a rename needs no resync");

    JsonObject widened = shop.api().patch(shop.path("/customer-segments/" + id),
        new JsonObject().put("rules", spentAtLeast(40))).expect(200);
    assertEquals(spentAtLeast(40), widened.getJsonArray("rules"));
    shop.awaitSynced(id);
    assertEquals(Set.of(small, big), shop.members(id));
    assertEquals(2, shop.segment(id).getInteger("customer_count"));

    JsonObject passive = shop.api().patch(shop.path("/customer-segments/" + id), new JsonObject().put("type", "passive"))
        .expect(200);
    assertEquals("passive", passive.getString("type"));
    JsonObject resynced = shop.awaitSynced(id);
    assertEquals(Set.of(small, big), shop.members(id), "between dynamic and passive the members stay");
    assertEquals(2, resynced.getInteger("customer_count"));

    shop.api().patch(shop.path("/segments/" + id), new JsonObject().put("rules", new JsonArray()))
        .expectError(400, null);
    shop.api().patch(shop.path("/segments/seg_nothere"), new JsonObject().put("name", "x"))
        .expectError(404, "resource_missing");
  }

  @Test
  void changingBetweenStaticAndRuleBasedStartsTheMembersOver() {
    String small = spender("small@example.com", "50.00");
    String big = spender("big@example.com", "150.00");
    String id = shop.createSegment(new JsonObject().put("name", "Picked").put("type", "static")
        .put("customer_ids", new JsonArray().add(small))).getString("id");
    assertEquals(Set.of(small), shop.members(id));

    shop.api().patch(shop.path("/segments/" + id), new JsonObject().put("type", "dynamic").put("rules", spentAtLeast(100)))
        .expect(200);
    JsonObject dynamic = shop.awaitSynced(id);
    assertEquals(Set.of(big), shop.members(id), "the hand-picked member does not carry into the rules");
    assertEquals(1, dynamic.getInteger("customer_count"));

    shop.api().patch(shop.path("/segments/" + id), new JsonObject().put("type", "static")).expect(200);
    assertEquals(Set.of(), shop.members(id), "nor rule results into a hand-picked list");
    assertEquals(0, shop.segment(id).getInteger("customer_count"));
    shop.send(by(order("big-2", "500.00", DAY), big));
    shop.awaitOrders(big, 2);
    assertEquals(Set.of(), shop.members(id), "a static segment no longer follows the rules");
  }

  @Test
  void deletingASegmentLeavesItsCustomersUntouched() {
    String big = spender("big@example.com", "150.00");
    JsonObject before = shop.customer(big);
    String id = shop.dynamicSegment("Spenders", spentAtLeast(100));
    assertEquals(Set.of(big), shop.members(id));

    JsonObject deleted = shop.api().delete(shop.path("/segments/" + id)).expect(200);
    assertEquals(true, deleted.getBoolean("deleted"));
    assertEquals(id, deleted.getString("id"));
    shop.api().get(shop.path("/segments/" + id)).expectError(404, "resource_missing");
    shop.api().get(shop.path("/customer-segments/" + id)).expectError(404, "resource_missing");
    shop.api().delete(shop.path("/customer-segments/" + id)).expectError(404, "resource_missing");
    assertEquals(List.of(), shop.all(shop.path("/segments")));

    JsonObject after = shop.customer(big);
    for (String field : List.of("email", "total_orders", "total_spent", "last_order_at", "tags", "updated_at")) {
      assertEquals(before.getValue(field), after.getValue(field), field);
    }
    // Events keep flowing for the customer with the segment gone.
    shop.send(by(order("big-2", "10.00", DAY), big));
    assertEquals(2, shop.awaitOrders(big, 2).getInteger("total_orders"));
  }

  // --- rule errors ----------------------------------------------------------------------------

  @Test
  void anInvalidRuleIs400NamingTheRulePathAndTheField() {
    JsonObject misspelt = shop.api().post(shop.path("/segments"), new JsonObject().put("name", "x")
        .put("rules", rules(cond("total_orders", "gte", 1), cond("total_spnt", "gte", 100)))).expectError(400, "rule_invalid");
    assertEquals("rules[1]", misspelt.getString("param"));
    assertTrue(misspelt.getString("message").contains("total_spnt"), misspelt::encode);
    assertTrue(misspelt.getString("message").contains("total_spent"), () -> "suggests the right field: " + misspelt.encode());

    JsonObject nested = shop.api().post(shop.path("/customer-segments"), new JsonObject().put("name", "x")
        .put("rules", rules(new JsonObject().put("any", new JsonArray()
            .add(cond("total_orders", "gte", 1)).add(cond("tags", "gte", 5)))))).expectError(400, "rule_invalid");
    assertEquals("rules[0].any[1]", nested.getString("param"));
    assertTrue(nested.getString("message").contains("tags"), nested::encode);

    JsonObject badTime = shop.api().post(shop.path("/segments"), new JsonObject().put("name", "x")
        .put("rules", rules(cond("last_order_at", "after", "last tuesday")))).expectError(400, "rule_invalid");
    assertEquals("rules[0]", badTime.getString("param"));
    assertTrue(badTime.getString("message").contains("last_order_at"), badTime::encode);

    shop.api().post(shop.path("/segments"), new JsonObject().put("name", "x").put("is_dynamic", true))
        .expectError(400, "parameter_missing");
    JsonObject edit = shop.api().patch(shop.path("/segments/" + shop.dynamicSegment("ok", spentAtLeast(1))),
        new JsonObject().put("rules", rules(cond("email", "gte", 3)))).expectError(400, "rule_invalid");
    assertEquals("rules[0]", edit.getString("param"));
    assertEquals(1, shop.all(shop.path("/segments")).size(), "no invalid segment was saved");
  }

  // --- backfill, edits and transitions ---------------------------------------------------------

  @Test
  void aNewSegmentIsBackfilledOverExistingCustomersWithoutRecordingTransitions() {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String id = spender("c" + i + "@example.com", (i * 20) + ".00");
      if (i * 20 >= 100) {
        expected.add(id);
      }
    }
    JsonObject created = shop.createSegment(new JsonObject().put("name", "Backfilled").put("rules", spentAtLeast(100)));
    // a small store's backfill ends within the creation's wait: the answer is complete
    assertEquals("done", created.getString("sync_status"), created::encode);
    assertEquals(expected.size(), created.getInteger("customer_count"));
    JsonObject synced = shop.awaitSynced(created.getString("id"));
    // Once done, the count and the members are complete: no further waiting.
    assertEquals(expected.size(), synced.getInteger("customer_count"));
    assertEquals(new TreeSet<>(expected), shop.members(synced.getString("id")));
    assertEquals(List.of(), shop.transitions(synced.getString("id")), "nobody 'entered' a segment that did not exist");
  }

  @Test
  void editingRulesRecordsTransitionsOnlyForCustomersWhoseMembershipChanged() {
    String low = spender("low@example.com", "50.00");
    String mid = spender("mid@example.com", "150.00");
    String high = spender("high@example.com", "300.00");
    String id = shop.dynamicSegment("Spenders", spentAtLeast(100));
    assertEquals(Set.of(mid, high), shop.members(id));

    shop.api().patch(shop.path("/segments/" + id), new JsonObject().put("rules", spentAtLeast(200))).expect(200);
    shop.awaitSynced(id);
    assertEquals(Set.of(high), shop.members(id));
    List<JsonObject> afterNarrowing = shop.transitions(id);
    assertEquals(1, afterNarrowing.size(), afterNarrowing::toString);
    assertTransition(afterNarrowing.get(0), "customer.segment.left", mid, "segment_updated");

    shop.api().patch(shop.path("/segments/" + id), new JsonObject().put("rules", spentAtLeast(40))).expect(200);
    shop.awaitSynced(id);
    assertEquals(Set.of(low, mid, high), shop.members(id));
    List<JsonObject> afterWidening = shop.transitions(id);
    assertEquals(3, afterWidening.size(), afterWidening::toString);
    Set<String> entered = new TreeSet<>();
    for (JsonObject t : afterWidening.subList(1, 3)) {
      assertEquals("customer.segment.entered", t.getString("type"));
      assertEquals("segment_updated", t.getString("cause"));
      entered.add(t.getString("customer_id"));
    }
    assertEquals(new TreeSet<>(Set.of(low, mid)), entered, "high was a member all along");
    assertTrue(shop.transitions(id, high).isEmpty());
  }

  @Test
  void eventsRecordEnterAndLeaveWithTheEventThatCausedThem() {
    String id = shop.dynamicSegment("Exactly one order", rules(cond("total_orders", "eq", 1)));
    String customer = shop.newCustomer("story@example.com");
    JsonObject first = shop.send(by(order("s-1", "10.00", DAY), customer));
    shop.awaitMembers(id, Set.of(customer));
    JsonObject second = shop.send(by(order("s-2", "10.00", DAY.plusSeconds(60)), customer));
    shop.awaitMembers(id, Set.of());

    List<JsonObject> transitions = shop.transitions(id);
    assertEquals(2, transitions.size(), transitions::toString);
    assertTransition(transitions.get(0), "customer.segment.entered", customer, "event");
    assertEquals(first.getString("id"), transitions.get(0).getString("event_id"));
    assertTransition(transitions.get(1), "customer.segment.left", customer, "event");
    assertEquals(second.getString("id"), transitions.get(1).getString("event_id"));
    assertEquals(transitions, shop.transitions(id, customer));
    assertEquals(List.of(), shop.transitions(id, "cust_other"));
  }

  @Test
  void aCustomerWhoEntersAndLeavesInOneBatchIsNotAMember() {
    String id = shop.dynamicSegment("Exactly one order", rules(cond("total_orders", "eq", 1)));
    JsonObject result = shop.sendBatch(List.of(
        byEmail(order("q-1", "10.00", DAY), "quick@example.com"),
        byEmail(order("q-2", "10.00", DAY.plusSeconds(1)), "quick@example.com")));
    String customer = result.getJsonArray("results").getJsonObject(0).getString("customer_id");
    shop.awaitOrders(customer, 2);
    List<JsonObject> transitions = shop.transitions(id, customer);
    assertEquals(List.of("customer.segment.entered", "customer.segment.left"),
        transitions.stream().map(t -> t.getString("type")).toList());
    assertEquals(Set.of(), shop.members(id));
    assertEquals(Set.of(), shop.customersIn(id));
    assertEquals(0, shop.segment(id).getInteger("customer_count"));
  }

  @Test
  void aPassiveSegmentKeepsItsMembersButRecordsNoTransitions() {
    String id = shop.createSegment(new JsonObject().put("name", "Silent").put("type", "passive")
        .put("rules", spentAtLeast(100))).getString("id");
    shop.awaitSynced(id);
    String customer = shop.newCustomer("silent@example.com");
    shop.send(by(order("p-1", "120.00", DAY), customer));
    shop.awaitMembers(id, Set.of(customer));
    shop.send(by(Events.refund("p-1", "30.00", DAY.plusSeconds(5)), customer));
    shop.awaitMembers(id, Set.of());
    shop.barrier(customer);
    assertEquals(List.of(), shop.transitions(id));
  }

  // --- members, explain, preview ----------------------------------------------------------------

  @Test
  void membersAndTheCustomerListFilteredBySegmentListExactlyTheMembersPageByPage() {
    Set<String> members = new TreeSet<>();
    for (int i = 0; i < 15; i++) {
      String id = shop.newCustomer("m" + i + "@example.com");
      shop.send(by(order("m-" + i, i % 3 == 0 ? "5.00" : "500.00", DAY), id));
      if (i % 3 != 0) {
        members.add(id);
      }
      shop.awaitOrders(id, 1);
    }
    String id = shop.dynamicSegment("Spenders", spentAtLeast(100));
    assertEquals(members, shop.members(id));
    assertEquals(members, shop.customersIn(id));

    List<String> paged = new ArrayList<>();
    String cursor = null;
    do {
      ApiResponse page = shop.api().get(shop.path("/segments/" + id + "/members?limit=4"
          + (cursor == null ? "" : "&cursor=" + encode(cursor))));
      for (JsonObject m : page.page()) {
        assertEquals("segment_member", m.getString("object"));
        Instant.parse(m.getString("since"));
        paged.add(m.getString("customer_id"));
      }
      cursor = page.nextCursor();
    } while (cursor != null);
    assertEquals(new ArrayList<>(members), paged, "pages in customer id order, none twice");

    List<JsonObject> inSegmentSorted = shop.all(shop.path("/customers?segment_id=" + id + "&sort=total_spent&order=asc"));
    assertEquals(members.size(), inSegmentSorted.size());
    shop.api().get(shop.path("/segments/seg_nothere/members")).expectError(404, "resource_missing");
  }

  @Test
  void aProfileEditRightAfterTheCreateIsEvaluatedAndExplainedAtOnce() {
    // the edit is told to the evaluator while it may still be reading the new customer's row
    String id = shop.dynamicSegment("Tagged", rules(cond("tags", "contains", "vip")));
    Set<String> tagged = new TreeSet<>();
    for (int i = 0; i < 25; i++) {
      String customer = shop.newCustomer("edited" + i + "@example.com");
      tagged.add(customer);
      shop.patchCustomer(customer, new JsonObject().put("tags", new JsonArray().add("vip")));
      JsonObject e = shop.api().get(shop.path("/segments/" + id + "/explain?customer_id=" + customer)).expect(200);
      assertEquals(new JsonArray().add("vip"), check(e.getJsonArray("rules"), "rules[0]").getJsonArray("actual"),
          "explain of customer " + i + " right after its edit: " + e.encode());
      assertEquals(true, e.getBoolean("matches"), e::encode);
    }
    shop.awaitMembers(id, tagged);
  }

  @Test
  void explainSaysForEachRuleWhetherItHoldsWithTheActualValue() {
    String customer = spender("explained@example.com", "150.00");
    shop.patchCustomer(customer, new JsonObject().put("tags", new JsonArray().add("vip")));
    String id = shop.dynamicSegment("Loyal VIPs", rules(
        cond("total_spent", "gte", 100),
        cond("total_orders", "gte", 2),
        new JsonObject().put("any", new JsonArray().add(cond("tags", "contains", "vip")).add(cond("email", "eq", "x@y.z")))));

    JsonObject e = shop.api().get(shop.path("/segments/" + id + "/explain?customer_id=" + customer)).expect(200);
    assertEquals("segment_explanation", e.getString("object"));
    assertEquals(customer, e.getString("customer_id"));
    assertEquals(false, e.getBoolean("matches"));
    assertEquals(false, e.getBoolean("member"));
    JsonArray checks = e.getJsonArray("rules");
    JsonObject spent = check(checks, "rules[0]");
    assertEquals(true, spent.getBoolean("holds"));
    assertEquals("total_spent", spent.getString("field"));
    assertEquals(new BigDecimal("150.00"), money(spent, "actual"));
    JsonObject orders = check(checks, "rules[1]");
    assertEquals(false, orders.getBoolean("holds"));
    assertEquals(1, orders.getInteger("actual"));
    assertEquals(2, orders.getInteger("value"));
    assertEquals(true, check(checks, "rules[2]").getBoolean("holds"));
    assertEquals(true, check(checks, "rules[2].any[0]").getBoolean("holds"));
    assertEquals(new JsonArray().add("vip"), check(checks, "rules[2].any[0]").getJsonArray("actual"));
    assertEquals(false, check(checks, "rules[2].any[1]").getBoolean("holds"));

    shop.send(by(order("explained-2", "5.00", DAY), customer));
    shop.awaitMembers(id, Set.of(customer));
    JsonObject now = shop.api().get(shop.path("/segments/" + id + "/explain?customer_id=" + customer)).expect(200);
    assertEquals(true, now.getBoolean("matches"));
    assertEquals(true, now.getBoolean("member"));
    assertEquals(2, check(now.getJsonArray("rules"), "rules[1]").getInteger("actual"));

    shop.api().get(shop.path("/segments/" + id + "/explain?customer_id=cust_nobody")).expectError(404, "resource_missing");
    shop.api().get(shop.path("/segments/" + id + "/explain")).expectError(400, null);
  }

  @Test
  void previewCountsTheFunnelRuleByRuleAndSavesNothing() {
    // 10 customers: i orders of 30.00 each (0..9); even ones tagged "newsletter".
    for (int i = 0; i < 10; i++) {
      JsonObject fields = new JsonObject().put("email", "f" + i + "@example.com");
      if (i % 2 == 0) {
        fields.put("tags", new JsonArray().add("newsletter"));
      }
      String id = shop.newCustomer(fields);
      for (int k = 0; k < i; k++) {
        shop.send(by(order("f" + i + "-" + k, "30.00", DAY.plusSeconds(k)), id));
      }
      shop.awaitOrders(id, i);
    }
    JsonArray funnelRules = rules(
        cond("total_orders", "gte", 1),            // 9 of 10 pass
        cond("total_spent", "gte", 90),            // i >= 3: 7 of 9
        cond("tags", "contains", "newsletter"));   // even i of 3..9 (4, 6, 8): 3 of 7
    JsonObject preview = shop.api().post(shop.path("/segments/preview"), new JsonObject().put("rules", funnelRules))
        .expect(200);
    assertEquals(10, preview.getInteger("total_customers"), preview::encode);
    assertEquals(3, preview.getInteger("member_count"), preview::encode);
    JsonArray steps = preview.getJsonArray("rules");
    assertEquals(3, steps.size());
    assertStep(steps.getJsonObject(0), 10, 9, 10.0);
    assertStep(steps.getJsonObject(1), 9, 7, 22.22);
    assertStep(steps.getJsonObject(2), 7, 3, 57.14);
    assertEquals(funnelRules.getJsonObject(1), steps.getJsonObject(1).getJsonObject("rule"));

    assertEquals(List.of(), shop.all(shop.path("/segments")), "a preview saves no segment");
    shop.api().post(shop.path("/segments/preview"), new JsonObject().put("rules", rules(cond("nope", "eq", 1))))
        .expectError(400, "rule_invalid");
  }

  // --- helpers ----------------------------------------------------------------------------------

  private static void assertStep(JsonObject step, int before, int now, double filtered) {
    assertEquals(before, step.getInteger("count_before"), step::encode);
    assertEquals(now, step.getInteger("count_now"), step::encode);
    assertEquals(filtered, step.getDouble("filtered_percentage"), 0.01, step::encode);
  }

  private static void assertTransition(JsonObject t, String type, String customer, String cause) {
    assertEquals("segment_transition", t.getString("object"));
    assertEquals(type, t.getString("type"), t::encode);
    assertEquals(customer, t.getString("customer_id"), t::encode);
    assertEquals(cause, t.getString("cause"), t::encode);
    assertTrue(t.getString("id").startsWith("trn_"), t::encode);
    Instant.parse(t.getString("occurred_at"));
    if (!"event".equals(cause)) {
      assertNull(t.getString("event_id"), t::encode);
    }
  }

  private static JsonObject check(JsonArray checks, String path) {
    for (int i = 0; i < checks.size(); i++) {
      if (path.equals(checks.getJsonObject(i).getString("path"))) {
        return checks.getJsonObject(i);
      }
    }
    throw new AssertionError("no check for " + path + " in " + checks.encode());
  }

  private static List<String> ids(List<JsonObject> objects) {
    return objects.stream().map(o -> o.getString("id")).toList();
  }
}
