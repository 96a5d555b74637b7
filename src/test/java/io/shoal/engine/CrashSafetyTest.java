package io.shoal.engine;

import static io.shoal.engine.support.StoreDriver.cond;
import static io.shoal.engine.support.StoreDriver.money;
import static io.shoal.engine.support.StoreDriver.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.engine.support.Events;
import io.shoal.engine.support.Poll;
import io.shoal.engine.support.RemoteApi;
import io.shoal.engine.support.ShoalProcess;
import io.shoal.engine.support.StoreDriver;
import io.shoal.kernel.Ids;
import io.shoal.kernel.Wire;
import io.shoal.testing.ApiClient;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise behind every 202: Shoal, killed with SIGKILL in the middle of a steady stream of
 * order events, loses no acknowledged event, and after a restart on the same database its
 * aggregates and segments are exactly what the events say, with no transition recorded twice.
 *
 * <p>Shoal runs as its own process on a fresh database of the test PostgreSQL (so no embedded
 * server outlives the kill). Events that got no answer because of the kill may or may not have
 * been logged; the test sends them again after the restart with the same event id, as a store
 * would, so that the expected state is exact: each event applied once.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CrashSafetyTest {

  private static final int IN_FLIGHT = 16;
  private static final int BATCH = 10;
  /** Kill once this many events are acknowledged (or after MAX_INGEST, whichever is first). */
  private static final int KILL_AFTER_ACKS = 1_500;
  private static final Duration MAX_INGEST = Duration.ofSeconds(20);
  /** The servers' output, all three runs, kept for reading after a failure. */
  private static final Path LOG = Path.of("target", "crash-safety-shoal.log");

  private String databaseUrl;
  /** Shoal's data directory; JUnit removes it after the test. */
  @TempDir
  Path dataDir;
  private Vertx clientVertx;
  private final List<ShoalProcess> processes = new ArrayList<>();
  private Map<String, String> env;

  /** One planned event: its store-side id, the customer it is about, and what it says. */
  private record Planned(int n, String clientId, String externalId, JsonObject body) {
    boolean isOrder() {
      return "order.completed".equals(body.getString("type"));
    }
  }

  @BeforeEach
  void freshDatabase() {
    databaseUrl = TestDatabase.createDatabase();
    clientVertx = Vertx.vertx();
    try {
      Files.deleteIfExists(LOG);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    env = Map.of(
        "SHOAL_HTTP_HOST", "127.0.0.1",
        "SHOAL_HTTP_PORT", "0",
        "SHOAL_HTTP_INSTANCES", "2",
        "SHOAL_EVALUATOR_PARTITIONS", "2",
        "SHOAL_DATA_DIR", dataDir.toString(),
        "SHOAL_PG_URL", databaseUrl,
        "SHOAL_PG_POOL_SIZE", "8",
        "SHOAL_ADMIN_KEY", "wk_admin_crash_" + Ids.random(24));
  }

  @AfterEach
  void cleanUp() {
    processes.forEach(ShoalProcess::close);
    ApiClient.await(clientVertx.close());
    TestDatabase.dropDatabase(databaseUrl);
  }

  private ShoalProcess startShoal() {
    ShoalProcess p = ShoalProcess.start(env, LOG);
    processes.add(p);
    return p;
  }

  @Test
  void aKilledServerLosesNoAcknowledgedEventAndRecordsNoTransitionTwice() {
    ShoalProcess first = startShoal();
    RemoteApi admin = RemoteApi.connect(clientVertx, first.port(), env.get("SHOAL_ADMIN_KEY"), IN_FLIGHT + 4);
    StoreDriver shop = StoreDriver.create(admin, "Crash");
    Map<String, JsonArray> segmentRules = new TreeMap<>();
    segmentRules.put("three_orders", rules(cond("total_orders", "gte", 3)));
    segmentRules.put("big_spenders", rules(cond("total_spent", "gte", 150)));
    segmentRules.put("one_timers", rules(new JsonObject().put("not", cond("total_orders", "gte", 2))));
    segmentRules.put("busy_today", rules(new JsonObject().put("performed", new JsonObject()
        .put("event", "order.completed").put("within_days", 1).put("at_least", 4))));
    Map<String, String> segments = new TreeMap<>();
    segmentRules.forEach((name, r) -> segments.put(name, shop.dynamicSegment(name, r)));
    String passive = shop.createSegment(new JsonObject().put("name", "mid_spenders").put("type", "passive")
        .put("rules", rules(cond("total_spent", "between", new JsonArray().add(50).add(120))))).getString("id");
    shop.awaitSynced(passive);

    // --- a steady stream of events, killed in the middle ----------------------------------------
    Instant base = Instant.now().minus(12, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    Map<String, String> acknowledged = new ConcurrentHashMap<>();   // client id -> Shoal event id
    Set<String> unanswered = ConcurrentHashMap.newKeySet();        // client ids with no 202
    Map<String, String> customerIds = new ConcurrentHashMap<>();    // external id -> customer id
    List<Planned> sent = java.util.Collections.synchronizedList(new ArrayList<>());
    Semaphore slots = new Semaphore(IN_FLIGHT);
    AtomicInteger acks = new AtomicInteger();
    AtomicBoolean killed = new AtomicBoolean();
    // The store keeps sending from its own thread while the test pulls the plug from this one,
    // so requests are in flight, and batches half-committed, at the instant of the SIGKILL.
    Thread store = new Thread(() -> {
      Plan plan = new Plan(base);
      int unit = 0;
      while (!killed.get()) {
        List<Planned> events = new ArrayList<>();
        int size = unit++ % 8 == 7 ? BATCH : 1;
        for (int i = 0; i < size; i++) {
          events.add(plan.next());
        }
        sent.addAll(events);
        acquire(slots);
        send(shop, events, acknowledged, unanswered, customerIds, acks).onComplete(ar -> slots.release());
      }
    }, "crash-test-store");
    long started = System.nanoTime();
    store.start();
    Poll.until("enough events acknowledged", MAX_INGEST.plusSeconds(10), acks::get,
        a -> a >= KILL_AFTER_ACKS || System.nanoTime() - started > MAX_INGEST.toNanos());
    first.kill();
    long ingestMillis = (System.nanoTime() - started) / 1_000_000;
    killed.set(true);
    join(store);
    acquire(slots, IN_FLIGHT); // every request has been answered or has failed
    admin.close();
    int lost = unanswered.size();
    assertEquals(sent.size(), acknowledged.size() + lost, "every event is either acknowledged or unanswered");
    assertTrue(acknowledged.size() >= 100, "the server acknowledged too few events to test anything: "
        + acknowledged.size() + "\n" + first.logTail());

    // --- restart on the same data: every acknowledged event is in the log ---------------------
    ShoalProcess second = startShoal();
    RemoteApi admin2 = RemoteApi.connect(clientVertx, second.port(), env.get("SHOAL_ADMIN_KEY"), IN_FLIGHT + 4);
    StoreDriver shop2 = new StoreDriver(shop.id(), admin2);
    Map<String, Set<String>> loggedByCustomer = new HashMap<>();
    Set<String> customersWithAcks = new TreeSet<>();
    for (Planned p : sent) {
      if (acknowledged.containsKey(p.clientId)) {
        customersWithAcks.add(customerIds.get(p.externalId));
      }
    }
    for (String customer : customersWithAcks) {
      Set<String> logged = new HashSet<>();
      for (JsonObject entry : shop2.all(shop2.customerPath(customer) + "/activity?types=order,refund")) {
        logged.add(entry.getString("event_id"));
      }
      loggedByCustomer.put(customer, logged);
    }
    List<String> missing = new ArrayList<>();
    for (Planned p : sent) {
      String eventId = acknowledged.get(p.clientId);
      if (eventId != null && !loggedByCustomer.get(customerIds.get(p.externalId)).contains(eventId)) {
        missing.add(p.clientId + " (" + eventId + ")");
      }
    }
    assertEquals(List.of(), missing, "acknowledged events missing after the crash");

    // --- the store sends what got no answer again; each event must be applied once -------------
    int repeatsFound = 0;
    for (Planned p : sent) {
      if (unanswered.contains(p.clientId)) {
        JsonObject answer = shop2.send(withIdentity(p));
        if ("duplicate".equals(answer.getString("status"))) {
          repeatsFound++;
        }
        customerIds.put(p.externalId, answer.getString("customer_id"));
      }
    }
    System.out.printf("crash test: %d events sent in %d ms, %d acknowledged, %d unanswered"
        + " (%d of them had been logged)%n", sent.size(), ingestMillis, acknowledged.size(), lost, repeatsFound);

    // --- aggregates and segments are exactly what the events say --------------------------------
    Map<String, Expected> expected = expectations(sent);
    for (Map.Entry<String, Expected> e : expected.entrySet()) {
      String customer = customerIds.get(e.getKey());
      Expected want = e.getValue();
      JsonObject c = Poll.until("aggregates of " + e.getKey() + " = " + want, () -> shop2.customer(customer),
          got -> got.getInteger("total_orders") == want.orders && money(got, "total_spent").equals(want.spent));
      assertEquals(Wire.time(want.first), c.getString("first_order_at"), e.getKey());
      assertEquals(Wire.time(want.last), c.getString("last_order_at"), e.getKey());
    }
    Map<String, Set<String>> expectedMembers = new TreeMap<>();
    segments.keySet().forEach(name -> expectedMembers.put(name, new TreeSet<>()));
    Set<String> expectedPassive = new TreeSet<>();
    expected.forEach((external, want) -> {
      String id = customerIds.get(external);
      if (want.orders >= 3) {
        expectedMembers.get("three_orders").add(id);
      }
      if (want.spent.compareTo(new BigDecimal("150")) >= 0) {
        expectedMembers.get("big_spenders").add(id);
      }
      if (want.orders < 2) {
        expectedMembers.get("one_timers").add(id);
      }
      if (want.orders >= 4) {
        expectedMembers.get("busy_today").add(id);
      }
      if (want.spent.compareTo(new BigDecimal("50")) >= 0 && want.spent.compareTo(new BigDecimal("120")) <= 0) {
        expectedPassive.add(id);
      }
    });
    segments.forEach((name, id) -> shop2.awaitMembers(id, expectedMembers.get(name)));
    shop2.awaitMembers(passive, expectedPassive);
    // the counts commit with the memberships they count, through the kill too
    segments.forEach((name, id) -> assertEquals(expectedMembers.get(name).size(),
        shop2.segment(id).getInteger("customer_count"), name + ": the member count"));
    assertEquals(expectedPassive.size(), shop2.segment(passive).getInteger("customer_count"), "passive: the member count");

    // --- transitions: alternating per customer, none twice, ending in the membership -----------
    Map<String, Integer> transitionCounts = new TreeMap<>();
    segments.forEach((name, id) -> {
      List<JsonObject> transitions = shop2.transitions(id);
      transitionCounts.put(name, transitions.size());
      assertConsistent(name, transitions, expectedMembers.get(name));
    });
    assertEquals(List.of(), shop2.transitions(passive), "a passive segment records no transitions");

    // --- and a clean restart after all that changes nothing ------------------------------------
    second.stop(Duration.ofSeconds(60));
    admin2.close();
    ShoalProcess third = startShoal();
    RemoteApi admin3 = RemoteApi.connect(clientVertx, third.port(), env.get("SHOAL_ADMIN_KEY"), 4);
    StoreDriver shop3 = new StoreDriver(shop.id(), admin3);
    segments.forEach((name, id) -> {
      assertEquals(expectedMembers.get(name), shop3.members(id), name + " after a clean restart");
      assertEquals(transitionCounts.get(name), shop3.transitions(id).size(), name + ": no transition recorded again");
    });
    admin3.close();
  }

  // --- the plan and its expected outcome ------------------------------------------------------

  /**
   * The store's stream: each event is about a new customer one time in five (so customers keep
   * arriving, as in a live shop, and the evaluator keeps loading new ones), otherwise about one
   * of those seen so far. Of each customer's events every fourth is a partial refund of the
   * order before it; the others are orders. Times increase with n.
   */
  private static final class Plan {
    private final Instant base;
    private final java.util.Random random = new java.util.Random(42);
    private final List<Integer> counts = new ArrayList<>();
    private int n;

    Plan(Instant base) {
      this.base = base;
    }

    Planned next() {
      int customer = counts.isEmpty() || random.nextInt(5) == 0 ? newCustomer() : random.nextInt(counts.size());
      int k = counts.get(customer);
      counts.set(customer, k + 1);
      Instant at = base.plusSeconds(n);
      JsonObject body = k % 4 == 3
          ? Events.refund("o-" + customer + "-" + (k - 1), "5.00", at)
          : Events.order("o-" + customer + "-" + k, (5 + (customer * 31 + k * 17) % 50) + ".00", at);
      String clientId = "crash-" + n;
      Planned p = new Planned(n, clientId, "crash-customer-" + customer, Events.withId(body, clientId));
      n++;
      return p;
    }

    private int newCustomer() {
      counts.add(0);
      return counts.size() - 1;
    }
  }

  private static JsonObject withIdentity(Planned p) {
    return Events.byExternalId(p.body, p.externalId);
  }

  private record Expected(int orders, BigDecimal spent, Instant first, Instant last) {}

  /** Each customer's aggregates computed from the events alone: every planned event applied once. */
  private static Map<String, Expected> expectations(List<Planned> events) {
    Map<String, Map<String, BigDecimal>> totals = new TreeMap<>();
    Map<String, Map<String, BigDecimal>> refunds = new HashMap<>();
    Map<String, Instant[]> times = new HashMap<>();
    for (Planned p : events) {
      JsonObject data = p.body.getJsonObject("data");
      Instant at = Instant.parse(p.body.getString("occurred_at"));
      totals.computeIfAbsent(p.externalId, k -> new HashMap<>());
      if (p.isOrder()) {
        totals.get(p.externalId).put(data.getString("order_id"), new BigDecimal(data.getString("total")));
        Instant[] t = times.computeIfAbsent(p.externalId, k -> new Instant[] {at, at});
        t[0] = at.isBefore(t[0]) ? at : t[0];
        t[1] = at.isAfter(t[1]) ? at : t[1];
      } else {
        refunds.computeIfAbsent(p.externalId, k -> new HashMap<>())
            .merge(data.getString("order_id"), new BigDecimal(data.getString("amount")), BigDecimal::add);
      }
    }
    Map<String, Expected> out = new TreeMap<>();
    totals.forEach((customer, orders) -> {
      BigDecimal spent = BigDecimal.ZERO.setScale(2);
      for (Map.Entry<String, BigDecimal> o : orders.entrySet()) {
        BigDecimal refunded = refunds.getOrDefault(customer, Map.of()).getOrDefault(o.getKey(), BigDecimal.ZERO);
        spent = spent.add(o.getValue().subtract(refunded).max(BigDecimal.ZERO));
      }
      Instant[] t = times.get(customer);
      out.put(customer, new Expected(orders.size(), spent, t == null ? null : t[0], t == null ? null : t[1]));
    });
    return out;
  }

  /**
   * Per customer, in recording order: enter and leave alternate starting with an enter, no
   * transition id or (kind, event) repeats, and the last one agrees with the membership.
   */
  private static void assertConsistent(String segment, List<JsonObject> transitions, Set<String> members) {
    Set<String> ids = new HashSet<>();
    Map<String, String> lastKind = new HashMap<>();
    Set<String> seen = new HashSet<>();
    for (JsonObject t : transitions) {
      String customer = t.getString("customer_id");
      String kind = t.getString("type");
      assertTrue(ids.add(t.getString("id")), () -> segment + ": transition id twice: " + t.encode());
      assertTrue(Set.of("event", "profile").contains(t.getString("cause")), () -> segment + ": " + t.encode());
      if ("event".equals(t.getString("cause"))) {
        assertTrue(t.getString("event_id") != null, () -> segment + ": an event transition names its event: " + t.encode());
        assertTrue(seen.add(customer + "|" + kind + "|" + t.getString("event_id")),
            () -> segment + ": the same transition recorded twice: " + t.encode());
      }
      String previous = lastKind.put(customer, kind);
      String expectedKind = previous == null || previous.equals("customer.segment.left")
          ? "customer.segment.entered" : "customer.segment.left";
      assertEquals(expectedKind, kind, () -> segment + ": after " + previous + " for " + customer + ": " + t.encode());
    }
    lastKind.forEach((customer, kind) -> assertEquals(members.contains(customer), kind.equals("customer.segment.entered"),
        () -> segment + ": the last transition of " + customer + " (" + kind + ") disagrees with the membership"));
    members.forEach(m -> assertTrue(lastKind.containsKey(m), () -> segment + ": member " + m + " never entered"));
  }

  // --- sending --------------------------------------------------------------------------------

  private static Future<Void> send(StoreDriver shop, List<Planned> events, Map<String, String> acknowledged,
                                   Set<String> unanswered, Map<String, String> customerIds, AtomicInteger acks) {
    RemoteApi api = (RemoteApi) shop.api();
    Future<ApiResponse> answer;
    if (events.size() == 1) {
      answer = api.send(HttpMethod.POST, shop.path("/events"), withIdentity(events.get(0)), null);
    } else {
      JsonArray batch = new JsonArray();
      events.forEach(p -> batch.add(withIdentity(p)));
      answer = api.send(HttpMethod.POST, shop.path("/events/batch"), new JsonObject().put("events", batch), null);
    }
    return answer.transform(ar -> {
      if (ar.succeeded() && ar.result().status() == 202) {
        JsonObject body = ar.result().json();
        JsonArray results = events.size() == 1 ? new JsonArray().add(body) : body.getJsonArray("results");
        for (int i = 0; i < events.size(); i++) {
          JsonObject r = results.getJsonObject(i);
          Planned p = events.get(i);
          if ("rejected".equals(r.getString("status"))) {
            unanswered.add(p.clientId); // refused (e.g. could not be stored): not acknowledged
            continue;
          }
          acknowledged.put(p.clientId, r.getString("id"));
          customerIds.put(p.externalId, r.getString("customer_id"));
          acks.incrementAndGet();
        }
      } else {
        events.forEach(p -> unanswered.add(p.clientId));
      }
      return Future.succeededFuture();
    });
  }

  private static void join(Thread t) {
    try {
      t.join(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    assertFalse(t.isAlive(), "the sending thread did not stop");
  }

  private static void acquire(Semaphore s) {
    acquire(s, 1);
  }

  private static void acquire(Semaphore s, int permits) {
    try {
      if (!s.tryAcquire(permits, 60, TimeUnit.SECONDS)) {
        throw new AssertionError("requests still unanswered after 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
