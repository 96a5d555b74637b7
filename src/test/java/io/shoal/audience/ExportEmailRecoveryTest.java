package io.shoal.audience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.shoal.config.ShoalConfig;
import io.shoal.engine.support.Poll;
import io.shoal.kernel.Ids;
import io.shoal.testing.ApiClient;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export's email survives what happens after the file is complete: the provider down when
 * the link is sent, then Shoal stopped before it could try again. At the next start the link is
 * mailed (a real SMTP server, GreenMail, now up), it downloads the file, and a further restart
 * does not mail it twice.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ExportEmailRecoveryTest {

  @TempDir
  Path dataDir;
  private String databaseUrl;
  private TestServer server;
  private GreenMail mail;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    if (mail != null) {
      mail.stop();
    }
    TestDatabase.dropDatabase(databaseUrl);
  }

  private ShoalConfig config(int smtpPort) {
    Map<String, String> env = new HashMap<>();
    env.put(ShoalConfig.HTTP_HOST, "127.0.0.1");
    env.put(ShoalConfig.HTTP_PORT, "0");
    env.put(ShoalConfig.HTTP_INSTANCES, "1");
    env.put(ShoalConfig.DATA_DIR, dataDir.toString());
    env.put(ShoalConfig.PG_URL, databaseUrl);
    env.put(ShoalConfig.PG_POOL_SIZE, "4");
    env.put(ShoalConfig.ADMIN_KEY, "wk_admin_exportmail_" + Ids.random(24));
    env.put("SHOAL_SMTP_HOST", "127.0.0.1");
    env.put("SHOAL_SMTP_PORT", String.valueOf(smtpPort));
    env.put("SHOAL_SMTP_TLS", "none");
    env.put("SHOAL_SMTP_FROM", "Shoal <exports@shoal.example>");
    env.put("SHOAL_EXPORT_LINK_TTL_SECONDS", "600");
    return ShoalConfig.fromMap(env);
  }

  @Test
  void anExportWhoseEmailWasNotSentBeforeAStopIsMailedAtTheNextStartOnce() throws Exception {
    databaseUrl = TestDatabase.createDatabase();
    int smtpPort;
    try (ServerSocket s = new ServerSocket(0)) {
      smtpPort = s.getLocalPort(); // nothing listens here until GreenMail starts below
    }
    server = TestServer.start(config(smtpPort));
    TestStore store = server.createStore("Export mail");
    JsonArray ids = new JsonArray();
    for (int i = 0; i < 3; i++) {
      ids.add(store.createCustomer(new JsonObject().put("email", "m" + i + "@acme.example")
          .put("first_name", "M" + i)).getString("id"));
    }
    String segment = store.api().post(store.path("/segments"), new JsonObject().put("name", "Three")
        .put("type", "static").put("customer_ids", ids)).expect(201).getString("id");
    String id = store.api().post(store.path("/segments/" + segment + "/exports"), new JsonObject()
        .put("format", "csv").put("email", "ops@acme.example")).expect(202).getString("id");
    String path = store.path("/segment-exports/" + id);
    // the file completes; the provider is down, so after its retries the email is not sent
    JsonObject failedMail = Poll.until("the export completed, its email failed", Duration.ofSeconds(60),
        () -> store.api().get(path).expect(200),
        e -> "completed".equals(e.getString("status")) && e.getString("error") != null);
    assertNull(failedMail.getString("emailed_at"), failedMail.encode());
    assertTrue(failedMail.getString("error").contains("email"), failedMail.encode());
    server.close(); // stopped before the sweep retried it (30 s): the state a crash leaves
    server = null;

    mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    mail.start();
    server = TestServer.start(config(smtpPort));
    assertTrue(mail.waitForIncomingEmail(30_000, 1), "the link is mailed at the next start");
    MimeMessage message = mail.getReceivedMessages()[0];
    assertEquals("ops@acme.example", message.getAllRecipients()[0].toString());
    String body = GreenMailUtil.getBody(message).replace("=\r\n", "").replace("=3D", "=");
    Matcher link = Pattern.compile("(/v1/stores/\\S+/download\\?token=[A-Za-z0-9]+)").matcher(body);
    assertTrue(link.find(), body);
    ApiResponse file = ApiClient.await(server.anonymous().send(HttpMethod.GET, link.group(1), null, null, null));
    assertEquals(200, file.status(), file::text);
    assertEquals(4, file.text().strip().split("\n").length, "header and three members: " + file.text());
    TestStore again = new TestStore(store.id(), store.apiKey(), server.withKey(store.apiKey()));
    JsonObject mailed = Poll.until("emailed_at recorded", Duration.ofSeconds(20), () -> again.api().get(path)
        .expect(200), e -> e.getString("emailed_at") != null);
    assertNull(mailed.getString("error"), mailed.encode());
    assertEquals("completed", mailed.getString("status"));
    assertNotNull(mailed.getString("expires_at"));
    // a wrong token is still refused
    assertEquals(403, ApiClient.await(server.anonymous().send(HttpMethod.GET,
        link.group(1).replaceAll("token=.{4}", "token=XXXX"), null, null, null)).status());

    // mailed once: a further restart sends nothing more
    server.close();
    server = TestServer.start(config(smtpPort));
    Thread.sleep(3_000); // what a restart would send, it sends right after start
    assertEquals(1, mail.getReceivedMessages().length);
  }
}
