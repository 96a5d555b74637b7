package io.shoal;

import io.shoal.config.ShoalConfig;
import io.shoal.db.Database;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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
    // Shoal.start) must be stopped then too; a SIGTERM may also come while the start still runs
    // (the API answers before the delivery dispatcher is deployed).
    AtomicReference<Database> database = new AtomicReference<>();
    AtomicReference<CompletableFuture<Shoal>> starting = new AtomicReference<>();
    AtomicBoolean gaveUp = new AtomicBoolean();
    Runtime.getRuntime().addShutdownHook(new Thread(
        () -> stop(starting.get(), gaveUp.get(), database.get()), "shoal-shutdown"));
    try {
      CompletableFuture<Void> migrated = new CompletableFuture<>();
      starting.set(Shoal.start(config, db -> {
        database.set(db);
        migrated.complete(null);
      }, false).toCompletionStage().toCompletableFuture());
      awaitStart(migrated, starting.get(), config.startTimeoutSeconds());
    } catch (TimeoutException e) {
      LOG.error("Shoal did not start within {} s after its migrations ({}); raise it for a large database",
          config.startTimeoutSeconds(), ShoalConfig.START_TIMEOUT);
      gaveUp.set(true);
      System.exit(1);
    } catch (Exception e) {
      LOG.error("Shoal failed to start", e.getCause() == null ? e : e.getCause());
      gaveUp.set(true);
      System.exit(1);
    }
  }

  /**
   * The started Shoal to stop gracefully: a start still running (and not given up) is waited
   * for, at most {@code waitSeconds}; null for one that failed, was given up or did not end in time.
   */
  static <T> T toStop(CompletableFuture<T> starting, boolean gaveUp, long waitSeconds) {
    if (starting == null || gaveUp && !starting.isDone()) {
      return null;
    }
    try {
      return starting.get(waitSeconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException e) {
      return null;
    }
  }

  /**
   * The JVM's shutdown: Shoal, once started (a start in progress is let end first, at most
   * {@link #STOP_SECONDS}), stops gracefully (at most {@link #STOP_SECONDS}; its own last step
   * stops the embedded PostgreSQL); then the embedded PostgreSQL is stopped if that has not
   * happened: after a stop that did not end in time, or a start that did not end.
   */
  private static void stop(CompletableFuture<Shoal> starting, boolean gaveUp, Database database) {
    if (starting == null) {
      return;
    }
    LOG.info("Shutting down");
    Shoal shoal = toStop(starting, gaveUp, STOP_SECONDS);
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
