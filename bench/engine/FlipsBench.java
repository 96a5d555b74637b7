import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Issue 14, V57: the cost of recording flips, one row per flip (segment_transitions as before V57:
 * primary key + (store, segment, seq) index) against one row per event (segment_flips: primary key
 * + GIN on the segment ids), side by side on one PostgreSQL. Both tables live in their own schema
 * of one database and get the same batches (the evaluator's statements, with the same arrays),
 * alternating which goes first, each batch one transaction (commit included in its time).
 *
 *   java -cp target/shoal.jar bench/engine/FlipsBench.java JDBC_URL USER V57_SQL [EVENTS_PER_BATCH] [FLIPS_PER_EVENT]
 *        [WARMUP_BATCHES] [BATCHES] [SEGMENTS]
 *
 * Prints per measured batch "BATCH i old_us new_us" and at the end "RESULT" with the medians and means per
 * flip, and "SIZE" with both tables' bytes (indexes included) per flip.
 */
public class FlipsBench {

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

  record Flip(String id, String segment, String customer, boolean entered, String event, Instant at) {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String user = args[1];
    String v57 = new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of(args[2])));
    int events = args.length > 3 ? Integer.parseInt(args[3]) : 200;
    int flipsPerEvent = args.length > 4 ? Integer.parseInt(args[4]) : 20;
    int warmup = args.length > 5 ? Integer.parseInt(args[5]) : 100;
    int batches = args.length > 6 ? Integer.parseInt(args[6]) : 60;
    int segmentCount = args.length > 7 ? Integer.parseInt(args[7]) : 1000;
    String[] segments = new String[segmentCount];
    for (int i = 0; i < segmentCount; i++) {
      segments[i] = recordId("seg");
    }
    try (Connection c = DriverManager.getConnection(url, user, "")) {
      try (Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS o CASCADE");
        st.execute("DROP SCHEMA IF EXISTS n CASCADE");
        String old = "CREATE TABLE segment_transitions (seq bigserial PRIMARY KEY, store_id text NOT NULL,"
            + " id text NOT NULL, segment_id text NOT NULL, customer_id text NOT NULL, kind text NOT NULL"
            + " CHECK (kind IN ('entered', 'left')), cause text NOT NULL, event_id text, occurred_at timestamptz NOT NULL,"
            + " recorded_at timestamptz NOT NULL DEFAULT clock_timestamp());"
            + " CREATE INDEX segment_transitions_by_segment ON segment_transitions (store_id, segment_id, seq);";
        st.execute("CREATE SCHEMA o; SET search_path = o; " + old);
        st.execute("CREATE SCHEMA n; SET search_path = n; " + old + v57);
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
          for (int f = 0; f < flipsPerEvent; f++) {
            flips.add(new Flip(recordId("trn"), segments[RANDOM.nextInt(segmentCount)], customer, RANDOM.nextBoolean(),
                event, at));
          }
        }
        boolean oldFirst = b % 2 == 0;
        long o = 0;
        long n = 0;
        if (oldFirst) {
          o = writeOld(c, flips);
          n = writeNew(c, flips, flipsPerEvent);
        } else {
          n = writeNew(c, flips, flipsPerEvent);
          o = writeOld(c, flips);
        }
        if (b >= warmup) {
          oldNs.add(o);
          newNs.add(n);
          System.out.printf("BATCH %d old_us=%.0f new_us=%.0f%n", b - warmup, o / 1e3, n / 1e3);
        }
      }
      int perBatch = events * flipsPerEvent;
      // the mean too: the GIN index's pending list is merged by the insert that fills it (a slow batch now and then)
      System.out.printf("RESULT events_per_batch=%d flips_per_event=%d batches=%d median: old_us_per_flip=%.2f"
              + " new_us_per_flip=%.2f ratio=%.2f mean: old_us_per_flip=%.2f new_us_per_flip=%.2f ratio=%.2f%n", events,
          flipsPerEvent, batches, median(oldNs) / 1e3 / perBatch, median(newNs) / 1e3 / perBatch,
          (double) median(oldNs) / median(newNs), mean(oldNs) / 1e3 / perBatch, mean(newNs) / 1e3 / perBatch,
          mean(oldNs) / mean(newNs));
      try (Statement st = c.createStatement()) {
        var rs = st.executeQuery("SELECT pg_total_relation_size('o.segment_transitions'),"
            + " pg_total_relation_size('n.segment_flips')");
        rs.next();
        System.out.printf("SIZE old_bytes_per_flip=%.1f new_bytes_per_flip=%.1f%n",
            rs.getLong(1) / (double) ((warmup + batches) * perBatch), rs.getLong(2) / (double) ((warmup + batches) * perBatch));
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

  static long writeOld(Connection c, List<Flip> flips) throws Exception {
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
      segs[i] = f.segment();
      customers[i] = f.customer();
      kinds[i] = f.entered() ? "entered" : "left";
      causes[i] = "event";
      events[i] = f.event();
      at[i] = Timestamp.from(f.at());
    }
    return timed(c, OLD, stores, ids, segs, customers, kinds, causes, events, at);
  }

  static long writeNew(Connection c, List<Flip> flips, int perEvent) throws Exception {
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
      StringBuilder i = new StringBuilder();
      StringBuilder s = new StringBuilder();
      char[] k = new char[perEvent];
      for (int j = 0; j < perEvent; j++) {
        Flip f = flips.get(r * perEvent + j);
        if (j > 0) {
          i.append(',');
          s.append(',');
        }
        i.append(f.id());
        s.append(f.segment());
        k[j] = f.entered() ? 't' : 'f';
      }
      ids[r] = i.toString();
      segs[r] = s.toString();
      kinds[r] = new String(k);
    }
    return timed(c, NEW, stores, customers, causes, events, at, ids, segs, kinds);
  }

  /** Runs one statement over the arrays (text, or timestamptz for Timestamp[]) and commits; answers the ns it took. */
  static long timed(Connection c, String sql, Object[]... arrays) throws Exception {
    long t0 = System.nanoTime();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < arrays.length; i++) {
        ps.setArray(i + 1, c.createArrayOf(arrays[i] instanceof Timestamp[] ? "timestamptz" : "text", arrays[i]));
      }
      ps.executeUpdate();
    }
    c.commit();
    return System.nanoTime() - t0;
  }
}
