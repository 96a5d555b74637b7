package io.shoal.segment.eval;

import static io.shoal.segment.eval.RandomRules.cond;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shoal.event.LoggedEvent;
import io.shoal.segment.rule.CompiledRule;
import io.shoal.segment.rule.CustomerFacts;
import io.shoal.segment.rule.RuleCompiler;
import io.shoal.segment.rule.RuleLeaf;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What {@link CustomerState} now derives faster decides as the old derivations did: purchase
 * times from one index per evaluation (was: a scan and sort of the orders per condition), the
 * average order value in cents (was: a BigDecimal division per read), times counted as epoch
 * milliseconds (was: an Instant per element compared), next flips told the answer the evaluator
 * has just tested (was: tested again). A reference customer computes those the
 * old way from the same events; for random customers, events and rules, every rule answers the
 * same and names the same next flip on both, at instants with and without sub-millisecond parts.
 */
class DerivedFactsTest {

  private static final String STORE = "store_a";
  private final Random random = new Random(14);
  private long seq;

  @Test
  void rulesAnswerAndFlipAsWithTheOldDerivations() {
    List<CompiledRule> rules = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      rules.add(RuleCompiler.compile(new RandomRules(random, this::leaf).segment()));
    }
    int compared = 0;
    for (int customer = 0; customer < 60; customer++) {
      CustomerState state = new CustomerState(STORE, "cust_" + customer);
      OldFacts old = new OldFacts(state);
      Instant now = Instant.parse("2026-01-01T00:00:00Z").plusMillis(random.nextInt(1_000_000));
      for (int step = 0, steps = 1 + random.nextInt(120); step < steps; step++) {
        now = now.plusSeconds(random.nextInt(3 * 86_400)).plusNanos(random.nextInt(3) == 0 ? random.nextInt(1_000_000_000) : 0);
        LoggedEvent e = event(state.customerId, now.minusSeconds(random.nextInt(4) == 0 ? random.nextInt(40 * 86_400) : 0));
        state.apply(e);
        old.apply(e);
        // no forgetDerived between events: what was derived must follow the orders by itself
        if (random.nextInt(3) == 0 || step == steps - 1) {
          Instant at = now.plusNanos(random.nextInt(2) == 0 ? 0 : 1 + random.nextInt(999_999));
          assertEquals(0, ((BigDecimal) old.value("average_order_value")).compareTo((BigDecimal) state.value("average_order_value")));
          assertEquals(((BigDecimal) old.value("average_order_value")).scale(), ((BigDecimal) state.value("average_order_value")).scale());
          for (String id : List.of("p0", "p1", "p2", "p3", "p4", "p5", "p6", "px")) {
            assertEquals(old.purchaseTimes("product", id), state.purchaseTimes("product", id), id);
          }
          for (String id : List.of("cat0", "cat1", "cat2", "catx")) {
            assertEquals(old.purchaseTimes("category", id), state.purchaseTimes("category", id), id);
          }
          for (CompiledRule rule : rules) {
            assertEquals(rule.test(old, at), rule.test(state, at), () -> "test " + rule.leaves());
            assertEquals(rule.nextFlip(old, at), rule.nextFlip(state, at), () -> "nextFlip " + rule.leaves());
            // and told the answer, as the evaluator asks right after its test
            assertEquals(rule.nextFlip(old, at), rule.nextFlip(state, at, rule.test(state, at)), () -> "nextFlip " + rule.leaves());
            for (RuleLeaf leaf : rule.leaves()) {
              assertEquals(leaf.nextFlip(old, at), leaf.nextFlip(state, at, leaf.test(state, at)), leaf::key);
            }
            compared++;
          }
          state.forgetDerived();
        }
      }
    }
    assertEquals(true, compared > 10_000, "compared " + compared);
  }

  /** The customer's facts, with purchase and event times, and the average order value, derived as before this change. */
  private static final class OldFacts implements CustomerFacts {
    private final CustomerState state;
    private final Map<String, Object[]> orders = new LinkedHashMap<>(); // id -> {at, lines (List<String[]>), cancelled}
    private final Map<String, List<Instant>> events = new LinkedHashMap<>();

    OldFacts(CustomerState state) {
      this.state = state;
    }

    void apply(LoggedEvent e) {
      List<Instant> times = events.computeIfAbsent(e.type(), k -> new ArrayList<>());
      Instant at = Instant.ofEpochMilli(e.occurredAt().toEpochMilli()); // the state keeps milliseconds
      times.add(at);
      Collections.sort(times);
      if (times.size() > CustomerState.MAX_TIMES) {
        times.remove(0);
      }
      JsonObject d = e.data();
      switch (e.type()) {
        case "order.completed" -> {
          Object[] o = orders.computeIfAbsent(d.getString("order_id"), k -> new Object[] {null, null, false});
          o[0] = at;
          List<String[]> lines = new ArrayList<>();
          for (Object i : d.getJsonArray("items")) {
            JsonObject item = (JsonObject) i;
            lines.add(new String[] {String.valueOf(item.getString("product_id")), item.getString("category_id")});
          }
          o[1] = lines;
        }
        case "order.cancelled" -> orders.computeIfAbsent(d.getString("order_id"), k -> new Object[] {null, null, false})[2] = true;
        default -> { }
      }
    }

    @Override
    public Object value(String field) {
      if (field.equals("average_order_value")) {
        long n = (Long) state.value("total_orders");
        return n == 0 ? BigDecimal.ZERO.setScale(2)
            : ((BigDecimal) state.value("total_spent")).divide(BigDecimal.valueOf(n), 2, RoundingMode.HALF_EVEN);
      }
      return state.value(field);
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<Instant> purchaseTimes(String kind, String id) {
      int side = kind.equals("product") ? 0 : 1;
      List<Instant> out = new ArrayList<>();
      for (Object[] o : orders.values()) {
        if (o[0] != null && !(Boolean) o[2]) {
          for (String[] line : (List<String[]>) o[1]) {
            if (id.equals(line[side])) {
              out.add((Instant) o[0]);
            }
          }
        }
      }
      Collections.sort(out);
      return new ArrayList<>(out.subList(Math.max(0, out.size() - CustomerState.MAX_TIMES), out.size()));
    }

    @Override
    public List<Instant> eventTimes(String type) {
      return new ArrayList<>(events.getOrDefault(type, List.of()));
    }
  }

  private LoggedEvent event(String customer, Instant at) {
    seq++;
    int kind = random.nextInt(12);
    JsonObject data;
    String type;
    if (kind < 4) {
      type = "page.viewed";
      data = new JsonObject().put("url", "/p/" + random.nextInt(9));
    } else if (kind < 6) {
      type = "cart.updated";
      data = new JsonObject().put("cart_id", "cart_" + customer).put("total", random.nextInt(300))
          .put("items", new JsonArray().add(new JsonObject().put("product_id", "p" + random.nextInt(6)).put("quantity", 1)));
    } else if (kind == 6 && seq > 1) {
      type = "order.cancelled";
      data = new JsonObject().put("order_id", "o" + random.nextLong(seq));
    } else if (kind == 7 && seq > 1) {
      type = "order.refunded";
      data = new JsonObject().put("order_id", "o" + random.nextLong(seq)).put("amount", random.nextInt(50) + "." + random.nextInt(100));
    } else if (kind == 8) {
      type = "custom.review_written";
      data = new JsonObject();
    } else {
      type = "order.completed";
      JsonArray items = new JsonArray();
      for (int i = 0, n = random.nextInt(4); i < n; i++) {
        JsonObject item = new JsonObject().put("product_id", "p" + random.nextInt(7)).put("quantity", 1);
        if (random.nextInt(5) > 0) {
          item.put("category_id", "cat" + random.nextInt(3));
        }
        items.add(item);
      }
      // totals in whole cents, and now and then more decimals (kept as BigDecimal)
      Object total = switch (random.nextInt(6)) {
        case 0 -> new BigDecimal(random.nextInt(40_000) + "." + random.nextInt(1_000)).toString();
        case 1 -> random.nextInt(500);
        default -> (5 + random.nextInt(40_000)) / 100.0;
      };
      // an order id met before now and then: its completion is seen again (replaces the lines)
      String id = random.nextInt(8) == 0 && seq > 1 ? "o" + random.nextLong(seq) : "o" + seq;
      data = new JsonObject().put("order_id", id).put("total", total).put("items", items);
    }
    return new LoggedEvent(seq, STORE, "evt_" + seq, type, customer, at, at, data);
  }

  private JsonObject leaf() {
    return switch (random.nextInt(11)) {
      case 0 -> cond("average_order_value", pick("gte", "lt", "eq"), random.nextBoolean() ? random.nextInt(300) : random.nextInt(30_000) / 100.0);
      case 1 -> cond("total_spent", "gte", random.nextInt(800));
      case 2 -> cond("last_order_at", "within_last", (1 + random.nextInt(9)) + "_days");
      case 3 -> cond("first_order_at", "before", (1 + random.nextInt(30)) + "_days_ago");
      case 4, 5 -> new JsonObject().put("performed", new JsonObject().put("event", random.nextBoolean() ? "page.viewed" : "custom.review_written")
          .put("within_days", 1 + random.nextInt(20)).put(random.nextBoolean() ? "at_least" : "at_most", 1 + random.nextInt(5)));
      case 6, 7 -> new JsonObject().put("bought", new JsonObject()
          .put("product_ids", ids("p", 7)).put("within_days", 1 + random.nextInt(60)).put("min_count", 1 + random.nextInt(3)));
      case 8 -> new JsonObject().put("bought", new JsonObject()
          .put("category_ids", ids("cat", 3)).put("within_days", 1 + random.nextInt(60)).put("min_count", 1 + random.nextInt(3)));
      case 9 -> new JsonObject().put("bought", new JsonObject().put("product_ids", ids("p", 7)).put("min_count", 1 + random.nextInt(4)));
      default -> cond("products_bought", "contains", "p" + random.nextInt(7));
    };
  }

  private JsonArray ids(String prefix, int n) {
    JsonArray ids = new JsonArray();
    for (int i = 0, k = 1 + random.nextInt(3); i < k; i++) {
      String id = prefix + random.nextInt(n);
      if (!ids.contains(id)) {
        ids.add(id);
      }
    }
    return ids;
  }

  private String pick(String... values) {
    return values[random.nextInt(values.length)];
  }
}
