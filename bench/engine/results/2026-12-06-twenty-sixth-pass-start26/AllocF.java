import jdk.jfr.consumer.*;
import java.nio.file.*;
import java.util.*;
public class AllocF {
  public static void main(String[] a) throws Exception {
    String filter = a[1];
    Map<String, Long> by = new HashMap<>();
    long total = 0, all = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(a[0]))) {
      if (!e.getEventType().getName().equals("jdk.ObjectAllocationSample")) continue;
      long w = e.getLong("weight"); all += w;
      RecordedStackTrace st = e.getStackTrace();
      if (st == null) continue;
      boolean hit = false; String app = "";
      for (RecordedFrame f : st.getFrames()) { String m = f.getMethod().getType().getName() + "." + f.getMethod().getName(); if (m.contains(filter)) hit = true; }
      if (!hit) continue;
      total += w;
      // first frame in io.shoal or the top 2 frames
      String k = e.getClass("objectClass").getName();
      int n = 0;
      for (RecordedFrame f : st.getFrames()) { String t = f.getMethod().getType().getName(); if (n < 2 || t.startsWith("io.shoal")) { k += " <- " + t.replaceAll(".*\\.", "") + "." + f.getMethod().getName(); } if (t.startsWith("io.shoal")) break; n++; }
      by.merge(k, w, Long::sum);
    }
    System.out.printf("filtered %.1f MB of %.1f MB%n", total / 1e6, all / 1e6);
    final long t = total;
    by.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(35)
      .forEach(x -> System.out.printf("%8.1f MB %5.1f%%  %s%n", x.getValue() / 1e6, 100.0 * x.getValue() / t, x.getKey()));
  }
}
