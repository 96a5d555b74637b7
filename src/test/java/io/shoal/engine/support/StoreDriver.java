package io.shoal.engine.support;

import static io.shoal.testing.ApiClient.encode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One store as a test drives it over the API: sends its events, reads its customers, defines
 * segments and reads their members and transitions, waiting where Shoal answers asynchronously.
 */
public final class StoreDriver {

  private final String storeId;
  private final Api api;

  public StoreDriver(String storeId, Api api) {
    this.storeId = storeId;
    this.api = api;
  }

  /** A store made by the in-process harness. */
  public StoreDriver(TestStore store) {
    this(store.id(), Api.of(store.api()));
  }

  /** Creates a store with the admin key and answers it driven with the store's own key. */
  public static StoreDriver create(RemoteApi admin, String name) {
    JsonObject store = admin.post("/v1/stores", new JsonObject().put("name", name)).expect(201);
    return new StoreDriver(store.getString("id"), admin.withKey(store.getString("api_key")));
  }

  public String id() {
    return storeId;
  }

  public Api api() {
    return api;
  }

  /** {@code /v1/stores/<id>} followed by {@code suffix}. */
  public String path(String suffix) {
    return "/v1/stores/" + storeId + suffix;
  }

  public String customerPath(String customerId) {
    return path("/customers/" + customerId);
  }

  // --- customers and events -------------------------------------------------------------------

  /** Creates a customer through the customers API and answers its id. */
  public String newCustomer(JsonObject fields) {
    return api.post(path("/customers"), fields).expect(201).getString("id");
  }

  public String newCustomer(String email) {
    return newCustomer(new JsonObject().put("email", email));
  }

  public JsonObject customer(String id) {
    return api.get(customerPath(id)).expect(200);
  }

  public JsonObject patchCustomer(String id, JsonObject patch) {
    return api.patch(customerPath(id), patch).expect(200);
  }

  /** Sends one event, asserting 202, and answers the acceptance. */
  public JsonObject send(JsonObject event) {
    JsonObject accepted = api.post(path("/events"), event).expect(202);
    assertEquals("event", accepted.getString("object"), accepted::encode);
    return accepted;
  }

  public ApiResponse sendRaw(JsonObject event) {
    return api.post(path("/events"), event);
  }

  /** Sends a batch, asserting 202, and answers the batch result. */
  public JsonObject sendBatch(List<JsonObject> events) {
    return api.post(path("/events/batch"), new JsonObject().put("events", new JsonArray(new ArrayList<>(events))))
        .expect(202);
  }

  /**
   * Waits until every event sent so far about this customer has been applied and persisted by
   * the evaluator: sends a custom event stamped now and waits for {@code last_seen_at} to reach
   * it. Events of one customer are applied in log order and persisted in order, so when this
   * one shows, the earlier ones have too. (Only for tests whose events are not future-dated.)
   */
  public JsonObject barrier(String customerId) {
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    send(Events.by(Events.event("custom.barrier", now, new JsonObject()), customerId));
    return Poll.until("customer " + customerId + " caught up to " + now, () -> customer(customerId),
        c -> c.getString("last_seen_at") != null && !Instant.parse(c.getString("last_seen_at")).isBefore(now));
  }

  /** Waits until the customer's aggregates show this many orders, and answers the customer. */
  public JsonObject awaitOrders(String customerId, int totalOrders) {
    return Poll.until("customer " + customerId + " with " + totalOrders + " orders", () -> customer(customerId),
        c -> c.getInteger("total_orders") == totalOrders);
  }

  // --- segments -------------------------------------------------------------------------------

  /** Creates a segment through {@code /segments}, asserting 201, and answers it. */
  public JsonObject createSegment(JsonObject body) {
    return api.post(path("/segments"), body).expect(201);
  }

  /** Creates a dynamic segment with these rules and waits until its backfill is done; answers its id. */
  public String dynamicSegment(String name, JsonArray rules) {
    String id = createSegment(new JsonObject().put("name", name).put("is_dynamic", true).put("rules", rules))
        .getString("id");
    awaitSynced(id);
    return id;
  }

  public JsonObject segment(String id) {
    return api.get(path("/segments/" + id)).expect(200);
  }

  public JsonObject awaitSynced(String id) {
    return Poll.until("segment " + id + " synced", () -> segment(id), s -> "done".equals(s.getString("sync_status")));
  }

  /** The segment's members as {@code GET .../segments/{id}/members} lists them, all pages. */
  public Set<String> members(String segmentId) {
    Set<String> ids = new TreeSet<>();
    for (JsonObject m : all(path("/segments/" + segmentId + "/members"))) {
      assertTrue(ids.add(m.getString("customer_id")), () -> "member listed twice: " + m.encode());
    }
    return ids;
  }

  /** The segment's members as {@code GET .../customers?segment_id=} lists them, all pages. */
  public Set<String> customersIn(String segmentId) {
    Set<String> ids = new TreeSet<>();
    for (JsonObject c : all(path("/customers?segment_id=" + encode(segmentId)))) {
      assertTrue(ids.add(c.getString("id")), () -> "customer listed twice: " + c.encode());
    }
    return ids;
  }

  /** Waits until the segment has exactly these members, and its count says so. */
  public void awaitMembers(String segmentId, Set<String> expected) {
    Set<String> want = new TreeSet<>(expected);
    Poll.until("segment " + segmentId + " with its " + want.size() + " expected members",
        () -> MemberDiff.of(want, members(segmentId)), MemberDiff::none);
    Poll.until("segment " + segmentId + " counting " + want.size(), () -> segment(segmentId),
        s -> s.getLong("customer_count") == want.size());
  }

  /** What a member list lacks and has too many, for a failure message that can be read. */
  private record MemberDiff(Set<String> missing, Set<String> extra) {
    static MemberDiff of(Set<String> want, Set<String> got) {
      return new MemberDiff(difference(want, got), difference(got, want));
    }

    boolean none() {
      return missing.isEmpty() && extra.isEmpty();
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
      Set<String> d = new TreeSet<>(a);
      d.removeAll(b);
      return d;
    }

    @Override
    public String toString() {
      return "missing " + missing + ", unexpected " + extra;
    }
  }

  /** Every recorded transition of the segment, oldest first. */
  public List<JsonObject> transitions(String segmentId) {
    return all(path("/segments/" + segmentId + "/transitions"));
  }

  public List<JsonObject> transitions(String segmentId, String customerId) {
    return all(path("/segments/" + segmentId + "/transitions?customer_id=" + encode(customerId)));
  }

  /** Every item of a list, following next_cursor with pages of 100. */
  public List<JsonObject> all(String listPath) {
    List<JsonObject> out = new ArrayList<>();
    String cursor = null;
    do {
      ApiResponse page = api.get(listPath + (listPath.contains("?") ? "&" : "?") + "limit=100"
          + (cursor == null ? "" : "&cursor=" + encode(cursor)));
      out.addAll(page.page());
      cursor = page.nextCursor();
    } while (cursor != null);
    return out;
  }

  /** A rule array from conditions, for brevity: {@code rules(cond("total_spent", "gte", 100))}. */
  public static JsonArray rules(Object... rules) {
    JsonArray a = new JsonArray();
    for (Object r : rules) {
      a.add(r);
    }
    return a;
  }

  public static JsonObject cond(String field, String operator, Object value) {
    return new JsonObject().put("field", field).put("operator", operator).put("value", value);
  }

  /** A money value as the API renders it (a JSON number), for exact comparison. */
  public static java.math.BigDecimal money(JsonObject o, String field) {
    Object v = o.getValue(field);
    return v == null ? null : new java.math.BigDecimal(v.toString()).setScale(2, java.math.RoundingMode.UNNECESSARY);
  }
}
