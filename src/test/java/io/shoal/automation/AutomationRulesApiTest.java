package io.shoal.automation;

import static io.shoal.automation.AutomationFixture.action;
import static io.shoal.automation.AutomationFixture.createRule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The automation-rules resource: seed 000's shapes, pause and resume, clear 400s, one store's rules only. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AutomationRulesApiTest {

  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Seed 000's example, verbatim. */
  static JsonObject postPurchase() {
    return new JsonObject().put("name", "Post-Purchase Thank You").put("trigger_event", "order.completed")
        .put("conditions", new JsonArray().add(new JsonObject().put("field", "order.total").put("operator", "gte")
            .put("value", 100)))
        .put("actions", new JsonArray().add(new JsonObject().put("type", "send_email")
            .put("template_id", "tmpl_thankyou_vip").put("delay", "1h")))
        .put("is_active", true);
  }

  @Test
  void theSeedsRuleIsCreatedListedUpdatedPausedAndDeletedInTheSeedsShape() {
    TestStore store = AutomationFixture.storeWithTemplates(server, "Rules CRUD");
    JsonObject rule = createRule(store, postPurchase());
    assertEquals("automation_rule", rule.getString("object"));
    assertTrue(rule.getString("id").startsWith("rule_"), rule.encode());
    assertEquals("Post-Purchase Thank You", rule.getString("name"));
    assertEquals("order.completed", rule.getString("trigger_event"));
    assertEquals(postPurchase().getJsonArray("conditions"), rule.getJsonArray("conditions"));
    assertEquals(postPurchase().getJsonArray("actions"), rule.getJsonArray("actions"));
    assertEquals(true, rule.getBoolean("is_active"));
    assertEquals(0L, rule.getLong("times_triggered"));
    assertNotNull(rule.getString("created_at"));
    String id = rule.getString("id");

    assertEquals(rule, AutomationFixture.rule(store, id));
    createRule(store, postPurchase().put("name", "Second"));
    List<JsonObject> page = store.api().get(store.path("/automation-rules?limit=1")).page();
    assertEquals(List.of(id), page.stream().map(r -> r.getString("id")).toList());
    String cursor = store.api().get(store.path("/automation-rules?limit=1")).nextCursor();
    List<JsonObject> next = store.api().get(store.path("/automation-rules?limit=1&cursor=" + cursor)).page();
    assertEquals("Second", next.get(0).getString("name"));

    JsonObject paused = store.api().patch(store.path("/automation-rules/" + id), new JsonObject().put("is_active", false))
        .expect(200);
    assertFalse(paused.getBoolean("is_active"));
    assertEquals(rule.getJsonArray("actions"), paused.getJsonArray("actions"), "a pause changes nothing else");
    JsonObject edited = store.api().patch(store.path("/automation-rules/" + id), new JsonObject()
        .put("is_active", true).put("trigger_event", "checkout.started").put("conditions", null)).expect(200);
    assertEquals("checkout.started", edited.getString("trigger_event"));
    assertEquals(new JsonArray(), edited.getJsonArray("conditions"));
    assertTrue(edited.getBoolean("is_active"));

    store.api().delete(store.path("/automation-rules/" + id)).expect(200);
    store.api().get(store.path("/automation-rules/" + id)).expectError(404, "resource_missing");
    store.api().delete(store.path("/automation-rules/" + id)).expectError(404, "resource_missing");
  }

  @Test
  void badRulesAreRefusedWith400NamingTheProblemAndNothingIsSaved() {
    TestStore store = AutomationFixture.storeWithTemplates(server, "Bad rules");
    String dynamic = store.api().post(store.path("/segments"), new JsonObject().put("name", "Big")
        .put("is_dynamic", true).put("rules", new JsonArray().add(new JsonObject().put("field", "total_spent")
            .put("operator", "gte").put("value", 100)))).expect(201).getString("id");
    JsonArray email = new JsonArray().add(action("send_email", "template_id", "tmpl_x"));
    Object[][] cases = {
        {postPurchase().put("trigger_event", "order.exploded"), "trigger_event"},
        {postPurchase().put("trigger_event", "customer.segment.entered"), "segment_id"},
        {postPurchase().put("trigger_event", "customer.segment.entered").put("segment_id", "seg_nope"), "segment_id"},
        {postPurchase().put("actions", new JsonArray().add(action("send_email", "template_id", "t").put("delay", "1 hour"))),
            "actions[0].delay"},
        {postPurchase().put("actions", new JsonArray()), "actions"},
        {postPurchase().put("actions", new JsonArray().add(new JsonObject().put("type", "send_email"))),
            "actions[0].template_id"},
        {postPurchase().put("conditions", new JsonArray().add(new JsonObject().put("field", "order.totl")
            .put("operator", "gte").put("value", 1))), "conditions[0]"},
        {postPurchase().put("conditions", new JsonArray().add(new JsonObject().put("field", "order.total")
            .put("operator", "contains").put("value", "x"))), "conditions[0]"},
        {postPurchase().put("conditions", new JsonArray().add(new JsonObject().put("bought", new JsonObject()
            .put("product_ids", new JsonArray().add("p")).put("within_days", 30)))), "conditions"},
        {postPurchase().put("actions", new JsonArray().add(action("add_to_segment", "segment_id", dynamic))), "actions"},
        {postPurchase().put("actions", new JsonArray().add(action("call_webhook", "url", "http://127.0.0.1:9/x")
            .put("secret", "short"))), "actions[0].secret"},
        {postPurchase().put("actions", new JsonArray().add(action("send_email", "template_id", "t")
            .put("wait_until", new JsonObject().put("event", "order.completed")))), "actions[0].wait_until.timeout"},
        {postPurchase().put("re_entry", new JsonObject().put("policy", "once_per_days")), "re_entry.days"},
        {postPurchase().put("frequency_caps", new JsonArray().add(new JsonObject().put("channel", "fax")
            .put("max", 1).put("per", "1d"))), "frequency_caps[0].channel"},
        {postPurchase().put("trigger_event", "date_property").put("date_property", new JsonObject()
            .put("field", "metadata.birthday").put("timezone", "Mars/Olympus")), "date_property.timezone"},
        {postPurchase().put("actions", email).put("name", ""), "name"},
    };
    for (Object[] c : cases) {
      JsonObject error = store.api().post(store.path("/automation-rules"), (JsonObject) c[0]).expect(400)
          .getJsonObject("error");
      assertEquals(c[1], error.getString("param"), () -> "param of " + error.encode() + " for " + c[0]);
      assertFalse(error.getString("message").isBlank());
    }
    assertEquals(List.of(), store.api().get(store.path("/automation-rules")).page(), "nothing saved");
    // the contract refuses unknown top-level fields
    store.api().post(store.path("/automation-rules"), postPurchase().put("colour", "red")).expect(400);
    // a PATCH that breaks the rule is refused whole
    String id = createRule(store, postPurchase()).getString("id");
    store.api().patch(store.path("/automation-rules/" + id), new JsonObject().put("actions", new JsonArray()
        .add(action("send_sms", "template_id", "t").put("delay", "soon")))).expect(400);
    assertEquals(postPurchase().getJsonArray("actions"), AutomationFixture.rule(store, id).getJsonArray("actions"));
  }

  @Test
  void aStoresKeyNeverSeesAnotherStoresRules() {
    TestStore mine = AutomationFixture.storeWithTemplates(server, "Mine");
    TestStore theirs = AutomationFixture.storeWithTemplates(server, "Theirs");
    String id = createRule(mine, postPurchase()).getString("id");
    String path = "/v1/stores/" + mine.id() + "/automation-rules/" + id;
    theirs.api().get(path).expect(404);
    theirs.api().patch(path, new JsonObject().put("is_active", false)).expect(404);
    theirs.api().delete(path).expect(404);
    theirs.api().get(path + "/runs").expect(404);
    theirs.api().get("/v1/stores/" + mine.id() + "/automation-rules").expect(404);
    // with its own store id in the path, the other rule does not exist
    theirs.api().get(theirs.path("/automation-rules/" + id)).expectError(404, "resource_missing");
    assertEquals(List.of(), theirs.api().get(theirs.path("/automation-rules")).page());
    assertTrue(AutomationFixture.rule(mine, id).getBoolean("is_active"), "untouched");
  }
}
