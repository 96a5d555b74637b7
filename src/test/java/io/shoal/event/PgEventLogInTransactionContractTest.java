package io.shoal.event;

import io.shoal.outbox.NotificationLog;
import io.vertx.core.Vertx;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PgEventLogContractTest} with a fan-out told inside the recording transaction: each group
 * commit goes through BEGIN, the insert, the notifications and COMMIT (as Kafka mode's appends
 * that write a position with their events do), and keeps the same promises.
 */
class PgEventLogInTransactionContractTest extends PgEventLogContractTest {

  @Override
  protected NotificationLog outboxOf(Vertx vertx) {
    return outbox(vertx);
  }

  /** Through BEGIN ... COMMIT the insert keeps ON CONFLICT: an id logged before is answered as a repeat, the rest logged. */
  @Override
  @Test
  void anIdLoggedByAnEarlierBatchWithoutADedupeKeyFailsTheBatch() {
    EventLog.Pending a = pending("cust_a", "page.viewed", null);
    EventLog.Appended first = await(log.append(List.of(a))).get(0);
    EventLog.Pending b = pending("cust_b", "order.completed", null);
    List<EventLog.Appended> out = await(log.append(List.of(b, a)));
    assertFalse(out.get(0).duplicate());
    assertTrue(out.get(1).duplicate());
    assertEquals(first.event().seq(), out.get(1).event().seq());
    assertEquals(2L, count("SELECT count(*) FROM events WHERE store_id = $1"));
    assertEquals(List.of(b.id()), notifications().stream().map(r -> r.getString("id")).toList());
  }
}
