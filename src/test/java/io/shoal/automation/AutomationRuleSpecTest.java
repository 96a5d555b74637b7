package io.shoal.automation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.kernel.DomainException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pure parts: delays, re-entry, caps, conditions over the trigger and the customer. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class AutomationRuleSpecTest {

  private static JsonObject cond(String field, String op, Object value) {
    return new JsonObject().put("field", field).put("operator", op).put("value", value);
  }

  private static JsonObject rule(JsonArray conditions) {
    return new JsonObject().put("trigger_event", "order.completed").put("conditions", conditions)
        .put("actions", new JsonArray().add(new JsonObject().put("type", "send_email").put("template_id", "t")));
  }

  @Test
  void delaysAreANumberAndAUnitUpToAYear() {
    assertEquals(Duration.ofSeconds(30), Delay.parse("30s"));
    assertEquals(Duration.ofMinutes(30), Delay.parse("30m"));
    assertEquals(Duration.ofHours(1), Delay.parse("1h"));
    assertEquals(Duration.ofDays(3), Delay.parse("3d"));
    assertEquals(Duration.ofDays(365), Delay.parse("365d"));
    for (String bad : new String[] {"", "1", "h", "1 h", "1w", "-1h", "366d", "1.5h", "1H"}) {
      assertNull(Delay.parse(bad), bad);
    }
  }

  @Test
  void reEntryPolicies() {
    Instant now = Instant.parse("2026-03-10T12:00:00Z");
    assertTrue(ReEntry.EVERY_TIME.allows(now.minusSeconds(1), now));
    ReEntry once = new ReEntry("once", 0);
    assertTrue(once.allows(null, now));
    assertFalse(once.allows(now.minus(Duration.ofDays(3000)), now));
    ReEntry weekly = new ReEntry("once_per_days", 7);
    assertFalse(weekly.allows(now.minus(Duration.ofDays(6)), now));
    assertTrue(weekly.allows(now.minus(Duration.ofDays(7)), now));
    assertTrue(new FrequencyCap("email", 2, Duration.ofDays(1)).allows(1));
    assertFalse(new FrequencyCap("email", 2, Duration.ofDays(1)).allows(2));
  }

  @Test
  void conditionsSeeTheTriggeringOrderAndTheCustomer() {
    AutomationRuleSpec spec = AutomationRuleSpec.of(rule(new JsonArray()
        .add(cond("order.total", "gte", 100))
        .add(cond("order.items.product_id", "contains", "bag-1"))
        .add(cond("segments", "contains", "seg_vip"))
        .add(cond("total_orders", "gte", 2))));
    assertTrue(spec.readsCustomer());
    JsonObject order = new JsonObject().put("type", "order.completed").put("data", new JsonObject()
        .put("order_id", "1").put("total", 150.5)
        .put("items", new JsonArray().add(new JsonObject().put("product_id", "bag-1").put("quantity", 2))));
    Map<String, Object> customer = Map.of("segments", List.of("seg_vip"), "total_orders", 2L);
    Instant now = Instant.now();
    assertTrue(spec.conditions().test(new TriggerFacts(order, customer), now));
    assertFalse(spec.conditions().test(new TriggerFacts(order, Map.of("segments", List.of(), "total_orders", 2L)), now));
    JsonObject small = order.copy();
    small.getJsonObject("data").put("total", 99.99);
    assertFalse(spec.conditions().test(new TriggerFacts(small, customer), now));

    TriggerFacts facts = new TriggerFacts(order, null);
    assertEquals(new BigDecimal("150.5"), facts.value("order.total"));
    assertEquals(2L, facts.value("event.item_count"));
    assertEquals("1", facts.value("order.id"));
    assertEquals("order.completed", facts.value("event.type"));

    AutomationRuleSpec eventOnly = AutomationRuleSpec.of(rule(new JsonArray().add(cond("event.data.cart_id", "eq", "c1"))));
    assertFalse(eventOnly.readsCustomer(), "no customer read for event-only conditions");
  }

  @Test
  void actionsAreDueAfterTheirDelayPlusTheirWait() {
    AutomationRuleSpec spec = AutomationRuleSpec.of(new JsonObject().put("trigger_event", "cart.updated")
        .put("actions", new JsonArray()
            .add(new JsonObject().put("type", "send_email").put("template_id", "t").put("delay", "30m")
                .put("wait_until", new JsonObject().put("event", "order.completed").put("match", "cart_id").put("timeout", "1h")))
            .add(new JsonObject().put("type", "add_tag").put("tag", "x"))));
    assertEquals(Duration.ofMinutes(90), spec.actions().get(0).dueAfter());
    assertEquals("email", spec.actions().get(0).channel());
    assertEquals("cart_id", spec.actions().get(0).waitMatch());
    assertEquals(Duration.ZERO, spec.actions().get(1).dueAfter());
  }

  @Test
  void fieldsTheAutomationCannotSeeAreRefusedWithAWayOut() {
    DomainException e = assertThrows(DomainException.class,
        () -> AutomationRuleSpec.of(rule(new JsonArray().add(cond("cart.value", "gt", 1)))));
    assertTrue(e.getMessage().contains("segments"), e.getMessage());
    assertThrows(DomainException.class, () -> AutomationRuleSpec.of(rule(new JsonArray().add(cond("churn_risk", "gt", 0.5)))));
  }
}
