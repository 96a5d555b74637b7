package io.shoal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The start limit ({@code SHOAL_START_TIMEOUT_SECONDS}) counts from the end of the migrations; a
 * shutdown during the start lets it end first, unless it was given up.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MainStartLimitTest {

  @Test
  void migrationsLongerThanTheLimitDoNotCount() throws Exception {
    CompletableFuture<Void> migrated = new CompletableFuture<>();
    CompletableFuture<String> started = new CompletableFuture<>();
    // migrations take 2 s, the rest 0.5 s: with a 1 s limit the start is on time (timed from
    // before the delays are set: from after, it could see 2,499.9 ms, as it once did)
    long t0 = System.nanoTime();
    CompletableFuture.delayedExecutor(2_000, TimeUnit.MILLISECONDS).execute(() -> {
      migrated.complete(null);
      CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS).execute(() -> started.complete("up"));
    });
    assertEquals("up", Main.awaitStart(migrated, started, 1));
    assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(2_500));
  }

  @Test
  void whatFollowsTheMigrationsIsLimited() {
    CompletableFuture<Void> migrated = CompletableFuture.completedFuture(null);
    CompletableFuture<String> started = new CompletableFuture<>(); // never starts
    long t0 = System.nanoTime();
    assertThrows(TimeoutException.class, () -> Main.awaitStart(migrated, started, 1));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(ms >= 1_000 && ms < 10_000, ms + " ms");
  }

  @Test
  void aStartThatFailsBeforeItsMigrationsEndFailsAtOnce() {
    CompletableFuture<Void> migrated = new CompletableFuture<>(); // never migrated
    CompletableFuture<String> started = CompletableFuture.failedFuture(new IllegalStateException("no database"));
    ExecutionException e = assertThrows(ExecutionException.class, () -> Main.awaitStart(migrated, started, 60));
    assertEquals("no database", e.getCause().getMessage());
  }

  @Test
  void aStopDuringTheStartWaitsForItThenStopsWhatStarted() {
    CompletableFuture<String> starting = new CompletableFuture<>();
    CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS).execute(() -> starting.complete("up"));
    assertEquals("up", Main.toStop(starting, false, 10), "a start in progress is let end, then stopped");
  }

  @Test
  void aStartGivenUpFailedOrTooSlowLeavesNothingToStopGracefully() {
    long t0 = System.nanoTime();
    assertNull(Main.toStop(new CompletableFuture<String>(), true, 10), "given up: not waited for");
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
    assertNull(Main.toStop(CompletableFuture.<String>failedFuture(new IllegalStateException("no")), false, 10));
    assertNull(Main.toStop(new CompletableFuture<String>(), false, 1), "waited for at most the limit");
    assertNull(Main.toStop(null, false, 10), "not started at all");
    assertEquals("up", Main.toStop(CompletableFuture.completedFuture("up"), true, 10),
        "a start that ended is stopped even after a limit was passed");
  }
}
