package io.shoal.segment.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.segment.SegmentDefinition;
import io.shoal.segment.StorefrontFields;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestPool;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A partition's start read as two scans (state rows, then profiles), against the real PostgreSQL:
 * each customer gets its own store's state and memberships and its profile, a customer without a
 * state row is loaded too, and the customers to re-test after the replay are those without a
 * stored state or whose profile changed after they were last evaluated.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StartLoadTest {

  private static final long EVALUATED = 1_780_000_000_000L; // when the stored states were evaluated (ms)

  private static SegmentDefinition segment(String store, String id, int num) {
    return new SegmentDefinition(store, id, num, "Segment " + id, SegmentDefinition.DYNAMIC,
        new JsonArray().add(new JsonObject().put("field", "total_orders").put("operator", "gte").put("value", 1)),
        new JsonObject(), 0, "synced", 1, null, null, SegmentDefinition.CREATED, null, false, null, null,
        StorefrontFields.NONE);
  }

  @Test
  void eachCustomerGetsItsOwnStoresStateMembershipsAndProfileAndThoseToReTestAreKnown() throws Exception {
    try (TestPool db = TestPool.migrated()) {
      String url = db.url;
      String evaluated = "to_timestamp(" + EVALUATED + " / 1000.0)";
      TestDatabase.execute(url, "INSERT INTO stores (id, name) VALUES ('store_a', 'A'), ('store_b', 'B')");
      TestDatabase.execute(url, "INSERT INTO customers (store_id, id, email, updated_at) VALUES"
          + " ('store_a', 'cust_1', 'a1@example.com', " + evaluated + "),"
          + " ('store_a', 'cust_2', 'a2@example.com', " + evaluated + "),"
          + " ('store_a', 'cust_3', 'a3@example.com', " + evaluated + "),"
          + " ('store_b', 'cust_1', 'b1@example.com', " + evaluated + ")");
      // cust_3 of store_a has no state row (created while Shoal was down); store_a's cust_2 was
      // evaluated before its profile last changed, and holds a segment number no longer evaluated
      TestDatabase.execute(url, "INSERT INTO customer_eval_state (store_id, customer_id, state, segment_nums) VALUES"
          + " ('store_a', 'cust_1', '{\"profile_at\": " + EVALUATED + "}', '{11}'),"
          + " ('store_a', 'cust_2', '{\"profile_at\": " + (EVALUATED - 1_000) + "}', '{11,12,99}'),"
          + " ('store_b', 'cust_1', '{\"profile_at\": " + EVALUATED + "}', '{21}')");

      PartitionCore core = new PartitionCore(0, 1, null, at -> { });
      core.install(segment("store_a", "seg_a11", 11));
      core.install(segment("store_a", "seg_a12", 12));
      core.install(segment("store_b", "seg_b21", 21));
      StartLoad load = new StartLoad(core);
      EvaluationStore store = new EvaluationStore(db.pool, null);
      TestPool.await(store.scanCustomers(load::stateRow, load::profileRow));
      assertEquals(0, load.dropUnmatched(), "every state row found its customer");
      assertEquals(4, core.customerCount());

      CustomerState a1 = core.customer("store_a", "cust_1");
      CustomerState a2 = core.customer("store_a", "cust_2");
      CustomerState a3 = core.customer("store_a", "cust_3");
      CustomerState b1 = core.customer("store_b", "cust_1");
      assertNotNull(a3, "a customer without a state row is loaded");
      assertNotSame(a1, b1, "one id in two stores is two customers");
      assertEquals("a1@example.com", a1.value("email"));
      assertEquals("b1@example.com", b1.value("email"));
      assertEquals(Long.parseLong(TestDatabase.column(url,
          "SELECT num FROM customers WHERE store_id = 'store_b' AND id = 'cust_1'").get(0)), b1.num());

      assertTrue(core.isMember("store_a", "seg_a11", "cust_1"));
      assertFalse(core.isMember("store_a", "seg_a12", "cust_1"));
      assertTrue(core.isMember("store_a", "seg_a11", "cust_2"));
      assertTrue(core.isMember("store_a", "seg_a12", "cust_2"));
      assertTrue(a2.membershipsDirty, "the number no longer evaluated leaves the stored list");
      assertFalse(a1.membershipsDirty);
      assertTrue(core.isMember("store_b", "seg_b21", "cust_1"));
      assertFalse(core.isMember("store_a", "seg_a11", "cust_3"));

      assertFalse(core.evaluatesAfterLoad(a1), "evaluated since its profile last changed");
      assertFalse(core.evaluatesAfterLoad(b1));
      assertTrue(core.evaluatesAfterLoad(a2), "its profile changed after it was last evaluated");
      assertTrue(core.evaluatesAfterLoad(a3), "never evaluated");
    }
  }

  @Test
  void aCustomerLoadedFromItsStoredStateMayBeWrittenLeanOneWithoutNot() {
    PartitionCore core = new PartitionCore(0, 1, null, at -> { });
    core.install(segment("store_a", "seg_a11", 11));
    CustomerState made = core.newCustomer("store_a", "cust_1", null);
    assertFalse(made.rowStored, "no stored state: its row may not exist, a backfill's write inserts it");
    byte[] bytes = made.toBytes();
    assertTrue(core.newPackedCustomer("store_a", "cust_2", bytes).rowStored, "loaded packed at start: its row exists");
    assertTrue(core.newCustomer("store_a", "cust_3", bytes).rowStored, "loaded from its bytes: its row exists");
  }

  @Test
  void aByteaValueIsTheDriversOwnArrayWhenItFillsItAndACopyOfJustItsBytesOtherwise() throws Exception {
    try (TestPool db = TestPool.migrated()) {
      io.vertx.core.buffer.Buffer decoded = TestPool.await(db.pool.preparedQuery("SELECT '\\x0102ff'::bytea").execute())
          .iterator().next().getBuffer(0);
      byte[] read = EvaluationStore.bytes(decoded);
      assertArrayEquals(new byte[] {1, 2, (byte) 0xff}, read);
      assertSame(((io.vertx.core.internal.buffer.BufferInternal) decoded).getByteBuf().array(), read,
          "the driver's array, not a copy");
    }
    io.vertx.core.buffer.Buffer roomy = io.vertx.core.buffer.Buffer.buffer(64).appendBytes(new byte[] {7, 8, 9});
    assertArrayEquals(new byte[] {7, 8, 9}, EvaluationStore.bytes(roomy), "a larger array: its bytes only");
    io.vertx.core.buffer.Buffer slice = io.vertx.core.buffer.Buffer.buffer(new byte[] {1, 2, 3, 4}).slice(1, 3);
    assertArrayEquals(new byte[] {2, 3}, EvaluationStore.bytes(slice), "a slice: its bytes only");
  }

  @Test
  void aStateRowWhoseProfileNeverCameIsDroppedAndCustomersShareTheirStoresId() throws Exception {
    try (TestPool db = TestPool.migrated()) {
      String url = db.url;
      TestDatabase.execute(url, "INSERT INTO stores (id, name) VALUES ('store_a', 'A')");
      String evaluated = "to_timestamp(" + EVALUATED + " / 1000.0)";
      TestDatabase.execute(url, "INSERT INTO customers (store_id, id, email, updated_at) VALUES"
          + " ('store_a', 'cust_1', 'a1@example.com', " + evaluated + "),"
          + " ('store_a', 'cust_2', 'a2@example.com', " + evaluated + "),"
          + " ('store_a', 'cust_3', 'a3@example.com', " + evaluated + ")");
      TestDatabase.execute(url, "INSERT INTO customer_eval_state (store_id, customer_id, state, segment_nums) VALUES"
          + " ('store_a', 'cust_1', '{\"profile_at\": " + EVALUATED + "}', '{11}'),"
          + " ('store_a', 'cust_2', '{\"profile_at\": " + EVALUATED + "}', '{11}')");

      PartitionCore core = new PartitionCore(0, 1, null, at -> { });
      core.install(segment("store_a", "seg_a11", 11));
      StartLoad load = new StartLoad(core);
      // cust_2's profile row is withheld: its state row stays without a profile
      TestPool.await(new EvaluationStore(db.pool, null).scanCustomers(load::stateRow, r -> {
        if (!"cust_2".equals(r.getString(EvaluationStore.ID))) {
          load.profileRow(r);
        }
      }));
      assertEquals(1, load.dropUnmatched(), "the state row without its profile");
      assertEquals(null, core.customer("store_a", "cust_2"), "dropped");
      assertEquals(2, core.customerCount());
      CustomerState a1 = core.customer("store_a", "cust_1");
      CustomerState a3 = core.customer("store_a", "cust_3");
      assertTrue(core.isMember("store_a", "seg_a11", "cust_1"));
      assertEquals("a1@example.com", a1.value("email"));
      assertEquals("a3@example.com", a3.value("email"));
      assertTrue(core.evaluatesAfterLoad(a3), "no state row: evaluated after the replay");
      assertFalse(core.evaluatesAfterLoad(a1));
      assertSame(a1.storeId, a3.storeId, "one string for the store's id, not one per row");
    }
  }
  @Test
  void aStoredStateIsKeptPackedUntilReadAndCustomersWithTheSameTagsAndMetadataShareThem() throws Exception {
    CustomerState stored = new CustomerState("store_a", "cust_1");
    stored.apply(new io.shoal.event.LoggedEvent(7, "store_a", "evt_7", "order.completed", "cust_1",
        java.time.Instant.ofEpochMilli(EVALUATED - 60_000), java.time.Instant.ofEpochMilli(EVALUATED - 60_000),
        new JsonObject().put("order_id", "o1").put("total", "25.00")
            .put("items", new JsonArray().add(new JsonObject().put("product_id", "p1").put("quantity", 1)))));
    stored.appliedSeq = 7;
    byte[] bytes = stored.toBytes();
    String hex = java.util.HexFormat.of().formatHex(bytes);
    try (TestPool db = TestPool.migrated()) {
      String url = db.url;
      TestDatabase.execute(url, "INSERT INTO stores (id, name) VALUES ('store_a', 'A')");
      String evaluated = "to_timestamp(" + EVALUATED + " / 1000.0)";
      TestDatabase.execute(url, "INSERT INTO customers (store_id, id, email, tags, metadata, total_orders, total_spent,"
          + " updated_at) VALUES"
          + " ('store_a', 'cust_1', 'a1@example.com', '{vip,newsletter}', '{\"plan\": \"pro\"}', 1, 25.00, " + evaluated
          + "), ('store_a', 'cust_2', 'a2@example.com', '{vip,newsletter}', '{\"plan\": \"pro\"}', 0, 0, " + evaluated
          + ")");
      TestDatabase.execute(url, "INSERT INTO customer_eval_state (store_id, customer_id, state_bin, segment_nums) VALUES"
          + " ('store_a', 'cust_1', decode('" + hex + "', 'hex'), '{11}')");

      PartitionCore core = new PartitionCore(0, 1, null, at -> { });
      core.install(segment("store_a", "seg_a11", 11));
      StartLoad load = new StartLoad(core);
      TestPool.await(new EvaluationStore(db.pool, null).scanCustomers(load::stateRow, load::profileRow));
      assertEquals(0, load.dropUnmatched());
      CustomerState a1 = core.customer("store_a", "cust_1");
      CustomerState a2 = core.customer("store_a", "cust_2");
      assertTrue(a1.isPacked(), "loaded from its stored bytes, kept packed");
      assertFalse(a2.isPacked(), "no state row: nothing to pack");
      assertTrue(core.isMember("store_a", "seg_a11", "cust_1"));
      assertEquals(1L, a1.value("total_orders"));
      assertEquals(new java.math.BigDecimal("25.00"), a1.value("total_spent"));
      // written back with its header as of now (the profile read since) and its behaviour part as stored
      byte[] written = a1.toBytes();
      int tail = bytes.length - behaviourStart(bytes);
      assertEquals(tail, written.length - behaviourStart(written));
      assertArrayEquals(java.util.Arrays.copyOfRange(bytes, bytes.length - tail, bytes.length),
          java.util.Arrays.copyOfRange(written, written.length - tail, written.length));
      CustomerState back = new CustomerState("store_a", "cust_1");
      back.loadBytes(written);
      assertEquals(7L, back.appliedSeq);
      assertEquals(java.util.List.of("p1"), back.value("products_bought"));
      assertTrue(a1.isPacked(), "neither the aggregates nor a write back decode it");
      assertEquals(java.util.List.of("p1"), a1.value("products_bought"));
      assertFalse(a1.isPacked(), "reading its orders decodes it");
      assertEquals(java.util.List.of("vip", "newsletter"), a1.value("tags"));
      assertSame(a1.value("tags"), a2.value("tags"), "one list for the same tags");
      assertEquals("pro", a2.value("metadata.plan"));
    }
  }

  /** Where a stored state's behaviour part starts: after its version and four header numbers. */
  private static int behaviourStart(byte[] state) {
    StateBytes.Reader r = new StateBytes.Reader(state);
    r.u8();
    r.varint();
    r.zigzag();
    r.zigzag();
    r.zigzag();
    return r.position();
  }
}
