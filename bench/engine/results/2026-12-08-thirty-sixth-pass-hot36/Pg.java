// hot36: the embedded PostgreSQL (zonky, as Shoal starts it) on a data directory, on a port, until stdin closes.
// java -cp base.jar Pg.java DATA_DIR/pg PORT
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
public class Pg {
  public static void main(String[] a) throws Exception {
    EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(Path.of(a[0])).setCleanDataDirectory(false)
        .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on").setServerConfig("full_page_writes", "on")
        .setServerConfig("max_connections", "300").setServerConfig("shared_buffers", "256MB")
        .setServerConfig("max_wal_size", "8192MB").setServerConfig("checkpoint_timeout", "30min")
        .setPort(Integer.parseInt(a[1])).start();
    System.out.println("ready " + pg.getPort());
    System.out.flush();
    while (System.in.read() >= 0) { }
    pg.close();
    System.out.println("stopped");
  }
}
