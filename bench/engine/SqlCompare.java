import io.shoal.segment.rule.CompiledRule;
import io.shoal.segment.rule.CustomerFacts;
import io.shoal.segment.rule.RuleCompiler;
import io.shoal.segment.eval.StoredStates;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The segment decisions Shoal makes per event, made "the usual way": one SQL query per event and
 * per segment whose rules read a field the event changed, against the same PostgreSQL data.
 *
 *   java -cp target/shoal.jar bench/engine/SqlCompare.java PG_PORT STORE_ID CUSTOMERS MIX DURATION_S THREADS
 *
 * 1. Loads the store's dynamic segments, compiles them with Shoal's RuleCompiler (for
 *    fieldsRead, the index Shoal uses to pick the segments an event can affect) and translates
 *    each into SQL over customers (profile, aggregates) and events (bought, performed, last seen,
 *    cart): missing values and case-insensitive text follow Shoal's semantics.
 * 2. Draws a sample of events (customer at random, type from MIX); for each, the candidate
 *    segments are those reading a field the type changes (as CustomerState.apply reports them).
 * 3. per_decision: THREADS connections run, for each sampled event and candidate segment,
 *    SELECT EXISTS (SELECT 1 FROM customers c WHERE c.store_id = ? AND c.id = ? AND <rule>),
 *    for DURATION_S seconds after a warm-up of a fifth of that. Prints decisions/s, and how often
 *    the answer agreed with Shoal's stored membership.
 * 4. per_event: the same decisions with one query per event that computes every candidate's rule
 *    as a column (a stronger SQL baseline than the issue asks for).
 * 5. rules_in_memory: Shoal's compiled rules tested (CompiledRule.test, one thread) against the
 *    same customers' facts loaded from customers and customer_eval_state, as the evaluator holds
 *    them; the pure CPU cost of a decision in Shoal, without I/O.
 *
 * Output lines start with SQLCMP and are parsed by run.sh.
 */
public class SqlCompare {

  static final Set<String> ORDER_FIELDS = Set.of("total_orders", "total_spent", "average_order_value",
      "first_order_at", "last_order_at", "products_bought", "categories_bought", "purchases",
      "cart.value", "cart.item_count", "cart.updated_at");
  static final Set<String> CART_FIELDS = Set.of("cart.value", "cart.item_count", "cart.updated_at");

  record Segment(String id, JsonArray rules, CompiledRule compiled, String sql, List<Object> params) {}

  record Event(int customer, String type) {}

  public static void main(String[] args) throws Exception {
    int pgPort = Integer.parseInt(args[0]);
    String store = args[1];
    int customers = Integer.parseInt(args[2]);
    String mix = args[3];
    int duration = Integer.parseInt(args[4]);
    int threads = Integer.parseInt(args[5]);
    String jdbc = "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";

    List<Segment> segments = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres");
         PreparedStatement ps = c.prepareStatement(
             "SELECT id, rules::text FROM segments WHERE store_id = ? AND type = 'dynamic' ORDER BY id")) {
      ps.setString(1, store);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          JsonArray rules = new JsonArray(rs.getString(2));
          List<Object> params = new ArrayList<>();
          String sql = all(rules, params);
          segments.add(new Segment(rs.getString(1), rules, RuleCompiler.compile(rules), sql, params));
        }
      }
    }

    // the sample of events and, per type, the candidate segments
    Map<String, Integer> weights = new java.util.LinkedHashMap<>();
    for (String part : mix.split(",")) {
      String[] tw = part.split(":");
      weights.put(tw[0], Integer.parseInt(tw[1]));
    }
    Map<String, List<Segment>> candidates = new HashMap<>();
    double meanCandidates = 0;
    int weightSum = weights.values().stream().mapToInt(Integer::intValue).sum();
    for (String type : weights.keySet()) {
      Set<String> changed = changedFields(type);
      List<Segment> list = new ArrayList<>();
      for (Segment s : segments) {
        if (!Collections.disjoint(s.compiled().fieldsRead(), changed)) {
          list.add(s);
        }
      }
      candidates.put(type, list);
      meanCandidates += (double) list.size() * weights.get(type) / weightSum;
      System.out.printf(Locale.ROOT, "SQLCMP candidates type=%s segments=%d%n", type, list.size());
    }
    System.out.printf(Locale.ROOT, "SQLCMP candidates mean_per_event=%.1f of %d segments%n", meanCandidates,
        segments.size());
    Random r = new Random(11);
    List<Event> sample = new ArrayList<>();
    String[] types = weights.keySet().toArray(new String[0]);
    for (int i = 0; i < 20_000; i++) {
      int x = r.nextInt(weightSum);
      String type = types[types.length - 1];
      for (String t : types) {
        x -= weights.get(t);
        if (x < 0) {
          type = t;
          break;
        }
      }
      sample.add(new Event(r.nextInt(customers), type));
    }
    Set<String> members = members(jdbc, store, sample);

    perDecision(jdbc, store, sample, candidates, members, duration, threads);
    perEvent(jdbc, store, sample, candidates, duration, threads);
    inMemory(jdbc, store, sample, candidates, members, duration);
  }

  static String customerId(int i) {
    return String.format(Locale.ROOT, "cust_bench%07d", i);
  }

  /** What CustomerState.apply reports as changed for an event of this type. */
  static Set<String> changedFields(String type) {
    Set<String> changed = new HashSet<>();
    changed.add("last_seen_at");
    changed.add("events:" + type);
    if (type.startsWith("order.")) {
      changed.addAll(ORDER_FIELDS);
    } else if (type.equals("cart.updated") || type.equals("checkout.started")) {
      changed.addAll(CART_FIELDS);
    }
    return changed;
  }

  static Set<String> members(String jdbc, String store, List<Event> sample) throws SQLException {
    Set<String> out = new HashSet<>();
    Set<String> ids = new HashSet<>();
    sample.forEach(e -> ids.add(customerId(e.customer())));
    try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres");
         PreparedStatement ps = c.prepareStatement(
             "SELECT segment_id, customer_id FROM segment_memberships WHERE store_id = ? AND customer_id = ANY(?)")) {
      ps.setString(1, store);
      ps.setArray(2, c.createArrayOf("text", ids.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1) + "|" + rs.getString(2));
        }
      }
    }
    return out;
  }

  // --- 3. one query per event per segment -------------------------------------------------------

  static void perDecision(String jdbc, String store, List<Event> sample, Map<String, List<Segment>> candidates,
                          Set<String> members, int duration, int threads) throws Exception {
    AtomicLong decisions = new AtomicLong();
    AtomicLong agree = new AtomicLong();
    AtomicLong checked = new AtomicLong();
    long warmupNanos = duration * 200_000_000L;
    long t0 = System.nanoTime();
    long measureFrom = t0 + warmupNanos;
    long end = measureFrom + duration * 1_000_000_000L;
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int offset = t * sample.size() / threads;
      Thread w = new Thread(() -> {
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres")) {
          Map<String, PreparedStatement> statements = new HashMap<>();
          long mine = 0;
          for (int i = offset; System.nanoTime() < end; i = (i + 1) % sample.size()) {
            Event e = sample.get(i);
            String cid = customerId(e.customer());
            for (Segment s : candidates.get(e.type())) {
              PreparedStatement ps = statements.get(s.id());
              if (ps == null) {
                ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM customers c WHERE c.store_id = ? AND c.id = ?"
                    + " AND " + s.sql() + ")");
                statements.put(s.id(), ps);
              }
              ps.setString(1, store);
              ps.setString(2, cid);
              bind(c, ps, 3, s.params());
              boolean in;
              try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                in = rs.getBoolean(1);
              }
              long now = System.nanoTime();
              if (now >= measureFrom && now < end) {
                mine++;
                if (checked.get() < 200_000) {
                  checked.incrementAndGet();
                  if (in == members.contains(s.id() + "|" + cid)) {
                    agree.incrementAndGet();
                  }
                }
              }
            }
          }
          decisions.addAndGet(mine);
        } catch (SQLException ex) {
          throw new RuntimeException(ex);
        }
      });
      w.start();
      workers.add(w);
    }
    for (Thread w : workers) {
      w.join();
    }
    System.out.printf(Locale.ROOT, "SQLCMP mode=per_decision threads=%d duration_s=%d decisions=%d decisions_per_s=%.0f"
            + " agreement_pct=%.2f checked=%d%n", threads, duration, decisions.get(),
        decisions.get() / (double) duration, 100.0 * agree.get() / Math.max(1, checked.get()), checked.get());
  }

  // --- 4. one query per event, every candidate a column -------------------------------------------

  static void perEvent(String jdbc, String store, List<Event> sample, Map<String, List<Segment>> candidates,
                       int duration, int threads) throws Exception {
    AtomicLong decisions = new AtomicLong();
    long t0 = System.nanoTime();
    long measureFrom = t0 + duration * 200_000_000L;
    long end = measureFrom + duration * 1_000_000_000L;
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int offset = t * sample.size() / threads;
      Thread w = new Thread(() -> {
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres")) {
          Map<String, PreparedStatement> statements = new HashMap<>();
          Map<String, List<Object>> params = new HashMap<>();
          long mine = 0;
          for (int i = offset; System.nanoTime() < end; i = (i + 1) % sample.size()) {
            Event e = sample.get(i);
            List<Segment> list = candidates.get(e.type());
            if (list.isEmpty()) {
              continue;
            }
            PreparedStatement ps = statements.get(e.type());
            if (ps == null) {
              StringBuilder sql = new StringBuilder("SELECT ");
              List<Object> all = new ArrayList<>();
              for (int k = 0; k < list.size(); k++) {
                sql.append(k == 0 ? "" : ", ").append(list.get(k).sql());
                all.addAll(list.get(k).params());
              }
              sql.append(" FROM customers c WHERE c.store_id = ? AND c.id = ?");
              ps = c.prepareStatement(sql.toString());
              statements.put(e.type(), ps);
              params.put(e.type(), all);
            }
            List<Object> all = params.get(e.type());
            bind(c, ps, 1, all);
            ps.setString(all.size() + 1, store);
            ps.setString(all.size() + 2, customerId(e.customer()));
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
            }
            long now = System.nanoTime();
            if (now >= measureFrom && now < end) {
              mine += list.size();
            }
          }
          decisions.addAndGet(mine);
        } catch (SQLException ex) {
          throw new RuntimeException(ex);
        }
      });
      w.start();
      workers.add(w);
    }
    for (Thread w : workers) {
      w.join();
    }
    System.out.printf(Locale.ROOT, "SQLCMP mode=per_event threads=%d duration_s=%d decisions=%d decisions_per_s=%.0f%n",
        threads, duration, decisions.get(), decisions.get() / (double) duration);
  }

  static void bind(Connection c, PreparedStatement ps, int from, List<Object> params) throws SQLException {
    int i = from;
    for (Object p : params) {
      if (p instanceof String[] a) {
        ps.setArray(i++, c.createArrayOf("text", a));
      } else if (p instanceof BigDecimal[] a) {
        ps.setArray(i++, c.createArrayOf("numeric", a));
      } else {
        ps.setObject(i++, p);
      }
    }
  }

  // --- 5. Shoal's compiled rules, in memory -------------------------------------------------------

  static void inMemory(String jdbc, String store, List<Event> sample, Map<String, List<Segment>> candidates,
                       Set<String> members, int duration) throws Exception {
    Map<Integer, Facts> facts = new HashMap<>();
    Set<String> ids = new HashSet<>();
    sample.forEach(e -> ids.add(customerId(e.customer())));
    try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres");
         PreparedStatement ps = c.prepareStatement("SELECT c.id, c.email, c.first_name, c.last_name, c.phone,"
             + " c.external_id, c.tags, c.address::text, c.metadata::text, c.email_consent, c.sms_consent,"
             + " c.push_consent, c.created_at, s.state::text, s.state_bin FROM customers c LEFT JOIN customer_eval_state s"
             + " ON s.store_id = c.store_id AND s.customer_id = c.id WHERE c.store_id = ? AND c.id = ANY(?)")) {
      ps.setString(1, store);
      ps.setArray(2, c.createArrayOf("text", ids.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Facts f = new Facts(rs);
          facts.put(Integer.parseInt(rs.getString(1).substring("cust_bench".length())), f);
        }
      }
    }
    long decisions = 0;
    long agree = 0;
    long checked = 0;
    long t0 = System.nanoTime();
    long measureFrom = t0 + duration * 200_000_000L;
    long end = measureFrom + duration * 1_000_000_000L;
    boolean sink = false;
    int i = 0;
    while (true) {
      long now = System.nanoTime();
      if (now >= end) {
        break;
      }
      Event e = sample.get(i);
      i = (i + 1) % sample.size();
      Facts f = facts.get(e.customer());
      Instant at = Instant.now();
      List<Segment> list = candidates.get(e.type());
      for (int k = 0; k < list.size(); k++) {
        Segment s = list.get(k);
        boolean in = s.compiled().test(f, at);
        sink ^= in;
        if (now >= measureFrom && checked < 1_000_000) {
          checked++;
          if (in == members.contains(s.id() + "|" + f.id)) {
            agree++;
          }
        }
      }
      if (now >= measureFrom) {
        decisions += list.size();
      }
    }
    System.out.printf(Locale.ROOT, "SQLCMP mode=rules_in_memory threads=1 duration_s=%d decisions=%d"
            + " decisions_per_s=%.0f agreement_pct=%.2f checked=%d%s%n", duration, decisions,
        decisions / (double) duration, 100.0 * agree / Math.max(1, checked), checked, sink ? "" : " ");
  }

  /** A customer's facts as the evaluator holds them (cf. CustomerState), read from the database. */
  static final class Facts implements CustomerFacts {
    final String id;
    final Map<String, Object> profile = new HashMap<>();
    final List<String> tags;
    final JsonObject address;
    final JsonObject metadata;
    final Instant createdAt;
    final Map<String, long[]> events = new HashMap<>();
    final Map<String, long[]> purchases = new HashMap<>();
    long totalOrders;
    BigDecimal totalSpent = BigDecimal.ZERO.setScale(2);
    long firstOrderAt = Long.MIN_VALUE;
    long lastOrderAt = Long.MIN_VALUE;
    long lastSeenAt = Long.MIN_VALUE;
    BigDecimal cartValue;
    long cartItems;
    long cartAt = Long.MIN_VALUE;

    Facts(ResultSet rs) throws SQLException {
      id = rs.getString(1);
      String[] names = {"email", "first_name", "last_name", "phone", "external_id"};
      for (int k = 0; k < names.length; k++) {
        if (rs.getString(2 + k) != null) {
          profile.put(names[k], rs.getString(2 + k));
        }
      }
      Array t = rs.getArray(7);
      String[] tagArray = t == null ? new String[0] : (String[]) t.getArray();
      tags = tagArray.length == 0 ? List.of() : List.of(tagArray);
      address = rs.getString(8) == null ? null : new JsonObject(rs.getString(8));
      JsonObject m = new JsonObject(rs.getString(9));
      metadata = m.isEmpty() ? null : m;
      profile.put("email_consent", rs.getBoolean(10));
      profile.put("sms_consent", rs.getBoolean(11));
      profile.put("push_consent", rs.getBoolean(12));
      createdAt = rs.getTimestamp(13).toInstant();
      // Since V22 the evaluator writes the state as bytes (state_bin) and leaves the JSON column
      // NULL; rows seeded by Seed.java are still JSON until the customer's next write.
      byte[] bin = rs.getBytes(15);
      JsonObject state = bin != null ? StoredStates.toJson(bin)
          : rs.getString(14) == null ? new JsonObject() : new JsonObject(rs.getString(14));
      BigDecimal spent = BigDecimal.ZERO;
      Map<String, List<Long>> bought = new HashMap<>();
      for (Map.Entry<String, Object> o : state.getJsonObject("orders", new JsonObject())) {
        JsonObject j = (JsonObject) o.getValue();
        if (j.getString("t") == null || j.getBoolean("c", false)) {
          continue;
        }
        long at = j.getLong("at");
        totalOrders++;
        spent = spent.add(new BigDecimal(j.getString("t")).subtract(new BigDecimal(j.getString("r", "0"))).max(BigDecimal.ZERO));
        firstOrderAt = firstOrderAt == Long.MIN_VALUE ? at : Math.min(firstOrderAt, at);
        lastOrderAt = Math.max(lastOrderAt, at);
        for (Object i : j.getJsonArray("i", new JsonArray())) {
          JsonObject item = (JsonObject) i;
          bought.computeIfAbsent("product:" + item.getString("product_id"), k -> new ArrayList<>()).add(at);
          if (item.getString("category_id") != null) {
            bought.computeIfAbsent("category:" + item.getString("category_id"), k -> new ArrayList<>()).add(at);
          }
        }
      }
      totalSpent = spent.setScale(2, RoundingMode.HALF_EVEN);
      bought.forEach((k, v) -> purchases.put(k, v.stream().mapToLong(Long::longValue).sorted().toArray()));
      for (Map.Entry<String, Object> e : state.getJsonObject("events", new JsonObject())) {
        JsonArray a = (JsonArray) e.getValue();
        long[] times = new long[a.size()];
        for (int k = 0; k < times.length; k++) {
          times[k] = a.getLong(k);
        }
        events.put(e.getKey(), times);
      }
      lastSeenAt = state.getLong("seen", Long.MIN_VALUE);
      JsonObject cart = state.getJsonObject("cart");
      if (cart != null) {
        cartAt = cart.getLong("at");
        cartValue = cart.getString("v") == null ? null : new BigDecimal(cart.getString("v"));
        cartItems = cart.getLong("n", 0L);
      }
    }

    @Override
    public Object value(String field) {
      switch (field) {
        case "tags":
          return tags;
        case "created_at":
          return createdAt;
        case "total_orders":
          return totalOrders;
        case "total_spent":
          return totalSpent;
        case "average_order_value":
          return totalOrders == 0 ? BigDecimal.ZERO.setScale(2)
              : totalSpent.divide(BigDecimal.valueOf(totalOrders), 2, RoundingMode.HALF_EVEN);
        case "first_order_at":
          return instant(firstOrderAt);
        case "last_order_at":
          return instant(lastOrderAt);
        case "last_seen_at":
          return instant(lastSeenAt);
        case "cart.value":
          return cartOpen() ? cartValue : null;
        case "cart.item_count":
          return cartOpen() ? cartItems : null;
        case "cart.updated_at":
          return cartOpen() ? instant(cartAt) : null;
        default:
          break;
      }
      if (field.startsWith("address.")) {
        return address == null ? null : address.getValue(field.substring(8));
      }
      if (field.startsWith("metadata.")) {
        return metadata == null ? null : metadata.getValue(field.substring(9));
      }
      return profile.get(field);
    }

    private boolean cartOpen() {
      return cartAt != Long.MIN_VALUE && cartAt > lastOrderAt && cartValue != null;
    }

    @Override
    public List<Instant> purchaseTimes(String kind, String id) {
      return instants(purchases.get(kind + ":" + id));
    }

    @Override
    public List<Instant> eventTimes(String type) {
      return instants(events.get(type));
    }

    private static List<Instant> instants(long[] times) {
      if (times == null) {
        return List.of();
      }
      Instant[] out = new Instant[times.length];
      for (int i = 0; i < times.length; i++) {
        out[i] = Instant.ofEpochMilli(times[i]);
      }
      return Arrays.asList(out);
    }

    private static Instant instant(long ms) {
      return ms == Long.MIN_VALUE ? null : Instant.ofEpochMilli(ms);
    }
  }

  // --- rules as SQL -------------------------------------------------------------------------------

  static final String LAST_SEEN = "(SELECT max(e.occurred_at) FROM events e WHERE e.store_id = c.store_id"
      + " AND e.customer_id = c.id)";
  /** The open cart: the latest cart event, if after the last order (as Shoal's cart.* fields). */
  static final String CART_VALUE = "(SELECT (e.data->>'total')::numeric FROM events e WHERE e.store_id = c.store_id"
      + " AND e.customer_id = c.id AND e.type IN ('cart.updated', 'checkout.started')"
      + " AND e.occurred_at > coalesce(c.last_order_at, '-infinity') ORDER BY e.occurred_at DESC LIMIT 1)";
  static final String AOV = "(CASE WHEN c.total_orders = 0 THEN 0 ELSE round(c.total_spent / c.total_orders, 2) END)";
  static final String NOT_CANCELLED = " AND NOT EXISTS (SELECT 1 FROM events x WHERE x.store_id = e.store_id"
      + " AND x.customer_id = e.customer_id AND x.type = 'order.cancelled' AND x.data->>'order_id' = e.data->>'order_id')";

  static String all(JsonArray rules, List<Object> params) {
    List<String> parts = new ArrayList<>();
    for (Object r : rules) {
      parts.add(rule((JsonObject) r, params));
    }
    return "(" + String.join(" AND ", parts) + ")";
  }

  static String rule(JsonObject r, List<Object> params) {
    if (r.containsKey("field")) {
      return condition(r.getString("field"), r.getString("operator"), r.getValue("value"), params);
    }
    if (r.containsKey("all")) {
      return all(r.getJsonArray("all"), params);
    }
    if (r.containsKey("any")) {
      List<String> parts = new ArrayList<>();
      for (Object x : r.getJsonArray("any")) {
        parts.add(rule((JsonObject) x, params));
      }
      return "(" + String.join(" OR ", parts) + ")";
    }
    if (r.containsKey("not")) {
      return "(NOT " + rule(r.getJsonObject("not"), params) + ")";
    }
    if (r.containsKey("bought")) {
      JsonObject b = r.getJsonObject("bought");
      boolean products = b.containsKey("product_ids");
      JsonArray ids = b.getJsonArray(products ? "product_ids" : "category_ids");
      params.add(new LinkedHashSet<>(ids.getList()).stream().map(Object::toString).toArray(String[]::new));
      String window = "";
      if (b.getValue("within_days") != null) {
        window = " AND e.occurred_at >= now() - make_interval(days => ?)";
        params.add(((Number) b.getValue("within_days")).intValue());
      }
      params.add(b.getInteger("min_count", 1));
      return "((SELECT count(*) FROM events e CROSS JOIN jsonb_array_elements(e.data->'items') it"
          + " WHERE e.store_id = c.store_id AND e.customer_id = c.id AND e.type = 'order.completed'"
          + " AND it->>'" + (products ? "product_id" : "category_id") + "' = ANY(?)" + window + NOT_CANCELLED
          + ") >= ?)";
    }
    if (r.containsKey("performed")) {
      JsonObject p = r.getJsonObject("performed");
      params.add(p.getString("event"));
      params.add(((Number) p.getValue("within_days")).intValue());
      boolean atLeast = p.containsKey("at_least");
      params.add(((Number) p.getValue(atLeast ? "at_least" : "at_most")).intValue());
      return "((SELECT count(*) FROM events e WHERE e.store_id = c.store_id AND e.customer_id = c.id"
          + " AND e.type = ? AND e.occurred_at >= now() - make_interval(days => ?)) " + (atLeast ? ">=" : "<=") + " ?)";
    }
    throw new IllegalArgumentException("rule not translated: " + r.encode());
  }

  static String condition(String field, String op, Object value, List<Object> params) {
    String expr;
    String kind;
    switch (field) {
      case "total_spent" -> { expr = "c.total_spent"; kind = "number"; }
      case "total_orders" -> { expr = "c.total_orders"; kind = "number"; }
      case "average_order_value" -> { expr = AOV; kind = "number"; }
      case "cart.value" -> { expr = CART_VALUE; kind = "number"; }
      case "last_order_at", "first_order_at", "created_at" -> { expr = "c." + field; kind = "time"; }
      case "last_seen_at" -> { expr = LAST_SEEN; kind = "time"; }
      case "tags" -> { expr = "c.tags"; kind = "list"; }
      case "email_consent", "sms_consent", "push_consent" -> { expr = "c." + field; kind = "bool"; }
      case "email", "first_name", "last_name", "phone", "external_id", "timezone" -> {
        expr = "c." + field;
        kind = "text";
      }
      default -> {
        if (field.startsWith("metadata.") || field.startsWith("address.")) {
          String column = field.startsWith("metadata.") ? "c.metadata" : "c.address";
          String k = field.substring(field.indexOf('.') + 1);
          if (!k.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("key not translated: " + field);
          }
          expr = "(" + column + "->>'" + k + "')";
          kind = "text";
        } else {
          throw new IllegalArgumentException("field not translated: " + field);
        }
      }
    }
    boolean missingHolds = op.equals("neq") || op.equals("nin") || op.equals("not_within_last");
    String test = switch (kind) {
      case "number" -> number(expr, op, value, params);
      case "time" -> time(expr, op, value, params);
      case "list" -> list(expr, op, value, params);
      case "bool" -> {
        params.add(value);
        yield expr + (op.equals("eq") ? " = ?" : " <> ?");
      }
      default -> text(expr, op, value, params);
    };
    if (op.equals("exists")) {
      return test;
    }
    return "coalesce(" + test + ", " + missingHolds + ")";
  }

  static BigDecimal num(Object v) {
    return new BigDecimal(v.toString());
  }

  static String number(String expr, String op, Object value, List<Object> params) {
    switch (op) {
      case "between" -> {
        JsonArray a = (JsonArray) value;
        params.add(num(a.getValue(0)));
        params.add(num(a.getValue(1)));
        return "(" + expr + " BETWEEN ? AND ?)";
      }
      case "in", "nin" -> {
        params.add(((JsonArray) value).stream().map(SqlCompare::num).toArray(BigDecimal[]::new));
        return "(" + (op.equals("nin") ? "NOT " : "") + expr + " = ANY(?))";
      }
      case "exists" -> {
        return "(" + expr + " IS " + (Boolean.FALSE.equals(value) ? "" : "NOT ") + "NULL)";
      }
      default -> {
        params.add(num(value));
        return "(" + expr + " " + comparison(op) + " ?)";
      }
    }
  }

  static String comparison(String op) {
    return switch (op) {
      case "eq" -> "=";
      case "neq" -> "<>";
      case "gt", "after" -> ">";
      case "gte" -> ">=";
      case "lt", "before" -> "<";
      case "lte" -> "<=";
      default -> throw new IllegalArgumentException("operator not translated: " + op);
    };
  }

  /** A time value as SQL: now() minus seconds for relative ones, else a timestamp parameter. */
  static String timeValue(Object v, List<Object> params) {
    String s = v.toString().trim().toLowerCase(Locale.ROOT);
    if (s.endsWith("_ago")) {
      params.add((double) span(s.substring(0, s.length() - 4)));
      return "(now() - make_interval(secs => ?))";
    }
    params.add(Timestamp.from(Instant.parse(v.toString())));
    return "?";
  }

  static long span(String s) {
    String[] p = s.split("_");
    long n = Long.parseLong(p[0]);
    return n * switch (p[1].replaceAll("s$", "")) {
      case "second" -> 1L;
      case "minute" -> 60L;
      case "hour" -> 3_600L;
      case "day" -> 86_400L;
      case "week" -> 604_800L;
      default -> throw new IllegalArgumentException("span not translated: " + s);
    };
  }

  static String time(String expr, String op, Object value, List<Object> params) {
    switch (op) {
      case "within_last" -> {
        params.add((double) span(value.toString()));
        return "(" + expr + " >= now() - make_interval(secs => ?))";
      }
      case "not_within_last" -> {
        params.add((double) span(value.toString()));
        return "(" + expr + " < now() - make_interval(secs => ?))";
      }
      case "between" -> {
        JsonArray a = (JsonArray) value;
        String low = timeValue(a.getValue(0), params);
        String high = timeValue(a.getValue(1), params);
        return "(" + expr + " BETWEEN " + low + " AND " + high + ")";
      }
      case "exists" -> {
        return "(" + expr + " IS " + (Boolean.FALSE.equals(value) ? "" : "NOT ") + "NULL)";
      }
      default -> {
        String bound = timeValue(value, params);
        return "(" + expr + " " + comparison(op) + " " + bound + ")";
      }
    }
  }

  static String list(String expr, String op, Object value, List<Object> params) {
    switch (op) {
      case "contains" -> {
        params.add(value.toString().toLowerCase(Locale.ROOT));
        return "EXISTS (SELECT 1 FROM unnest(" + expr + ") t WHERE lower(t) = ?)";
      }
      case "in", "nin" -> {
        params.add(((JsonArray) value).stream().map(x -> x.toString().toLowerCase(Locale.ROOT)).toArray(String[]::new));
        return "(" + (op.equals("nin") ? "NOT " : "") + "EXISTS (SELECT 1 FROM unnest(" + expr + ") t WHERE lower(t) = ANY(?)))";
      }
      case "exists" -> {
        return "(cardinality(" + expr + ") " + (Boolean.FALSE.equals(value) ? "=" : ">") + " 0)";
      }
      default -> throw new IllegalArgumentException("list operator not translated: " + op);
    }
  }

  static String text(String expr, String op, Object value, List<Object> params) {
    switch (op) {
      case "in", "nin" -> {
        params.add(((JsonArray) value).stream().map(x -> x.toString().toLowerCase(Locale.ROOT)).toArray(String[]::new));
        return "(" + (op.equals("nin") ? "NOT " : "") + "lower(" + expr + ") = ANY(?))";
      }
      case "contains" -> {
        params.add(value.toString().toLowerCase(Locale.ROOT));
        return "(strpos(lower(" + expr + "), ?) > 0)";
      }
      case "starts_with" -> {
        params.add(value.toString().toLowerCase(Locale.ROOT));
        return "starts_with(lower(" + expr + "), ?)";
      }
      case "exists" -> {
        return "(" + expr + " IS " + (Boolean.FALSE.equals(value) ? "" : "NOT ") + "NULL)";
      }
      default -> {
        params.add(value.toString().toLowerCase(Locale.ROOT));
        return "(lower(" + expr + ") " + comparison(op) + " ?)";
      }
    }
  }
}
