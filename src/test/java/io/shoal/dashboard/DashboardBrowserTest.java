package io.shoal.dashboard;

import static io.shoal.engine.support.Events.by;
import static io.shoal.engine.support.Events.order;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.engine.support.StoreDriver;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in a real browser (headless Chromium), as a store team member uses it: signs in
 * with the store's key, builds a segment while the preview count follows the rules, saves it,
 * watches an order sent through the API arrive in the live feed and the member count rise, opens
 * the customer, schedules a campaign and reads its results. Then every page at desktop and phone
 * width, with screenshots in target/screenshots. No page may log a console error (uncaught
 * exceptions, failed requests and Content-Security-Policy refusals all do).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

  private static TestServer server;
  private static TestStore store;
  private static StoreDriver shop;
  private static Browser browser;
  private static final Map<String, String> customers = new LinkedHashMap<>();
  /** Set by the first test, used by the page tour. */
  private static String segmentId;
  private static String campaignId;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    store = server.createStore("Acme Outdoor");
    shop = new StoreDriver(store);
    // Six customers who spent 20 to 900: four at 100 or more, two (900, 510) at 500 or more.
    String[][] people = {{"Ana", "Lima", "20.00"}, {"Ben", "Okafor", "60.00"}, {"Cleo", "Park", "120.00"},
        {"Dev", "Shah", "250.00"}, {"Eli", "Novak", "900.00"}, {"Fay", "Moreau", "510.00"}};
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    int orderNo = 1000;
    for (String[] p : people) {
      String id = store.createCustomer(new JsonObject().put("first_name", p[0]).put("last_name", p[1])
          .put("email", p[0].toLowerCase() + "@example.com").put("email_consent", true)
          .put("tags", new JsonArray().add("retail"))).getString("id");
      customers.put(p[0], id);
      shop.send(by(order(String.valueOf(orderNo++), p[2], now.minus(3, ChronoUnit.DAYS)), id));
    }
    customers.values().forEach(id -> shop.awaitOrders(id, 1));
    store.api().post(store.path("/templates"), new JsonObject().put("name", "Winter sale").put("channel", "email")
        .put("subject", "Hello {{first_name}}, winter is here").put("html", "<h1>Winter sale</h1><p>Hi {{first_name}},"
            + " everything warm is 20% off this week.</p>").put("text", "Winter sale, {{first_name}}!")).expect(201);
    browser = Browser.start();
  }

  @AfterAll
  static void stop() {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      server.close();
    }
  }

  private static String app(String hash) {
    return "http://127.0.0.1:" + server.port() + "/app/" + hash;
  }

  private static long apiPreview(double minSpent) {
    return store.api().post(store.path("/segments/preview"), new JsonObject().put("rules", new JsonArray()
        .add(new JsonObject().put("field", "total_spent").put("operator", "gte").put("value", minSpent))))
        .expect(200).getLong("member_count");
  }

  @Test
  @Order(1)
  void aStoreTeamBuildsASegmentWatchesItGrowLiveAndSendsACampaign() {
    browser.resize(Browser.DESKTOP);
    browser.open(app(""));
    browser.awaitVisible(By.id("api-key"));
    browser.screenshot("signin-desktop");
    browser.assertNoConsoleErrors("the sign-in page");

    // Sign in with the store's own key.
    browser.type(By.id("api-key"), store.apiKey());
    browser.type(By.id("store-id"), store.id());
    browser.click(By.id("sign-in"));
    browser.awaitVisible(By.id("new-segment"));

    // Build a segment: the preview count follows the rule as it is edited.
    browser.click(By.id("new-segment"));
    browser.type(By.id("segment-name"), "Big spenders");
    assertEquals(4, apiPreview(100));
    browser.awaitText(By.id("preview-count"), "4"); // the default rule: total_spent >= 100
    By value = By.cssSelector("#rules .rule-condition input.rule-value");
    browser.type(value, "500");
    assertEquals(2, apiPreview(500));
    browser.awaitText(By.id("preview-count"), "2");
    browser.awaitVisible(By.cssSelector("#rules .rule-funnel"));
    browser.type(value, "100");
    browser.awaitText(By.id("preview-count"), "4");
    browser.screenshot("segment-new-desktop");

    browser.click(By.id("save-segment"));
    browser.awaitText(By.id("member-count"), "4");
    String url = browser.driver().getCurrentUrl();
    segmentId = url.substring(url.indexOf("#/segments/") + "#/segments/".length());
    assertTrue(segmentId.startsWith("seg_"), url);
    JsonObject saved = shop.segment(segmentId);
    assertEquals("Big spenders", saved.getString("name"));
    assertEquals(new JsonArray().add(new JsonObject().put("field", "total_spent").put("operator", "gte").put("value", 100)),
        saved.getJsonArray("rules"));
    browser.assertNoConsoleErrors("the segment editor");

    // The live feed: an order sent through the API shows up, and Ben enters the segment.
    browser.click(By.cssSelector("nav a[href='#/live']"));
    browser.awaitText(By.id("stream-state"), "live");
    String ben = customers.get("Ben");
    shop.send(by(order("2001", "75.00", Instant.now().truncatedTo(ChronoUnit.MILLIS)), ben));
    browser.awaitVisible(By.cssSelector("#feed li[data-type='order.completed'][data-customer='" + ben + "']"));
    browser.awaitVisible(By.cssSelector("#feed li[data-type='customer.segment.entered'][data-customer='" + ben + "']"));
    browser.screenshot("live-desktop");
    browser.assertNoConsoleErrors("the live feed");

    // The segment's member count rose.
    browser.open(app("#/segments/" + segmentId));
    browser.awaitText(By.id("member-count"), "5");
    browser.awaitVisible(By.cssSelector("#members-chart .uplot"));
    browser.awaitVisible(By.cssSelector("#transitions-chart .uplot"));
    browser.screenshot("segment-desktop");
    browser.assertNoConsoleErrors("the segment page");

    // Open the customer from the feed.
    browser.click(By.cssSelector("nav a[href='#/live']"));
    browser.click(By.cssSelector("#feed li[data-type='customer.segment.entered'][data-customer='" + ben + "'] a"));
    browser.awaitText(By.id("customer-orders"), "2");
    browser.awaitText(By.id("customer-spent"), "135.00");
    browser.await("Ben's segments to list Big spenders", d -> d.findElement(By.id("customer-segments")).getText()
        .contains("Big spenders"));
    browser.awaitVisible(By.cssSelector("#timeline li[data-type='order']"));
    browser.screenshot("customer-desktop");
    browser.assertNoConsoleErrors("the customer page");

    // Schedule a campaign to the segment, now, and read its results.
    browser.click(By.cssSelector("nav a[href='#/campaigns']"));
    browser.click(By.id("new-campaign"));
    browser.type(By.id("campaign-name"), "Winter sale to big spenders");
    browser.await("the segment to be offered", d -> !d.findElements(
        By.cssSelector("#campaign-segment option[value='" + segmentId + "']")).isEmpty());
    new Select(browser.awaitVisible(By.id("campaign-segment"))).selectByValue(segmentId);
    browser.await("the rendered preview", d -> d.findElements(By.cssSelector("#template-preview .preview-subject"))
        .stream().anyMatch(e -> e.getText().matches("Hello \\w+, winter is here")));
    browser.screenshot("campaign-editor-desktop");
    browser.click(By.cssSelector("input[name='when'][value='now']"));
    browser.click(By.id("create-campaign"));
    browser.awaitText(By.id("result-sent"), "5");
    browser.awaitText(By.id("campaign-status"), "completed");
    url = browser.driver().getCurrentUrl();
    campaignId = url.substring(url.indexOf("#/campaigns/") + "#/campaigns/".length());
    JsonObject analytics = store.api().get(store.path("/campaigns/" + campaignId + "/analytics")).expect(200);
    assertEquals(5, analytics.getInteger("sent"));
    browser.awaitText(By.cssSelector("#campaign-funnel [data-step='sent']"), "5");
    browser.awaitVisible(By.cssSelector("#campaign-chart .uplot"));
    browser.screenshot("campaign-desktop");
    browser.assertNoConsoleErrors("the campaign pages");
  }

  @Test
  @Order(2)
  void everyPageRendersAtDesktopAndPhoneWidthWithoutConsoleErrors() {
    // Something on the automation and webhook pages too: a rule that waits, an endpoint that fails.
    String template = store.api().get(store.path("/templates")).page().get(0).getString("id");
    store.api().post(store.path("/automation-rules"), new JsonObject().put("name", "Thank big orders")
        .put("trigger_event", "order.completed")
        .put("conditions", new JsonArray().add(new JsonObject().put("field", "order.total").put("operator", "gte")
            .put("value", 50)))
        .put("actions", new JsonArray().add(new JsonObject().put("type", "send_email").put("template_id", template)
            .put("delay", "1h")))
        .put("is_active", true)).expect(201);
    store.api().post(store.path("/webhook-endpoints"), new JsonObject().put("url", "http://127.0.0.1:9/hooks")
        .put("description", "CRM sync").put("events", new JsonArray().add("customer.segment.entered"))).expect(201);
    shop.send(by(order("3001", "80.00", Instant.now().truncatedTo(ChronoUnit.MILLIS)), customers.get("Ana")));

    if (segmentId == null) {
      segmentId = shop.createSegment(new JsonObject().put("name", "Big spenders").put("rules", new JsonArray()
          .add(new JsonObject().put("field", "total_spent").put("operator", "gte").put("value", 100))))
          .getString("id");
    }
    // A segment using more of the rule language, for the editor: nested any/not, a relative time, performed.
    JsonArray richRules = new JsonArray()
        .add(new JsonObject().put("field", "total_spent").put("operator", "gte").put("value", 100))
        .add(new JsonObject().put("any", new JsonArray()
            .add(new JsonObject().put("field", "last_order_at").put("operator", "before").put("value", "2_days_ago"))
            .add(new JsonObject().put("not", new JsonObject().put("field", "tags").put("operator", "contains")
                .put("value", "wholesale")))))
        .add(new JsonObject().put("performed", new JsonObject().put("event", "order.completed").put("within_days", 30)
            .put("at_least", 1)));
    String rich = shop.createSegment(new JsonObject().put("name", "Regulars, not wholesale").put("rules", richRules))
        .getString("id");
    browser.open(app(""));
    if (!browser.driver().findElements(By.id("api-key")).isEmpty()) {
      browser.type(By.id("api-key"), store.apiKey());
      browser.type(By.id("store-id"), store.id());
      browser.click(By.id("sign-in"));
    }
    // page name, hash, what shows once it has loaded
    String[][] pages = {
        {"segments", "#/segments", ".segments-table td.member-count"},
        {"segment", "#/segments/" + segmentId, "#members-chart .uplot"},
        {"segment-editor", "#/segments/" + rich + "/edit", "#rules .rule-top > li:nth-child(3) > .rule-node > .rule-funnel"},
        {"live", "#/live", "#feed li"},
        {"customers", "#/customers", ".customers-table td"},
        {"customer", "#/customers/" + customers.get("Eli"), "#timeline li"},
        {"campaigns", "#/campaigns", "table td"},
        {"campaign", campaignId == null ? "#/campaigns" : "#/campaigns/" + campaignId, "table td, #campaign-results"},
        {"automations", "#/automations", ".card h2"},
        {"webhooks", "#/webhooks", ".card h2"},
    };
    for (Dimension size : new Dimension[] {Browser.DESKTOP, Browser.PHONE}) {
      browser.resize(size);
      String width = size == Browser.PHONE ? "phone" : "desktop";
      for (String[] page : pages) {
        browser.open(app(page[1]));
        browser.awaitVisible(By.cssSelector(page[2]));
        browser.await("the page to finish loading", d -> d.findElements(By.cssSelector(".loading")).isEmpty());
        browser.screenshot(page[0] + "-" + width);
        browser.assertNoConsoleErrors(page[0] + " at " + width + " width");
      }
    }
    // On a phone the menu folds away and opens with its button (keyboard reachable: a real button).
    browser.open(app("#/segments"));
    browser.awaitVisible(By.cssSelector(".menu-toggle"));
    assertTrue(browser.driver().findElements(By.cssSelector("nav a[href='#/live']")).stream().noneMatch(e -> e.isDisplayed()));
    browser.click(By.cssSelector(".menu-toggle"));
    browser.awaitVisible(By.cssSelector("nav a[href='#/live']"));
    browser.screenshot("menu-phone");
    browser.assertNoConsoleErrors("the phone menu");

    // A draft is saved without being evaluated, then published from the editor.
    browser.resize(Browser.DESKTOP);
    browser.open(app("#/segments/new"));
    browser.type(By.id("segment-name"), "Draft: high spenders");
    browser.type(By.cssSelector("#rules .rule-condition input.rule-value"), "500");
    browser.awaitText(By.id("preview-count"), "2");
    browser.click(By.id("save-draft"));
    browser.await("the draft's page", d -> d.getCurrentUrl().matches(".*#/segments/seg_\\w+$"));
    String draftUrl = browser.driver().getCurrentUrl();
    String draft = draftUrl.substring(draftUrl.indexOf("#/segments/") + "#/segments/".length());
    assertEquals("draft", shop.segment(draft).getString("lifecycle"));
    browser.awaitText(By.id("member-count"), "0");
    browser.open(app("#/segments/" + draft + "/edit"));
    browser.awaitText(By.id("save-segment"), "Publish");
    browser.click(By.id("save-segment"));
    browser.awaitText(By.id("member-count"), "2");
    assertEquals("created", shop.segment(draft).getString("lifecycle"));
    browser.assertNoConsoleErrors("saving and publishing a draft");

    // The admin key signs in without a store id and picks the store.
    browser.resize(Browser.PHONE);
    browser.open(app("#/segments"));
    browser.click(By.cssSelector(".menu-toggle"));
    browser.click(By.cssSelector("nav .sign-out"));
    browser.type(By.id("api-key"), server.adminKey());
    browser.click(By.id("sign-in"));
    browser.click(By.cssSelector(".store-choice[data-store='" + store.id() + "']"));
    browser.awaitVisible(By.cssSelector(".segments-table td.member-count"));
    browser.assertNoConsoleErrors("signing in with the admin key");
  }
}
