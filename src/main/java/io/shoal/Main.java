package io.shoal;

import io.shoal.config.ShoalConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the environment, starts Shoal, and stops it gracefully on SIGTERM. Exit 1 if it cannot start. */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

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
    Shoal shoal;
    try {
      CompletableFuture<Void> migrated = new CompletableFuture<>();
      CompletableFuture<Shoal> started = Shoal.start(config, () -> migrated.complete(null)).toCompletionStage()
          .toCompletableFuture();
      shoal = awaitStart(migrated, started, config.startTimeoutSeconds());
    } catch (TimeoutException e) {
      LOG.error("Shoal did not start within {} s after its migrations ({}); raise it for a large database",
          config.startTimeoutSeconds(), ShoalConfig.START_TIMEOUT);
      System.exit(1);
      return;
    } catch (Exception e) {
      LOG.error("Shoal failed to start", e.getCause() == null ? e : e.getCause());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("Shutting down");
      shoal.stop().onComplete(ar -> stopped.countDown());
      try {
        stopped.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      LOG.info("Stopped");
    }, "shoal-shutdown"));
  }
}
