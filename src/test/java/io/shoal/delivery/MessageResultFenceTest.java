package io.shoal.delivery;

import static io.shoal.testing.TestPool.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestPool;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A message's result is written only under the claim it belongs to: after the dispatcher moved
 * to another node while this one stalled (the message given back and claimed again there), the
 * stalled node's late result does not land on the new claim.
 */
class MessageResultFenceTest {

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
  void a_late_result_of_an_earlier_claim_is_not_written_over_the_next_claim() throws Exception {
    TestDatabase.execute(db.url, "INSERT INTO stores (id, name) VALUES ('store_fence', 'store_fence')");
    TestDatabase.execute(db.url, "INSERT INTO messages (store_id, id, customer_id, channel, source, source_id,"
        + " dedupe_key, template_id) VALUES ('store_fence', 'msg_1', 'cust_1', 'email', 'campaign', 'cmp_1', 'k1',"
        + " 'tpl_1')");
    MessageStore store = new MessageStore(db.pool);
    MessageStore.Claimed ofA = await(store.claim("email", 10)).ready().get(0);
    assertEquals(1, ofA.attempts(), "node-a's claim");

    // node-a stalls; node-b, now running the dispatcher, gives back what was being sent and claims it
    assertEquals(1, await(store.requeueSending()));
    MessageStore.Claimed ofB = await(store.claim("email", 10)).ready().get(0);
    assertEquals(2, ofB.attempts(), "node-b's claim");

    // node-a's late answer (a timeout: retry in a minute) comes while node-b's attempt is out
    await(store.write(List.of(new MessageStore.Result("store_fence", "msg_1", ofA.attempts(), "queued", null,
        "timeout", MessageStore.at(System.currentTimeMillis() + 60_000)))));
    assertEquals("sending", column("status"), "node-a's result is not written over node-b's claim");
    assertNull(column("last_error"));

    await(store.write(List.of(new MessageStore.Result("store_fence", "msg_1", ofB.attempts(), "sent", "prov_b", null,
        null))));
    assertEquals("sent", column("status"), "node-b's result is");
    assertEquals("prov_b", column("provider_message_id"));
  }

  private static String column(String name) throws Exception {
    try (Connection c = TestDatabase.connect(db.url); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT " + name + " FROM messages WHERE id = 'msg_1'")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
