package io.shoal.campaign;

import static io.shoal.campaign.Campaigns.awaitStatus;
import static io.shoal.campaign.Campaigns.body;
import static io.shoal.campaign.Campaigns.create;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.shoal.testing.ApiClient;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import jakarta.mail.internet.MimeMessage;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A campaign end to end with real parts: its emails reach an SMTP server (GreenMail) rendered for
 * each recipient; a recipient opens, clicks and buys, another unsubscribes, a third bounces; the
 * analytics say exactly that, and the next campaign leaves out the one who unsubscribed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CampaignDeliveryTest {

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

  private static Map<String, MimeMessage> inbox() {
    Map<String, MimeMessage> byRecipient = new TreeMap<>();
    try {
      for (MimeMessage m : mail.getReceivedMessages()) {
        MimeMessage previous = byRecipient.put(m.getAllRecipients()[0].toString(), m);
        assertTrue(previous == null || !previous.getMessageID().equals(m.getMessageID()));
      }
    } catch (jakarta.mail.MessagingException e) {
      throw new AssertionError(e);
    }
    return byRecipient;
  }

  private static String match(Pattern p, String text) {
    Matcher m = p.matcher(text);
    assertTrue(m.find(), () -> p + " not in " + text);
    return m.group(1).replace("&amp;", "&");
  }

  private static HttpResponse<Buffer> get(String url) {
    return ApiClient.await(web.getAbs(url).followRedirects(false).send());
  }

  private static JsonObject analytics(TestStore store, String id) {
    return store.api().get(store.path("/campaigns/" + id + "/analytics")).expect(200);
  }

  private static BigDecimal number(JsonObject o, String field) {
    return new BigDecimal(o.getValue(field).toString());
  }

  @Test
  void emailsArriveRenderedAndOpensClicksOrdersUnsubscribesAndBouncesShowInTheAnalytics() throws Exception {
    TestStore store = server.createStore("Acme");
    String[] names = {"Ann", "Ben", "Cat", "Dan"};
    String[] ids = new String[4];
    for (int i = 0; i < 4; i++) {
      ids[i] = store.createCustomer(new JsonObject().put("email", names[i].toLowerCase() + "@acme.example")
          .put("first_name", names[i]).put("email_consent", i < 3)).getString("id");
    }
    String segment = Campaigns.staticSegment(store, "Everyone", List.of(ids));
    String template = Campaigns.template(store, "email");
    String first = create(store, body("email", segment, template).put("scheduled_at", Instant.now().toString()))
        .getString("id");

    assertTrue(mail.waitForIncomingEmail(30_000, 3), "three emails arrive (Dan gave no consent)");
    Map<String, MimeMessage> inbox = inbox();
    assertEquals(List.of("ann@acme.example", "ben@acme.example", "cat@acme.example"), List.copyOf(inbox.keySet()));
    MimeMessage ann = inbox.get("ann@acme.example");
    assertEquals("Hello Ann", ann.getSubject());
    String html = GreenMailUtil.getBody(ann).replace("=\r\n", "").replace("=3D", "=");
    assertTrue(html.contains("Spring sale, Ann!"), html);
    JsonObject done = awaitStatus(store, first, "completed", Duration.ofSeconds(20));

    // Ann opens and clicks (the link keeps the campaign's UTM), then buys; Ben unsubscribes; Cat bounces
    assertEquals(200, get(match(IMG, html)).statusCode());
    HttpResponse<Buffer> click = get(match(HREF, html));
    assertEquals(302, click.statusCode());
    assertTrue(click.getHeader("Location").startsWith("https://shop.example/sale?utm_campaign=spring-sale-2026"),
        click.getHeader("Location"));
    String unsubscribe = inbox.get("ben@acme.example").getHeader("List-Unsubscribe")[0].replaceAll("[<>]", "");
    assertEquals(200, ApiClient.await(web.postAbs(unsubscribe)
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("List-Unsubscribe", "One-Click"))).statusCode());
    String catMessage = (String) Campaigns.query(server.databaseUrl(), "SELECT id FROM messages WHERE store_id = ?"
        + " AND source_id = ? AND customer_id = ?", store.id(), first, ids[2]).get(0).get("id");
    store.api().post(store.path("/bounces"), new JsonObject().put("message_id", catMessage).put("type", "hard"))
        .expect(200);
    store.api().post(store.path("/events"), new JsonObject().put("type", "order.completed").put("customer_id", ids[0])
        .put("data", new JsonObject().put("order_id", "A-1").put("total", 59.90))).expect(202);

    assertTrue(Campaigns.eventually(Duration.ofSeconds(20), () -> analytics(store, first).getLong("conversions") == 1
        && analytics(store, first).getLong("bounced") == 1 && analytics(store, first).getLong("unsubscribed") == 1),
        () -> analytics(store, first).encodePrettily());
    JsonObject a = analytics(store, first);
    assertEquals("completed", a.getString("status"));
    assertEquals(done.getString("completed_at"), a.getString("completed_at"));
    assertEquals(4, a.getLong("recipient_count"));
    assertEquals(3, a.getLong("sent"));
    assertEquals(2, a.getLong("delivered"), "sent less bounced");
    assertEquals(1, a.getLong("bounced"));
    assertEquals(1, a.getLong("suppressed"));
    assertEquals(1, a.getLong("opened"));
    assertEquals(1, a.getLong("clicked"));
    assertEquals(1, a.getLong("unsubscribed"));
    assertEquals(1, a.getLong("conversions"));
    assertEquals(0, new BigDecimal("59.90").compareTo(number(a, "revenue")));
    assertEquals(0, new BigDecimal("0.500").compareTo(number(a, "open_rate")));
    assertEquals(0, new BigDecimal("0.500").compareTo(number(a, "click_rate")));
    assertEquals(0, new BigDecimal("0.500").compareTo(number(a, "conversion_rate")));

    // the next campaign leaves Ben out (unsubscribed) as well as Dan (no consent)
    mail.purgeEmailFromAllMailboxes();
    String second = create(store, body("email", segment, template).put("name", "Second")
        .put("scheduled_at", Instant.now().toString())).getString("id");
    awaitStatus(store, second, "completed", Duration.ofSeconds(20));
    assertEquals(List.of("ann@acme.example", "cat@acme.example"), List.copyOf(inbox().keySet()));
    Map<String, String> reasons = new TreeMap<>();
    Campaigns.messages(server.databaseUrl(), store.id(), second).stream()
        .filter(m -> "suppressed".equals(m.get("status")))
        .forEach(m -> reasons.put((String) m.get("customer_id"), (String) m.get("last_error")));
    assertEquals(Map.of(ids[1], "unsubscribed", ids[3], "no_email_consent"), reasons);
  }
}
