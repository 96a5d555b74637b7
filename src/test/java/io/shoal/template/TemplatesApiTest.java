package io.shoal.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Templates as a store manages them: save (checked), read, list, change, delete, preview. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TemplatesApiTest {

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
    store = server.createStore("Templates");
  }

  private static JsonObject email(String name) {
    return new JsonObject().put("name", name).put("channel", "email")
        .put("subject", "Hello {{first_name}}").put("html", "<p>Hi {{first_name}}, {{vars.offer}}</p>")
        .put("text", "Hi {{first_name}}, you spent {{metrics.total_spent}}");
  }

  @Test
  void createReadListUpdateDelete() {
    JsonObject created = store.api().post(store.path("/templates"), email("Welcome")).expect(201);
    String id = created.getString("id");
    assertTrue(id.startsWith("tmpl_"), id);
    assertEquals("template", created.getString("object"));
    assertEquals("Hello {{first_name}}", created.getString("subject"));
    assertEquals(1, created.getInteger("version"));

    assertEquals(created, store.api().get(store.path("/templates/" + id)).expect(200));
    store.api().post(store.path("/templates"), new JsonObject().put("name", "Promo").put("channel", "sms")
        .put("text", "{{first_name}}: 10% off")).expect(201);
    assertEquals(2, store.api().get(store.path("/templates")).page().size());
    List<JsonObject> sms = store.api().get(store.path("/templates?channel=sms")).page();
    assertEquals(1, sms.size());
    assertEquals("Promo", sms.get(0).getString("name"));
    String cursor = store.api().get(store.path("/templates?limit=1")).nextCursor();
    assertEquals("Promo", store.api().get(store.path("/templates?limit=1&cursor=" + cursor)).page().get(0)
        .getString("name"));

    JsonObject updated = store.api().patch(store.path("/templates/" + id),
        new JsonObject().put("subject", "Welcome back {{first_name}}").put("text", null)).expect(200);
    assertEquals("Welcome back {{first_name}}", updated.getString("subject"));
    assertNull(updated.getString("text"), "null removes a part");
    assertEquals("<p>Hi {{first_name}}, {{vars.offer}}</p>", updated.getString("html"), "parts not sent are kept");
    assertEquals(2, updated.getInteger("version"));

    store.api().delete(store.path("/templates/" + id)).expect(200);
    store.api().get(store.path("/templates/" + id)).expectError(404, "resource_missing");
    store.api().delete(store.path("/templates/" + id)).expectError(404, "resource_missing");
  }

  @Test
  void anInvalidTemplateIsRefusedWithThePartLineAndReason() {
    JsonObject error = store.api().post(store.path("/templates"), email("Broken")
        .put("html", "<p>\n{{#orders}}\n{{id}}\n</p>")).expectError(400, "template_invalid");
    assertEquals("html", error.getString("param"));
    String message = error.getString("message");
    assertTrue(message.startsWith("html line "), message);
    assertTrue(message.contains("orders"), message);

    String id = store.api().post(store.path("/templates"), email("Good")).expect(201).getString("id");
    JsonObject onUpdate = store.api().patch(store.path("/templates/" + id),
        new JsonObject().put("subject", "Hi {{first_name")).expectError(400, "template_invalid");
    assertTrue(onUpdate.getString("message").startsWith("subject line 1"), onUpdate.encode());
    assertEquals("Hello {{first_name}}", store.api().get(store.path("/templates/" + id)).expect(200)
        .getString("subject"), "a refused update changes nothing");
  }

  @Test
  void eachChannelNeedsItsPartsAndOnlyThose() {
    store.api().post(store.path("/templates"), new JsonObject().put("name", "x").put("channel", "sms")
        .put("text", "hi").put("subject", "no")).expectError(400, "parameter_invalid");
    store.api().post(store.path("/templates"), new JsonObject().put("name", "x").put("channel", "email")
        .put("subject", "s")).expectError(400, "parameter_missing");
    store.api().post(store.path("/templates"), new JsonObject().put("name", "x").put("channel", "push"))
        .expectError(400, "parameter_missing");
    store.api().post(store.path("/templates"), new JsonObject().put("name", "x").put("channel", "direct_mail")
        .put("text", "a letter has html")).expectError(400, "parameter_invalid");
    store.api().post(store.path("/templates"), new JsonObject().put("name", "x").put("channel", "fax")
        .put("text", "t")).expectError(400, "parameter_invalid");
    String push = store.api().post(store.path("/templates"), new JsonObject().put("name", "p").put("channel", "push")
        .put("title", "{{first_name}}").put("text", "Back in stock")).expect(201).getString("id");
    store.api().patch(store.path("/templates/" + push), new JsonObject().put("channel", "sms"))
        .expectError(400, "parameter_unknown");
  }

  @Test
  void previewRendersForACustomerWithVariables() {
    String customer = store.createCustomer(new JsonObject().put("email", "sarah@example.com")
        .put("first_name", "Sarah")).getString("id");
    String id = store.api().post(store.path("/templates"), email("Welcome")).expect(201).getString("id");
    JsonObject preview = store.api().post(store.path("/templates/" + id + "/preview"), new JsonObject()
        .put("customer_id", customer).put("variables", new JsonObject().put("offer", "free & fast shipping")))
        .expect(200);
    assertEquals("template_preview", preview.getString("object"));
    assertEquals("Hello Sarah", preview.getString("subject"));
    assertEquals("<p>Hi Sarah, free &amp; fast shipping</p>", preview.getString("html"));
    assertEquals("Hi Sarah, you spent 0.0", preview.getString("text").replace("0.00", "0.0"));

    store.api().post(store.path("/templates/" + id + "/preview"), new JsonObject().put("customer_id", "cust_nope"))
        .expectError(404, "resource_missing");
  }

  @Test
  void anotherStoresKeySeesNoTemplates() {
    String id = store.api().post(store.path("/templates"), email("Mine")).expect(201).getString("id");
    TestStore other = server.createStore("Other");
    other.api().get(store.path("/templates/" + id)).expectError(404, "resource_missing");
    other.api().get(store.path("/templates")).expectError(404, "resource_missing");
    other.api().get(other.path("/templates/" + id)).expectError(404, "resource_missing");
    assertEquals(0, other.api().get(other.path("/templates")).page().size());
    other.api().patch(other.path("/templates/" + id), new JsonObject().put("name", "x"))
        .expectError(404, "resource_missing");
    other.api().delete(other.path("/templates/" + id)).expectError(404, "resource_missing");
    assertEquals("Mine", store.api().get(store.path("/templates/" + id)).expect(200).getString("name"));
  }
}
