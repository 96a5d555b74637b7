package io.shoal;

import io.shoal.config.ShoalConfig;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the environment, starts Shoal, and stops it gracefully on SIGTERM. Exit 1 if it cannot start. */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

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
      shoal = Shoal.start(config).toCompletionStage().toCompletableFuture()
          .get(config.startTimeoutSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      LOG.error("Shoal did not start within {} s ({}); raise it for a large database", config.startTimeoutSeconds(),
          ShoalConfig.START_TIMEOUT);
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
