package io.shoal.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shoal.config.ShoalConfig;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL runs with the settings Shoal's promises rest on: every commit flushed
 * to disk before it is acknowledged (full pages logged after a checkpoint), the page cache it was
 * given, and checkpoints by the log's size it was given, at most every 30 minutes.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EmbeddedPostgresSettingsTest {

  @TempDir
  Path dataDir;

  @Test
  void theEmbeddedServerIsDurableAndHasTheConfiguredPageCache() throws Exception {
    Vertx vertx = Vertx.vertx();
    Database db = Database.open(vertx, ShoalConfig.fromMap(Map.of(ShoalConfig.DATA_DIR, dataDir.toString(),
        ShoalConfig.EMBEDDED_PG_SHARED_BUFFERS_MB, "48", ShoalConfig.EMBEDDED_PG_MAX_WAL_SIZE_MB, "1536")), false).await(90, TimeUnit.SECONDS);
    try {
      Row row = db.pool().query("SELECT current_setting('shared_buffers') AS buffers, current_setting('fsync') AS fsync,"
              + " current_setting('synchronous_commit') AS sync, current_setting('full_page_writes') AS fpw")
          .execute().await(30, TimeUnit.SECONDS).iterator().next();
      assertEquals("48MB", row.getString("buffers"), "the page cache of SHOAL_EMBEDDED_PG_SHARED_BUFFERS_MB");
      assertEquals("on", row.getString("fsync"), "the embedded library's default (fsync off) is overridden");
      assertEquals("on", row.getString("sync"), "a commit is acknowledged once flushed");
      assertEquals("on", row.getString("fpw"));
      assertEquals("1536MB", show(db, "max_wal_size"), "the log between checkpoints of SHOAL_EMBEDDED_PG_MAX_WAL_SIZE_MB");
      assertEquals("30min", show(db, "checkpoint_timeout"));
    } finally {
      db.closePool().await(30, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
      db.stopEmbeddedBlocking();
    }
  }

  private static String show(Database db, String setting) throws Exception {
    return db.pool().query("SHOW " + setting).execute().await(30, TimeUnit.SECONDS).iterator().next().getString(0);
  }
}
