package io.shoal.campaign;

import static io.shoal.campaign.Campaigns.body;
import static io.shoal.campaign.Campaigns.create;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The campaigns API as a store's developer uses it: shapes, lifecycle rules, errors, isolation. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CampaignsApiTest {

  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private record Shop(TestStore store, String segment, String template) {}

  private static Shop shop(String name, int members) {
    TestStore store = server.createStore(name);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      ids.add(Campaigns.customer(store, "m" + i + "@" + name.toLowerCase().replace(' ', '-') + ".example", true));
    }
    return new Shop(store, Campaigns.staticSegment(store, "Repeat Buyers", ids), Campaigns.template(store, "email"));
  }

  @Test
  void aCampaignWithoutScheduleIsADraftAndWithOneIsScheduledInSeedShape() {
    Shop shop = shop("Seed Shape", 3);
    JsonObject draft = create(shop.store, body("email", shop.segment, shop.template));
    assertTrue(draft.getString("id").startsWith("cmp_"), draft::encode);
    assertEquals("campaign", draft.getString("object"));
    assertEquals("draft", draft.getString("status"));
    assertEquals("email", draft.getString("type"));
    assertEquals(shop.segment, draft.getString("segment_id"));
    assertEquals(shop.template, draft.getString("template_id"));
    assertEquals(3, draft.getLong("recipient_count"), "before it starts: the segment's members");
    assertEquals("spring-sale-2026", draft.getJsonObject("metadata").getString("utm_campaign"));
    assertNull(draft.getString("scheduled_at"));
    assertNotNull(draft.getString("created_at"));

    String later = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
    JsonObject scheduled = create(shop.store, body("email", shop.segment, shop.template).put("scheduled_at", later));
    assertEquals("scheduled", scheduled.getString("status"));
    assertEquals(Instant.parse(later), Instant.parse(scheduled.getString("scheduled_at")));
    assertEquals(scheduled, Campaigns.get(shop.store, scheduled.getString("id")));
  }

  @Test
  void badInputIsA400NamingTheProblem() {
    Shop shop = shop("Bad Input", 1);
    String path = shop.store.path("/campaigns");
    var api = shop.store.api();
    api.post(path, body("email", shop.segment, shop.template).put("name", "  ")).expectError(400, "parameter_missing");
    api.post(path, body("fax", shop.segment, shop.template)).expectError(400, null);
    JsonObject noSegment = body("email", "seg_nope", shop.template);
    assertEquals("segment_id", api.post(path, noSegment).expectError(400, "resource_missing").getString("param"));
    assertEquals("template_id",
        api.post(path, body("email", shop.segment, "tmpl_nope")).expectError(400, "resource_missing").getString("param"));
    String sms = Campaigns.template(shop.store, "sms");
    JsonObject wrongChannel = api.post(path, body("email", shop.segment, sms)).expectError(400, "parameter_invalid");
    assertEquals("template_id", wrongChannel.getString("param"));
    assertTrue(wrongChannel.getString("message").contains("sms template"), wrongChannel::encode);
    assertEquals("scheduled_at", api.post(path, body("email", shop.segment, shop.template).put("scheduled_at", "soon"))
        .expectError(400, "parameter_invalid").getString("param"));
    JsonObject badQuiet = body("email", shop.segment, shop.template).put("send_options",
        new JsonObject().put("quiet_hours", new JsonObject().put("start", "25:00").put("end", "08:00")));
    JsonObject error = api.post(path, badQuiet).expectError(400, "parameter_invalid");
    assertTrue(error.getString("message").contains("quiet_hours.start"), error::encode);
    JsonObject badZone = body("email", shop.segment, shop.template).put("send_options",
        new JsonObject().put("default_timezone", "Mars/Olympus"));
    assertTrue(api.post(path, badZone).expectError(400, "parameter_invalid").getString("message").contains("Mars/Olympus"));
    api.post(path, body("email", shop.segment, shop.template).put("attribution_window_days", 0)).expectError(400, null);
    api.post(path, body("email", shop.segment, shop.template).put("colour", "red")).expectError(400, null);
    api.get(path + "?status=sending").expectError(400, null);
    api.get(path + "?cursor=garbage").expectError(400, "cursor_invalid");
    assertEquals(0, api.get(path).page().size(), "nothing was half-written");
  }

  @Test
  void listFiltersByStatusAndTypeAndPagesNewestFirstWithoutGapsOrRepeats() {
    Shop shop = shop("Lister", 1);
    String sms = Campaigns.template(shop.store, "sms");
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      JsonObject b = i % 2 == 0 ? body("email", shop.segment, shop.template) : body("sms", shop.segment, sms);
      if (i % 3 == 0) {
        b.put("scheduled_at", Instant.now().plus(10, ChronoUnit.DAYS).toString());
      }
      created.add(create(shop.store, b.put("name", "C" + i)).getString("id"));
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      ApiResponse page = shop.store.api().get(shop.store.path("/campaigns?limit=3" + (cursor == null ? "" : "&cursor=" + cursor)));
      page.page().forEach(c -> seen.add(c.getString("id")));
      cursor = page.nextCursor();
    } while (cursor != null);
    List<String> newestFirst = new ArrayList<>(created);
    java.util.Collections.reverse(newestFirst);
    assertEquals(newestFirst, seen);

    List<JsonObject> scheduledSms = shop.store.api().get(shop.store.path("/campaigns?status=scheduled&type=sms")).page();
    assertEquals(List.of(created.get(3)), scheduledSms.stream().map(c -> c.getString("id")).toList());
    assertEquals(4, shop.store.api().get(shop.store.path("/campaigns?type=email")).page().size());
    assertEquals(4, shop.store.api().get(shop.store.path("/campaigns?status=draft")).page().size());
  }

  @Test
  void updatesChangeADraftOrScheduledCampaignAndScheduleOrUnscheduleIt() {
    Shop shop = shop("Editor", 2);
    String id = create(shop.store, body("email", shop.segment, shop.template)).getString("id");
    String other = Campaigns.staticSegment(shop.store, "Nobody", List.of());
    String at = Instant.now().plus(5, ChronoUnit.DAYS).toString();
    JsonObject updated = shop.store.api().patch(shop.store.path("/campaigns/" + id), new JsonObject()
        .put("name", "Summer").put("segment_id", other).put("scheduled_at", at)
        .put("send_options", new JsonObject().put("throttle_per_minute", 100).put("local_hour", 9))
        .put("attribution_window_days", 7)).expect(200);
    assertEquals("Summer", updated.getString("name"));
    assertEquals("scheduled", updated.getString("status"));
    assertEquals(other, updated.getString("segment_id"));
    assertEquals(0, updated.getLong("recipient_count"));
    assertEquals(100, updated.getJsonObject("send_options").getInteger("throttle_per_minute"));
    assertEquals(7, updated.getInteger("attribution_window_days"));
    assertEquals("spring-sale-2026", updated.getJsonObject("metadata").getString("utm_campaign"), "untouched fields kept");

    JsonObject unscheduled = shop.store.api().patch(shop.store.path("/campaigns/" + id),
        new JsonObject().putNull("scheduled_at")).expect(200);
    assertEquals("draft", unscheduled.getString("status"));
    assertNull(unscheduled.getString("scheduled_at"));

    shop.store.api().patch(shop.store.path("/campaigns/" + id), new JsonObject().put("segment_id", "seg_gone"))
        .expectError(400, "resource_missing");
    shop.store.api().patch(shop.store.path("/campaigns/" + id), new JsonObject()).expectError(400, null);
    shop.store.api().patch(shop.store.path("/campaigns/cmp_nope"), new JsonObject().put("name", "x"))
        .expectError(404, "resource_missing");
  }

  @Test
  void aCancelledCampaignCanNeitherChangeNorBeCancelledAgainAndTheErrorNamesItsStatus() {
    Shop shop = shop("Canceller", 1);
    String id = create(shop.store, body("email", shop.segment, shop.template)
        .put("scheduled_at", Instant.now().plus(1, ChronoUnit.DAYS).toString())).getString("id");
    JsonObject cancelled = shop.store.api().post(shop.store.path("/campaigns/" + id + "/cancel"), null).expect(200);
    assertEquals("cancelled", cancelled.getString("status"));
    assertNotNull(cancelled.getString("cancelled_at"));
    JsonObject error = shop.store.api().patch(shop.store.path("/campaigns/" + id), new JsonObject().put("name", "x"))
        .expectError(409, "campaign_not_editable");
    assertTrue(error.getString("message").contains("cancelled"), error::encode);
    assertTrue(shop.store.api().post(shop.store.path("/campaigns/" + id + "/cancel"), null)
        .expectError(409, "campaign_not_cancellable").getString("message").contains("cancelled"));
    shop.store.api().post(shop.store.path("/campaigns/cmp_nope/cancel"), null).expectError(404, "resource_missing");
  }

  @Test
  void anotherStoresKeySeesNoneOfThisStoresCampaignsNorCanUseItsSegments() {
    Shop mine = shop("Mine", 1);
    Shop theirs = shop("Theirs", 1);
    String id = create(mine.store, body("email", mine.segment, mine.template)).getString("id");
    var intruder = server.withKey(theirs.store.apiKey());
    intruder.get(mine.store.path("/campaigns")).expectError(404, null);
    intruder.get(mine.store.path("/campaigns/" + id)).expectError(404, null);
    intruder.get(mine.store.path("/campaigns/" + id + "/analytics")).expectError(404, null);
    intruder.patch(mine.store.path("/campaigns/" + id), new JsonObject().put("name", "x")).expectError(404, null);
    intruder.post(mine.store.path("/campaigns/" + id + "/cancel"), null).expectError(404, null);
    // through its own store: the id is not there, and my segment is not its segment
    theirs.store.api().get(theirs.store.path("/campaigns/" + id)).expectError(404, "resource_missing");
    theirs.store.api().post(theirs.store.path("/campaigns"), body("email", mine.segment, theirs.template))
        .expectError(400, "resource_missing");
    theirs.store.api().post(theirs.store.path("/campaigns"), body("email", theirs.segment, mine.template))
        .expectError(400, "resource_missing");
    assertEquals(0, theirs.store.api().get(theirs.store.path("/campaigns")).page().size());
    assertEquals("draft", Campaigns.get(mine.store, id).getString("status"));
  }

  @Test
  void aRepeatedCreateWithTheSameIdempotencyKeyMakesOneCampaign() {
    Shop shop = shop("Idempotent", 1);
    JsonObject b = body("email", shop.segment, shop.template);
    JsonObject first = shop.store.api().post(shop.store.path("/campaigns"), b, "create-1").expect(201);
    ApiResponse again = shop.store.api().post(shop.store.path("/campaigns"), b, "create-1");
    assertEquals(first, again.expect(201));
    assertEquals("true", again.header("Idempotent-Replayed"));
    assertEquals(1, shop.store.api().get(shop.store.path("/campaigns")).page().size());
  }
}
