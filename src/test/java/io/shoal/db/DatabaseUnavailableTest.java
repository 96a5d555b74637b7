package io.shoal.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.VertxException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Which failures say "the database is away" (503, retry later) and which are a query's own. */
class DatabaseUnavailableTest {

  @Test
  void anExhaustedPoolAndAResetSocketAreTheDatabaseBeingAway() {
    // the Vert.x 5 SQL pool's words when no connection came free within the connection timeout
    assertTrue(DatabaseUnavailable.is(new VertxException("Timeout waiting for connection")));
    // the same, relayed by an evaluator partition over the event bus
    assertTrue(DatabaseUnavailable.is(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 503,
        "could not read the customers: Timeout waiting for connection")));
    // Netty's native transport when PostgreSQL stops under load
    assertTrue(DatabaseUnavailable.is(new IOException("Connection reset by peer")));
    assertTrue(DatabaseUnavailable.is(new RuntimeException("wrapped", new IOException("Broken pipe"))));
    assertEquals(503, DatabaseUnavailable.answer().status());
  }

  @Test
  void aQueryOfItsOwnIsNot() {
    assertFalse(DatabaseUnavailable.is(new PgException("duplicate key", "ERROR", "23505", null)));
    assertFalse(DatabaseUnavailable.is(new IOException("No space left on device")));
    assertFalse(DatabaseUnavailable.is(new VertxException("Timeout")));
    assertFalse(DatabaseUnavailable.is(new IllegalStateException("export ended")));
  }
}
