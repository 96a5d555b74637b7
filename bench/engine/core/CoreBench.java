package io.shoal.segment.eval;

import io.shoal.event.LoggedEvent;
import io.shoal.segment.SegmentDefinition;
import io.shoal.segment.StorefrontFields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.shoal.metrics.MetricsSettings;
import io.shoal.metrics.live.LiveMetrics;
import io.vertx.sqlclient.Row;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * 60 days, an open cart for one in five) and, unless {@code PROFILES=0}, a profile like Seed.java's
 * (email, names, phone for half, tags, address for 80 %, metadata, consents; drawn from a random of
 * their own, so the histories are those of the runs without profiles); the measured events follow
 * ingest.lua's mix: page.viewed 50, cart.updated 20, order.completed 30, each for a random customer.
 * Customer metrics are on as in a server's default configuration unless {@code METRICS=0}, and are
 * computed once for every customer after loading, as the server's periodic recompute does.
 *
 * <p>{@code MEMORY=1}: instead of the CPU rounds' figures alone, it also prints the live heap
 * (jmap -histo:live, exact bytes of reachable objects) before the customers, after them, after
 * the segments' sync and after the rounds' events, with the bytes per customer and the top
 * classes of the histogram.
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
    boolean profiles = !"0".equals(System.getenv("PROFILES"));
    boolean memory = "1".equals(System.getenv("MEMORY"));
    LiveMetrics metrics = "0".equals(System.getenv("METRICS")) ? null : new LiveMetrics(true, MetricsSettings.DEFAULT);
    Random pr = new Random(seed + 1);
    long heapEmpty = memory ? liveHeap(0, 0) : 0;
    long heapAfter;
    PartitionCore core = new PartitionCore(0, 1, metrics, at -> { });
    long seq = 0;
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < customers; i++) {
      String id = "cust_" + i;
      ids.add(id);
      CustomerState c = core.newCustomer(STORE, id, null);
      number(c, i + 1);
      if (profiles) {
        c.setProfile(profile(pr, i, now));
      }
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
    if (metrics != null) {
      core.recompute(STORE, core.customersOf(STORE), now);
    }
    core.takePending();
    long heapCustomers = memory ? liveHeap(0, 0) : 0;
    Instant start = Instant.ofEpochMilli(now);
    int n = 0;
    for (String line : rules) {
      String id = "seg_" + n++;
      core.backfill(core.install(new SegmentDefinition(STORE, id, n, id, SegmentDefinition.DYNAMIC, new JsonArray(line),
          new JsonObject(), 0, "synced", 1, null, null, SegmentDefinition.CREATED, null, false, null, null,
          StorefrontFields.NONE)), start, false);
    }
    core.takePending();
    System.out.printf("customers=%d segments=%d events/round=%d profiles=%s metrics=%s%n", customers, rules.size(),
        events, profiles, metrics != null);
    printMembers(core, ids, "after the segments' sync");
    if (memory) {
      long heapSegments = liveHeap(customers, 30);
      System.out.printf("memory live_heap_empty=%d after_customers=%d after_segments=%d%n", heapEmpty, heapCustomers,
          heapSegments);
      System.out.printf("memory bytes_per_customer_without_segments=%.0f with_segments=%.0f%n",
          (heapCustomers - heapEmpty) / (double) customers, (heapSegments - heapEmpty) / (double) customers);
    }
    long clock = now;
    for (int round = 0; round < rounds; round++) {
      long flips = 0;
      long[] written = new long[2];
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
          flips += write(core, core.takePending(), cpu, written);
        }
      }
      flips += write(core, core.takePending(), cpu, written);
      long ns = cpu.getCurrentThreadCpuTime() - cpuStart - written[0];
      System.out.printf("round=%d cpu_us_per_event=%.1f events_per_cpu_s=%.0f flips_per_event=%.2f%n", round,
          ns / 1000.0 / events, events / (ns / 1e9), (double) flips / events);
      System.out.printf("lists round=%d member_nums_us_per_event=%.2f member_lists_per_event=%.2f%n", round,
          written[0] / 1000.0 / events, (double) written[1] / events);
    }
    printMembers(core, ids, "after the rounds");
    if ("1".equals(System.getenv("CHECKS"))) {
      clock = checks(core, ids, cpu, clock);
    }
    if (memory) {
      System.out.printf("memory after_events=%d bytes_per_customer=%.0f (after %d events)%n",
          heapAfter = liveHeap(customers, 12), (heapAfter - heapEmpty) / (double) customers, (long) events * rounds);
    }
    java.lang.ref.Reference.reachabilityFence(core); // measured above with its customers, not collected before
  }

  /**
   * {@code CHECKS=1}, after the rounds: the time checks alone, no events. First the checks that came due
   * while a server was down ({@code OVERDUE_DAYS}, default 2, of time passed at once: taken as a start
   * takes them and run a slice of {@code DUE_CHECKS_PER_TURN} at a time), then {@code DAYS} (default 30) of
   * time passing in steps of {@code STEP_MINUTES} (default 60), the due checks run at each step. Prints the
   * CPU per check and per simulated day, the checks and flips, and the memberships' hash after each part:
   * two jars that decide the same print the same hashes and flips (their checks may differ in number).
   */
  private static long checks(PartitionCore core, List<String> ids, ThreadMXBean cpu, long clock) throws Exception {
    long[] written = new long[2];
    clock += (long) (Double.parseDouble(System.getenv().getOrDefault("OVERDUE_DAYS", "2")) * DAY);
    long cpuStart = cpu.getCurrentThreadCpuTime();
    int overdue = core.takeOverdue(clock);
    long flips = 0;
    int slices = 0;
    long longestSlice = 0;
    boolean more = overdue > 0;
    while (more) {
      long sliceStart = cpu.getCurrentThreadCpuTime();
      more = core.runOverdueChecks(clock, PartitionCore.DUE_CHECKS_PER_TURN);
      longestSlice = Math.max(longestSlice, cpu.getCurrentThreadCpuTime() - sliceStart);
      slices++;
      flips += write(core, core.takePending(), cpu, written);
    }
    long ns = cpu.getCurrentThreadCpuTime() - cpuStart - written[0];
    System.out.printf("checks overdue=%d slices=%d cpu_ms=%.1f cpu_us_per_check=%.1f longest_slice_ms=%.1f flips=%d%n",
        overdue, slices, ns / 1e6, ns / 1000.0 / Math.max(1, overdue), longestSlice / 1e6, flips);
    printMembers(core, ids, "after the overdue checks");
    int days = Integer.parseInt(System.getenv().getOrDefault("DAYS", "30"));
    long step = Long.parseLong(System.getenv().getOrDefault("STEP_MINUTES", "60")) * 60_000L;
    long end = clock + days * DAY;
    long checks = 0;
    flips = 0;
    written[0] = 0;
    cpuStart = cpu.getCurrentThreadCpuTime();
    while (clock < end) {
      clock += step;
      for (int ran; (ran = core.runDueChecks(clock)) > 0; ) {
        checks += ran;
      }
      flips += write(core, core.takePending(), cpu, written);
    }
    ns = cpu.getCurrentThreadCpuTime() - cpuStart - written[0];
    System.out.printf("checks days=%d due=%d cpu_ms=%.1f cpu_us_per_check=%.1f cpu_ms_per_day=%.1f flips=%d%n", days,
        checks, ns / 1e6, ns / 1000.0 / Math.max(1, checks), ns / 1e6 / days, flips);
    printMembers(core, ids, "after the days of checks");
    return clock;
  }

  /**
   * What the batch writer does with a batch's customers whose memberships changed: their stored
   * lists made ({@code PartitionCore.memberNums}, per customer or, where the jar has it, per
   * batch). Timed apart ({@code written[0]}, CPU ns; {@code written[1]} lists made) and left out of
   * the round's CPU per event, so that figure stays the one earlier passes measured. Answers the
   * batch's transitions.
   */
  private static int write(PartitionCore core, PartitionCore.Pending p, ThreadMXBean cpu, long[] written)
      throws Exception {
    long start = cpu.getCurrentThreadCpuTime();
    List<CustomerState> changed = new ArrayList<>();
    List<int[]> edits = new ArrayList<>();
    for (CustomerState c : p.dirty().keySet()) {
      if (c.membershipsDirty) {
        c.membershipsDirty = false;
        changed.add(c);
        edits.add(c.takeMembershipEdits());
      }
    }
    if (BATCH_LISTS != null) {
      BATCH_LISTS.invoke(core, changed, edits); // a batch's lists at once, where the jar makes them so
    } else {
      for (int i = 0; i < changed.size(); i++) {
        core.memberNums(changed.get(i), edits.get(i));
      }
    }
    written[1] += changed.size();
    written[0] += cpu.getCurrentThreadCpuTime() - start;
    return p.transitions().size();
  }

  private static final java.lang.reflect.Method BATCH_LISTS = batchLists();

  private static java.lang.reflect.Method batchLists() {
    try {
      return PartitionCore.class.getDeclaredMethod("memberNums", List.class, List.class);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  /**
   * Gives the customer its number (customers.num, V70) also when no profile row sets it
   * ({@code PROFILES=0}): the field set by reflection, so the same source compiles against jars
   * with and without the field (before V70).
   */
  private static void number(CustomerState c, int num) throws Exception {
    if (NUM != null) {
      NUM.setInt(c, num);
    }
  }

  private static final java.lang.reflect.Field NUM = numField();

  private static java.lang.reflect.Field numField() {
    try {
      java.lang.reflect.Field f = CustomerState.class.getDeclaredField("num");
      f.setAccessible(true);
      return f;
    } catch (NoSuchFieldException e) {
      return null;
    }
  }

  /** Every membership, counted and hashed: two jars that decide the same print the same line. */
  private static void printMembers(PartitionCore core, List<String> ids, String when) {
    long members = 0;
    long hash = 0;
    for (String id : ids) {
      String m = core.memberNums(core.customer(STORE, id));
      if (!m.isEmpty()) {
        members += m.chars().filter(ch -> ch == ',').count() + 1;
        hash = hash * 31 + (id + ":" + m).hashCode();
      }
    }
    System.out.printf("members=%d hash=%016x (%s)%n", members, hash, when);
  }

  /**
   * The bytes of reachable objects (jmap -histo:live forces a full GC first); with {@code top} > 0
   * also prints the histogram's first lines with each class's bytes per customer.
   */
  private static long liveHeap(int customers, int top) throws Exception {
    Process p = new ProcessBuilder("jmap", "-histo:live", Long.toString(ProcessHandle.current().pid()))
        .redirectErrorStream(true).start();
    long total = -1;
    int shown = 0;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 3 && f[0].equals("Total")) {
          total = Long.parseLong(f[2]);
        } else if (top > 0 && f.length >= 4 && f[0].endsWith(":") && shown < top) {
          shown++;
          System.out.printf("histo %3d %10s instances %11s bytes %7.1f B/customer %s%n", shown, f[1], f[2],
              Long.parseLong(f[2]) / (double) customers, f[3]);
        }
      }
    }
    p.waitFor();
    if (total < 0) {
      throw new IllegalStateException("jmap -histo:live gave no total");
    }
    return total;
  }

  /** A customers row like Seed.java's, as the evaluator reads it (fresh strings, as a driver decodes them). */
  private static Row profile(Random r, int i, long now) {
    Map<String, Object> v = new HashMap<>();
    v.put("email", String.format(Locale.ROOT, "c%07d@bench.example", i));
    v.put("first_name", new String(FIRST[r.nextInt(FIRST.length)]));
    v.put("last_name", new String(LAST[r.nextInt(LAST.length)]));
    v.put("phone", r.nextDouble() < 0.5 ? String.format(Locale.ROOT, "+1555%07d", i) : null);
    v.put("external_id", String.format(Locale.ROOT, "ext%07d", i));
    List<String> tags = new ArrayList<>();
    for (int t = 0; t < TAGS.length; t++) {
      if (r.nextDouble() < TAG_P[t]) {
        tags.add(new String(TAGS[t]));
      }
    }
    v.put("tags", tags.toArray(new String[0]));
    if (r.nextDouble() < 0.8) {
      String[] city = CITIES[r.nextInt(CITIES.length)];
      v.put("address", new JsonObject("{\"city\": \"" + city[0] + "\", \"country\": \"" + city[1]
          + "\", \"postal_code\": \"" + (10000 + r.nextInt(89999)) + "\"}"));
    }
    v.put("metadata", new JsonObject("{\"source\": \"" + SOURCES[r.nextInt(SOURCES.length)] + "\", \"plan\": \""
        + PLANS[r.nextInt(PLANS.length)] + "\"}"));
    v.put("email_consent", r.nextDouble() < 0.6);
    v.put("sms_consent", r.nextDouble() < 0.25);
    v.put("push_consent", false);
    OffsetDateTime created = OffsetDateTime.ofInstant(Instant.ofEpochMilli(now - (long) (r.nextDouble() * 3 * 365 * DAY)),
        ZoneOffset.UTC);
    v.put("created_at", created);
    v.put("updated_at", created);
    v.put("num", i + 1);
    Map<Integer, String> byPosition = Map.ofEntries(Map.entry(EvaluationStore.EMAIL, "email"),
        Map.entry(EvaluationStore.FIRST_NAME, "first_name"), Map.entry(EvaluationStore.LAST_NAME, "last_name"),
        Map.entry(EvaluationStore.PHONE, "phone"), Map.entry(EvaluationStore.EXTERNAL_ID, "external_id"),
        Map.entry(EvaluationStore.TIMEZONE, "timezone"), Map.entry(EvaluationStore.TAGS, "tags"),
        Map.entry(EvaluationStore.ADDRESS, "address"), Map.entry(EvaluationStore.METADATA, "metadata"),
        Map.entry(EvaluationStore.EMAIL_CONSENT, "email_consent"), Map.entry(EvaluationStore.SMS_CONSENT, "sms_consent"),
        Map.entry(EvaluationStore.PUSH_CONSENT, "push_consent"), Map.entry(EvaluationStore.CREATED_AT, "created_at"),
        Map.entry(EvaluationStore.UPDATED_AT, "updated_at"), Map.entry(EvaluationStore.NUM, "num"));
    return (Row) Proxy.newProxyInstance(Row.class.getClassLoader(), new Class<?>[] {Row.class}, (proxy, m, a) -> {
      // the evaluator reads its customers row by position (EvaluationStore's column constants)
      if (a != null && a.length == 1 && m.getName().startsWith("get")) {
        Object value = v.get(a[0] instanceof Integer position ? byPosition.get(position) : a[0]);
        return value instanceof JsonObject json && m.getName().equals("getString") ? json.encode() : value;
      }
      throw new UnsupportedOperationException(m.getName());
    });
  }

  private static final String[] FIRST = {"Sarah", "John", "Mary", "James", "Linda", "Robert", "Emma", "Lukas", "Sofia",
      "Wei", "Priya", "Carlos", "Chloe", "Ivan", "Aisha", "Hiroshi", "Giulia", "Noah", "Olivia", "Mateo"};
  private static final String[] LAST = {"Chen", "Smith", "Garcia", "Nguyen", "Mueller", "Rossi", "Kowalski", "Patel",
      "Tanaka", "Johnson", "Dubois", "Andersen", "Silva", "Kim", "Brown", "Lopez"};
  private static final String[] TAGS = {"newsletter", "retail", "vip", "wholesale", "loyalty", "b2b", "influencer",
      "student", "gift", "employee", "eu", "us"};
  private static final double[] TAG_P = {0.40, 0.30, 0.05, 0.04, 0.20, 0.03, 0.01, 0.08, 0.10, 0.005, 0.35, 0.45};
  private static final String[] SOURCES = {"web", "web", "web", "pos", "instagram", "tiktok", "referral", "import"};
  private static final String[] PLANS = {"free", "free", "free", "basic", "basic", "gold", "platinum"};
  private static final String[][] CITIES = {
      {"New York", "US"}, {"London", "GB"}, {"Berlin", "DE"}, {"Paris", "FR"}, {"Los Angeles", "US"},
      {"Chicago", "US"}, {"Madrid", "ES"}, {"Rome", "IT"}, {"Toronto", "CA"}, {"Sydney", "AU"},
      {"Hamburg", "DE"}, {"Munich", "DE"}, {"Manchester", "GB"}, {"Lyon", "FR"}, {"Milan", "IT"},
      {"Barcelona", "ES"}, {"Houston", "US"}, {"Seattle", "US"}, {"Boston", "US"}, {"Austin", "US"}};

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
