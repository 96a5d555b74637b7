package io.shoal.segment.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.kernel.DomainException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ingestion's admission: requests get in at once while the evaluators have fewer than
 * {@code max} events waiting, wait (in arrival order) while they have more, and are answered
 * 503 when the evaluators do not catch up in time. Only events sent to a listening partition
 * count, so nothing can hold the count up for good.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EvaluationBacklogTest {

  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void requestsWaitWhileTheEvaluatorsAreBehindAndGetInOldestFirst() throws Exception {
    EvaluationBacklog backlog = new EvaluationBacklog(vertx, 2, 3, 10_000);
    backlog.listening(0);
    backlog.listening(1);
    assertTrue(onLoop(() -> backlog.room(1000)).isComplete(), "an empty backlog admits any request at once");
    for (int i = 0; i < 3; i++) {
      backlog.delivered(i % 2);
    }
    assertEquals(3, backlog.size());

    List<String> admitted = new CopyOnWriteArrayList<>();
    Future<Void> first = onLoop(() -> backlog.room(1)).onSuccess(v -> admitted.add("first"));
    Future<Void> second = onLoop(() -> backlog.room(1)).onSuccess(v -> admitted.add("second"));
    Thread.sleep(200);
    assertFalse(first.isComplete(), "at max, a request waits");
    assertFalse(second.isComplete());

    backlog.delivered(1); // 4 waiting
    backlog.written(0, 1);     // 3: still no room
    Thread.sleep(200);
    assertFalse(first.isComplete(), "still max waiting events: " + backlog.size());

    backlog.written(1, 1);     // 2: room
    await(first);
    await(second);
    assertEquals(List.of("first", "second"), admitted);
    assertEquals(2, backlog.size());
  }

  @Test
  void aNewRequestQueuesBehindTheWaitingOnesEvenWhenThereIsRoomForAMoment() throws Exception {
    EvaluationBacklog backlog = new EvaluationBacklog(vertx, 1, 2, 10_000);
    backlog.listening(0);
    backlog.delivered(0);
    backlog.delivered(0);
    Future<Void> waiting = onLoop(() -> backlog.room(1));
    Thread.sleep(100);
    assertFalse(waiting.isComplete());
    backlog.written(0, 1); // room: the waiting one is let in first
    await(waiting);
    backlog.delivered(0); // what it appended arrives: full again
    Future<Void> later = onLoop(() -> backlog.room(1));
    Thread.sleep(100);
    assertFalse(later.isComplete(), "no room: the newcomer waits");
    backlog.written(0, 1);
    await(later);
  }

  @Test
  void aRequestWaitingTooLongIsAnswered503WithRetryAfter() throws Exception {
    EvaluationBacklog backlog = new EvaluationBacklog(vertx, 1, 1, 300);
    backlog.listening(0);
    backlog.delivered(0);
    long started = System.nanoTime();
    Future<Void> refused = onLoop(() -> backlog.room(5));
    Throwable cause = awaitFailure(refused);
    assertTrue(System.nanoTime() - started >= 250_000_000L, "waited its time first");
    DomainException busy = (DomainException) cause;
    assertEquals(503, busy.status());
    assertEquals("evaluation_behind", busy.code());
    assertTrue(busy.getMessage().contains("1 events behind"), busy.getMessage());
    assertEquals(1, busy.retryAfterSeconds());

    backlog.written(0, 1);
    assertTrue(onLoop(() -> backlog.room(5)).isComplete(), "the expired waiter holds no place in the queue");
  }

  @Test
  void eventsForAPartitionThatIsNotListeningNeverCount() throws Exception {
    EvaluationBacklog backlog = new EvaluationBacklog(vertx, 2, 1, 10_000);
    backlog.listening(1);
    backlog.delivered(0); // partition 0 is still loading: its start replays the event from the log
    backlog.written(0, 1);     // and a take it did not count is no credit either
    assertEquals(0, backlog.size());
    assertTrue(onLoop(() -> backlog.room(1)).isComplete());

    backlog.delivered(1);
    Future<Void> waiting = onLoop(() -> backlog.room(1));
    Thread.sleep(100);
    assertFalse(waiting.isComplete());
    backlog.stopped(1); // what was sent to it is lost with its consumer, and replayed by its next start
    await(waiting);
    assertEquals(0, backlog.size());
    backlog.delivered(1);
    assertEquals(0, backlog.size(), "a stopped partition does not count until it listens again");
  }

  @Test
  void zeroAdmitsEverything() throws Exception {
    EvaluationBacklog backlog = new EvaluationBacklog(vertx, 1, 0, 10_000);
    backlog.listening(0);
    for (int i = 0; i < 1_000; i++) {
      backlog.delivered(0);
    }
    assertEquals(1_000, backlog.size());
    assertTrue(onLoop(() -> backlog.room(1)).isComplete());
  }

  /** Calls {@code room} on an event loop, as the API does. */
  private Future<Void> onLoop(java.util.function.Supplier<Future<Void>> room) throws Exception {
    CompletableFuture<Future<Void>> f = new CompletableFuture<>();
    vertx.getOrCreateContext().runOnContext(v -> f.complete(room.get()));
    Future<Void> result = f.get(5, TimeUnit.SECONDS);
    Thread.sleep(20); // an immediate admission completes at once; a waiting one would not have by now
    return result;
  }

  private static void await(Future<Void> f) throws Exception {
    f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static Throwable awaitFailure(Future<Void> f) throws Exception {
    try {
      await(f);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure");
  }
}
