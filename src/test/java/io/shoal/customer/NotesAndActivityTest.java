package io.shoal.customer;

import static io.shoal.testing.ApiClient.encode;
import static io.shoal.testing.ApiClient.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Notes on a customer, and the activity timeline that records creation, changes and notes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NotesAndActivityTest {

  private static TestServer server;
  private TestStore store;
  private String customer;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void aCustomer() {
    store = server.createStore("Timeline");
    customer = store.customer(store.createCustomer(new JsonObject()
        .put("email", "tim@example.com").put("first_name", "Tim").put("tags", new JsonArray().add("new"))
        .put("metadata", new JsonObject().put("plan", "free"))).getString("id"));
  }

  private List<JsonObject> all(String path, int limit) {
    List<JsonObject> out = new ArrayList<>();
    String cursor = null;
    do {
      ApiResponse page = store.api().get(path + (path.contains("?") ? "&" : "?") + "limit=" + limit
          + (cursor == null ? "" : "&cursor=" + encode(cursor)));
      List<JsonObject> items = page.page();
      assertTrue(items.size() <= limit);
      out.addAll(items);
      cursor = page.nextCursor();
    } while (cursor != null);
    return out;
  }

  private List<JsonObject> activity(String queryString) {
    return store.api().get(customer + "/activity" + queryString).page();
  }

  @Test
  void aNoteIsAddedWith201AndListedNewestFirstPageByPage() {
    JsonObject note = store.api().post(customer + "/notes",
        new JsonObject().put("body", "  Prefers phone calls  ").put("author", "support@shop")).expect(201);
    assertTrue(note.getString("id").startsWith("note_"), note::encode);
    assertEquals("customer_note", note.getString("object"));
    assertEquals(customer.substring(customer.lastIndexOf('/') + 1), note.getString("customer_id"));
    assertEquals("Prefers phone calls", note.getString("body"));
    assertEquals("support@shop", note.getString("author"));
    assertNotNull(Instant.parse(note.getString("created_at")));

    List<String> bodies = new ArrayList<>(List.of("Prefers phone calls"));
    for (int i = 1; i <= 6; i++) {
      bodies.add("note " + i);
      assertNull(store.api().post(customer + "/notes", new JsonObject().put("body", "note " + i)).expect(201)
          .getString("author"));
    }
    Collections.reverse(bodies);

    assertEquals(bodies, all(customer + "/notes", 3).stream().map(n -> n.getString("body")).toList());
    assertEquals(note, all(customer + "/notes", 100).get(6));
  }

  @Test
  void aBlankOrMissingNoteBodyIs400() {
    store.api().post(customer + "/notes", new JsonObject().put("body", "   ")).expectError(400, null);
    assertEquals("body", store.api().post(customer + "/notes", new JsonObject().put("author", "x"))
        .expectError(400, null).getString("param"));
    assertEquals(0, store.api().get(customer + "/notes").page().size());
  }

  @Test
  void notesAndActivityOfAnUnknownCustomerAre404() {
    String unknown = store.customer("cust_doesnotexist");
    store.api().get(unknown + "/notes").expectError(404, "resource_missing");
    store.api().post(unknown + "/notes", new JsonObject().put("body", "hello")).expectError(404, "resource_missing");
    store.api().get(unknown + "/activity").expectError(404, "resource_missing");
  }

  @Test
  void theTimelineRecordsCreationRealChangesWithFromAndToAndNotes() {
    List<JsonObject> created = activity("");
    assertEquals(1, created.size(), created::toString);
    assertEquals("profile", created.get(0).getString("type"));
    assertTrue(created.get(0).getString("id").startsWith("act_"), created.get(0)::encode);
    assertNotNull(created.get(0).getString("title"));
    assertNotNull(Instant.parse(created.get(0).getString("occurred_at")));

    store.api().patch(customer, new JsonObject().put("first_name", "Timothy").put("tags", new JsonArray().add("vip")))
        .expect(200);
    store.api().post(customer + "/notes", new JsonObject().put("body", "Asked for a catalogue")).expect(201);
    store.api().patch(customer, new JsonObject().put("metadata", new JsonObject().put("plan", "gold"))
        .put("email", "timothy@example.com")).expect(200);

    List<JsonObject> timeline = activity("");
    assertEquals(List.of("profile", "note", "profile", "profile"), timeline.stream().map(a -> a.getString("type")).toList(),
        "newest first");

    JsonObject firstChange = timeline.get(2).getJsonObject("changes");
    assertEquals(new JsonObject().put("from", "Tim").put("to", "Timothy"), firstChange.getJsonObject("first_name"));
    assertEquals(new JsonObject().put("from", new JsonArray().add("new")).put("to", new JsonArray().add("vip")),
        firstChange.getJsonObject("tags"));
    assertEquals(2, firstChange.size(), firstChange::encode);
    assertTrue(timeline.get(2).getString("title").contains("first_name"), timeline.get(2)::encode);

    JsonObject note = timeline.get(1);
    assertTrue(note.encode().contains("Asked for a catalogue"), note::encode);

    JsonObject secondChange = timeline.get(0).getJsonObject("changes");
    assertEquals(new JsonObject().put("from", "tim@example.com").put("to", "timothy@example.com"),
        secondChange.getJsonObject("email"));
    assertEquals(new JsonObject().put("from", new JsonObject().put("plan", "free")).put("to", new JsonObject().put("plan", "gold")),
        secondChange.getJsonObject("metadata"));

    List<JsonObject> paged = all(customer + "/activity", 1);
    assertEquals(timeline, paged);
  }

  @Test
  void aPatchThatChangesNothingAddsNoEntry() {
    JsonObject before = store.api().get(customer).expect(200);
    JsonObject same = store.api().patch(customer, new JsonObject()
        .put("first_name", "Tim").put("tags", new JsonArray().add("new")).put("email", " tim@example.com ")
        .put("metadata", new JsonObject().put("plan", "free").put("absent", null)).put("sms_consent", false)).expect(200);
    assertEquals(before, same);
    assertEquals(1, activity("").size());
  }

  @Test
  void typesFilterKeepsTheGivenTypes() {
    store.api().post(customer + "/notes", new JsonObject().put("body", "one")).expect(201);
    store.api().patch(customer, new JsonObject().put("last_name", "Berners")).expect(200);
    store.api().post(customer + "/notes", new JsonObject().put("body", "two")).expect(201);

    assertEquals(List.of("note", "note"), types(activity(query("types", "note"))));
    assertEquals(List.of("profile", "profile"), types(activity(query("types", "profile"))));
    assertEquals(List.of("note", "profile", "note", "profile"), types(activity(query("types", "note", "types", "profile"))));
    assertEquals(List.of("note", "profile", "note", "profile"), types(activity(query("types", "note,profile"))));
    assertEquals(List.of(), types(activity(query("types", "order"))));
  }

  private static List<String> types(List<JsonObject> entries) {
    return entries.stream().map(a -> a.getString("type")).toList();
  }

  @Test
  void afterIsInclusiveAndBeforeExclusive() {
    for (int i = 0; i < 4; i++) {
      store.api().post(customer + "/notes", new JsonObject().put("body", "n" + i)).expect(201);
    }
    List<JsonObject> timeline = activity("");
    assertEquals(5, timeline.size());
    // Wire times have milliseconds; a boundary on a millisecond splits stored times exactly as
    // it splits their wire times, so these expectations are exact.
    String boundary = timeline.get(2).getString("occurred_at");
    Instant t = Instant.parse(boundary);
    List<JsonObject> atOrAfter = timeline.stream().filter(a -> !Instant.parse(a.getString("occurred_at")).isBefore(t)).toList();
    List<JsonObject> before = timeline.stream().filter(a -> Instant.parse(a.getString("occurred_at")).isBefore(t)).toList();
    assertTrue(atOrAfter.contains(timeline.get(2)) && before.contains(timeline.get(4)));

    assertEquals(atOrAfter, activity(query("after", boundary)));
    assertEquals(before, activity(query("before", boundary)));
    assertEquals(List.of(), activity(query("after", boundary, "before", boundary)));
    assertEquals(timeline, activity(query("after", "2000-01-01")));
    assertEquals(List.of(), activity(query("before", "2000-01-01")));
    assertEquals("after", store.api().get(customer + "/activity" + query("after", "last tuesday"))
        .expectError(400, "parameter_invalid").getString("param"));
  }
}
