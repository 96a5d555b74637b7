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
 * Issue 14, V58: the cost of recording segment notifications, one notifications row each (jsonb
 * data, primary key + (store, id) unique + (store, seq) + (store, created_at), as before V58)
 * against one notification_sets row per event (primary key + (store, seq) + GIN on the ids), side
 * by side on one PostgreSQL. Both live in their own schema of one database and get the same
 * batches through the outbox's exact statements (NotificationLog's SQL_INSERT and
 * SQL_INSERT_SETS, RETURNING read), alternating which goes first, each batch one transaction
 * (commit included in its time).
 *
 *   java -cp target/shoal.jar bench/engine/NotificationsBench.java JDBC_URL USER V58_SQL [EVENTS_PER_BATCH]
 *        [PER_EVENT] [WARMUP_BATCHES] [BATCHES] [SEGMENTS]
 *
 * Prints per measured batch "BATCH i old_us new_us", then "RESULT" (medians and means per
 * notification) and "SIZE" (both tables' bytes, indexes included, per notification).
 */
public class NotificationsBench {

  static final String OLD = "INSERT INTO o.notifications (store_id, id, type, customer_id, data, created_at)"
      + " SELECT u.s, u.i, u.t, u.c, u.d::jsonb, u.at FROM (SELECT pg_current_xact_id()) AS x,"
      + " unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[])"
      + " WITH ORDINALITY AS u(s, i, t, c, d, at, n) ORDER BY u.n"
      + " ON CONFLICT (store_id, id) DO NOTHING RETURNING store_id, id, seq";
  static final String NEW = "INSERT INTO n.notification_sets (store_id, customer_id, created_at, shared, ids, entered,"
      + " segment_ids, segment_names)"
      + " SELECT u.s, u.c, u.at, u.sh::jsonb, string_to_array(u.ids, ','), string_to_array(u.kinds, NULL)::boolean[],"
      + " string_to_array(u.segs, ','),"
      + " ARRAY(SELECT a.t FROM jsonb_array_elements_text(u.names::jsonb) WITH ORDINALITY AS a(t, i) ORDER BY a.i)"
      + " FROM (SELECT pg_current_xact_id()) AS x,"
      + " unnest(?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::text[], ?::text[], ?::text[],"
      + " ?::text[]) WITH ORDINALITY AS u(s, c, at, sh, ids, kinds, segs, names, n) ORDER BY u.n"
      + " RETURNING seq, store_id, ids[1]";

  static final String ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
  static final Random RANDOM = new Random(42);
  static long clock = 1_764_583_200_000L;

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

  record Flip(String id, int segment, String customer, boolean entered, String event, Instant at) {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String user = args[1];
    String v58 = new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of(args[2])));
    int events = args.length > 3 ? Integer.parseInt(args[3]) : 200;
    int perEvent = args.length > 4 ? Integer.parseInt(args[4]) : 20;
    int warmup = args.length > 5 ? Integer.parseInt(args[5]) : 60;
    int batches = args.length > 6 ? Integer.parseInt(args[6]) : 100;
    int segmentCount = args.length > 7 ? Integer.parseInt(args[7]) : 1000;
    String[] segments = new String[segmentCount];
    String[] names = new String[segmentCount];
    for (int i = 0; i < segmentCount; i++) {
      segments[i] = recordId("seg");
      names[i] = "Segment " + i + " of the bench";
    }
    try (Connection c = DriverManager.getConnection(url, user, "")) {
      try (Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS o CASCADE");
        st.execute("DROP SCHEMA IF EXISTS n CASCADE");
        // V4 + V5's index: the table as it was before V58
        String old = "CREATE TABLE notifications (seq bigserial PRIMARY KEY, store_id text NOT NULL, id text NOT NULL,"
            + " type text NOT NULL, customer_id text, data jsonb NOT NULL,"
            + " created_at timestamptz NOT NULL DEFAULT clock_timestamp());"
            + " CREATE UNIQUE INDEX ON notifications (store_id, id); CREATE INDEX ON notifications (store_id, seq);"
            + " CREATE INDEX ON notifications (store_id, created_at);"
            + " CREATE TABLE webhook_deliveries (notification_seq bigint REFERENCES notifications (seq));";
        st.execute("CREATE SCHEMA o; SET search_path = o; " + old);
        st.execute("CREATE SCHEMA n; SET search_path = n; " + old + v58);
        st.execute("SET search_path = public");
      }
      c.setAutoCommit(false);
      List<Long> oldNs = new ArrayList<>();
      List<Long> newNs = new ArrayList<>();
      for (int b = 0; b < warmup + batches; b++) {
        List<Flip> flips = new ArrayList<>();
        for (int e = 0; e < events; e++) {
          String customer = "cust_" + RANDOM.nextInt(100_000);
          String event = recordId("evt");
          Instant at = Instant.ofEpochMilli(clock);
          for (int f = 0; f < perEvent; f++) {
            flips.add(new Flip("evt_" + recordId("trn").substring(4), RANDOM.nextInt(segmentCount), customer,
                RANDOM.nextBoolean(), event, at));
          }
        }
        long o;
        long n;
        if (b % 2 == 0) {
          o = writeOld(c, flips, segments, names);
          n = writeNew(c, flips, perEvent, segments, names);
        } else {
          n = writeNew(c, flips, perEvent, segments, names);
          o = writeOld(c, flips, segments, names);
        }
        if (b >= warmup) {
          oldNs.add(o);
          newNs.add(n);
          System.out.printf("BATCH %d old_us=%.0f new_us=%.0f%n", b - warmup, o / 1e3, n / 1e3);
        }
      }
      int perBatch = events * perEvent;
      System.out.printf("RESULT events_per_batch=%d per_event=%d batches=%d median: old_us_per_notification=%.2f"
              + " new_us_per_notification=%.2f ratio=%.2f mean: old_us_per_notification=%.2f"
              + " new_us_per_notification=%.2f ratio=%.2f%n", events, perEvent, batches,
          median(oldNs) / 1e3 / perBatch, median(newNs) / 1e3 / perBatch, (double) median(oldNs) / median(newNs),
          mean(oldNs) / 1e3 / perBatch, mean(newNs) / 1e3 / perBatch, mean(oldNs) / mean(newNs));
      try (Statement st = c.createStatement()) {
        ResultSet rs = st.executeQuery("SELECT pg_total_relation_size('o.notifications'),"
            + " pg_total_relation_size('n.notification_sets')");
        rs.next();
        double total = (warmup + batches) * (double) perBatch;
        System.out.printf("SIZE old_bytes_per_notification=%.1f new_bytes_per_notification=%.1f%n",
            rs.getLong(1) / total, rs.getLong(2) / total);
      }
      c.commit();
    }
  }

  static double mean(List<Long> xs) {
    return xs.stream().mapToLong(Long::longValue).average().orElse(0);
  }

  static long median(List<Long> xs) {
    long[] a = xs.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(a);
    return a[a.length / 2];
  }

  static String customer(String id) {
    return "{\"email\":\"" + id + "@shop.example\",\"first_name\":\"Ann\",\"last_name\":\"Lee\"}";
  }

  static String quoted(String s) {
    return "\"" + s + "\"";
  }

  /** The data EvaluationStore.announcements gives each notification, as NotificationLog encodes it. */
  static long writeOld(Connection c, List<Flip> flips, String[] segments, String[] names) throws Exception {
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
      data[i] = "{\"segment_id\":" + quoted(segments[f.segment()]) + ",\"segment_name\":" + quoted(names[f.segment()])
          + ",\"customer_id\":" + quoted(f.customer()) + ",\"customer\":" + customer(f.customer()) + ",\"cause\":"
          + quoted(f.event()) + ",\"occurred_at\":" + quoted(f.at().toString()) + "}";
      at[i] = Timestamp.from(f.at());
    }
    return timed(c, OLD, stores, ids, types, customers, data, at);
  }

  static long writeNew(Connection c, List<Flip> flips, int perEvent, String[] segments, String[] names)
      throws Exception {
    int n = flips.size() / perEvent;
    String[] stores = new String[n];
    String[] customers = new String[n];
    Timestamp[] at = new Timestamp[n];
    String[] shared = new String[n];
    String[] ids = new String[n];
    String[] kinds = new String[n];
    String[] segs = new String[n];
    String[] segNames = new String[n];
    for (int r = 0; r < n; r++) {
      Flip first = flips.get(r * perEvent);
      stores[r] = "store_bench";
      customers[r] = first.customer();
      at[r] = Timestamp.from(first.at());
      shared[r] = "{\"customer\":" + customer(first.customer()) + ",\"cause\":" + quoted(first.event())
          + ",\"occurred_at\":" + quoted(first.at().toString()) + "}";
      StringBuilder i = new StringBuilder();
      StringBuilder s = new StringBuilder();
      StringBuilder m = new StringBuilder("[");
      char[] k = new char[perEvent];
      for (int j = 0; j < perEvent; j++) {
        Flip f = flips.get(r * perEvent + j);
        if (j > 0) {
          i.append(',');
          s.append(',');
          m.append(',');
        }
        i.append(f.id());
        s.append(segments[f.segment()]);
        m.append(quoted(names[f.segment()]));
        k[j] = f.entered() ? 't' : 'f';
      }
      ids[r] = i.toString();
      segs[r] = s.toString();
      segNames[r] = m.append(']').toString();
      kinds[r] = new String(k);
    }
    return timed(c, NEW, stores, customers, at, shared, ids, kinds, segs, segNames);
  }

  /** Runs one statement over the arrays, reads what it returns, commits; answers the ns it took. */
  static long timed(Connection c, String sql, Object[]... arrays) throws Exception {
    long t0 = System.nanoTime();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < arrays.length; i++) {
        ps.setArray(i + 1, c.createArrayOf(arrays[i] instanceof Timestamp[] ? "timestamptz" : "text", arrays[i]));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rs.getLong(3 - (sql == OLD ? 0 : 2));
        }
      }
    }
    c.commit();
    return System.nanoTime() - t0;
  }
}
