package io.shoal.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.shoal.kernel.Channel;
import io.shoal.delivery.OutboundMessage.Source;
import io.shoal.kernel.Ids;
import io.shoal.testing.ApiClient;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Messages queued through MessageQueue reach real servers: GreenMail for email, a loopback
 * HTTP server speaking Twilio's, a push provider's and Lob's formats for the rest; tracking
 * links work over HTTP and change the message's state.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeliveryTest {

  private static final Pattern HREF = Pattern.compile("href=\"([^\"]+)\"");
  private static final Pattern IMG = Pattern.compile("<img src=\"([^\"]+)\"");

  private static GreenMail mail;
  private static Vertx vertx;
  private static ProviderStub provider;
  private static TestServer server;
  private static WebClient web;
  private TestStore store;

  @BeforeAll
  static void start() {
    mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    mail.start();
    vertx = Vertx.vertx();
    web = WebClient.create(vertx);
    provider = ProviderStub.start(vertx);
    Map<String, String> env = new HashMap<>();
    env.put("SHOAL_SMTP_HOST", "127.0.0.1");
    env.put("SHOAL_SMTP_PORT", String.valueOf(mail.getSmtp().getPort()));
    env.put("SHOAL_SMTP_TLS", "none");
    env.put("SHOAL_SMTP_FROM", "Acme <news@acme.example>");
    env.put("SHOAL_TWILIO_BASE_URL", provider.url());
    env.put("SHOAL_TWILIO_ACCOUNT_SID", "AC123");
    env.put("SHOAL_TWILIO_AUTH_TOKEN", "twilio-secret");
    env.put("SHOAL_TWILIO_FROM", "+15005550006");
    env.put("SHOAL_PUSH_URL", provider.url() + "/push");
    env.put("SHOAL_PUSH_TOKEN", "push-secret");
    env.put("SHOAL_LOB_BASE_URL", provider.url());
    env.put("SHOAL_LOB_API_KEY", "test_lob");
    env.put("SHOAL_LOB_FROM", "adr_acme");
    env.put("SHOAL_DELIVERY_RETRY_BASE_MS", "200");
    env.put("SHOAL_DELIVERY_POLL_INTERVAL_MS", "100");
    server = TestServer.start(env);
  }

  @AfterAll
  static void stop() {
    server.close();
    provider.close();
    ApiClient.await(vertx.close());
    mail.stop();
  }

  @BeforeEach
  void freshStore() throws Exception {
    store = server.createStore("Delivery");
    mail.purgeEmailFromAllMailboxes();
    provider.clear();
    provider.failing(n -> 0);
  }

  // --- email -----------------------------------------------------------------------------------

  @Test
  void anEmailArrivesRenderedWithUnsubscribeHeadersAndItsTrackingLinksWork() throws Exception {
    String customer = customer(new JsonObject().put("email", "sarah@example.com").put("first_name", "Sarah")
        .put("email_consent", true));
    String template = template(new JsonObject().put("channel", "email").put("subject", "Spring sale, {{first_name}}")
        .put("html", "<html><body><p>Hi {{first_name}}</p><a href=\"https://shop.example/sale?x=1&amp;y=2\">Shop</a>"
            + " <a href=\"{{unsubscribe_url}}\">unsubscribe</a></body></html>")
        .put("text", "Hi {{first_name}}, see https://shop.example/sale"));
    String id = queue(Channel.EMAIL, customer, template, new JsonObject().put("utm_campaign", "spring"));

    assertTrue(mail.waitForIncomingEmail(20_000, 1), "the email arrives");
    MimeMessage received = mail.getReceivedMessages()[0];
    assertEquals("Spring sale, Sarah", received.getSubject());
    assertEquals("sarah@example.com", received.getAllRecipients()[0].toString());
    assertEquals("<" + id + "." + store.id() + "@shoal>", received.getHeader("Message-ID")[0]);
    String listUnsubscribe = received.getHeader("List-Unsubscribe")[0];
    assertEquals("List-Unsubscribe=One-Click", received.getHeader("List-Unsubscribe-Post")[0]);
    String html = part(received, "text/html");
    assertTrue(html.contains("<p>Hi Sarah</p>"), html);
    assertTrue(part(received, "text/plain").contains("Hi Sarah, see https://shop.example/sale"));

    JsonObject sent = eventually(() -> message(id), m -> "sent".equals(m.getString("status")));
    assertEquals("<" + id + "." + store.id() + "@shoal>", sent.getString("provider_message_id"));
    assertNull(sent.getString("opened_at"));

    // the open pixel
    HttpResponse<Buffer> pixel = get(match(IMG, html));
    assertEquals(200, pixel.statusCode());
    assertEquals("image/gif", pixel.getHeader("Content-Type"));
    assertNotNull(eventually(() -> message(id), m -> m.getString("opened_at") != null).getString("opened_at"));

    // the click redirect keeps the link's parameters and adds the campaign's UTM
    List<String> links = all(HREF, html);
    String click = links.get(0).replace("&amp;", "&");
    assertTrue(click.contains("/t/c/"), click);
    HttpResponse<Buffer> redirect = get(click);
    assertEquals(302, redirect.statusCode());
    assertEquals("https://shop.example/sale?x=1&y=2&utm_campaign=spring", redirect.getHeader("Location"));
    JsonObject clicked = eventually(() -> message(id), m -> m.getString("clicked_at") != null);
    assertEquals("clicked", clicked.getJsonArray("events").getJsonObject(1).getString("type"));
    // a forged target is refused
    assertEquals(400, get(click.replace("shop.example", "evil.example")).statusCode());
    assertEquals("<" + links.get(1) + ">", listUnsubscribe, "the unsubscribe link is ours and not wrapped");

    // the unsubscribe page does not unsubscribe on GET; the one-click POST does
    HttpResponse<Buffer> page = get(links.get(1));
    assertEquals(200, page.statusCode());
    assertTrue(page.bodyAsString().contains("<form method=\"post\">"));
    assertEquals(true, store.api().get(store.customer(customer)).expect(200).getBoolean("email_consent"));
    HttpResponse<Buffer> oneClick = ApiClient.await(web.postAbs(links.get(1))
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("List-Unsubscribe", "One-Click")));
    assertEquals(200, oneClick.statusCode());
    assertEquals(false, store.api().get(store.customer(customer)).expect(200).getBoolean("email_consent"));
    assertNotNull(message(id).getString("unsubscribed_at"));

    // the next message to that customer is suppressed, even with consent given again
    store.api().patch(store.customer(customer), new JsonObject().put("email_consent", true)).expect(200);
    String next = queue(Channel.EMAIL, customer, template, new JsonObject());
    JsonObject suppressed = eventually(() -> message(next), m -> "suppressed".equals(m.getString("status")));
    assertEquals("unsubscribed from email", suppressed.getString("last_error"));
    assertEquals(1, mail.getReceivedMessages().length);
  }

  @Test
  void noConsentIsSuppressedAndADeletedTemplateFailsWithTheReason() {
    String noConsent = customer(new JsonObject().put("email", "no@example.com"));
    String withConsent = customer(new JsonObject().put("email", "yes@example.com").put("email_consent", true));
    String template = template(new JsonObject().put("channel", "email").put("subject", "s").put("text", "t"));
    String suppressed = queue(Channel.EMAIL, noConsent, template, new JsonObject());
    assertEquals("no email consent", eventually(() -> message(suppressed),
        m -> "suppressed".equals(m.getString("status"))).getString("last_error"));

    String gone = template(new JsonObject().put("channel", "email").put("subject", "s").put("text", "t"));
    store.api().delete(store.path("/templates/" + gone)).expect(200);
    String failed = queue(Channel.EMAIL, withConsent, gone, new JsonObject());
    assertEquals("template " + gone + " was deleted", eventually(() -> message(failed),
        m -> "failed".equals(m.getString("status"))).getString("last_error"));
    assertEquals(0, mail.getReceivedMessages().length);
  }

  @Test
  void aHardBounceReportedByTheProviderMarksTheMessageBounced() {
    String customer = customer(new JsonObject().put("email", "gone@example.com").put("email_consent", true));
    String template = template(new JsonObject().put("channel", "email").put("subject", "s").put("text", "t"));
    String id = queue(Channel.EMAIL, customer, template, new JsonObject());
    String messageId = eventually(() -> message(id), m -> "sent".equals(m.getString("status")))
        .getString("provider_message_id");
    JsonObject bounced = store.api().post(store.path("/bounces"), new JsonObject()
        .put("provider_message_id", messageId).put("type", "hard").put("reason", "550 no such user")).expect(200);
    assertEquals("bounced", bounced.getString("status"));
    assertNotNull(bounced.getString("bounced_at"));
    assertEquals("hard bounce: 550 no such user", message(id).getJsonArray("events").getJsonObject(0)
        .getString("detail"));

    TestStore other = server.createStore("Other");
    other.api().get(other.path("/messages/" + id)).expectError(404, "resource_missing");
    other.api().post(other.path("/bounces"), new JsonObject().put("message_id", id).put("type", "hard"))
        .expectError(404, "resource_missing");
    assertEquals(0, other.api().get(other.path("/messages")).page().size());
    store.api().post(store.path("/bounces"), new JsonObject().put("message_id", id).put("type", "maybe"))
        .expectError(400, "parameter_invalid");
  }

  // --- SMS, push, direct mail ------------------------------------------------------------------

  @Test
  void smsPushAndLettersReachTheirProvidersInTheirFormats() {
    String sarah = customer(new JsonObject().put("email", "s@example.com").put("first_name", "Sarah")
        .put("phone", "+33611223344").put("sms_consent", true).put("push_consent", true)
        .put("metadata", new JsonObject().put("push_token", "device-abc"))
        .put("address", new JsonObject().put("line1", "1 Rue de la Paix").put("city", "Paris")
            .put("postal_code", "75002").put("country", "FR")).put("last_name", "Chen"));
    String sms = queue(Channel.SMS, sarah, template(new JsonObject().put("channel", "sms")
        .put("text", "{{first_name}}: 20% off with {{vars.code}}")), new JsonObject().put("code", "SPRING"));
    String push = queue(Channel.PUSH, sarah, template(new JsonObject().put("channel", "push")
        .put("title", "Hi {{first_name}}").put("text", "Back in stock")), new JsonObject());
    String letter = queue(Channel.DIRECT_MAIL, sarah, template(new JsonObject().put("channel", "direct_mail")
        .put("html", "<h1>Dear {{first_name}} {{last_name}}</h1>")), new JsonObject());

    JsonObject smsSent = eventually(() -> message(sms), m -> "sent".equals(m.getString("status")));
    ProviderStub.Request twilio = provider.accepted("/2010-04-01/Accounts/AC123/Messages.json").get(0);
    MultiMap form = twilio.form();
    assertEquals("+33611223344", form.get("To"));
    assertEquals("+15005550006", form.get("From"));
    assertEquals("Sarah: 20% off with SPRING", form.get("Body"));
    assertEquals("Basic " + java.util.Base64.getEncoder().encodeToString("AC123:twilio-secret".getBytes()),
        twilio.headers().get("Authorization"));
    assertEquals("SM" + twilio.number(), smsSent.getString("provider_message_id"));

    // Twilio reports delivery on the signed StatusCallback
    HttpResponse<Buffer> callback = ApiClient.await(web.postAbs(form.get("StatusCallback")).sendForm(
        MultiMap.caseInsensitiveMultiMap().add("MessageSid", "SM" + twilio.number()).add("MessageStatus", "delivered")));
    assertEquals(204, callback.statusCode());
    JsonObject delivered = message(sms);
    assertEquals("delivered", delivered.getString("status"));
    assertNotNull(delivered.getString("delivered_at"));

    eventually(() -> message(push), m -> "sent".equals(m.getString("status")));
    ProviderStub.Request pushed = provider.accepted("/push").get(0);
    assertEquals("Bearer push-secret", pushed.headers().get("Authorization"));
    assertEquals(push, pushed.headers().get("Idempotency-Key"));
    assertEquals("device-abc", pushed.json().getString("to"));
    assertEquals("Hi Sarah", pushed.json().getString("title"));
    assertEquals("Back in stock", pushed.json().getString("body"));

    JsonObject letterSent = eventually(() -> message(letter), m -> "sent".equals(m.getString("status")));
    ProviderStub.Request lob = provider.accepted("/v1/letters").get(0);
    assertEquals(letter, lob.headers().get("Idempotency-Key"));
    JsonObject to = lob.json().getJsonObject("to");
    assertEquals("Sarah Chen", to.getString("name"));
    assertEquals("1 Rue de la Paix", to.getString("address_line1"));
    assertEquals("75002", to.getString("address_zip"));
    assertEquals("adr_acme", lob.json().getString("from"));
    assertEquals("<h1>Dear Sarah Chen</h1>", lob.json().getString("file"));
    assertTrue(letterSent.getString("provider_message_id").startsWith("ltr_"));
  }

  @Test
  void aProviderFailingTemporarilyGetsEveryMessageExactlyOnce() {
    // requests 1-3: 429 with Retry-After: 1, then 503; then the provider recovers
    provider.failing(n -> n <= 2 ? 429 : n <= 4 ? 503 : 0);
    String template = template(new JsonObject().put("channel", "push").put("text", "Hello {{first_name}}"));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String c = customer(new JsonObject().put("external_id", "device-" + i).put("first_name", "N" + i)
          .put("push_consent", true));
      ids.add(queue(Channel.PUSH, c, template, new JsonObject()));
    }
    eventually(() -> store.api().get(store.path("/messages?status=sent&limit=100")).page(), p -> p.size() == 20);
    List<ProviderStub.Request> accepted = provider.accepted("/push");
    assertEquals(20, accepted.size(), "each message accepted once");
    assertEquals(20, accepted.stream().map(r -> r.headers().get("Idempotency-Key")).distinct().count());
    int retried = 0;
    for (String id : ids) {
      JsonObject m = message(id);
      if (m.getInteger("attempts") > 1) {
        retried++;
        assertTrue(m.getString("last_error") == null || m.getString("last_error").contains("push answered"));
      }
    }
    assertEquals(4, retried, "the four refused attempts were retried");
  }

  // --- helpers ---------------------------------------------------------------------------------

  private String customer(JsonObject fields) {
    return store.createCustomer(fields).getString("id");
  }

  private String template(JsonObject body) {
    return store.api().post(store.path("/templates"), body.put("name", "t")).expect(201).getString("id");
  }

  /** Queues one message the way campaigns and automations do. */
  private String queue(Channel channel, String customer, String template, JsonObject vars) {
    OutboundMessage m = new OutboundMessage(store.id(), customer, channel, Source.CAMPAIGN, "cmp_test",
        "cmp_test:" + customer + ":" + Ids.random(8), template, vars, null);
    List<String> ids = ApiClient.await(server.shoal().database().pool()
        .withTransaction(tx -> MessageQueue.enqueue(tx, List.of(m))));
    MessageQueue.wake(server.shoal().vertx(), store.id());
    return ids.get(0);
  }

  private JsonObject message(String id) {
    return store.api().get(store.path("/messages/" + id)).expect(200);
  }

  private HttpResponse<Buffer> get(String url) {
    return ApiClient.await(web.getAbs(url).followRedirects(false).send());
  }

  static <T> T eventually(java.util.function.Supplier<T> read, java.util.function.Predicate<T> done) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    T last = read.get();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached within 30 s; last: " + last);
      }
      sleep(50);
      last = read.get();
    }
    return last;
  }

  static boolean eventually(int seconds, BooleanSupplier done) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (done.getAsBoolean()) {
        return true;
      }
      sleep(50);
    }
    return done.getAsBoolean();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String match(Pattern p, String text) {
    Matcher m = p.matcher(text);
    assertTrue(m.find(), () -> p + " not in " + text);
    return m.group(1).replace("&amp;", "&");
  }

  private static List<String> all(Pattern p, String text) {
    List<String> out = new ArrayList<>();
    Matcher m = p.matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static String part(MimeMessage message, String type) throws Exception {
    Object content = message.getContent();
    if (content instanceof String s) {
      return message.isMimeType(type) ? s : null;
    }
    Multipart multipart = (Multipart) content;
    for (int i = 0; i < multipart.getCount(); i++) {
      BodyPart p = multipart.getBodyPart(i);
      if (p.isMimeType(type)) {
        return (String) p.getContent();
      }
    }
    throw new AssertionError("no " + type + " part");
  }
}
