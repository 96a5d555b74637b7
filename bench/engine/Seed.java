import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Bulk-loads synthetic customers of one (existing) store straight into Shoal's PostgreSQL, as
 * Shoal itself would have left them after ingesting their history: the customers row (profile and
 * order aggregates), the evaluator's state (orders with their items, event times, open cart) and,
 * with --history, the events themselves in the event log (what a per-event SQL query reads).
 *
 *   java -cp target/shoal.jar bench/engine/Seed.java PG_PORT STORE_ID COUNT [--seed N] [--history]
 *
 * Customer i (0-based) has id cust_bench%07d, email c%07d@bench.example and external_id
 * ext%07d, so load generators can address any of them without a list. Every value is drawn from
 * a Random seeded by (seed, i): the same arguments give the same data, relative to the time of
 * seeding (relative-time rules such as 90_days_ago are evaluated against the real clock).
 *
 * The evaluator checkpoints are moved past the seeded events, so Shoal does not replay them.
 * Run it while Shoal is up (it is idle) and restart Shoal afterwards: it loads customers at start.
 */
public class Seed {

  static final String[] FIRST = {"Sarah", "John", "Mary", "James", "Linda", "Robert", "Emma", "Lukas", "Sofia", "Wei",
      "Priya", "Carlos", "Chloe", "Ivan", "Aisha", "Hiroshi", "Giulia", "Noah", "Olivia", "Mateo"};
  static final String[] LAST = {"Chen", "Smith", "Garcia", "Nguyen", "Mueller", "Rossi", "Kowalski", "Patel", "Tanaka",
      "Johnson", "Dubois", "Andersen", "Silva", "Kim", "Brown", "Lopez"};
  /** Tags and the probability each customer has it. */
  static final String[] TAGS = {"newsletter", "retail", "vip", "wholesale", "loyalty", "b2b", "influencer", "student",
      "gift", "employee", "eu", "us"};
  static final double[] TAG_P = {0.40, 0.30, 0.05, 0.04, 0.20, 0.03, 0.01, 0.08, 0.10, 0.005, 0.35, 0.45};
  static final String[] SOURCES = {"web", "web", "web", "pos", "instagram", "tiktok", "referral", "import"};
  static final String[] PLANS = {"free", "free", "free", "basic", "basic", "gold", "platinum"};
  /** Cities (with their country), drawn with Zipf weights: a few big, many small. */
  static final String[][] CITIES = {
      {"New York", "US"}, {"London", "GB"}, {"Berlin", "DE"}, {"Paris", "FR"}, {"Los Angeles", "US"},
      {"Chicago", "US"}, {"Madrid", "ES"}, {"Rome", "IT"}, {"Toronto", "CA"}, {"Sydney", "AU"},
      {"Hamburg", "DE"}, {"Munich", "DE"}, {"Manchester", "GB"}, {"Lyon", "FR"}, {"Milan", "IT"},
      {"Barcelona", "ES"}, {"Houston", "US"}, {"Seattle", "US"}, {"Boston", "US"}, {"Austin", "US"},
      {"Vienna", "AT"}, {"Zurich", "CH"}, {"Amsterdam", "NL"}, {"Dublin", "IE"}, {"Lisbon", "PT"},
      {"Prague", "CZ"}, {"Warsaw", "PL"}, {"Oslo", "NO"}, {"Stockholm", "SE"}, {"Copenhagen", "DK"},
      {"Denver", "US"}, {"Portland", "US"}, {"Miami", "US"}, {"Atlanta", "US"}, {"Dallas", "US"},
      {"Vancouver", "CA"}, {"Montreal", "CA"}, {"Melbourne", "AU"}, {"Brisbane", "AU"}, {"Auckland", "NZ"}};
  static final int PRODUCTS = 500;
  static final int CATEGORIES = 40;
  static final long DAY = 86_400_000L;
  static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSxxx").withZone(ZoneOffset.UTC);

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: Seed PG_PORT STORE_ID COUNT [--seed N] [--history]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    String storeId = args[1];
    int count = Integer.parseInt(args[2]);
    long seed = 42;
    boolean history = false;
    for (int i = 3; i < args.length; i++) {
      switch (args[i]) {
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--history" -> history = true;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
        "postgres", "postgres")) {
      seed(c, storeId, count, seed, history);
    }
  }

  static void seed(Connection c, String storeId, int count, long seed, boolean history) throws Exception {
    long t0 = System.nanoTime();
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM customers WHERE store_id = ?")) {
      ps.setString(1, storeId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (rs.getLong(1) > 0) {
          throw new IllegalStateException("store " + storeId + " already has " + rs.getLong(1) + " customers");
        }
      }
    }
    long now = System.currentTimeMillis();
    c.setAutoCommit(false);
    List<String> indexDefs = dropSecondaryIndexes(c, "customers");
    indexDefs.addAll(dropSecondaryIndexes(c, "events"));

    PGConnection pg = c.unwrap(PGConnection.class);
    Writer customers = writer(pg, "COPY customers (store_id, id, email, first_name, last_name, phone, external_id,"
        + " tags, address, metadata, email_consent, sms_consent, push_consent, total_orders, total_spent,"
        + " first_order_at, last_order_at, created_at, updated_at) FROM STDIN");
    // one COPY at a time per connection: states and events are spooled to temp files, then copied
    java.nio.file.Path statesFile = java.nio.file.Files.createTempFile("seed-states", ".tsv");
    java.nio.file.Path eventsFile = java.nio.file.Files.createTempFile("seed-events", ".tsv");
    long events = 0;
    long orders = 0;
    try (Writer states = java.nio.file.Files.newBufferedWriter(statesFile);
         Writer evs = java.nio.file.Files.newBufferedWriter(eventsFile)) {
      StringBuilder row = new StringBuilder(1024);
      StringBuilder state = new StringBuilder(2048);
      for (int i = 0; i < count; i++) {
        Customer cu = generate(i, seed, now);
        orders += cu.orders.size();
        row.setLength(0);
        row.append(storeId).append('\t').append(cu.id).append('\t')
            .append(String.format(Locale.ROOT, "c%07d@bench.example", i)).append('\t')
            .append(cu.first).append('\t').append(cu.last).append('\t')
            .append(cu.phone == null ? "\\N" : cu.phone).append('\t')
            .append(String.format(Locale.ROOT, "ext%07d", i)).append('\t')
            .append('{').append(String.join(",", cu.tags)).append('}').append('\t')
            .append(cu.address == null ? "\\N" : cu.address).append('\t')
            .append(cu.metadata).append('\t')
            .append(cu.emailConsent ? 't' : 'f').append('\t').append(cu.smsConsent ? 't' : 'f').append('\t')
            .append('f').append('\t')
            .append(cu.orders.size()).append('\t').append(money(cu.spentCents)).append('\t')
            .append(ts(cu.firstOrder)).append('\t').append(ts(cu.lastOrder)).append('\t')
            .append(ts(cu.created)).append('\t').append(ts(cu.created)).append('\n');
        customers.append(row);

        state.setLength(0);
        cu.stateJson(state);
        states.append(storeId).append('\t').append(cu.id).append('\t').append(ts(cu.seen)).append('\t');
        appendCopyText(states, state);
        states.append('\n');

        if (history) {
          events += cu.writeEvents(evs, storeId, i);
        }
        if ((i + 1) % 200_000 == 0) {
          System.out.printf("seed: %,d customers generated (%.0f s)%n", i + 1, (System.nanoTime() - t0) / 1e9);
        }
      }
    }
    customers.close();
    copyFile(pg, "COPY customer_eval_state (store_id, customer_id, last_seen_at, state) FROM STDIN", statesFile);
    if (history) {
      copyFile(pg, "COPY events (store_id, id, type, customer_id, occurred_at, received_at, data) FROM STDIN", eventsFile);
    }
    java.nio.file.Files.deleteIfExists(statesFile);
    java.nio.file.Files.deleteIfExists(eventsFile);
    System.out.printf("seed: COPY of %,d customers (%,d orders) and %,d history events done in %.0f s;"
        + " rebuilding %d indexes%n", count, orders, events, (System.nanoTime() - t0) / 1e9, indexDefs.size());
    try (Statement st = c.createStatement()) {
      st.execute("SET LOCAL maintenance_work_mem = '512MB'");
      for (String def : indexDefs) {
        st.execute(def);
      }
      // Shoal must not replay the seeded history: its effect is in the states already.
      st.execute("INSERT INTO evaluator_checkpoints (partition, last_seq)"
          + " SELECT p, (SELECT coalesce(max(seq), 0) FROM events) FROM generate_series(0, 255) p"
          + " ON CONFLICT (partition) DO UPDATE SET last_seq = EXCLUDED.last_seq");
    }
    c.commit();
    c.setAutoCommit(true);
    try (Statement st = c.createStatement()) {
      st.execute("VACUUM (ANALYZE) customers");
      st.execute("VACUUM (ANALYZE) customer_eval_state");
      st.execute("VACUUM (ANALYZE) events");
      st.execute("CHECKPOINT");
    }
    System.out.printf("seed: store %s has %,d customers; total %.0f s%n", storeId, count, (System.nanoTime() - t0) / 1e9);
  }

  // --- one customer ---------------------------------------------------------------------------

  record Order(String id, long at, long totalCents, int[] products, int[] quantities, long[] priceCents) {}

  static final class Customer {
    String id;
    String first;
    String last;
    String phone;
    List<String> tags = new ArrayList<>();
    String address;
    String metadata;
    boolean emailConsent;
    boolean smsConsent;
    long created;
    List<Order> orders = new ArrayList<>();
    long spentCents;
    long firstOrder = Long.MIN_VALUE;
    long lastOrder = Long.MIN_VALUE;
    long[] pageViews = new long[0];
    long cartAt = Long.MIN_VALUE;
    long cartCents;
    int cartItems;
    int cartProduct;
    long seen = Long.MIN_VALUE;

    /** The evaluator's state, in the form CustomerState.loadJson reads. */
    void stateJson(StringBuilder s) {
      s.append("{\"orders\":{");
      for (int k = 0; k < orders.size(); k++) {
        Order o = orders.get(k);
        if (k > 0) {
          s.append(',');
        }
        s.append('"').append(o.id).append("\":{\"r\":\"0\",\"t\":\"").append(money(o.totalCents))
            .append("\",\"at\":").append(o.at).append(",\"i\":");
        items(s, o);
        s.append('}');
      }
      s.append("},\"events\":{");
      boolean firstType = true;
      if (!orders.isEmpty()) {
        long[] times = orders.stream().mapToLong(Order::at).sorted().toArray();
        s.append("\"order.completed\":");
        longs(s, times);
        firstType = false;
      }
      if (pageViews.length > 0) {
        s.append(firstType ? "" : ",").append("\"page.viewed\":");
        longs(s, pageViews);
        firstType = false;
      }
      if (cartAt != Long.MIN_VALUE) {
        s.append(firstType ? "" : ",").append("\"cart.updated\":[").append(cartAt).append(']');
      }
      s.append('}');
      if (seen != Long.MIN_VALUE) {
        s.append(",\"seen\":").append(seen);
      }
      if (cartAt != Long.MIN_VALUE) {
        s.append(",\"cart\":{\"id\":\"cart-").append(id).append("\",\"v\":\"").append(money(cartCents))
            .append("\",\"n\":").append(cartItems).append(",\"at\":").append(cartAt).append('}');
      }
      s.append(",\"profile_at\":").append(created).append('}');
    }

    static void items(StringBuilder s, Order o) {
      s.append('[');
      for (int j = 0; j < o.products.length; j++) {
        if (j > 0) {
          s.append(',');
        }
        s.append("{\"product_id\":\"p").append(o.products[j]).append("\",\"category_id\":\"cat")
            .append(o.products[j] % CATEGORIES).append("\",\"quantity\":").append(o.quantities[j])
            .append(",\"price\":").append(money(o.priceCents[j])).append('}');
      }
      s.append(']');
    }

    /** The customer's history as rows of the event log; answers how many. */
    int writeEvents(Writer w, String storeId, int index) throws java.io.IOException {
      int n = 0;
      StringBuilder data = new StringBuilder(512);
      for (Order o : orders) {
        data.setLength(0);
        data.append("{\"order_id\":\"").append(o.id).append("\",\"total\":").append(money(o.totalCents))
            .append(",\"currency\":\"USD\",\"items\":");
        items(data, o);
        data.append('}');
        event(w, storeId, "evt_bench_" + o.id, "order.completed", o.at, data);
        n++;
      }
      for (int k = 0; k < pageViews.length; k++) {
        data.setLength(0);
        data.append("{\"url\":\"/products/p").append((index * 7 + k) % PRODUCTS).append("\"}");
        event(w, storeId, "evt_bench_pv" + index + "_" + k, "page.viewed", pageViews[k], data);
        n++;
      }
      if (cartAt != Long.MIN_VALUE) {
        data.setLength(0);
        data.append("{\"cart_id\":\"cart-").append(id).append("\",\"total\":").append(money(cartCents))
            .append(",\"items\":[{\"product_id\":\"p").append(cartProduct).append("\",\"quantity\":")
            .append(cartItems).append("}]}");
        event(w, storeId, "evt_bench_cart" + index, "cart.updated", cartAt, data);
        n++;
      }
      return n;
    }

    private void event(Writer w, String storeId, String eventId, String type, long at, CharSequence data)
        throws java.io.IOException {
      w.append(storeId).append('\t').append(eventId).append('\t').append(type).append('\t').append(id).append('\t')
          .append(ts(at)).append('\t').append(ts(at)).append('\t');
      appendCopyText(w, data);
      w.append('\n');
    }
  }

  static Customer generate(int i, long seed, long now) {
    Random r = new Random(seed * 1_000_003L + i);
    Customer c = new Customer();
    c.id = String.format(Locale.ROOT, "cust_bench%07d", i);
    c.first = FIRST[r.nextInt(FIRST.length)];
    c.last = LAST[r.nextInt(LAST.length)];
    c.phone = r.nextDouble() < 0.5 ? String.format(Locale.ROOT, "+1555%07d", i) : null;
    for (int t = 0; t < TAGS.length; t++) {
      if (r.nextDouble() < TAG_P[t]) {
        c.tags.add(TAGS[t]);
      }
    }
    if (r.nextDouble() < 0.8) {
      String[] city = CITIES[zipf(r, CITIES.length)];
      c.address = "{\"city\": \"" + city[0] + "\", \"country\": \"" + city[1] + "\", \"postal_code\": \""
          + (10000 + r.nextInt(89999)) + "\"}";
    }
    c.metadata = "{\"source\": \"" + SOURCES[r.nextInt(SOURCES.length)] + "\", \"plan\": \""
        + PLANS[r.nextInt(PLANS.length)] + "\"}";
    c.emailConsent = r.nextDouble() < 0.6;
    c.smsConsent = r.nextDouble() < 0.25;
    c.created = now - (long) (r.nextDouble() * 3 * 365 * DAY);

    // Orders: 30% none; otherwise 1 + geometric (mean about 3), at random times since sign-up
    // within the last two years; totals log-normal (median about 55).
    int n = r.nextDouble() < 0.3 ? 0 : 1 + (int) Math.min(39, -Math.log(1 - r.nextDouble()) * 2.2);
    long from = Math.max(c.created, now - 730 * DAY);
    long[] times = new long[n];
    for (int k = 0; k < n; k++) {
      times[k] = from + (long) (r.nextDouble() * (now - from));
    }
    Arrays.sort(times);
    for (int k = 0; k < n; k++) {
      int lines = 1 + (r.nextDouble() < 0.4 ? 1 + r.nextInt(2) : 0);
      int[] products = new int[lines];
      int[] qty = new int[lines];
      long[] price = new long[lines];
      long total = 0;
      for (int j = 0; j < lines; j++) {
        products[j] = zipf(r, PRODUCTS);
        qty[j] = r.nextDouble() < 0.85 ? 1 : 2;
        price[j] = Math.max(100, Math.round(Math.exp(3.5 + r.nextGaussian() * 0.7) * 100));
        total += price[j] * qty[j];
      }
      c.orders.add(new Order("o" + i + "-" + k, times[k], total, products, qty, price));
      c.spentCents += total;
    }
    if (n > 0) {
      c.firstOrder = times[0];
      c.lastOrder = times[n - 1];
      c.seen = c.lastOrder;
    }
    // Page views: 25% none; otherwise geometric (mean about 8) over the last 60 days.
    int views = r.nextDouble() < 0.25 ? 0 : 1 + (int) Math.min(99, -Math.log(1 - r.nextDouble()) * 7);
    c.pageViews = new long[views];
    for (int k = 0; k < views; k++) {
      c.pageViews[k] = now - (long) (r.nextDouble() * 60 * DAY);
    }
    Arrays.sort(c.pageViews);
    if (views > 0) {
      c.seen = Math.max(c.seen, c.pageViews[views - 1]);
    }
    // An open cart (updated after the last order) for 20%.
    if (r.nextDouble() < 0.2) {
      c.cartAt = Math.max(c.lastOrder == Long.MIN_VALUE ? 0 : c.lastOrder + 1000, now - (long) (r.nextDouble() * 14 * DAY));
      c.cartProduct = zipf(r, PRODUCTS);
      c.cartItems = 1 + r.nextInt(3);
      c.cartCents = c.cartItems * Math.max(100, Math.round(Math.exp(3.5 + r.nextGaussian() * 0.7) * 100));
      c.seen = Math.max(c.seen, c.cartAt);
    }
    return c;
  }

  // --- helpers ----------------------------------------------------------------------------------

  /** Index 0..n-1 with probability roughly proportional to 1/(k+1) (Zipf, s = 1): a few popular, many rare. */
  static int zipf(Random r, int n) {
    int k = (int) Math.exp(r.nextDouble() * Math.log(n + 1)) - 1;
    return Math.max(0, Math.min(n - 1, k));
  }

  static List<String> dropSecondaryIndexes(Connection c, String table) throws SQLException {
    List<String> defs = new ArrayList<>();
    List<String> names = new ArrayList<>();
    try (Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)"
             + " FROM pg_index i WHERE i.indrelid = '" + table + "'::regclass AND NOT i.indisprimary"
             + " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY 1")) {
      while (rs.next()) {
        names.add(rs.getString(1));
        defs.add(rs.getString(2));
      }
    }
    try (Statement st = c.createStatement()) {
      for (String n : names) {
        st.execute("DROP INDEX " + n);
      }
    }
    return defs;
  }

  static Writer writer(PGConnection pg, String copy) throws SQLException {
    return new BufferedWriter(new OutputStreamWriter(new PGCopyOutputStream(pg, copy, 1 << 20),
        StandardCharsets.UTF_8), 1 << 20);
  }

  static void copyFile(PGConnection pg, String copy, java.nio.file.Path file) throws Exception {
    try (java.io.Reader in = java.nio.file.Files.newBufferedReader(file)) {
      pg.getCopyAPI().copyIn(copy, in, 1 << 20);
    }
  }

  /** COPY text format: backslashes doubled (the JSON we write has no tabs or newlines). */
  static void appendCopyText(Appendable w, CharSequence s) throws java.io.IOException {
    for (int k = 0; k < s.length(); k++) {
      char ch = s.charAt(k);
      if (ch == '\\') {
        w.append("\\\\");
      } else {
        w.append(ch);
      }
    }
  }

  static String money(long cents) {
    return String.format(Locale.ROOT, "%d.%02d", cents / 100, cents % 100);
  }

  static String ts(long ms) {
    return ms == Long.MIN_VALUE ? "\\N" : TS.format(Instant.ofEpochMilli(ms));
  }

  static void longs(StringBuilder s, long[] v) {
    s.append('[');
    for (int k = 0; k < v.length; k++) {
      if (k > 0) {
        s.append(',');
      }
      s.append(v[k]);
    }
    s.append(']');
  }
}
