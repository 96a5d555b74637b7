package io.shoal.audience;

import static io.shoal.engine.support.Events.by;
import static io.shoal.engine.support.Events.byEmail;
import static io.shoal.engine.support.Events.event;
import static io.shoal.engine.support.Events.order;
import static io.shoal.engine.support.StoreDriver.cond;
import static io.shoal.engine.support.StoreDriver.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.shoal.engine.support.StoreDriver;
import io.shoal.testing.ApiClient;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seed 003's reads of an audience: the member list with details and recommended products, a
 * customer's recommendations, and exports as CSV and XLSX whose link arrives by email (a real
 * SMTP server) and expires.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AudienceReadsTest {

  private static final Instant DAY = Instant.parse("2025-06-01T12:00:00Z");

  private static GreenMail mail;
  private static TestServer server;
  private TestStore store;
  private StoreDriver shop;

  @BeforeAll
  static void start() {
    mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    mail.start();
    Map<String, String> env = new HashMap<>();
    env.put("SHOAL_SMTP_HOST", "127.0.0.1");
    env.put("SHOAL_SMTP_PORT", String.valueOf(mail.getSmtp().getPort()));
    env.put("SHOAL_SMTP_TLS", "none");
    env.put("SHOAL_SMTP_FROM", "Shoal <exports@shoal.example>");
    env.put("SHOAL_EXPORT_LINK_TTL_SECONDS", "4");
    env.put("SHOAL_RECOMMENDATIONS_MAX_AGE_SECONDS", "0");
    server = TestServer.start(env);
  }

  @AfterAll
  static void stop() {
    server.close();
    mail.stop();
  }

  @BeforeEach
  void aStore() {
    store = server.createStore("Audience reads");
    shop = new StoreDriver(store);
  }

  private String buyer(String email, JsonObject profile, String... products) {
    String id = shop.newCustomer(profile.put("email", email));
    String[] items = new String[products.length * 2];
    for (int i = 0; i < products.length; i++) {
      items[2 * i] = products[i];
      items[2 * i + 1] = "cat-" + products[i];
    }
    shop.send(by(order(email + "-1", "10.00", DAY, items), id));
    shop.awaitOrders(id, 1);
    return id;
  }

  @Test
  void theMemberListCarriesDetailsSegmentsAndRecommendationsAndACountPageByPage() {
    // co-purchases: buyers of "tent" also bought "stove" (twice) and "lamp" (once); "socks" is the most bought
    buyer("t1@example.com", new JsonObject(), "tent", "stove", "socks");
    buyer("t2@example.com", new JsonObject(), "tent", "stove", "socks");
    buyer("t3@example.com", new JsonObject(), "tent", "lamp", "socks");
    buyer("s1@example.com", new JsonObject(), "socks", "hat");
    String ann = buyer("ann@example.com", new JsonObject().put("first_name", "Ann").put("last_name", "Lee")
        .put("phone", "+15551234567").put("address", new JsonObject().put("city", "Rebekahburgh"))
        .put("metadata", new JsonObject().put("gender", "female").put("birthday", "1980-02-01")), "tent");
    String bob = shop.newCustomer(new JsonObject().put("email", "bob@example.com").put("first_name", "Bob")
        .put("metadata", new JsonObject().put("age", "53").put("gender", "male")));

    String seg = shop.api().post(shop.path("/segments"), new JsonObject().put("name", "Chosen")
        .put("type", "static").put("customer_ids", new JsonArray().add(ann).add(bob))).expect(201).getString("id");
    String other = shop.api().post(shop.path("/segments"), new JsonObject().put("name", "Campers")
        .put("is_dynamic", true).put("rules", rules(cond("products_bought", "contains", "tent")))).expect(201)
        .getString("id");
    shop.awaitSynced(other);

    ApiResponse first = shop.api().get(shop.path("/segments/" + seg + "/member-details?limit=1&recommendations=3"));
    JsonObject page = first.expect(200);
    assertEquals(2, page.getInteger("total_count"));
    assertTrue(page.getBoolean("has_more"));
    JsonObject a = page.getJsonArray("data").getJsonObject(0);
    JsonObject b = shop.api().get(shop.path("/segments/" + seg + "/member-details?limit=1&recommendations=3&cursor="
        + first.nextCursor())).expect(200).getJsonArray("data").getJsonObject(0);
    JsonObject annDetail = a.getString("customer_id").equals(ann) ? a : b;
    JsonObject bobDetail = a.getString("customer_id").equals(bob) ? a : b;
    assertEquals("Ann", annDetail.getString("first_name"));
    assertEquals("Lee", annDetail.getString("last_name"));
    assertEquals("+15551234567", annDetail.getString("phone"));
    assertEquals("Rebekahburgh", annDetail.getString("city"));
    assertEquals("female", annDetail.getString("gender"));
    assertTrue(annDetail.getInteger("age") >= 45, annDetail::encode);
    assertEquals(53, bobDetail.getInteger("age"));
    assertNull(bobDetail.getString("city"));
    assertTrue(annDetail.containsKey("predicted_clv"), annDetail::encode);
    List<String> annSegments = new ArrayList<>();
    annDetail.getJsonArray("segments").forEach(s -> annSegments.add(((JsonObject) s).getString("name")));
    assertEquals(List.of("Chosen", "Campers"), annSegments);
    // cosine over customers, Ann included (4 tent buyers): socks 3/sqrt(4*4) = 0.75, stove 2/sqrt(4*2) = 0.71,
    // lamp 1/sqrt(4*1) = 0.5; the hat, as popular as the lamp but never bought with a tent, is not there
    assertEquals(List.of("socks", "stove", "lamp"), annDetail.getJsonArray("recommended_products").getList(),
        "co-purchases of the tent, never the tent itself");
    assertEquals(List.of("socks", "tent", "stove"), bobDetail.getJsonArray("recommended_products").getList(),
        "no orders: the most bought products");

    JsonObject recs = shop.api().get(shop.path("/customers/" + ann + "/recommendations?limit=2")).expect(200);
    assertEquals("socks", recs.getJsonArray("data").getJsonObject(0).getString("product_id"));
    assertEquals(0.75, recs.getJsonArray("data").getJsonObject(0).getDouble("score"));
    assertEquals("co_purchase", recs.getJsonArray("data").getJsonObject(0).getString("reason"));
    assertEquals(2, recs.getJsonArray("data").size());
    shop.api().get(shop.path("/customers/cust_nobody/recommendations")).expectError(404, null);
    shop.api().get(shop.path("/segments/seg_nothing/member-details")).expectError(404, null);
  }

  @Test
  void anExportIsWrittenAsCsvAndXlsxSentByEmailAndItsLinkExpires() throws Exception {
    int members = 1_234; // more than one page of 1,000
    List<JsonObject> events = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      events.add(byEmail(event("page.viewed", DAY, new JsonObject().put("url", "/")),
          String.format("m%05d@example.com", i)));
      if (events.size() == 500) {
        shop.sendBatch(events);
        events.clear();
      }
    }
    shop.sendBatch(events);
    String everyone = shop.api().post(shop.path("/segments"), new JsonObject().put("name", "Everyone, \"quoted\"")
        .put("type", "static").put("rules", rules(cond("created_at", "exists", true)))).expect(201).getString("id");
    awaitCount(everyone, members);

    JsonObject csv = exportAndWait(everyone, "csv", "ops@acme.example");
    assertEquals(members, csv.getLong("rows_written"));
    assertEquals(1.0, csv.getDouble("progress"));
    String link = linkFromEmail("ops@acme.example");
    ApiResponse csvFile = download(link);
    assertEquals(200, csvFile.status(), () -> link + " " + csvFile.body());
    assertTrue(csvFile.header("Content-Type").startsWith("text/csv"));
    String[] lines = csvFile.body().toString(StandardCharsets.UTF_8).split("\r\n");
    assertEquals(members + 1, lines.length);
    assertTrue(lines[0].startsWith("customer_id,first_name,last_name,email,phone,city,gender,age,predicted_clv,"
        + "total_orders,total_spent,segments,product_1,product_2"), lines[0]);
    assertTrue(lines[1].contains("@example.com") && lines[1].contains(everyone), lines[1]);

    JsonObject xlsx = exportAndWait(everyone, "xlsx", "boss@acme.example");
    assertEquals("xlsx", xlsx.getString("format"));
    ApiResponse xlsxFile = download(linkFromEmail("boss@acme.example"));
    assertEquals(200, xlsxFile.status());
    try (XSSFWorkbook book = new XSSFWorkbook(new ByteArrayInputStream(xlsxFile.body().getBytes()))) {
      XSSFSheet sheet = book.getSheetAt(0);
      assertEquals(members, sheet.getLastRowNum(), "a header row and one row per member");
      assertEquals("customer_id", sheet.getRow(0).getCell(0).getStringCellValue());
      assertEquals("product_10", sheet.getRow(0).getCell(MemberDetails.COLUMNS.size() + 9).getStringCellValue());
      assertTrue(sheet.getRow(members).getCell(3).getStringCellValue().endsWith("@example.com"));
      assertEquals(0.0, sheet.getRow(1).getCell(9).getNumericCellValue(), "total_orders is a number cell");
    }

    // a changed token is refused; after the TTL (4 s here) the link is gone
    assertEquals(403, download(link.replaceAll("token=.{4}", "token=XXXX")).status());
    Thread.sleep(4_500);
    ApiResponse expired = download(link);
    assertEquals(410, expired.status(), expired::toString);
    assertEquals("export_expired", expired.json().getJsonObject("error").getString("code"));

    shop.api().post(shop.path("/segments/" + everyone + "/exports"), new JsonObject().put("email", "not-an-address"))
        .expectError(400, null);
    String draft = shop.api().post(shop.path("/segments"), new JsonObject().put("name", "D").put("lifecycle", "draft"))
        .expect(201).getString("id");
    shop.api().post(shop.path("/segments/" + draft + "/exports"), new JsonObject().put("email", "a@b.example"))
        .expectError(409, "segment_draft");
  }

  private void awaitCount(String segmentId, int expected) {
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      shop.api().post(shop.path("/segments/" + segmentId + "/refresh"), new JsonObject()).expect(200);
      if (shop.segment(segmentId).getInteger("customer_count") == expected) {
        return;
      }
      assertTrue(System.currentTimeMillis() < deadline, "members never reached " + expected);
      sleep(500);
    }
  }

  private JsonObject exportAndWait(String segmentId, String format, String email) {
    JsonObject started = shop.api().post(shop.path("/segments/" + segmentId + "/exports"), new JsonObject()
        .put("format", format).put("email", email)).expect(202);
    assertEquals("running", started.getString("status"));
    assertTrue(started.getString("id").startsWith("sexp_"));
    long deadline = System.currentTimeMillis() + 120_000;
    while (true) {
      JsonObject now = shop.api().get(shop.path("/segment-exports/" + started.getString("id"))).expect(200);
      if ("completed".equals(now.getString("status"))) {
        assertFalse(now.getString("expires_at").isEmpty());
        return now;
      }
      assertEquals("running", now.getString("status"), now::encode);
      assertTrue(System.currentTimeMillis() < deadline, now::encode);
      sleep(200);
    }
  }

  private String linkFromEmail(String to) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    Pattern url = Pattern.compile("(/v1/stores/\\S+/download\\?token=[A-Za-z0-9]+)");
    while (System.currentTimeMillis() < deadline) {
      for (MimeMessage m : mail.getReceivedMessages()) {
        if (m.getAllRecipients()[0].toString().contains(to)) {
          String body = GreenMailUtil.getBody(m).replace("=\r\n", "").replace("=3D", "=");
          Matcher matcher = url.matcher(body);
          assertTrue(matcher.find(), body);
          // a link the recipient can open: absolute (this server's, no SHOAL_PUBLIC_URL set), not a path
          assertTrue(body.contains("http://localhost:" + server.port() + matcher.group(1)), body);
          return matcher.group(1);
        }
      }
      sleep(100);
    }
    throw new AssertionError("no email to " + to);
  }

  private ApiResponse download(String link) {
    return ApiClient.await(server.anonymous().send(HttpMethod.GET, link, null, null, null));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
