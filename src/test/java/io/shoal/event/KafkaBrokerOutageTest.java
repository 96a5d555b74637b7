package io.shoal.event;

import static io.shoal.engine.support.Events.by;
import static io.shoal.engine.support.Events.order;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.shoal.config.KafkaConfig;
import io.shoal.engine.support.StoreDriver;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.KafkaBroker;
import io.shoal.testing.TestServer;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kafka mode with the broker killed during ingest: while it is away clients get 503 with
 * {@code Retry-After}, never a 202 for an event that was not stored and never a hang; once it is
 * back ingest resumes by itself, and exactly the acknowledged events are applied.
 */
class KafkaBrokerOutageTest {

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void aBrokerAwayAnswers503AndNothingAcknowledgedIsLost() {
    try (KafkaBroker broker = KafkaBroker.start(KafkaBroker.tempDir());
         TestServer server = TestServer.start(Map.of(KafkaConfig.BOOTSTRAP, broker.bootstrap(),
             KafkaConfig.PARTITIONS, "3"))) {
      StoreDriver shop = new StoreDriver(server.createStore("Outage"));
      String customer = shop.newCustomer("outage@example.com");
      Instant t0 = Instant.parse("2025-03-01T00:00:00Z");
      int acked = 0;
      int n = 0;
      for (; n < 20; n++) {
        shop.send(by(order("before-" + n, "10.00", t0.plusSeconds(n)), customer));
        acked++;
      }

      broker.kill();
      int refused = 0;
      for (int i = 0; i < 5; i++, n++) {
        long started = System.nanoTime();
        ApiResponse r = shop.sendRaw(by(order("during-" + n, "10.00", t0.plusSeconds(n)), customer));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(503, r.status(), () -> "with the broker away: " + r.text());
        assertEquals("event_log_unavailable", r.json().getJsonObject("error").getString("code"));
        assertNotNull(r.header("Retry-After"), "a 503 says when to retry");
        assertTrue(tookMs < 30_000, "answered within the producer's bounds, not a hang: " + tookMs + " ms");
        refused++;
      }

      broker.restart();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (true) {
        ApiResponse r = shop.sendRaw(by(order("after-" + n, "10.00", t0.plusSeconds(n)), customer));
        n++;
        if (r.status() == 202) {
          acked++;
          break;
        }
        assertEquals(503, r.status(), r::text);
        if (System.nanoTime() > deadline) {
          fail("ingest did not resume within 90 s of the broker's restart: " + r.text());
        }
        sleepMs(500);
      }
      for (int i = 0; i < 10; i++, n++) {
        shop.send(by(order("after-" + n, "10.00", t0.plusSeconds(n)), customer));
        acked++;
      }

      assertEquals(5, refused);
      assertEquals(acked, shop.awaitOrders(customer, acked).getInteger("total_orders"),
          "every acknowledged order applied once, none of the refused ones");
    }
  }

  private static void sleepMs(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
