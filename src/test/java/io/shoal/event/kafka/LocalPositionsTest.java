package io.shoal.event.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A 202 for an event of a partition this node projects carries the seq the projection gave it,
 * also when the projection passed the record before the producer's acknowledgement reached the
 * appender (a fast projection: seen as a rare -1 seq in KafkaEventLogContractTest).
 */
class LocalPositionsTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close();
  }

  @Test
  void anOffsetProjectedBeforeItIsAwaitedStillAnswersItsSeq() throws Exception {
    KafkaEventProjector.Positions positions = new KafkaEventProjector.Positions(600_000);
    positions.attach(vertx, null, "t.events");
    positions.advance(2, 0, Map.of()); // partition 2 is this node's, nothing projected yet

    Future<Long> waiting = positions.awaitProjected(2, 1);
    assertFalse(waiting.isComplete());
    positions.advance(2, 3, Map.of(0L, 1025L, 1L, 2049L, 2L, 3073L));
    assertEquals(2049L, waiting.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));

    // acknowledged after the projection passed it: answered from what the projection kept
    assertEquals(3073L, positions.awaitProjected(2, 2).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertEquals(1025L, positions.awaitProjected(2, 0).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));

    // long ago (its place reused by a later offset): no seq to tell
    positions.advance(2, 8_196, Map.of(8_192L, 9_000L));
    assertEquals(-1L, positions.awaitProjected(2, 0).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertEquals(9_000L, positions.awaitProjected(2, 8_192).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));

    // a partition handed to another node forgets what it kept
    positions.forget(2);
    positions.advance(2, 8_196, Map.of());
    assertEquals(-1L, positions.awaitProjected(2, 8_192).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
  }
}
