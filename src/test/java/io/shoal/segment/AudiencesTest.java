package io.shoal.segment;

import static io.shoal.engine.support.Events.by;
import static io.shoal.engine.support.Events.order;
import static io.shoal.engine.support.StoreDriver.cond;
import static io.shoal.engine.support.StoreDriver.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.engine.support.StoreDriver;
import io.shoal.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seed 003's audiences on Shoal's segments: static segments built from rules (fixed at creation,
 * recalculated by refresh), the draft -> created lifecycle with its author and lock, the funnel
 * stored on the segment, and the count answered by the creation itself.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AudiencesTest {

  private static final Instant DAY = Instant.parse("2025-06-01T12:00:00Z");

  private static TestServer server;
  private StoreDriver shop;
  private io.shoal.testing.TestStore store;

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
    store = server.createStore("Audiences");
    shop = new StoreDriver(store);
  }

  private String spender(String email, String total) {
    String id = shop.newCustomer(email);
    shop.send(by(order(email + "-1", total, DAY), id));
    shop.awaitOrders(id, 1);
    return id;
  }

  private io.shoal.testing.ApiResponse put(String uri, JsonObject body) {
    return io.shoal.testing.ApiClient.await(store.api().sendJson(io.vertx.core.http.HttpMethod.PUT, uri, body, null));
  }

  private static JsonArray spentAtLeast(int amount) {
    return rules(cond("total_spent", "gte", amount));
  }

  @Test
  void aStaticSegmentFromRulesIsFixedAtCreationAndRefreshReportsWhoEnteredAndLeft() {
    String rich = spender("rich@example.com", "250.00");
    String poor = spender("poor@example.com", "20.00");
    JsonObject seg = shop.api().post(shop.path("/segments"), new JsonObject().put("name", "Fixed big spenders")
        .put("is_dynamic", false).put("rules", spentAtLeast(100))).expect(201);
    String id = seg.getString("id");
    assertEquals("static", seg.getString("type"));
    assertEquals(1, seg.getInteger("customer_count"), seg::encode);
    assertEquals(Set.of(rich), shop.members(id));
    JsonArray funnel = seg.getJsonArray("funnel");
    assertEquals(1, funnel.size(), seg::encode);
    assertEquals(2, funnel.getJsonObject(0).getInteger("count_before"));
    assertEquals(1, funnel.getJsonObject(0).getInteger("count_now"));
    assertEquals(50.0, funnel.getJsonObject(0).getDouble("filtered_percentage"));
    assertNotNull(seg.getString("calculated_at"));

    // fixed: the poor customer becoming rich does not change the members until a refresh
    shop.send(by(order("poor@example.com-2", "500.00", DAY.plusSeconds(60)), poor));
    shop.awaitOrders(poor, 2);
    String newcomer = spender("new@example.com", "300.00");
    assertEquals(Set.of(rich), shop.members(id));
    assertTrue(shop.transitions(id).isEmpty(), "the creation records no transitions");

    // the rich one is refunded out of the rules; refresh: two in, one out
    shop.send(by(io.shoal.engine.support.Events.refund("rich@example.com-1", "250.00", DAY.plusSeconds(120)), rich));
    shop.barrier(rich);
    JsonObject refresh = shop.api().post(shop.path("/segments/" + id + "/refresh"), new JsonObject()).expect(200);
    assertEquals("segment_refresh", refresh.getString("object"));
    assertEquals(2, refresh.getInteger("entered_count"), refresh::encode);
    assertEquals(1, refresh.getInteger("left_count"), refresh::encode);
    assertEquals(Set.of(poor, newcomer), Set.copyOf(refresh.getJsonArray("entered").getList()));
    assertEquals(List.of(rich), refresh.getJsonArray("left").getList());
    assertEquals(Set.of(poor, newcomer), shop.members(id));
    assertEquals(2, refresh.getJsonObject("segment").getInteger("customer_count"));
    assertEquals(2, refresh.getJsonObject("segment").getJsonArray("funnel").getJsonObject(0).getInteger("count_now"));
    List<JsonObject> transitions = shop.transitions(id);
    assertEquals(3, transitions.size());
    transitions.forEach(t -> assertEquals("refresh", t.getString("cause")));

    // a second refresh with nothing changed reports nothing
    JsonObject again = shop.api().post(shop.path("/segments/" + id + "/refresh"), new JsonObject()).expect(200);
    assertEquals(0, again.getInteger("entered_count"));
    assertEquals(0, again.getInteger("left_count"));
  }

  @Test
  void aStaticSegmentTakesRulesOrCustomerIdsNotBothAndOneWithoutRulesCannotBeRefreshed() {
    String a = shop.newCustomer("a@example.com");
    shop.api().post(shop.path("/customer-segments"), new JsonObject().put("name", "Both").put("type", "static")
        .put("rules", spentAtLeast(1)).put("customer_ids", new JsonArray().add(a))).expectError(400, "parameter_invalid");
    String listed = shop.api().post(shop.path("/customer-segments"), new JsonObject().put("name", "Listed")
        .put("type", "static").put("customer_ids", new JsonArray().add(a))).expect(201).getString("id");
    shop.api().post(shop.path("/segments/" + listed + "/refresh"), new JsonObject())
        .expectError(409, "segment_not_refreshable");
  }

  @Test
  void aDraftIsNotEvaluatedUntilPublishedAndKeepsItsAuthor() {
    String rich = spender("rich@example.com", "250.00");
    JsonObject draft = shop.api().post(shop.path("/segments"), new JsonObject().put("name", "Later")
        .put("is_dynamic", true).put("lifecycle", "draft").put("author", "Violeta")
        .put("rules", spentAtLeast(100))).expect(201);
    String id = draft.getString("id");
    assertEquals("draft", draft.getString("lifecycle"));
    assertEquals("Violeta", draft.getString("author"));
    assertEquals(0, draft.getInteger("customer_count"));
    assertNull(draft.getValue("funnel"));
    assertEquals("done", draft.getString("sync_status"));

    // edited freely, even to no rules; still not evaluated
    shop.api().patch(shop.path("/segments/" + id), new JsonObject().put("rules", new JsonArray())).expect(200);
    shop.api().patch(shop.path("/segments/" + id), new JsonObject().put("rules", spentAtLeast(200))).expect(200);
    String later = spender("later@example.com", "400.00");
    assertEquals(Set.of(), shop.members(id));
    assertTrue(shop.transitions(id).isEmpty());
    shop.api().post(shop.path("/segments/" + id + "/refresh"), new JsonObject()).expectError(409, "segment_draft");

    // published: calculated as a new segment (no transitions recorded for the backfill)
    JsonObject live = shop.api().patch(shop.path("/segments/" + id), new JsonObject().put("lifecycle", "created"))
        .expect(200);
    assertEquals("created", live.getString("lifecycle"));
    assertEquals("Violeta", live.getString("author"));
    shop.awaitSynced(id);
    assertEquals(Set.of(rich, later), shop.members(id));
    assertTrue(shop.transitions(id).isEmpty(), () -> shop.transitions(id).toString());
    assertEquals(2, shop.segment(id).getJsonArray("funnel").getJsonObject(0).getInteger("count_now"));

    // and never back to draft
    shop.api().patch(shop.path("/segments/" + id), new JsonObject().put("lifecycle", "draft"))
        .expectError(409, "segment_published");
  }

  @Test
  void aLockedSegmentCanOnlyBeEditedAsADraftOrAfterUnlocking() {
    String rich = spender("rich@example.com", "250.00");
    JsonObject seg = shop.api().post(shop.path("/segments"), new JsonObject().put("name", "Locked")
        .put("is_dynamic", true).put("locked", true).put("rules", spentAtLeast(100))).expect(201);
    String id = seg.getString("id");
    assertEquals(true, seg.getBoolean("locked"));
    shop.api().patch(shop.path("/segments/" + id), new JsonObject().put("name", "Renamed"))
        .expectError(409, "segment_locked");
    shop.api().patch(shop.path("/customer-segments/" + id), new JsonObject().put("rules", spentAtLeast(1)))
        .expectError(409, "segment_locked");
    assertEquals("Locked", shop.segment(id).getString("name"));
    shop.api().patch(shop.path("/segments/" + id), new JsonObject().put("locked", false)).expect(200);
    assertEquals("Renamed", shop.api().patch(shop.path("/segments/" + id), new JsonObject().put("name", "Renamed"))
        .expect(200).getString("name"));

    // a locked static segment takes no member changes either; a locked draft is edited freely
    String list = shop.api().post(shop.path("/customer-segments"), new JsonObject().put("name", "L").put("type", "static")
        .put("locked", true)).expect(201).getString("id");
    shop.api().post(shop.path("/segments/" + list + "/members"), new JsonObject().put("customer_ids",
        new JsonArray().add(rich))).expectError(409, "segment_locked");
    String draft = shop.api().post(shop.path("/segments"), new JsonObject().put("name", "D").put("lifecycle", "draft")
        .put("locked", true)).expect(201).getString("id");
    shop.api().patch(shop.path("/segments/" + draft), new JsonObject().put("rules", spentAtLeast(5))).expect(200);
  }

  @Test
  void creatingASegmentInASmallStoreAnswersItsCountAtOnce() {
    spender("rich@example.com", "250.00");
    spender("rich2@example.com", "150.00");
    spender("poor@example.com", "20.00");
    JsonObject seg = shop.api().post(shop.path("/segments"), new JsonObject().put("name", "Now")
        .put("is_dynamic", true).put("rules", spentAtLeast(100))).expect(201);
    assertEquals("done", seg.getString("sync_status"), seg::encode);
    assertEquals(2, seg.getInteger("customer_count"), seg::encode);
    assertEquals(3, seg.getJsonArray("funnel").getJsonObject(0).getInteger("count_before"), seg::encode);
  }

  @Test
  void declaredNumberAndDateAttributesAreComparedAsSuchByRules() {
    JsonArray ageRule = rules(cond("metadata.age", "between", new JsonArray().add(37).add(74)));
    shop.api().post(shop.path("/segments/preview"), new JsonObject().put("rules", ageRule))
        .expectError(400, "rule_invalid");

    JsonObject declared = put(shop.path("/customer-attributes/age"), new JsonObject().put("type", "number"))
        .expect(200);
    assertEquals("metadata.age", declared.getString("field"));
    put(shop.path("/customer-attributes/birthday"), new JsonObject().put("type", "date")).expect(200);
    put(shop.path("/customer-attributes/gender"), new JsonObject().put("type", "text")).expect(200);
    put(shop.path("/customer-attributes/x"), new JsonObject().put("type", "color")).expectError(400, null);
    assertEquals(List.of("age", "birthday", "gender"), shop.api().get(shop.path("/customer-attributes")).page()
        .stream().map(o -> o.getString("key")).toList());

    String fortyTwo = shop.newCustomer(new JsonObject().put("email", "a@example.com").put("metadata",
        new JsonObject().put("age", "42").put("birthday", "1983-04-02").put("gender", "female")));
    String nine = shop.newCustomer(new JsonObject().put("email", "b@example.com").put("metadata",
        new JsonObject().put("age", "9").put("birthday", "2016-01-20").put("gender", "male")));
    String unknown = shop.newCustomer(new JsonObject().put("email", "c@example.com").put("metadata",
        new JsonObject().put("age", "unknown")));

    JsonObject seg = shop.api().post(shop.path("/segments"), new JsonObject().put("name", "Adults")
        .put("is_dynamic", true).put("rules", ageRule)).expect(201);
    assertEquals("number", seg.getJsonArray("rules").getJsonObject(0).getString("attribute_type"), seg::encode);
    String id = seg.getString("id");
    shop.awaitSynced(id);
    assertEquals(Set.of(fortyTwo), shop.members(id));

    // a profile edit moves a customer in: the typed value is read from the changed text
    shop.patchCustomer(unknown, new JsonObject().put("metadata", new JsonObject().put("age", "50.5")));
    shop.awaitMembers(id, Set.of(fortyTwo, unknown));

    JsonArray bornBefore = rules(cond("metadata.birthday", "before", "2000-01-01"),
        new JsonObject().put("any", new JsonArray().add(cond("metadata.gender", "eq", "FEMALE"))));
    JsonObject older = shop.api().post(shop.path("/segments/preview"), new JsonObject().put("rules", bornBefore))
        .expect(200);
    assertEquals(1, older.getInteger("member_count"), older::encode);
    JsonArray young = rules(cond("metadata.birthday", "within_last", "5000_days"));
    assertEquals(1, shop.api().post(shop.path("/segments/preview"), new JsonObject().put("rules", young))
        .expect(200).getInteger("member_count"));
    assertTrue(nine.startsWith("cust_"));

    // a rule naming another type than the declaration is refused
    JsonObject contradicting = cond("metadata.age", "eq", "42").put("attribute_type", "text");
    shop.api().post(shop.path("/segments/preview"), new JsonObject().put("rules", rules(contradicting)))
        .expectError(400, "rule_invalid");
  }
}
