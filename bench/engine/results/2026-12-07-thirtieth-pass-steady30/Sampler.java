import java.sql.*;
import java.io.*;
import java.nio.file.*;

/** steady30: samples pg_stat_activity (non-idle backends) every PERIOD ms, and the disk and dirty pages every 100 ms, until STOPFILE exists. */
public class Sampler {
  public static void main(String[] a) throws Exception {
    int port = Integer.parseInt(a[0]);
    String out = a[1];
    long period = Long.parseLong(a[2]);
    Path stop = Path.of(a[3]);
    try (PrintWriter w = new PrintWriter(new BufferedWriter(new FileWriter(out)))) {
      Connection c = null;
      while (c == null && !Files.exists(stop)) {
        try { c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres?ApplicationName=sampler", "postgres", "postgres"); }
        catch (SQLException e) { Thread.sleep(500); }
      }
      if (c == null) return;
      PreparedStatement ps = c.prepareStatement("SELECT pid, backend_type, state, coalesce(wait_event_type,'-') || ':' || coalesce(wait_event,'-'),"
          + " (extract(epoch from clock_timestamp() - query_start) * 1000)::int, (extract(epoch from clock_timestamp() - xact_start) * 1000)::int,"
          + " regexp_replace(left(query, 60), '\\s+', ' ', 'g') FROM pg_stat_activity"
          + " WHERE pid <> pg_backend_pid() AND (state IS NULL OR state <> 'idle') AND backend_type NOT IN ('archiver','logical replication launcher')");
      long lastDisk = 0;
      while (!Files.exists(stop)) {
        long t = System.currentTimeMillis();
        try (ResultSet r = ps.executeQuery()) {
          while (r.next()) {
            w.printf("A %d %d %s %s %s %d %d %s%n", t, r.getInt(1), r.getString(2).replace(' ', '_'), String.valueOf(r.getString(3)).replace(' ', '_'),
                r.getString(4), r.getInt(5), r.getInt(6), r.getString(7));
          }
        }
        if (t - lastDisk >= 100) {
          lastDisk = t;
          long dirty = 0, wb = 0;
          for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (l.startsWith("Dirty:")) dirty = Long.parseLong(l.replaceAll("\\D", ""));
            if (l.startsWith("Writeback:")) wb = Long.parseLong(l.replaceAll("\\D", ""));
          }
          String disk = "";
          for (String l : Files.readAllLines(Path.of("/proc/diskstats"))) {
            String[] f = l.trim().split("\\s+");
            if (f[2].equals("vda")) disk = f[3] + " " + f[7] + " " + f[9] + " " + f[10] + " " + f[12];
          }
          String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
          w.printf("D %d %d %d %s | %s%n", t, dirty, wb, disk, cpu);
        }
        long sl = period - (System.currentTimeMillis() - t);
        if (sl > 0) Thread.sleep(sl);
      }
    }
  }
}
