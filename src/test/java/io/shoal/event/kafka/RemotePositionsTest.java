package io.shoal.event.kafka;

import static io.shoal.testing.TestPool.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestPool;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A 202 for an event of a partition another node projects waits until that node's stored
 * offset has passed it (read-after-write on any node), not until the give-up time. The give-up
 * here is 10 minutes, so only the stored offset can answer within the test's timeout.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RemotePositionsTest {

  private static TestPool db;

  @BeforeAll
  static void database() {
    db = TestPool.migrated();
    TestDatabase.execute(db.url, "INSERT INTO kafka_offsets (topic, partition, next_offset) VALUES"
        + " ('t.events', 3, 5), ('t.events', 4, 0)");
  }

  @AfterAll
  static void close() throws Exception {
    db.close();
  }

  @Test
  void anEventProjectedElsewhereIsAnsweredOnceTheOwnersOffsetPassedIt() throws Exception {
    KafkaEventProjector.Positions positions = new KafkaEventProjector.Positions(600_000);
    positions.attach(db.vertx, db.pool, "t.events");

    // offset 4 of partition 3: stored next offset 5 passed it already
    assertEquals(-1L, await(positions.awaitProjected(3, 4)));

    // two partitions waited on at once (one query for both), one still behind
    Future<Long> later = positions.awaitProjected(4, 2);
    Future<Long> also = positions.awaitProjected(3, 7);
    Thread.sleep(300);
    assertFalse(later.isComplete(), "offset 2 of partition 4 is not projected yet");
    assertFalse(also.isComplete(), "offset 7 of partition 3 is not projected yet");
    TestDatabase.execute(db.url, "UPDATE kafka_offsets SET next_offset = 3 WHERE partition = 4");
    TestDatabase.execute(db.url, "UPDATE kafka_offsets SET next_offset = 8 WHERE partition = 3");
    assertEquals(-1L, await(later));
    assertEquals(-1L, await(also));
  }
}
