package io.shoal;

import io.shoal.config.ShoalConfig;
import io.shoal.db.Database;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the environment, starts Shoal, and stops it gracefully on SIGTERM. Exit 1 if it cannot start. */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  /** How long a graceful stop may take before the database is stopped under it. */
  private static final long STOP_SECONDS = 30;

  private Main() {}

  /**
   * Waits for the start: without a limit until the database is migrated (Flyway logs each
   * migration; a rewrite of a big table takes what it takes, and stopping in the middle only makes
   * the next start redo it), then at most {@code limitSeconds} for the rest (the evaluators load
   * every customer). A start that fails before its migrations end fails here at once.
   */
  static <T> T awaitStart(CompletableFuture<Void> migrated, CompletableFuture<T> started, long limitSeconds)
      throws InterruptedException, ExecutionException, TimeoutException {
    CompletableFuture.anyOf(migrated, started).get();
    return started.get(limitSeconds, TimeUnit.SECONDS);
  }

  public static void main(String[] args) throws InterruptedException {
    ShoalConfig config;
    try {
      config = ShoalConfig.fromEnv();
    } catch (IllegalArgumentException e) {
      LOG.error("Invalid configuration: {}", e.getMessage());
      System.exit(1);
      return;
    }
    // Registered before the start: a start that times out or fails ends in System.exit(1) while
    // it may still run, and the embedded PostgreSQL (which has no hook of its own here, see
    // Shoal.start) must be stopped then too.
    AtomicReference<Database> database = new AtomicReference<>();
    AtomicReference<Shoal> running = new AtomicReference<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(running.get(), database.get()), "shoal-shutdown"));
    try {
      CompletableFuture<Void> migrated = new CompletableFuture<>();
      CompletableFuture<Shoal> started = Shoal.start(config, db -> {
        database.set(db);
        migrated.complete(null);
      }, false).toCompletionStage().toCompletableFuture();
      running.set(awaitStart(migrated, started, config.startTimeoutSeconds()));
    } catch (TimeoutException e) {
      LOG.error("Shoal did not start within {} s after its migrations ({}); raise it for a large database",
          config.startTimeoutSeconds(), ShoalConfig.START_TIMEOUT);
      System.exit(1);
    } catch (Exception e) {
      LOG.error("Shoal failed to start", e.getCause() == null ? e : e.getCause());
      System.exit(1);
    }
  }

  /**
   * The JVM's shutdown: a started Shoal stops gracefully (at most {@link #STOP_SECONDS}; its own
   * last step stops the embedded PostgreSQL), then the embedded PostgreSQL is stopped if that has
   * not happened: after a stop that did not end in time, or a start that did not end.
   */
  private static void stop(Shoal shoal, Database database) {
    if (shoal == null && database == null) {
      return;
    }
    LOG.info("Shutting down");
    if (shoal != null) {
      CountDownLatch stopped = new CountDownLatch(1);
      shoal.stop().onComplete(ar -> stopped.countDown());
      try {
        if (!stopped.await(STOP_SECONDS, TimeUnit.SECONDS)) {
          LOG.warn("The stop did not end within {} s; stopping the database anyway", STOP_SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (database != null) {
      database.stopEmbeddedBlocking(); // once only: after a stop that ended, this does nothing
    }
    LOG.info("Stopped");
  }
}
