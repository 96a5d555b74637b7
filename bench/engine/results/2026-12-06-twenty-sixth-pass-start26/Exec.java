import jdk.jfr.consumer.*;
import java.nio.file.*;
import java.util.*;
public class Exec {
  public static void main(String[] a) throws Exception {
    Map<String, Long> self = new HashMap<>(), app = new HashMap<>(), thread = new HashMap<>();
    long total = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(a[0]))) {
      if (!e.getEventType().getName().equals("jdk.ExecutionSample")) continue;
      total++;
      RecordedStackTrace st = e.getStackTrace();
      String tn = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
      thread.merge(tn.replaceAll("[0-9]+$", ""), 1L, Long::sum);
      if (st == null || st.getFrames().isEmpty()) continue;
      RecordedFrame top = st.getFrames().get(0);
      self.merge(top.getMethod().getType().getName() + "." + top.getMethod().getName(), 1L, Long::sum);
      // innermost io.shoal frame + the frame below it
      String k = "(none)";
      List<RecordedFrame> fs = st.getFrames();
      for (int i = 0; i < fs.size(); i++) {
        String t = fs.get(i).getMethod().getType().getName();
        if (t.startsWith("io.shoal")) { k = t.replaceAll(".*\\.", "") + "." + fs.get(i).getMethod().getName() + (i > 0 ? " > " + fs.get(i-1).getMethod().getType().getName().replaceAll(".*\\.", "") + "." + fs.get(i-1).getMethod().getName() : ""); break; }
      }
      app.merge(k, 1L, Long::sum);
    }
    System.out.println("samples " + total);
    for (var m : List.of(thread, self, app)) {
      System.out.println("---");
      final long t = total;
      m.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(30)
        .forEach(x -> System.out.printf("%6d %5.1f%%  %s%n", x.getValue(), 100.0 * x.getValue() / t, x.getKey()));
    }
  }
}
