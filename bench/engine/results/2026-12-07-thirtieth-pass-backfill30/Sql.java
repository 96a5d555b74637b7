public class Sql {
  public static void main(String[] a) throws Exception {
    Class<?> c = Class.forName("io.shoal.segment.eval.EvaluationStore");
    java.lang.reflect.Field f = c.getDeclaredField(a[0]);
    f.setAccessible(true);
    System.out.println(f.get(null));
  }
}
