package io.shoal.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.shoal.config.ShoalConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Starting PostgreSQL and migrating it may take minutes (an upgrade's migration that rewrites every
 * row: V74 took ~3 min at 1M customers). That is expected work, not a stuck thread: it must not fill
 * the log with Vert.x's blocked-thread stack traces, which it did once a second on a shared worker.
 * Here the workers' limit is cut to 100 ms, so a fresh database's start and migrations overrun it.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LongMigrationTest {

  @TempDir
  Path dataDir;

  @Test
  void aStartLongerThanTheWorkersLimitIsNotReportedAsABlockedThread() throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger checker = (Logger) LoggerFactory.getLogger("io.vertx");
    checker.addAppender(logs);
    Vertx vertx = Vertx.vertx(new VertxOptions()
        .setMaxWorkerExecuteTime(100).setMaxWorkerExecuteTimeUnit(TimeUnit.MILLISECONDS)
        .setBlockedThreadCheckInterval(20).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS));
    long started = System.nanoTime();
    Database db = Database.open(vertx, ShoalConfig.fromMap(Map.of(ShoalConfig.DATA_DIR, dataDir.toString())), false)
        .await(90, TimeUnit.SECONDS);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    try {
      assertTrue(tookMs > 500, "the start overran the workers' 100 ms limit many times over (" + tookMs + " ms)");
      List<String> blocked = logs.list.stream().map(ILoggingEvent::getFormattedMessage)
          .filter(m -> m.contains("has been blocked")).toList();
      assertEquals(0, blocked.size(), "no blocked-thread report for the start's own long work; first of "
          + blocked.size() + ": " + blocked.stream().findFirst().orElse(""));
      assertEquals(1, db.pool().query("SELECT 1").execute().await(30, TimeUnit.SECONDS).size());
    } finally {
      checker.detachAppender(logs);
      db.closePool().await(30, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
      db.stopEmbeddedBlocking();
    }
  }
}
