/** Applies Shoal's migrations (from target/shoal.jar on the class path) to a scratch database: URL USER. */
public class Migrate {
  public static void main(String[] a) {
    org.flywaydb.core.Flyway.configure().dataSource(a[0], a[1], "").locations("classpath:db/migration")
        .outOfOrder(true).load().migrate();
  }
}
