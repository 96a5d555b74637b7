public class PrintSql {
  public static void main(String[] a) throws Exception {
    Class<?> c = Class.forName("io.shoal.segment.eval.EvaluationStore");
    java.lang.reflect.Field f = c.getDeclaredField("SQL_STATES");
    f.setAccessible(true);
    System.out.println(f.get(null));
  }
}
