package io.shoal.engine.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for an asynchronous outcome by asking again until it holds or a deadline passes. The
 * segment evaluator writes aggregates, memberships and transitions a few milliseconds after the
 * 202, so tests poll for them instead of sleeping a fixed time.
 */
public final class Poll {

  /** Long enough for a loaded 2-core CI machine, short enough that a real failure shows quickly. */
  public static final Duration DEFAULT = Duration.ofSeconds(20);

  private Poll() {}

  /** Asks {@code probe} until {@code done} accepts its answer; fails showing the last answer. */
  public static <T> T until(String what, Supplier<T> probe, Predicate<T> done) {
    return until(what, DEFAULT, probe, done);
  }

  public static <T> T until(String what, Duration timeout, Supplier<T> probe, Predicate<T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 5;
    T last;
    while (true) {
      last = probe.get();
      if (done.test(last)) {
        return last;
      }
      if (System.nanoTime() > deadline) {
        return fail("not " + what + " within " + timeout.toMillis() + " ms; last seen: " + last);
      }
      sleep(pause);
      pause = Math.min(100, pause * 2);
    }
  }

  /** Waits until {@code probe} answers {@code expected} (by equals). */
  public static <T> T untilEquals(String what, T expected, Supplier<T> probe) {
    return until(what + " = " + expected, probe, expected::equals);
  }

  /** Sleeps until the wall clock reaches {@code instant}: for tests of time itself, not for waiting on Shoal. */
  public static void sleepUntil(java.time.Instant instant) {
    long ms = java.time.Duration.between(java.time.Instant.now(), instant).toMillis();
    if (ms > 0) {
      sleep(ms);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
