package io.shoal.segment.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * Control messages sent to a partition another node owns (Kafka mode) travel as JSON: a new
 * customer's row stays on the node that created it, and the owner gets it as a profile change,
 * which reads the customer.
 */
class ControlJsonTest {

  @Test
  void aCreatedCustomerGoesToAnotherNodeAsAProfileChange() {
    JsonObject sent = ControlJson.encode(new ControlMessage.Created("store_x", "cust_x", null));
    assertEquals(new JsonObject().put("kind", "ProfileChanged").put("store_id", "store_x").put("customer_id", "cust_x"),
        sent);
    assertEquals(new ControlMessage.ProfileChanged("store_x", "cust_x"), ControlJson.decode(sent));
  }
}
