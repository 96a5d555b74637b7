package io.shoal.automation;

import static io.shoal.automation.AutomationFixture.action;
import static io.shoal.automation.AutomationFixture.createRule;
import static io.shoal.automation.AutomationFixture.event;
import static io.shoal.automation.AutomationFixture.order;
import static io.shoal.automation.AutomationFixture.runs;
import static io.shoal.automation.AutomationFixture.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.shoal.config.AutomationConfig;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Automation emails reach a real SMTP server (GreenMail) through the delivery dispatcher: the
 * seed's post-purchase thank-you after its delay, and the abandoned-cart reminder only to the
 * customer who did not buy.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AutomationDeliveryTest {

  private static GreenMail mail;
  private static TestServer server;

  @BeforeAll
  static void start() {
    mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    mail.start();
    Map<String, String> env = new HashMap<>();
    env.put("SHOAL_SMTP_HOST", "127.0.0.1");
    env.put("SHOAL_SMTP_PORT", String.valueOf(mail.getSmtp().getPort()));
    env.put("SHOAL_SMTP_TLS", "none");
    env.put("SHOAL_SMTP_FROM", "Acme <news@acme.example>");
    env.put("SHOAL_DELIVERY_POLL_INTERVAL_MS", "100");
    env.put(AutomationConfig.POLL_INTERVAL_MS, "200");
    server = TestServer.start(env);
  }

  @AfterAll
  static void stop() {
    server.close();
    mail.stop();
  }

  private static String template(TestStore store, String subject) {
    return store.api().post(store.path("/templates"), new JsonObject().put("name", subject).put("channel", "email")
        .put("subject", subject).put("text", "Hello {{first_name}}")).expect(201).getString("id");
  }

  private static List<String> subjectsTo(String address) {
    return Arrays.stream(mail.getReceivedMessages()).filter(m -> {
      try {
        return m.getAllRecipients()[0].toString().equals(address);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }).map(m -> {
      try {
        return m.getSubject();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }).toList();
  }

  @Test
  void thePostPurchaseThankYouAndTheAbandonedCartReminderArriveByEmail() throws Exception {
    TestStore store = server.createStore("Automation mail");
    String thanks = template(store, "Thank you for order {{vars.trigger.data.order_id}}");
    String reminder = template(store, "You left something in your cart");
    String postPurchase = createRule(store, AutomationRulesApiTest.postPurchase().put("actions", new JsonArray()
        .add(action("send_email", "template_id", thanks).put("delay", "2s")))).getString("id");
    String cartRule = createRule(store, new JsonObject().put("name", "Abandoned cart").put("trigger_event", "cart.updated")
        .put("actions", new JsonArray().add(action("send_email", "template_id", reminder)
            .put("wait_until", new JsonObject().put("event", "order.completed").put("match", "cart_id")
                .put("timeout", "3s"))))).getString("id");
    for (String who : List.of("buyer", "leaver")) {
      store.createCustomer(new JsonObject().put("email", who + "@mail.example").put("first_name", who)
          .put("email_consent", true));
      event(store, "cart.updated", who + "@mail.example", new JsonObject().put("cart_id", "cart-" + who)
          .put("total", 120.0));
    }
    event(store, "order.completed", "buyer@mail.example", order("5001", 120.0).put("cart_id", "cart-buyer"));

    assertTrue(mail.waitForIncomingEmail(30_000, 2), "two emails: the buyer's thank-you and the leaver's reminder");
    waitFor("both rules' runs decided", 10, () -> runs(store, cartRule).size() + runs(store, postPurchase).size(),
        n -> n == 3);
    Thread.sleep(1_000); // nothing more may come
    MimeMessage[] all = mail.getReceivedMessages();
    assertEquals(2, all.length, "no reminder to the buyer, nothing twice");
    assertEquals(List.of("Thank you for order 5001"), subjectsTo("buyer@mail.example"));
    assertEquals(List.of("You left something in your cart"), subjectsTo("leaver@mail.example"));
  }
}
