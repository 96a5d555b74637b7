package io.shoal.customer;

import static io.shoal.testing.ApiClient.encode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.shoal.engine.support.Poll;
import io.shoal.testing.ApiClient;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seed 001's gaps in the customer API, against a real PostgreSQL and a real SMTP server
 * (GreenMail): the timeline's {@code email} entries (the send, the open and the click that
 * Shoal's own delivery and tracking recorded, each with its {@code campaign_id}), its
 * {@code support} entries added by API (with {@code agent}), and array query parameters in the
 * {@code tags[]=a&tags[]=b} form.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SeedTimelineTest {

  private static final Pattern HREF = Pattern.compile("href=\"([^\"]+)\"");
  private static final Pattern IMG = Pattern.compile("<img src=\"([^\"]+)\"");

  private static GreenMail mail;
  private static Vertx vertx;
  private static WebClient web;
  private static TestServer server;

  @BeforeAll
  static void start() {
    mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    mail.start();
    vertx = Vertx.vertx();
    web = WebClient.create(vertx);
    Map<String, String> env = new HashMap<>();
    env.put("SHOAL_SMTP_HOST", "127.0.0.1");
    env.put("SHOAL_SMTP_PORT", String.valueOf(mail.getSmtp().getPort()));
    env.put("SHOAL_SMTP_TLS", "none");
    env.put("SHOAL_SMTP_FROM", "Acme <news@acme.example>");
    env.put("SHOAL_DELIVERY_POLL_INTERVAL_MS", "100");
    env.put("SHOAL_CAMPAIGN_POLL_INTERVAL_MS", "100");
    server = TestServer.start(env);
  }

  @AfterAll
  static void stop() {
    server.close();
    ApiClient.await(vertx.close());
    mail.stop();
  }

  @Test
  void sendsOpensAndClicksOfACampaignAreEmailEntriesWithTheCampaignId() throws Exception {
    TestStore store = server.createStore("Timeline mail");
    String ann = store.createCustomer(new JsonObject().put("email", "ann@acme.example").put("first_name", "Ann")
        .put("email_consent", true)).getString("id");
    String ben = store.createCustomer(new JsonObject().put("email", "ben@acme.example").put("first_name", "Ben")
        .put("email_consent", true)).getString("id");
    String template = store.api().post(store.path("/templates"), new JsonObject().put("name", "Spring")
        .put("channel", "email").put("subject", "Spring Collection, {{first_name}}")
        .put("html", "<p>Hi {{first_name}} <a href=\"https://shop.example/spring\">Shop</a></p>")
        .put("text", "Hi {{first_name}}")).expect(201).getString("id");
    String segment = store.api().post(store.path("/segments"), new JsonObject().put("name", "Both")
        .put("type", "static").put("customer_ids", new JsonArray().add(ann).add(ben))).expect(201).getString("id");
    String campaign = store.api().post(store.path("/campaigns"), new JsonObject().put("name", "Spring Launch")
        .put("type", "email").put("segment_id", segment).put("template_id", template)
        .put("scheduled_at", Instant.now().toString())).expect(201).getString("id");

    assertTrue(mail.waitForIncomingEmail(30_000, 2), "both emails arrive");
    MimeMessage toAnn = null;
    for (MimeMessage m : mail.getReceivedMessages()) {
      if (m.getAllRecipients()[0].toString().equals("ann@acme.example")) {
        toAnn = m;
      }
    }
    String html = GreenMailUtil.getBody(toAnn).replace("=\r\n", "").replace("=3D", "=");
    String annEmail = store.customer(ann) + "/activity?types=email";
    List<JsonObject> sent = Poll.until("Ann's send in her timeline", Duration.ofSeconds(20),
        () -> store.api().get(annEmail).page(), page -> page.size() == 1);
    JsonObject send = sent.get(0);
    assertEquals("email", send.getString("type"));
    assertEquals("sent", send.getString("event"));
    assertEquals("Sent: Spring Collection, Ann", send.getString("title"), "the subject she received");
    assertEquals(campaign, send.getString("campaign_id"));

    // she opens (the pixel) and clicks (the tracked link): both are entries, newest first
    assertEquals(200, ApiClient.await(web.getAbs(match(IMG, html)).send()).statusCode());
    Thread.sleep(20); // distinct times, so that the order below is the order of the acts
    assertEquals(302, ApiClient.await(web.getAbs(match(HREF, html)).followRedirects(false).send()).statusCode());
    List<JsonObject> entries = Poll.until("open and click in the timeline", Duration.ofSeconds(20),
        () -> store.api().get(annEmail).page(), page -> page.size() == 3);
    assertEquals(List.of("clicked", "opened", "sent"), entries.stream().map(e -> e.getString("event")).toList());
    assertEquals(List.of("Clicked: Spring Collection, Ann", "Opened: Spring Collection, Ann",
        "Sent: Spring Collection, Ann"), entries.stream().map(e -> e.getString("title")).toList());
    entries.forEach(e -> assertEquals(campaign, e.getString("campaign_id"), e.encode()));
    assertEquals("https://shop.example/spring", entries.get(0).getString("url"));
    String messageId = send.getString("message_id");
    entries.forEach(e -> assertEquals(messageId, e.getString("message_id")));

    // the whole timeline pages through every source one entry at a time, each entry once, in order
    List<JsonObject> all = pages(store, store.customer(ann) + "/activity", 1);
    List<JsonObject> whole = store.api().get(store.customer(ann) + "/activity?limit=100").page();
    assertEquals(whole, all);
    assertEquals(List.of("email", "email", "email", "profile"), all.stream().map(e -> e.getString("type")).toList());
    // the same filter written as types[]=, and another type leaves the emails out
    assertEquals(entries, store.api().get(store.customer(ann) + "/activity?types%5B%5D=email").page());
    assertEquals(List.of(), store.api().get(store.customer(ann) + "/activity?types=support").page());

    // Ben has his own send and nothing of Ann's; another store's key sees neither
    List<JsonObject> bens = Poll.until("Ben's send", Duration.ofSeconds(20),
        () -> store.api().get(store.customer(ben) + "/activity?types=email").page(), page -> page.size() == 1);
    assertEquals("Sent: Spring Collection, Ben", bens.get(0).getString("title"));
    TestStore other = server.createStore("Other");
    other.api().get(store.customer(ann) + "/activity").expectError(404, null);
    other.api().get(other.customer(ann) + "/activity").expectError(404, "resource_missing");
  }

  @Test
  void supportEntriesAreAddedByApiWithTheirAgentAndBadInputNamesTheField() {
    TestStore store = server.createStore("Timeline support");
    String id = store.createCustomer(new JsonObject().put("email", "sue@acme.example")).getString("id");
    String path = store.customer(id) + "/activity";
    JsonObject chat = store.api().post(path, new JsonObject().put("type", "support")
        .put("title", "Chat: Sizing question").put("agent", "Whale Agent").put("channel", "chat")
        .put("occurred_at", "2026-03-03T11:20:00Z")).expect(201);
    assertEquals("activity", chat.getString("object"));
    assertEquals("support", chat.getString("type"));
    assertEquals("Chat: Sizing question", chat.getString("title"));
    assertEquals("Whale Agent", chat.getString("agent"));
    assertEquals("chat", chat.getString("channel"));
    assertEquals("2026-03-03T11:20:00.000Z", chat.getString("occurred_at"));
    JsonObject call = store.api().post(path, new JsonObject().put("type", "support")
        .put("title", "Call: Return label").put("agent", "Mia").put("summary", "sent a new label")).expect(201);

    List<JsonObject> support = store.api().get(path + "?types=support").page();
    assertEquals(List.of(call, chat), support, "newest first, as they were answered");
    assertEquals(support, store.api().get(path + "?types%5B%5D=support").page());
    assertEquals(List.of("support", "profile", "support"),
        store.api().get(path).page().stream().map(e -> e.getString("type")).toList());

    // bad input: a 400 naming the field, and nothing written
    assertEquals("agent", store.api().post(path, new JsonObject().put("type", "support").put("title", "x"))
        .expectError(400, null).getString("param"));
    assertEquals("agent", store.api().post(path, new JsonObject().put("type", "support").put("title", "x")
        .put("agent", "  ")).expectError(400, null).getString("param"));
    assertEquals("title", store.api().post(path, new JsonObject().put("type", "support").put("title", " ")
        .put("agent", "Mia")).expectError(400, null).getString("param"));
    assertEquals("type", store.api().post(path, new JsonObject().put("type", "order").put("title", "x")
        .put("agent", "Mia")).expectError(400, null).getString("param"));
    assertEquals("occurred_at", store.api().post(path, new JsonObject().put("type", "support").put("title", "x")
        .put("agent", "Mia").put("occurred_at", "yesterday")).expectError(400, null).getString("param"));
    assertEquals("occurred_at", store.api().post(path, new JsonObject().put("type", "support").put("title", "x")
        .put("agent", "Mia").put("occurred_at", Instant.now().plusSeconds(3600).toString()))
        .expectError(400, null).getString("param"));
    store.api().post(store.customer("cust_nosuchcustomer000000") + "/activity", new JsonObject()
        .put("type", "support").put("title", "x").put("agent", "Mia")).expectError(404, "resource_missing");
    // another store's key cannot write into this customer's timeline
    TestStore other = server.createStore("Other support");
    other.api().post(other.customer(id) + "/activity", new JsonObject().put("type", "support").put("title", "x")
        .put("agent", "Mia")).expectError(404, "resource_missing");
    other.api().post(path, new JsonObject().put("type", "support").put("title", "x").put("agent", "Mia"))
        .expectError(404, null);
    assertEquals(3, store.api().get(path).page().size(), "nothing written by the refused requests");
  }

  @Test
  void arrayQueryParametersAreAcceptedInTheBracketForm() {
    TestStore store = server.createStore("Tags");
    String both = store.createCustomer(new JsonObject().put("email", "both@acme.example")
        .put("tags", new JsonArray().add("vip").add("wholesale"))).getString("id");
    String vip = store.createCustomer(new JsonObject().put("email", "vip@acme.example")
        .put("tags", new JsonArray().add("vip"))).getString("id");
    store.createCustomer(new JsonObject().put("email", "none@acme.example"));

    List<String> plain = ids(store.api().get(store.customers() + "?tags=vip&tags=wholesale").page());
    assertEquals(List.of(both), plain);
    assertEquals(plain, ids(store.api().get(store.customers() + "?tags[]=vip&tags[]=wholesale").page()));
    assertEquals(plain, ids(store.api().get(store.customers() + "?tags%5B%5D=vip&tags%5B%5D=wholesale").page()));
    assertEquals(plain, ids(store.api().get(store.customers() + "?tags=vip&tags[]=wholesale").page()));
    assertEquals(List.of(both, vip).stream().sorted().toList(),
        ids(store.api().get(store.customers() + "?tags[]=vip").page()).stream().sorted().toList());
    // only array parameters take the form: a bracketed scalar is still an unknown parameter, by name
    assertEquals("search[]", store.api().get(store.customers() + "?search[]=vip").expectError(400, "parameter_unknown")
        .getString("param"));
    // the values are checked as the plain form's are
    assertEquals("tags", store.api().get(store.customers() + "?tags[]=" + "x".repeat(101))
        .expectError(400, null).getString("param"));
  }

  private static List<String> ids(List<JsonObject> page) {
    return page.stream().map(c -> c.getString("id")).toList();
  }

  private static List<JsonObject> pages(TestStore store, String path, int limit) {
    List<JsonObject> out = new ArrayList<>();
    String cursor = null;
    do {
      ApiResponse page = store.api().get(path + "?limit=" + limit + (cursor == null ? "" : "&cursor=" + encode(cursor)));
      out.addAll(page.page());
      cursor = page.nextCursor();
    } while (cursor != null);
    return out;
  }

  private static String match(Pattern p, String text) {
    Matcher m = p.matcher(text);
    assertTrue(m.find(), () -> p + " not in " + text);
    return m.group(1).replace("&amp;", "&");
  }
}
