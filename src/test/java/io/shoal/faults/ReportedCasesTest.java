package io.shoal.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cases of issue 16 one by one: each was a 500, an accepted wrong value or a misleading
 * error; each is now a 400 (or 404) that names the field.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReportedCasesTest {

  static TestServer server;
  static TestStore store;
  static String segment;
  static String template;

  @BeforeAll
  @Timeout(value = 5, unit = TimeUnit.MINUTES) // a server start and the seeding, on a busy machine
  static void start() {
    server = TestServer.start();
    store = server.createStore("Cases");
    store.createCustomer(new JsonObject().put("email", "a@example.com"));
    segment = store.api().post(store.path("/segments"), new JsonObject().put("name", "All")
        .put("is_dynamic", true).put("rules", new JsonArray().add(new JsonObject().put("field", "total_orders")
            .put("operator", "gte").put("value", 0)))).expect(201).getString("id");
    template = store.api().post(store.path("/templates"), new JsonObject().put("name", "T").put("channel", "email")
        .put("subject", "Hi").put("html", "<p>Hi</p>")).expect(201).getString("id");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String param(ApiResponse r, int status) {
    return r.expect(status).getJsonObject("error").getString("param");
  }

  static JsonObject campaign() {
    return new JsonObject().put("name", "C").put("type", "email").put("segment_id", segment).put("template_id", template);
  }

  @Test
  void campaignTimesOutsideTheRangeAre400NamingTheField() {
    for (String t : new String[] {"0000-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "9999-12-31T00:00:00Z",
        "+99999-01-01T00:00:00Z", "-0001-01-01T00:00:00Z"}) {
      assertEquals("scheduled_at", param(store.api().post(store.path("/campaigns"), campaign().put("scheduled_at", t)), 400), t);
    }
  }

  @Test
  void nullTagsAndMetadataOfANewCustomerAreNoFault() {
    for (String field : new String[] {"tags", "metadata", "address"}) {
      ApiResponse r = store.api().post(store.customers(), new JsonObject().put("email", field + "@example.com").putNull(field));
      assertTrue(r.status() == 201 || r.status() == 400, () -> field + ": " + r.status() + " " + r.body());
    }
  }

  @Test
  void nullConditionsAndCapsOfARuleAreNoFault() {
    for (String field : new String[] {"conditions", "frequency_caps"}) {
      JsonObject rule = new JsonObject().put("name", "R").put("trigger_event", "order.completed").put("actions", new JsonArray().add(new JsonObject().put("type", "add_tag")
          .put("tag", "buyer"))).putNull(field);
      ApiResponse r = store.api().post(store.path("/automation-rules"), rule);
      assertEquals(201, r.status(), () -> field + ": " + r.body());
    }
  }

  @Test
  void anEventThatCanNeverBeStoredIs400NotARetry() {
    Object[][] cases = {
        {new JsonObject().put("email", "nul\u0000@example.com"), "customer.email"},
        {new JsonObject().put("email", "x@example.com").put("tags", "x"), "customer.tags"},
        {new JsonObject().put("email", "x@example.com").put("metadata", new JsonArray().add(1)), "customer.metadata"},
        {new JsonObject().put("email", "x@example.com").put("address", 5), "customer.address"},
        {new JsonObject().put("email", "x".repeat(100_000) + "@example.com"), "customer.email"},
        {new JsonObject().put("email", "x@example.com").put("first_name", "A\u0000B"), "customer.first_name"},
        {new JsonObject().put("email", "x@example.com").put("last_name", "A\u0000B"), "customer.last_name"},
    };
    for (Object[] c : cases) {
      JsonObject event = new JsonObject().put("type", "customer.updated").put("customer", c[0]);
      assertEquals(c[1], param(store.api().post(store.path("/events"), event), 400), () -> event.encode());
    }
    JsonObject order = new JsonObject().put("type", "order.completed").put("customer", new JsonObject().put("email", "q@example.com"))
        .put("data", new JsonObject().put("order_id", "1").put("total", 10).put("items", new JsonArray()
            .add(new JsonObject().put("product_id", "p").put("quantity", 1e20).put("price", 10))));
    assertEquals("data.items[0].quantity", param(store.api().post(store.path("/events"), order), 400));
  }

  @Test
  void aRuleTimeOutsideTheRangeIs400() {
    JsonObject seg = new JsonObject().put("name", "Far").put("is_dynamic", true).put("rules", new JsonArray()
        .add(new JsonObject().put("field", "created_at").put("operator", "after").put("value", "+999999999-01-01T00:00:00Z")));
    store.api().post(store.path("/segments"), seg).expect(400);
    JsonObject rule = new JsonObject().put("name", "R").put("trigger_event", "order.completed").put("conditions", new JsonArray().add(new JsonObject().put("field", "created_at")
        .put("operator", "after").put("value", "+999999999-01-01"))).put("actions", new JsonArray()
        .add(new JsonObject().put("type", "add_tag").put("tag", "x")));
    store.api().post(store.path("/automation-rules"), rule).expect(400);
  }

  @Test
  void aSendEmailActionNeedsATemplateOfTheStore() {
    JsonObject rule = new JsonObject().put("name", "R").put("trigger_event", "order.completed").put("actions", new JsonArray().add(new JsonObject().put("type", "send_email")
        .put("template_id", "tmpl_nope")));
    assertEquals("actions[0].template_id", param(store.api().post(store.path("/automation-rules"), rule), 400));
  }

  @Test
  void anInvalidEnumValueIsNamedAsSuch() {
    JsonObject error = store.api().post(store.path("/campaigns"), campaign().put("type", "fax")).expect(400).getJsonObject("error");
    assertEquals("type", error.getString("param"));
    assertTrue(!"parameter_unknown".equals(error.getString("code")), error::encode);
    JsonObject seg = store.api().post(store.path("/segments"), new JsonObject().put("name", "S").put("type", "auto-update"))
        .expect(400).getJsonObject("error");
    assertEquals("type", seg.getString("param"));
    assertTrue(!"parameter_unknown".equals(seg.getString("code")), seg::encode);
  }

  @Test
  void unknownQueryParametersAre400() {
    // (tags[]=vip is the bracket form of an array parameter since issue 19, and accepted)
    assertEquals("colour", param(store.api().get(store.customers() + "?colour=red"), 400));
    assertEquals("offset", param(store.api().get(store.customers() + "?offset="), 400));
  }

  @Test
  void anotherStoresCustomerHasNoRemovalRequests() {
    TestStore other = server.createStore("Other");
    String theirs = other.createCustomer(new JsonObject().put("email", "b@example.com")).getString("id");
    store.api().get(store.customer(theirs) + "/removal-requests").expectError(404, null);
    store.api().get(store.customer("cust_nope") + "/removal-requests").expectError(404, null);
  }
}
