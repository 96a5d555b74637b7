package io.shoal.segment.eval;

import io.shoal.event.LoggedEvent;
import io.shoal.segment.SegmentDefinition;
import io.shoal.segment.StorefrontFields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The evaluator's decisions alone, on one thread: no database, no HTTP, no event loop. Measures
 * the CPU time per event that {@code PartitionCore} spends deciding memberships (apply, re-test,
 * schedule, gather the batch), which the machine's other tenants do not inflate the way they
 * inflate wall-clock figures. Compiled against a Shoal jar by {@code core-bench.sh}, so the same
 * source measures two commits side by side.
 *
 * <pre>
 *   args: SEGMENTS_FILE (one rules JSON a line: Segments.java print) CUSTOMERS EVENTS SEED ROUNDS
 * </pre>
 *
 * Customers get a history like Seed.java's (orders over up to three years, page views in the last
 * 60 days, an open cart for one in five), without profiles (tags, metadata and address conditions
 * answer false); the measured events follow ingest.lua's mix: page.viewed 50, cart.updated 20,
 * order.completed 30, each for a random customer.
 */
public class CoreBench {

  private static final String STORE = "store_bench";
  private static final long DAY = 86_400_000L;

  public static void main(String[] args) throws Exception {
    List<String> rules = Files.readAllLines(Path.of(args[0]));
    int customers = Integer.parseInt(args[1]);
    int events = Integer.parseInt(args[2]);
    long seed = Long.parseLong(args[3]);
    int rounds = Integer.parseInt(args[4]);
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    Random r = new Random(seed);
    long now = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
    PartitionCore core = new PartitionCore(0, 1, null, at -> { });
    long seq = 0;
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < customers; i++) {
      String id = "cust_" + i;
      ids.add(id);
      CustomerState c = core.newCustomer(STORE, id, null);
      core.adoptLoaded(c, false);
      List<LoggedEvent> history = new ArrayList<>();
      int orders = r.nextDouble() < 0.3 ? 0 : 1 + (int) Math.min(39, -Math.log(1 - r.nextDouble()) * 2.2);
      for (int k = 0; k < orders; k++) {
        history.add(event(++seq, id, "order.completed", order(r, "h" + seq), now - (long) (r.nextDouble() * 3 * 365 * DAY)));
      }
      int views = r.nextDouble() < 0.25 ? 0 : 1 + (int) Math.min(99, -Math.log(1 - r.nextDouble()) * 7);
      for (int k = 0; k < views; k++) {
        history.add(event(++seq, id, "page.viewed", view(r), now - (long) (r.nextDouble() * 60 * DAY)));
      }
      if (r.nextDouble() < 0.2) {
        history.add(event(++seq, id, "cart.updated", cart(r, "k" + seq), now - (long) (r.nextDouble() * 14 * DAY)));
      }
      history.sort((a, b) -> a.occurredAt().compareTo(b.occurredAt()));
      for (LoggedEvent e : history) {
        LoggedEvent s = event(++seq, id, e.type(), e.data(), e.occurredAt().toEpochMilli());
        core.accept(s);
        core.apply(s, c, false, s.occurredAt());
      }
    }
    Instant start = Instant.ofEpochMilli(now);
    int n = 0;
    for (String line : rules) {
      String id = "seg_" + n++;
      core.backfill(core.install(new SegmentDefinition(STORE, id, id, SegmentDefinition.DYNAMIC, new JsonArray(line),
          new JsonObject(), 0, "synced", 1, null, null, SegmentDefinition.CREATED, null, false, null, null,
          StorefrontFields.NONE)), start, false);
    }
    core.takePending();
    System.out.printf("customers=%d segments=%d events/round=%d%n", customers, rules.size(), events);
    long clock = now;
    for (int round = 0; round < rounds; round++) {
      long flips = 0;
      long cpuStart = cpu.getCurrentThreadCpuTime();
      for (int i = 0; i < events; i++) {
        clock += 1 + r.nextInt(3);
        String id = ids.get(r.nextInt(ids.size()));
        double k = r.nextDouble() * 100;
        LoggedEvent e = k < 50 ? event(++seq, id, "page.viewed", view(r), clock)
            : k < 70 ? event(++seq, id, "cart.updated", cart(r, "k" + seq), clock)
            : event(++seq, id, "order.completed", order(r, "w" + seq), clock);
        core.accept(e);
        Instant at = Instant.ofEpochMilli(clock);
        core.runDueChecks(clock);
        core.apply(e, core.customer(STORE, id), false, at);
        if ((i & 255) == 255) {
          flips += core.takePending().transitions().size();
        }
      }
      flips += core.takePending().transitions().size();
      long ns = cpu.getCurrentThreadCpuTime() - cpuStart;
      System.out.printf("round=%d cpu_us_per_event=%.1f events_per_cpu_s=%.0f flips_per_event=%.2f%n", round,
          ns / 1000.0 / events, events / (ns / 1e9), (double) flips / events);
    }
  }

  private static LoggedEvent event(long seq, String customer, String type, JsonObject data, long at) {
    Instant t = Instant.ofEpochMilli(at);
    return new LoggedEvent(seq, STORE, "evt_" + seq, type, customer, t, t, data);
  }

  private static JsonObject view(Random r) {
    return new JsonObject().put("url", "/products/p" + r.nextInt(500));
  }

  private static JsonObject cart(Random r, String id) {
    int p = r.nextInt(500);
    double price = (500 + r.nextInt(19_500)) / 100.0;
    return new JsonObject().put("cart_id", id).put("total", price)
        .put("items", new JsonArray().add(new JsonObject().put("product_id", "p" + p).put("quantity", 1).put("price", price)));
  }

  private static JsonObject order(Random r, String id) {
    int p = (int) Math.exp(r.nextDouble() * Math.log(501)) - 1;
    double price = (500 + r.nextInt(19_500)) / 100.0;
    return new JsonObject().put("order_id", id).put("total", price).put("currency", "USD")
        .put("items", new JsonArray().add(new JsonObject().put("product_id", "p" + p).put("category_id", "cat" + (p % 40))
            .put("quantity", 1).put("price", price)));
  }
}
