import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Issue 14: the cost of one write of the evaluator's batch, one row per flip (as before) against
 * one row per customer's event, side by side on one PostgreSQL. Both tables live in their own
 * schema of one database and get the same batches through the exact statements Shoal uses, with
 * the same arrays, alternating which goes first, each batch one transaction (commit included in
 * its time, rows returned read).
 *
 * <ul>
 *   <li>{@code flips} (V57): segment_transitions (primary key + (store, segment, seq)) against
 *       segment_flips (primary key + GIN on the segment ids), EvaluationStore's statements;</li>
 *   <li>{@code notifications} (V58): notifications (jsonb data, primary key + (store, id) unique +
 *       (store, seq) + (store, created_at)) against notification_sets (primary key + (store, seq) +
 *       GIN on the ids), NotificationLog's SQL_INSERT and SQL_INSERT_SETS.</li>
 *   <li>{@code sets} (V61): notification_sets as V58-V60 wrote them (ids stored, GIN index on them)
 *       against V61's (no ids: a set's notification ids are made from their seq), both with
 *       SQL_INSERT_SETS of their version.</li>
 *   <li>{@code counts} (V63): a batch's member count deltas (one per segment its flips touch) added
 *       to segments.member_count (the wide segments row, as before V63) against upserted into the
 *       partition's own rows of segment_member_counts, EvaluationStore's statements. Then two
 *       writers at once (two partitions, one connection each), each batch a transaction of
 *       {@code -Dwork.ms} (default 100) of pg_sleep standing for the batch's other statements, the
 *       counts statement and the commit, {@code -Dcontention.batches} (default 40) per writer and
 *       round, {@code -Dcontention.rounds} (default 4) rounds alternating which design goes first:
 *       "CONTENTION" lines give the counts statement's time (lock waits included), the batches
 *       per second of both writers and the share of pg_stat_activity samples (every ~5 ms) in
 *       which a writer waited for a lock.</li>
 * </ul>
 *
 *   java -cp target/shoal.jar bench/engine/WriteBench.java flips|notifications|sets|counts JDBC_URL USER MIGRATION_SQL
 *        [EVENTS_PER_BATCH=200] [PER_EVENT=20] [WARMUP_BATCHES=60] [BATCHES=100] [SEGMENTS=1000]
 *
 * MIGRATION_SQL is V57's file for flips, V58's for notifications, V63's for counts (run over the old table, as on an
 * upgrade); for sets, V58's, V59's and V61's joined by commas: the old schema gets all but the last. Prints per measured batch "BATCH i old_us new_us", then "RESULT" (medians and means per
 * flip or notification; the mean counts the GIN pending list's merges, a slow batch now and then)
 * and "SIZE" (both tables' bytes, indexes included, per flip or notification).
 */
public class WriteBench {

  static final String ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
  static final Random RANDOM = new Random(42);
  static long clock = 1_764_583_200_000L;

  /** A time-ordered record id, as Shoal makes them: 9 characters of milliseconds, 11 random. */
  static String recordId(String prefix) {
    StringBuilder b = new StringBuilder(prefix).append('_');
    long ms = clock++;
    char[] t = new char[9];
    for (int i = 8; i >= 0; i--) {
      t[i] = ALPHABET.charAt((int) (ms & 31));
      ms >>>= 5;
    }
    b.append(t);
    for (int i = 0; i < 11; i++) {
      b.append(ALPHABET.charAt(RANDOM.nextInt(32)));
    }
    return b.toString();
  }

  /** One flip of a segment (an index into the bench's segments) by a customer's event. */
  record Flip(String id, int segment, String customer, boolean entered, String event, Instant at) {}

  /** The bench's segments: ids and names. */
  record Segments(String[] ids, String[] names) {}

  /** What one mode compares: the old table and its write, the new table and its write. */
  interface Pair {
    String unit();

    String idPrefix();

    String oldTable();

    String newTable();

    /** The old table, as created before the migration (the migration converts it). */
    String oldDdl();

    long writeOld(Connection c, List<Flip> flips, int perEvent, Segments s) throws Exception;

    long writeNew(Connection c, List<Flip> flips, int perEvent, Segments s) throws Exception;

    /** Whether the old table is the migrations' but the last (else the old DDL alone). */
    default boolean oldMigrated() {
      return false;
    }

    /** Rows the tables need before the first batch (both schemas made, the migration run). */
    default void prepare(Connection c, Segments s) throws Exception {}

    /** A further comparison after the batches (the counts mode's two concurrent writers). */
    default void after(String url, String user, List<List<Flip>> batches, Segments s) throws Exception {}
  }

  public static void main(String[] args) throws Exception {
    Pair pair = switch (args[0]) {
      case "flips" -> new FlipRows();
      case "notifications" -> new NotificationRows();
      case "sets" -> new SetRows();
      case "counts" -> new CountRows();
      default -> throw new IllegalArgumentException("mode is flips, notifications, sets or counts, not " + args[0]);
    };
    String url = args[1];
    String user = args[2];
    String[] files = args[3].split(",");
    StringBuilder base = new StringBuilder();
    for (int i = 0; i < files.length - 1; i++) {
      base.append(java.nio.file.Files.readString(java.nio.file.Path.of(files[i]))).append('\n');
    }
    String last = java.nio.file.Files.readString(java.nio.file.Path.of(files[files.length - 1]));
    int events = args.length > 4 ? Integer.parseInt(args[4]) : 200;
    int perEvent = args.length > 5 ? Integer.parseInt(args[5]) : 20;
    int warmup = args.length > 6 ? Integer.parseInt(args[6]) : 60;
    int batches = args.length > 7 ? Integer.parseInt(args[7]) : 100;
    int segmentCount = args.length > 8 ? Integer.parseInt(args[8]) : 1000;
    Segments segments = new Segments(new String[segmentCount], new String[segmentCount]);
    for (int i = 0; i < segmentCount; i++) {
      segments.ids()[i] = recordId("seg");
      segments.names()[i] = "Segment " + i + " of the bench";
    }
    List<List<Flip>> kept = new ArrayList<>(); // the warm-up batches, for a further comparison
    try (Connection c = DriverManager.getConnection(url, user, "")) {
      try (Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS o CASCADE");
        st.execute("DROP SCHEMA IF EXISTS n CASCADE");
        st.execute("CREATE SCHEMA o; SET search_path = o; " + pair.oldDdl() + (pair.oldMigrated() ? base : ""));
        st.execute("CREATE SCHEMA n; SET search_path = n; " + pair.oldDdl() + base + last);
        st.execute("SET search_path = public");
      }
      pair.prepare(c, segments);
      c.setAutoCommit(false);
      List<Long> oldNs = new ArrayList<>();
      List<Long> newNs = new ArrayList<>();
      List<String[]> oldWal = new ArrayList<>();
      List<String[]> newWal = new ArrayList<>();
      for (int b = 0; b < warmup + batches; b++) {
        List<Flip> flips = new ArrayList<>();
        for (int e = 0; e < events; e++) {
          String customer = "cust_" + RANDOM.nextInt(100_000);
          String event = recordId("evt");
          Instant at = Instant.ofEpochMilli(clock);
          for (int f = 0; f < perEvent; f++) {
            flips.add(new Flip(pair.idPrefix() + recordId("trn").substring(4), RANDOM.nextInt(segmentCount), customer,
                RANDOM.nextBoolean(), event, at));
          }
        }
        if (b < warmup) {
          kept.add(flips);
        }
        long o;
        long n;
        if (b % 2 == 0) {
          String at0 = wal(c);
          o = pair.writeOld(c, flips, perEvent, segments);
          String at1 = wal(c);
          n = pair.writeNew(c, flips, perEvent, segments);
          oldWal.add(new String[] {at0, at1});
          newWal.add(new String[] {at1, wal(c)});
        } else {
          String at0 = wal(c);
          n = pair.writeNew(c, flips, perEvent, segments);
          String at1 = wal(c);
          o = pair.writeOld(c, flips, perEvent, segments);
          newWal.add(new String[] {at0, at1});
          oldWal.add(new String[] {at1, wal(c)});
        }
        if (b >= warmup) {
          oldNs.add(o);
          newNs.add(n);
          System.out.printf("BATCH %d old_us=%.0f new_us=%.0f%n", b - warmup, o / 1e3, n / 1e3);
        }
      }
      int perBatch = events * perEvent;
      String u = pair.unit();
      System.out.printf("RESULT events_per_batch=%d per_event=%d batches=%d median: old_us_per_%s=%.2f"
              + " new_us_per_%s=%.2f ratio=%.2f mean: old_us_per_%s=%.2f new_us_per_%s=%.2f ratio=%.2f%n",
          events, perEvent, batches, u, median(oldNs) / 1e3 / perBatch, u, median(newNs) / 1e3 / perBatch,
          (double) median(oldNs) / median(newNs), u, mean(oldNs) / 1e3 / perBatch, u, mean(newNs) / 1e3 / perBatch,
          mean(oldNs) / mean(newNs));
      double total = (warmup + batches) * (double) perBatch;
      try (Statement st = c.createStatement()) {
        ResultSet rs = st.executeQuery("SELECT pg_total_relation_size('o." + pair.oldTable() + "'),"
            + " pg_total_relation_size('n." + pair.newTable() + "')");
        rs.next();
        System.out.printf("SIZE old_bytes_per_%s=%.1f new_bytes_per_%s=%.1f%n", u, rs.getLong(1) / total, u,
            rs.getLong(2) / total);
      }
      long[] ow = walBytes(c, oldWal);
      long[] nw = walBytes(c, newWal);
      System.out.printf("WAL old_bytes_per_%s=%.1f new_bytes_per_%s=%.1f full_page_images: old_bytes_per_%s=%.1f"
              + " new_bytes_per_%s=%.1f%n", u, ow[0] / total, u, nw[0] / total, u, ow[1] / total, u, nw[1] / total);
      c.commit();
    }
    pair.after(url, user, kept, segments);
  }

  /** The WAL insert position now (each write's WAL is the range around it: one writer, one connection). */
  static String wal(Connection c) throws Exception {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_wal_insert_lsn()")) {
      rs.next();
      String lsn = rs.getString(1);
      c.commit();
      return lsn;
    }
  }

  /** WAL bytes of these ranges, and of them full-page images (pg_walinspect; -1 where it is missing). */
  static long[] walBytes(Connection c, List<String[]> ranges) throws Exception {
    long bytes = 0;
    long fpi = 0;
    try (Statement st = c.createStatement()) {
      boolean inspect;
      try {
        st.execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect");
        c.commit();
        inspect = true;
      } catch (java.sql.SQLException e) {
        c.rollback();
        inspect = false;
      }
      for (String[] r : ranges) {
        try (ResultSet rs = st.executeQuery("SELECT '" + r[1] + "'::pg_lsn - '" + r[0] + "'::pg_lsn"
            + (inspect ? ", (SELECT coalesce(sum(fpi_size), 0) FROM pg_get_wal_stats('" + r[0] + "', '" + r[1] + "'))"
                : ", -1"))) {
          rs.next();
          bytes += rs.getLong(1);
          fpi = inspect ? fpi + rs.getLong(2) : -1;
        }
      }
      c.commit();
    }
    return new long[] {bytes, fpi};
  }

  static double mean(List<Long> xs) {
    return xs.stream().mapToLong(Long::longValue).average().orElse(0);
  }

  static long median(List<Long> xs) {
    long[] a = xs.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(a);
    return a[a.length / 2];
  }

  /**
   * Runs one statement over the arrays (text, or timestamptz for Timestamp[]), reads the rows it
   * returns, commits; answers the ns it took.
   */
  static long timed(Connection c, String sql, Object[]... arrays) throws Exception {
    long t0 = System.nanoTime();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < arrays.length; i++) {
        ps.setArray(i + 1, c.createArrayOf(arrays[i] instanceof Timestamp[] ? "timestamptz"
            : arrays[i] instanceof Long[] ? "bigint" : "text", arrays[i]));
      }
      if (ps.execute()) {
        try (ResultSet rs = ps.getResultSet()) {
          while (rs.next()) {
            rs.getObject(1);
          }
        }
      }
    }
    c.commit();
    return System.nanoTime() - t0;
  }

  /**
   * The run of one event's flips as the new writers send it: each flip's value joined by commas
   * (or, with {@code quote}, as a JSON array), and their directions one character each.
   */
  static String joined(List<Flip> flips, int from, int count, java.util.function.Function<Flip, String> value,
                       boolean quote) {
    StringBuilder b = new StringBuilder(quote ? "[" : "");
    for (int j = 0; j < count; j++) {
      if (j > 0) {
        b.append(',');
      }
      String v = value.apply(flips.get(from + j));
      b.append(quote ? "\"" + v + "\"" : v);
    }
    return b.append(quote ? "]" : "").toString();
  }

  static String kinds(List<Flip> flips, int from, int count) {
    char[] k = new char[count];
    for (int j = 0; j < count; j++) {
      k[j] = flips.get(from + j).entered() ? 't' : 'f';
    }
    return new String(k);
  }

  /** V57: segment_transitions, one row per flip, against segment_flips, one row per event. */
  static final class FlipRows implements Pair {
    static final String OLD = "INSERT INTO o.segment_transitions (store_id, id, segment_id, customer_id,"
        + " kind, cause, event_id, occurred_at)"
        + " SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
        + " ?::timestamptz[])";
    static final String NEW = "INSERT INTO n.segment_flips (store_id, customer_id, cause, event_id,"
        + " occurred_at, ids, segment_ids, entered)"
        + " SELECT u.s, u.c, u.cause, u.e, u.at, string_to_array(u.ids, ','), string_to_array(u.segs, ','),"
        + " string_to_array(u.kinds, NULL)::boolean[]"
        + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::text[],"
        + " ?::text[]) WITH ORDINALITY AS u(s, c, cause, e, at, ids, segs, kinds, n) ORDER BY u.n";

    public String unit() {
      return "flip";
    }

    public String idPrefix() {
      return "trn_";
    }

    public String oldTable() {
      return "segment_transitions";
    }

    public String newTable() {
      return "segment_flips";
    }

    public String oldDdl() {
      return "CREATE TABLE segment_transitions (seq bigserial PRIMARY KEY, store_id text NOT NULL,"
          + " id text NOT NULL, segment_id text NOT NULL, customer_id text NOT NULL, kind text NOT NULL"
          + " CHECK (kind IN ('entered', 'left')), cause text NOT NULL, event_id text, occurred_at timestamptz NOT NULL,"
          + " recorded_at timestamptz NOT NULL DEFAULT clock_timestamp());"
          + " CREATE INDEX segment_transitions_by_segment ON segment_transitions (store_id, segment_id, seq);";
    }

    public long writeOld(Connection c, List<Flip> flips, int perEvent, Segments s) throws Exception {
      int n = flips.size();
      String[] stores = new String[n];
      String[] ids = new String[n];
      String[] segs = new String[n];
      String[] customers = new String[n];
      String[] kinds = new String[n];
      String[] causes = new String[n];
      String[] events = new String[n];
      Timestamp[] at = new Timestamp[n];
      for (int i = 0; i < n; i++) {
        Flip f = flips.get(i);
        stores[i] = "store_bench";
        ids[i] = f.id();
        segs[i] = s.ids()[f.segment()];
        customers[i] = f.customer();
        kinds[i] = f.entered() ? "entered" : "left";
        causes[i] = "event";
        events[i] = f.event();
        at[i] = Timestamp.from(f.at());
      }
      return timed(c, OLD, stores, ids, segs, customers, kinds, causes, events, at);
    }

    public long writeNew(Connection c, List<Flip> flips, int perEvent, Segments s) throws Exception {
      int n = flips.size() / perEvent;
      String[] stores = new String[n];
      String[] customers = new String[n];
      String[] causes = new String[n];
      String[] events = new String[n];
      Timestamp[] at = new Timestamp[n];
      String[] ids = new String[n];
      String[] segs = new String[n];
      String[] kinds = new String[n];
      for (int r = 0; r < n; r++) {
        Flip first = flips.get(r * perEvent);
        stores[r] = "store_bench";
        customers[r] = first.customer();
        causes[r] = "event";
        events[r] = first.event();
        at[r] = Timestamp.from(first.at());
        ids[r] = joined(flips, r * perEvent, perEvent, Flip::id, false);
        segs[r] = joined(flips, r * perEvent, perEvent, f -> s.ids()[f.segment()], false);
        kinds[r] = kinds(flips, r * perEvent, perEvent);
      }
      return timed(c, NEW, stores, customers, causes, events, at, ids, segs, kinds);
    }
  }

  /** V58: notifications, one jsonb row per notification, against notification_sets, one row per event. */
  static final class NotificationRows implements Pair {
    static final String OLD = "INSERT INTO o.notifications (store_id, id, type, customer_id, data, created_at)"
        + " SELECT u.s, u.i, u.t, u.c, u.d::jsonb, u.at FROM (SELECT pg_current_xact_id()) AS x,"
        + " unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[])"
        + " WITH ORDINALITY AS u(s, i, t, c, d, at, n) ORDER BY u.n"
        + " ON CONFLICT (store_id, id) DO NOTHING RETURNING store_id, id, seq";
    /** NotificationLog.SQL_INSERT_SETS into {@code schema}: of V58 with {@code ids}, of V61 without. */
    static String setsInsert(String schema, boolean ids) {
      return "INSERT INTO " + schema + ".notification_sets (store_id, customer_id, created_at, shared, "
          + (ids ? "ids, " : "") + "entered, segment_ids, segment_names)"
          + " SELECT u.s, u.c, u.at, u.sh::jsonb, " + (ids ? "string_to_array(u.ids, ','), " : "")
          + "string_to_array(u.kinds, NULL)::boolean[], string_to_array(u.segs, ','),"
          + " ARRAY(SELECT a.t FROM jsonb_array_elements_text(u.names::jsonb) WITH ORDINALITY AS a(t, i) ORDER BY a.i)"
          + " FROM (SELECT pg_current_xact_id()) AS x,"
          + " unnest(?::text[], ?::text[], ?::timestamptz[], ?::text[], " + (ids ? "?::text[], " : "")
          + "?::text[], ?::text[], ?::text[]) WITH ORDINALITY AS u(s, c, at, sh, " + (ids ? "ids, " : "")
          + "kinds, segs, names, n) ORDER BY u.n RETURNING seq, store_id, " + (ids ? "ids[1]" : "customer_id");
    }

    public String unit() {
      return "notification";
    }

    public String idPrefix() {
      return "evt_";
    }

    public String oldTable() {
      return "notifications";
    }

    public String newTable() {
      return "notification_sets";
    }

    /** V4 + V5's index: the table as it was before V58. */
    public String oldDdl() {
      return "CREATE TABLE notifications (seq bigserial PRIMARY KEY, store_id text NOT NULL, id text NOT NULL,"
          + " type text NOT NULL, customer_id text, data jsonb NOT NULL,"
          + " created_at timestamptz NOT NULL DEFAULT clock_timestamp());"
          + " CREATE UNIQUE INDEX ON notifications (store_id, id); CREATE INDEX ON notifications (store_id, seq);"
          + " CREATE INDEX ON notifications (store_id, created_at);"
          + " CREATE TABLE webhook_deliveries (notification_seq bigint REFERENCES notifications (seq));";
    }

    static String customer(String id) {
      return "{\"email\":\"" + id + "@shop.example\",\"first_name\":\"Ann\",\"last_name\":\"Lee\"}";
    }

    static String quoted(String s) {
      return "\"" + s + "\"";
    }

    /** The data EvaluationStore.announcements gives each notification, as NotificationLog encodes it. */
    public long writeOld(Connection c, List<Flip> flips, int perEvent, Segments s) throws Exception {
      int n = flips.size();
      String[] stores = new String[n];
      String[] ids = new String[n];
      String[] types = new String[n];
      String[] customers = new String[n];
      String[] data = new String[n];
      Timestamp[] at = new Timestamp[n];
      for (int i = 0; i < n; i++) {
        Flip f = flips.get(i);
        stores[i] = "store_bench";
        ids[i] = f.id();
        types[i] = f.entered() ? "customer.segment.entered" : "customer.segment.left";
        customers[i] = f.customer();
        data[i] = "{\"segment_id\":" + quoted(s.ids()[f.segment()]) + ",\"segment_name\":"
            + quoted(s.names()[f.segment()]) + ",\"customer_id\":" + quoted(f.customer()) + ",\"customer\":"
            + customer(f.customer()) + ",\"cause\":" + quoted(f.event()) + ",\"occurred_at\":"
            + quoted(f.at().toString()) + "}";
        at[i] = Timestamp.from(f.at());
      }
      return timed(c, OLD, stores, ids, types, customers, data, at);
    }

    public long writeNew(Connection c, List<Flip> flips, int perEvent, Segments s) throws Exception {
      return writeSets(c, flips, perEvent, s, "n", true);
    }

    /** One row per event into {@code schema}'s notification_sets, with its ids or (V61) without. */
    static long writeSets(Connection c, List<Flip> flips, int perEvent, Segments s, String schema, boolean withIds)
        throws Exception {
      int n = flips.size() / perEvent;
      String[] stores = new String[n];
      String[] customers = new String[n];
      Timestamp[] at = new Timestamp[n];
      String[] shared = new String[n];
      String[] ids = new String[n];
      String[] kinds = new String[n];
      String[] segs = new String[n];
      String[] names = new String[n];
      for (int r = 0; r < n; r++) {
        Flip first = flips.get(r * perEvent);
        stores[r] = "store_bench";
        customers[r] = first.customer();
        at[r] = Timestamp.from(first.at());
        shared[r] = "{\"customer\":" + customer(first.customer()) + ",\"cause\":" + quoted(first.event())
            + ",\"occurred_at\":" + quoted(first.at().toString()) + "}";
        ids[r] = joined(flips, r * perEvent, perEvent, Flip::id, false);
        kinds[r] = kinds(flips, r * perEvent, perEvent);
        segs[r] = joined(flips, r * perEvent, perEvent, f -> s.ids()[f.segment()], false);
        names[r] = joined(flips, r * perEvent, perEvent, f -> s.names()[f.segment()], true);
      }
      String sql = setsInsert(schema, withIds);
      return withIds ? timed(c, sql, stores, customers, at, shared, ids, kinds, segs, names)
          : timed(c, sql, stores, customers, at, shared, kinds, segs, names);
    }
  }

  /** V61: notification_sets with its ids stored and GIN-indexed (V58-V60) against ids made from the seq. */
  static final class SetRows implements Pair {
    public String unit() {
      return "notification";
    }

    public String idPrefix() {
      return "evt_";
    }

    public String oldTable() {
      return "notification_sets";
    }

    public String newTable() {
      return "notification_sets";
    }

    public String oldDdl() {
      return new NotificationRows().oldDdl();
    }

    public boolean oldMigrated() {
      return true;
    }

    public long writeOld(Connection c, List<Flip> flips, int perEvent, Segments s) throws Exception {
      return NotificationRows.writeSets(c, flips, perEvent, s, "o", true);
    }

    public long writeNew(Connection c, List<Flip> flips, int perEvent, Segments s) throws Exception {
      return NotificationRows.writeSets(c, flips, perEvent, s, "n", false);
    }
  }

  /**
   * V63: member counts in the wide segments row (every partition's batch updating the same rows)
   * against one narrow row per (segment, partition) in segment_member_counts.
   */
  static final class CountRows implements Pair {
    static final String OLD = "UPDATE o.segments sg SET member_count = greatest(0, sg.member_count + u.d)"
        + " FROM unnest(?::text[], ?::text[], ?::bigint[]) AS u(s, g, d) WHERE sg.store_id = u.s AND sg.id = u.g";
    static final String NEW = "INSERT INTO n.segment_member_counts AS k (store_id, segment_id, writer, members)"
        + " SELECT u.s, u.g, ?, u.d FROM unnest(?::text[], ?::text[], ?::bigint[]) AS u(s, g, d)"
        + " WHERE EXISTS (SELECT 1 FROM n.segments WHERE store_id = u.s AND id = u.g)"
        + " ON CONFLICT (store_id, segment_id, writer) DO UPDATE SET members = k.members + EXCLUDED.members";

    /** RESULT's unit (see perFlip); SIZE and WAL still divide by the batches' flips. */
    public String unit() {
      return "segment_row";
    }

    public String idPrefix() {
      return "trn_";
    }

    public String oldTable() {
      return "segments";
    }

    public String newTable() {
      return "segment_member_counts";
    }

    /** The segments table as V60 left it (V2, V16, V17, V60: columns and indexes), with stores. */
    public String oldDdl() {
      return "CREATE TABLE stores (id text PRIMARY KEY, name text NOT NULL);"
          + " CREATE TABLE segments (store_id text NOT NULL REFERENCES stores(id) ON DELETE CASCADE, id text NOT NULL,"
          + " name text NOT NULL, type text NOT NULL, rules jsonb NOT NULL DEFAULT '[]', metadata jsonb NOT NULL DEFAULT '{}',"
          + " member_count bigint NOT NULL DEFAULT 0, sync_status text NOT NULL DEFAULT 'done',"
          + " version integer NOT NULL DEFAULT 1, created_at timestamptz NOT NULL DEFAULT clock_timestamp(),"
          + " updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),"
          + " localized_name jsonb NOT NULL DEFAULT '{}', localized_description jsonb NOT NULL DEFAULT '{}',"
          + " default_language text, valid_from timestamptz, valid_to timestamptz, status text NOT NULL DEFAULT 'active',"
          + " site_code text, lifecycle text NOT NULL DEFAULT 'created', author text, locked boolean NOT NULL DEFAULT false,"
          + " funnel jsonb, calculated_at timestamptz, num serial NOT NULL, PRIMARY KEY (store_id, id));"
          + " CREATE INDEX ON segments (store_id, created_at, id); CREATE INDEX ON segments (store_id, site_code, created_at, id);"
          + " CREATE UNIQUE INDEX ON segments (store_id, num);";
    }

    /** The bench's segments in both schemas, each with rules of three conditions (~330 bytes of jsonb). */
    public void prepare(Connection c, Segments s) throws Exception {
      for (String schema : new String[] {"o", "n"}) {
        try (Statement st = c.createStatement()) {
          st.execute("INSERT INTO " + schema + ".stores VALUES ('store_bench', 'Bench')");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema + ".segments (store_id, id, name, type,"
            + " rules) SELECT 'store_bench', u.id, u.name, 'dynamic', jsonb_build_array("
            + " jsonb_build_object('field', 'total_spent', 'operator', 'greater_than', 'value', 100 + u.k),"
            + " jsonb_build_object('field', 'last_order_at', 'operator', 'after', 'value', '90_days_ago'),"
            + " jsonb_build_object('any', jsonb_build_array(jsonb_build_object('field', 'tags', 'operator', 'contains',"
            + " 'value', 'vip_' || u.k), jsonb_build_object('field', 'metadata.tier', 'operator', 'is', 'value', 'gold'))))"
            + " FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS u(id, name, k)")) {
          ps.setArray(1, c.createArrayOf("text", s.ids()));
          ps.setArray(2, c.createArrayOf("text", s.names()));
          ps.execute();
        }
      }
    }

    /** A batch's deltas as PartitionCore sums them: one per segment its flips touch, in key order. */
    static Object[][] deltas(List<Flip> flips, Segments s) {
      java.util.TreeMap<String, Long> bySegment = new java.util.TreeMap<>();
      for (Flip f : flips) {
        bySegment.merge(s.ids()[f.segment()], f.entered() ? 1L : -1L, Long::sum);
      }
      int n = bySegment.size();
      String[] stores = new String[n];
      Arrays.fill(stores, "store_bench");
      return new Object[][] {stores, bySegment.keySet().toArray(new String[0]), bySegment.values().toArray(new Long[0])};
    }

    static long update(Connection c, boolean old, int writer, Object[][] d) throws Exception {
      long t0 = System.nanoTime();
      try (PreparedStatement ps = c.prepareStatement(old ? OLD : NEW)) {
        int i = 1;
        if (!old) {
          ps.setInt(i++, writer);
        }
        ps.setArray(i++, c.createArrayOf("text", d[0]));
        ps.setArray(i++, c.createArrayOf("text", d[1]));
        ps.setArray(i, c.createArrayOf("bigint", d[2]));
        ps.executeUpdate();
      }
      return System.nanoTime() - t0;
    }

    static long timedUpdate(Connection c, boolean old, List<Flip> flips, Segments s) throws Exception {
      long t0 = System.nanoTime();
      update(c, old, 0, deltas(flips, s));
      c.commit();
      return System.nanoTime() - t0;
    }

    /** Per segment row: the unit of the RESULT line is one delta (one segment row written). */
    public long writeOld(Connection c, List<Flip> flips, int perEvent, Segments s) throws Exception {
      return perFlip(timedUpdate(c, true, flips, s), flips, s);
    }

    public long writeNew(Connection c, List<Flip> flips, int perEvent, Segments s) throws Exception {
      return perFlip(timedUpdate(c, false, flips, s), flips, s);
    }

    /**
     * RESULT divides a batch's time by its flips; the counts statement writes one row per segment
     * touched, so the time is scaled to be read per segment row.
     */
    static long perFlip(long ns, List<Flip> flips, Segments s) {
      return ns * flips.size() / deltas(flips, s)[1].length;
    }

    public void after(String url, String user, List<List<Flip>> batches, Segments s) throws Exception {
      long workMs = Long.getLong("work.ms", 100);
      int perWriter = Integer.getInteger("contention.batches", 40);
      int rounds = Integer.getInteger("contention.rounds", 4);
      for (int r = 0; r < rounds; r++) {
        for (boolean old : r % 2 == 0 ? new boolean[] {true, false} : new boolean[] {false, true}) {
          long[][] inCounts = new long[2][perWriter];
          long t0 = System.nanoTime();
          Thread[] writers = new Thread[2];
          for (int w = 0; w < 2; w++) {
            int writer = w;
            writers[w] = new Thread(() -> {
              try (Connection c = DriverManager.getConnection(url, user, "")) {
                c.setAutoCommit(false);
                for (int b = 0; b < perWriter; b++) {
                  try (Statement st = c.createStatement()) {
                    st.execute("SELECT pg_sleep(" + workMs / 1000.0 + ")");
                  }
                  Object[][] d = deltas(batches.get((b * 2 + writer) % batches.size()), s);
                  inCounts[writer][b] = update(c, old, writer, d);
                  c.commit();
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
            writers[w].start();
          }
          // how often one writer waits for the other's row lock (pg_stat_activity, every ~5 ms)
          long[] samples = new long[2];
          Thread sampler = new Thread(() -> {
            try (Connection c = DriverManager.getConnection(url, user, "");
                 PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                     + " WHERE wait_event_type = 'Lock' AND datname = current_database()")) {
              while (writers[0].isAlive() || writers[1].isAlive()) {
                try (ResultSet rs = ps.executeQuery()) {
                  rs.next();
                  samples[0]++;
                  samples[1] += rs.getLong(1) > 0 ? 1 : 0;
                }
                Thread.sleep(5);
              }
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
          sampler.start();
          for (Thread t : writers) {
            t.join();
          }
          sampler.join();
          double seconds = (System.nanoTime() - t0) / 1e9;
          List<Long> all = new ArrayList<>();
          for (long[] w : inCounts) {
            for (long x : w) {
              all.add(x);
            }
          }
          System.out.printf("CONTENTION round=%d %s work_ms=%d batches=%d counts_ms median=%.2f mean=%.2f max=%.2f"
                  + " batches_per_s=%.1f lock_wait_samples=%.0f%%%n", r, old ? "old" : "new", workMs, 2 * perWriter,
              median(all) / 1e6, mean(all) / 1e6, all.stream().mapToLong(Long::longValue).max().orElse(0) / 1e6,
              2 * perWriter / seconds, 100.0 * samples[1] / Math.max(1, samples[0]));
        }
      }
    }
  }
}
