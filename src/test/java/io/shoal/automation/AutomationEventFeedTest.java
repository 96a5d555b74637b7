package io.shoal.automation;

import static io.shoal.automation.AutomationFixture.action;
import static io.shoal.automation.AutomationFixture.createRule;
import static io.shoal.automation.AutomationFixture.customerId;
import static io.shoal.automation.AutomationFixture.event;
import static io.shoal.automation.AutomationFixture.order;
import static io.shoal.automation.AutomationFixture.runs;
import static io.shoal.automation.AutomationFixture.sleep;
import static io.shoal.automation.AutomationFixture.sql;
import static io.shoal.automation.AutomationFixture.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shoal.config.AutomationConfig;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The automations' event feed on a server where no rule is triggered by events: it moves to the
 * log's end without reading the events, and a rule created later still starts with the first
 * event after it, and with none before it. Its own server: the feed is one for all stores.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AutomationEventFeedTest {

  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of(AutomationConfig.POLL_INTERVAL_MS, "200"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void withoutEventRulesTheFeedSkipsToTheLogsEndAndALaterRuleStartsWithTheNextEvent() {
    TestStore store = server.createStore("Feed");
    // a segment-triggered rule reads notifications, not events
    String vip = store.api().post(store.path("/segments"), new JsonObject().put("name", "VIP").put("is_dynamic", true)
        .put("rules", new JsonArray().add(new JsonObject().put("field", "total_spent").put("operator", "gte")
            .put("value", 1000)))).expect(201).getString("id");
    createRule(store, new JsonObject().put("name", "VIP tag").put("trigger_event", "customer.segment.entered")
        .put("segment_id", vip).put("actions", new JsonArray().add(action("add_tag", "tag", "vip"))));
    for (int i = 0; i < 5; i++) {
      event(store, "order.completed", "early@shop.example", order("e-" + i, 20.00));
    }
    long end = sql(server, "SELECT max(seq) AS s FROM events").get(0).getLong("s");
    waitFor("the event feed at the log's end (" + end + ")", 20,
        () -> sql(server, "SELECT position FROM automation_checkpoints WHERE feed = 'events'").get(0).getLong("position"),
        p -> p >= end);

    String ruleId = createRule(store, new JsonObject().put("name", "Thanks").put("trigger_event", "order.completed")
        .put("actions", new JsonArray().add(action("add_tag", "tag", "thanked")))).getString("id");
    sleep(500); // the rule is installed
    event(store, "order.completed", "late@shop.example", order("l-1", 30.00));
    String late = customerId(store, "late@shop.example");
    List<JsonObject> started = waitFor("a run for the order after the rule", 20, () -> runs(store, ruleId),
        r -> !r.isEmpty());
    sleep(1_000); // and none for the orders before it
    started = runs(store, ruleId);
    assertEquals(1, started.size(), started::toString);
    assertEquals(late, started.get(0).getString("customer_id"));
  }
}
