package io.shoal.engine;

import static io.shoal.engine.support.StoreDriver.cond;
import static io.shoal.engine.support.StoreDriver.money;
import static io.shoal.engine.support.StoreDriver.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.engine.support.Events;
import io.shoal.engine.support.Poll;
import io.shoal.engine.support.StoreDriver;
import io.shoal.kernel.Wire;
import io.shoal.testing.ApiClient;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real purchases: the 69,659 CDNOW orders of 23,570 customers (1997-1998), replayed as
 * {@code order.completed} events through the batch endpoint into a store with segments defined
 * beforehand. Every customer's aggregates and every segment's members must equal what this
 * test computes from the same file in plain Java. One more segment, defined after the replay,
 * is backfilled over all of them.
 *
 * <p>Each line is its own order ({@code order_id} = line number), of the number of CDs it names
 * as one item: category {@code bundle} for two or more CDs, {@code single} otherwise.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CdnowReplayTest {

  private static final String DATA = "/cdnow/CDNOW_master.txt";
  private static final int BATCH = 1000;
  private static final int BATCHES_IN_FLIGHT = 2;

  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** One line of the file. */
  private record Purchase(int line, String customer, LocalDate date, int cds, BigDecimal dollars) {
    Instant at() {
      return date.atTime(12, 0).toInstant(ZoneOffset.UTC);
    }

    JsonObject event() {
      JsonObject e = Events.order(Integer.toString(line), dollars.toPlainString(), at());
      e.getJsonObject("data").put("items", new JsonArray().add(new JsonObject().put("product_id", "cd")
          .put("category_id", cds >= 2 ? "bundle" : "single").put("quantity", cds)));
      return Events.byExternalId(e, customer);
    }
  }

  /** What the file says about one customer. */
  private static final class History {
    int orders;
    int bundles;
    BigDecimal spent = BigDecimal.ZERO.setScale(2);
    Instant first;
    Instant last;

    void add(Purchase p) {
      orders++;
      bundles += p.cds >= 2 ? 1 : 0;
      spent = spent.add(p.dollars);
      first = first == null || p.at().isBefore(first) ? p.at() : first;
      last = last == null || p.at().isAfter(last) ? p.at() : last;
    }

    BigDecimal average() {
      return spent.divide(BigDecimal.valueOf(orders), 2, RoundingMode.HALF_EVEN);
    }
  }

  private record Definition(JsonArray rules, Predicate<History> members) {}

  private static final Instant MARCH_1997 = Instant.parse("1997-03-01T00:00:00Z");
  private static final Instant JUNE_1997 = Instant.parse("1997-06-01T00:00:00Z");
  private static final Instant JANUARY_1998 = Instant.parse("1998-01-01T00:00:00Z");

  private static Map<String, Definition> definitions() {
    Map<String, Definition> d = new LinkedHashMap<>();
    d.put("spent_100", new Definition(rules(cond("total_spent", "gte", 100)),
        h -> h.spent.compareTo(BigDecimal.valueOf(100)) >= 0));
    d.put("orders_5", new Definition(rules(cond("total_orders", "gte", 5)), h -> h.orders >= 5));
    d.put("lapsed_by_june_97", new Definition(rules(cond("last_order_at", "before", "1997-06-01")),
        h -> h.last.isBefore(JUNE_1997)));
    d.put("joined_in_march", new Definition(rules(cond("first_order_at", "after", "1997-03-01T00:00:00Z")),
        h -> h.first.isAfter(MARCH_1997)));
    d.put("loyal_or_whale", new Definition(rules(new JsonObject().put("any", new JsonArray()
        .add(cond("total_orders", "gte", 10)).add(cond("total_spent", "gte", 500)))),
        h -> h.orders >= 10 || h.spent.compareTo(BigDecimal.valueOf(500)) >= 0));
    d.put("quiet_and_small", new Definition(rules(new JsonObject().put("not", new JsonObject().put("any", new JsonArray()
        .add(cond("last_order_at", "after", "1998-01-01")).add(cond("total_spent", "gt", 50))))),
        h -> !(h.last.isAfter(JANUARY_1998) || h.spent.compareTo(BigDecimal.valueOf(50)) > 0)));
    d.put("never_a_bundle", new Definition(rules(new JsonObject().put("not", new JsonObject().put("bought",
        new JsonObject().put("category_ids", new JsonArray().add("bundle"))))), h -> h.bundles == 0));
    d.put("three_bundles_and_repeat", new Definition(rules(
        new JsonObject().put("bought", new JsonObject().put("category_ids", new JsonArray().add("bundle")).put("min_count", 3)),
        cond("total_orders", "between", new JsonArray().add(4).add(20))),
        h -> h.bundles >= 3 && h.orders >= 4 && h.orders <= 20));
    d.put("aov_20_to_40", new Definition(rules(cond("average_order_value", "between", new JsonArray().add(20).add(40))),
        h -> h.average().compareTo(BigDecimal.valueOf(20)) >= 0 && h.average().compareTo(BigDecimal.valueOf(40)) <= 0));
    return d;
  }

  @Test
  void replayedPurchasesGiveTheAggregatesAndSegmentsComputedFromTheFile() {
    List<Purchase> purchases = read();
    assertEquals(69_659, purchases.size());
    Map<String, History> histories = new TreeMap<>();
    purchases.forEach(p -> histories.computeIfAbsent(p.customer, k -> new History()).add(p));
    assertEquals(23_570, histories.size());

    TestStore store = server.createStore("CDNOW");
    StoreDriver shop = new StoreDriver(store);
    Map<String, Definition> definitions = definitions();
    Map<String, String> segments = new LinkedHashMap<>();
    definitions.forEach((name, def) -> segments.put(name, shop.dynamicSegment(name, def.rules)));

    // --- replay, two batches of 1000 in flight ----------------------------------------------
    long started = System.nanoTime();
    Map<String, String> customerIds = replay(store, purchases);
    long replayMillis = (System.nanoTime() - started) / 1_000_000;
    assertEquals(histories.keySet(), new TreeSet<>(customerIds.keySet()));

    // --- every customer's aggregates ------------------------------------------------------------
    Map<String, JsonObject> byExternalId = new HashMap<>();
    Poll.until("every customer's orders applied", Duration.ofSeconds(120), () -> {
      byExternalId.clear();
      shop.all(shop.path("/customers?sort=total_orders&order=asc"))
          .forEach(c -> byExternalId.put(c.getString("external_id"), c));
      return byExternalId;
    }, all -> all.size() == histories.size()
        && all.entrySet().stream().allMatch(e -> e.getValue().getInteger("total_orders") == histories.get(e.getKey()).orders));
    List<String> wrong = new ArrayList<>();
    histories.forEach((cdnowId, h) -> {
      JsonObject c = byExternalId.get(cdnowId);
      if (!money(c, "total_spent").equals(h.spent) || !money(c, "average_order_value").equals(h.average())
          || !Wire.time(h.first).equals(c.getString("first_order_at"))
          || !Wire.time(h.last).equals(c.getString("last_order_at"))) {
        wrong.add(cdnowId + ": " + c.encode());
      }
    });
    assertEquals(List.of(), wrong.subList(0, Math.min(5, wrong.size())), wrong.size() + " customers disagree with the file");

    // --- every segment's members ------------------------------------------------------------
    long evaluated = System.nanoTime();
    Map<String, Integer> counts = new LinkedHashMap<>();
    segments.forEach((name, id) -> {
      Set<String> expected = members(histories, customerIds, definitions.get(name).members);
      shop.awaitMembers(id, expected);
      counts.put(name, expected.size());
    });

    // A segment defined after the replay is backfilled over all 23,570 customers.
    JsonObject late = shop.createSegment(new JsonObject().put("name", "late_spent_100")
        .put("rules", definitions.get("spent_100").rules));
    // The creation waits up to SegmentApi.SYNC_WAIT_MS for the sync: a backfill quicker than
    // that answers done, a slower one in_progress (with its progress on GET meanwhile).
    assertTrue(List.of("in_progress", "done").contains(late.getString("sync_status")), late.encode());
    JsonObject synced = shop.awaitSynced(late.getString("id"));
    assertEquals(counts.get("spent_100"), synced.getInteger("customer_count"));
    assertEquals(members(histories, customerIds, definitions.get("spent_100").members), shop.members(late.getString("id")));
    assertEquals(List.of(), shop.transitions(late.getString("id")));

    // Each segment must split the customers, or it tests nothing.
    counts.forEach((name, n) -> assertTrue(n > 100 && n < histories.size() - 100, name + " has " + n + " members"));
    System.out.printf("CDNOW: %d events replayed in %d ms; members checked in %d ms: %s%n", purchases.size(),
        replayMillis, (System.nanoTime() - evaluated) / 1_000_000, counts);
  }

  private static Set<String> members(Map<String, History> histories, Map<String, String> customerIds,
                                     Predicate<History> rule) {
    Set<String> out = new TreeSet<>();
    histories.forEach((cdnowId, h) -> {
      if (rule.test(h)) {
        out.add(customerIds.get(cdnowId));
      }
    });
    return out;
  }

  /** Sends every purchase in batches of 1000; answers CDNOW id -> Shoal customer id. */
  private static Map<String, String> replay(TestStore store, List<Purchase> purchases) {
    Map<String, String> customerIds = new ConcurrentHashMap<>();
    List<Future<ApiResponse>> inFlight = new ArrayList<>();
    for (int from = 0; from < purchases.size(); from += BATCH) {
      List<Purchase> chunk = purchases.subList(from, Math.min(purchases.size(), from + BATCH));
      JsonArray events = new JsonArray();
      chunk.forEach(p -> events.add(p.event()));
      Future<ApiResponse> sent = store.api().sendJson(HttpMethod.POST, store.path("/events/batch"),
          new JsonObject().put("events", events), null).map(r -> {
        JsonObject result = r.expect(202);
        assertEquals(chunk.size(), result.getInteger("accepted"), () -> "batch not accepted whole: " + r.text());
        JsonArray results = result.getJsonArray("results");
        for (int i = 0; i < chunk.size(); i++) {
          customerIds.put(chunk.get(i).customer, results.getJsonObject(i).getString("customer_id"));
        }
        return r;
      });
      inFlight.add(sent);
      if (inFlight.size() == BATCHES_IN_FLIGHT) {
        ApiClient.await(inFlight.remove(0));
      }
    }
    inFlight.forEach(ApiClient::await);
    return customerIds;
  }


  private static List<Purchase> read() {
    DateTimeFormatter yyyymmdd = DateTimeFormatter.BASIC_ISO_DATE;
    List<Purchase> out = new ArrayList<>();
    try (InputStream in = CdnowReplayTest.class.getResourceAsStream(DATA);
         BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
      String header = r.readLine();
      assertTrue(header.contains("customer_id"), header);
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        String[] f = line.trim().split("\\s+");
        n++;
        out.add(new Purchase(n, f[0], LocalDate.parse(f[1], yyyymmdd), Integer.parseInt(f[2]), new BigDecimal(f[3]).setScale(2)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
