package io.shoal.privacy;

import io.shoal.kernel.Channel;
import static io.shoal.privacy.PrivacyTesting.eventually;
import static io.shoal.privacy.PrivacyTesting.submitAndAwait;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.shoal.delivery.MessageQueue;
import io.shoal.delivery.OutboundMessage;
import io.shoal.testing.ApiClient;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * With no provider configured, a message goes to the outbox (a file per message under the data
 * directory) and the log names only the message: the person's address and content are in the
 * file, where an erasure can take them back, and never in a log line.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OutboxErasureTest {

  private static TestServer server;
  private static ListAppender<ILoggingEvent> logs;

  @BeforeAll
  static void start() {
    logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    server = TestServer.start(java.util.Map.of("SHOAL_DELIVERY_POLL_INTERVAL_MS", "100"));
  }

  @AfterAll
  static void stop() {
    server.close();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
  }

  @Test
  void theOutboxHoldsWhatWouldBeSentAndAnErasureDeletesIt() throws Exception {
    TestStore store = server.createStore("Outbox");
    String email = "outbox.person@example.com";
    String customer = store.createCustomer(new JsonObject().put("email", email).put("first_name", "Oskar")
        .put("email_consent", true)).getString("id");
    String template = store.api().post(store.path("/templates"), new JsonObject().put("name", "hello")
        .put("channel", "email").put("subject", "Hello {{first_name}}")
        .put("html", "<p>Hi {{first_name}}</p>").put("text", "Hi {{first_name}}")).expect(201).getString("id");
    OutboundMessage m = new OutboundMessage(store.id(), customer, Channel.EMAIL,
        OutboundMessage.Source.CAMPAIGN, "cmp_outbox", "cmp_outbox:" + customer, template, new JsonObject(), null);
    String messageId = ApiClient.await(server.shoal().database().pool()
        .withTransaction(tx -> MessageQueue.enqueue(tx, List.of(m)))).get(0);
    MessageQueue.wake(server.shoal().vertx(), store.id());

    Path file = server.dataDir().resolve("outbox").resolve(messageId + ".json");
    assertTrue(eventually(30, () -> Files.exists(file)), "the log adapter wrote " + file);
    JsonObject written = new JsonObject(Files.readString(file));
    assertEquals(email, written.getString("to"));
    assertEquals("Hello Oskar", written.getString("subject"));
    assertTrue(eventually(30, () -> List.copyOf(logs.list).stream()
        .anyMatch(e -> e.getFormattedMessage().contains("would send " + messageId))), "the log names the message");

    JsonObject done = submitAndAwait(store, customer, new JsonObject().put("type", "erasure"));
    assertEquals("completed", done.getString("status"));
    assertFalse(Files.exists(file), "the erasure deleted the person's outbox file");
    for (ILoggingEvent e : List.copyOf(logs.list)) {
      String line = e.getFormattedMessage();
      assertFalse(line.contains(email) || line.contains("Oskar"), () -> "logged: " + line);
    }
  }
}
