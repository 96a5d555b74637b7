import jdk.jfr.consumer.*;
import java.nio.file.*;
import java.util.*;
public class Alloc {
  public static void main(String[] a) throws Exception {
    int depth = a.length > 1 ? Integer.parseInt(a[1]) : 4;
    Map<String, Long> byClass = new HashMap<>(), byStack = new HashMap<>();
    long total = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(a[0]))) {
      if (!e.getEventType().getName().equals("jdk.ObjectAllocationSample")) continue;
      long w = e.getLong("weight");
      total += w;
      String cls = e.getClass("objectClass").getName();
      byClass.merge(cls, w, Long::sum);
      StringBuilder sb = new StringBuilder(cls);
      RecordedStackTrace st = e.getStackTrace();
      if (st != null) { int n = 0; for (RecordedFrame f : st.getFrames()) { if (n++ >= depth) break; sb.append(" <- ").append(f.getMethod().getType().getName().replaceAll(".*\\.", "")).append('.').append(f.getMethod().getName()).append(':').append(f.getLineNumber()); } }
      byStack.merge(sb.toString(), w, Long::sum);
    }
    System.out.printf("total sampled weight %.1f MB%n", total / 1e6);
    final long t = total;
    System.out.println("--- by class");
    byClass.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(25)
      .forEach(x -> System.out.printf("%8.1f MB %5.1f%%  %s%n", x.getValue() / 1e6, 100.0 * x.getValue() / t, x.getKey()));
    System.out.println("--- by class and stack");
    byStack.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(40)
      .forEach(x -> System.out.printf("%8.1f MB %5.1f%%  %s%n", x.getValue() / 1e6, 100.0 * x.getValue() / t, x.getKey()));
  }
}
