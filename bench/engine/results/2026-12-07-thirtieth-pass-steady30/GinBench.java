import java.sql.*;
import java.util.*;

/** steady30: inserts into a segment_flips-like table with its GIN index under different index settings; per statement times. */
public class GinBench {
  public static void main(String[] a) throws Exception {
    int port = Integer.parseInt(a[0]);
    int stmts = Integer.parseInt(a[1]);
    Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "postgres");
    String[] segs = new String[1000];
    Random r = new Random(7);
    for (int i = 0; i < segs.length; i++) segs[i] = "seg_" + Long.toString(Math.abs(r.nextLong()), 36) + "abcdefgh".substring(0, 4);
    for (String cfg : a[2].split(";")) {
      try (Statement s = c.createStatement()) {
        s.execute("DROP TABLE IF EXISTS f");
        s.execute("CREATE TABLE f (seq bigserial PRIMARY KEY, store_id text, customer_id text, segment_ids text[], recorded_at timestamptz DEFAULT clock_timestamp())");
        s.execute("CREATE INDEX f_gin ON f USING gin (segment_ids)" + (cfg.equals("default") ? "" : " WITH (" + cfg + ")"));
        // a base of rows, as a table that has history
        s.execute("INSERT INTO f (store_id, customer_id, segment_ids) SELECT 'store_x', 'cust_' || i, (SELECT array_agg('seg_' || ((i * 7 + k * 13) % 1000)) FROM generate_series(1, 20) k) FROM generate_series(1, 50000) i");
        s.execute("VACUUM ANALYZE f");
      }
      PreparedStatement ps = c.prepareStatement("INSERT INTO f (store_id, customer_id, segment_ids) SELECT 'store_x', u.c, string_to_array(u.s, ',') FROM unnest(?::text[], ?::text[]) AS u(c, s)");
      long[] t = new long[stmts];
      long all0 = System.nanoTime();
      for (int i = 0; i < stmts; i++) {
        int rows = 10;
        String[] cs = new String[rows]; String[] ss = new String[rows];
        for (int k = 0; k < rows; k++) {
          cs[k] = "cust_bench" + r.nextInt(30000);
          StringBuilder b = new StringBuilder();
          int n = 10 + r.nextInt(30);
          for (int j = 0; j < n; j++) { if (j > 0) b.append(','); b.append(segs[r.nextInt(segs.length)]); }
          ss[k] = b.toString();
        }
        ps.setArray(1, c.createArrayOf("text", cs));
        ps.setArray(2, c.createArrayOf("text", ss));
        long t0 = System.nanoTime();
        ps.executeUpdate();
        t[i] = System.nanoTime() - t0;
      }
      long all = System.nanoTime() - all0;
      long[] s2 = t.clone(); Arrays.sort(s2);
      int over20 = 0; for (long x : t) if (x > 20_000_000) over20++;
      System.out.printf(Locale.ROOT, "GIN %-32s stmts %d total %.0f ms, per stmt p50 %.2f p90 %.2f p99 %.2f p999 %.2f max %.1f ms, over 20 ms: %d%n", cfg, stmts, all / 1e6,
          s2[stmts / 2] / 1e6, s2[stmts * 9 / 10] / 1e6, s2[stmts * 99 / 100] / 1e6, s2[stmts * 999 / 1000] / 1e6, s2[stmts - 1] / 1e6, over20);
    }
  }
}
