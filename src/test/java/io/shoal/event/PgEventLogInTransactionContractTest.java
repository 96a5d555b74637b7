package io.shoal.event;

import io.shoal.outbox.NotificationLog;
import io.vertx.core.Vertx;

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
}
