package io.shoal.automation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.db.Database;
import io.shoal.outbox.NotificationLog;
import io.shoal.testing.TestPool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The automations' horizon of the notification log (AutomationStore.notificationHorizon), read at
 * every wake: one statement, kept prepared on the connection (issue 17, thirty-third pass: as two
 * simple queries it was parsed and planned twice at every batch of creates), with the same answer.
 */
class AutomationStoreHorizonTest {

  private static TestPool db;

  @BeforeAll
  static void database() {
    db = TestPool.migrated();
  }

  @AfterAll
  static void close() throws Exception {
    db.close();
  }

  @Test
  void theHorizonIsOnePreparedStatementWithTheLastSeqAndTheOldestRunningTransaction() throws Exception {
    // one connection, its statements cached as the server's pools cache them (Database)
    Pool one = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(Database.parseUrl(db.url).setCachePreparedStatements(true)).using(db.vertx).build();
    SqlConnection writer = TestPool.await(db.pool.getConnection());
    try {
      AutomationStore store = new AutomationStore(one);

      // a writer that took a seq and an xid and has not committed
      var tx = TestPool.await(writer.begin());
      Row taken = TestPool.await(writer.query("SELECT nextval(pg_get_serial_sequence('notifications', 'seq')),"
          + " pg_current_xact_id()::text::bigint").execute()).iterator().next();
      long seq = taken.getLong(0);
      long xid = taken.getLong(1);
      for (int call = 0; call < 3; call++) {
        AutomationStore.Horizon h = TestPool.await(store.notificationHorizon());
        assertEquals(seq + NotificationLog.PER_SET - 1, h.seq(), "the last seq handed out, a set's length on");
        assertTrue(h.xmin() <= xid, "the running writer is not below the horizon: " + h.xmin() + " > " + xid);
      }
      TestPool.await(tx.rollback());
      AutomationStore.Horizon after = TestPool.await(store.notificationHorizon());
      assertTrue(after.xmin() > xid, "once it ended, the horizon passes it: " + after.xmin());

      Row kept = TestPool.await(one.withConnection(conn -> conn.query(
          "SELECT count(*), coalesce(sum(generic_plans + custom_plans), 0) FROM pg_prepared_statements"
              + " WHERE statement = '" + AutomationStore.SQL_HORIZON.replace("'", "''") + "'").execute()))
          .iterator().next();
      assertEquals(1, kept.getLong(0), "the horizon's statement is kept prepared on the connection");
      assertEquals(4, kept.getLong(1), "and each of its 4 calls ran a plan of it");
    } finally {
      TestPool.await(writer.close());
      TestPool.await(one.close());
    }
  }
}
