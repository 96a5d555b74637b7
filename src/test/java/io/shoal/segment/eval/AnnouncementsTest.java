package io.shoal.segment.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shoal.kernel.Ids;
import io.shoal.kernel.Wire;
import io.shoal.outbox.Notification;
import io.shoal.outbox.NotificationLog;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code EvaluationStore.announcements} makes the notifications the JsonObject form made (pass
 * 12 and before): for runs of transitions whose customer, cause, event and instant change in every
 * combination (the shared parts are held once per run), each notification has the same id, type,
 * customer and time, and data that encodes to the same text and is equal to the old map.
 */
class AnnouncementsTest {

  /** The notification as the JsonObject form made it. */
  private static Notification old(EvaluationStore.Transition t) {
    JsonObject data = new JsonObject().put("segment_id", t.segmentId()).put("segment_name", t.segmentName())
        .put("customer_id", t.customerId()).put("customer", t.customer())
        .put("cause", t.eventId() != null ? t.eventId() : t.cause()).put("occurred_at", Wire.time(t.at()));
    return new Notification(t.storeId(), "evt_" + t.id().substring(4),
        t.entered() ? "customer.segment.entered" : "customer.segment.left", t.customerId(), data, t.at());
  }

  @Test
  void every_notification_is_the_json_object_forms() {
    Random r = new Random(14);
    List<JsonObject> customers = List.of(NotificationLog.customerSummary("a@b", "Ann", null),
        NotificationLog.customerSummary("c\"d@e", "Zoë\n", "O'Brien\\"), NotificationLog.customerSummary(null, null, null));
    List<EvaluationStore.Transition> transitions = new ArrayList<>();
    Instant at = Instant.parse("2026-12-01T10:00:00.123Z");
    JsonObject customer = customers.get(0);
    String cause = "event";
    String eventId = "evt_1";
    for (int i = 0; i < 3_000; i++) {
      switch (r.nextInt(8)) {
        case 0 -> at = at.plusMillis(r.nextInt(3));
        case 1 -> customer = r.nextBoolean() ? customers.get(r.nextInt(3)) : customer.copy();
        case 2 -> {
          cause = List.of("event", "time", "metrics", "backfill").get(r.nextInt(4));
          eventId = cause.equals("event") ? "evt_" + r.nextInt(3) : null;
        }
        case 3 -> eventId = "event".equals(cause) ? "evt_" + r.nextInt(3) : eventId;
        default -> { }
      }
      transitions.add(new EvaluationStore.Transition("store_" + r.nextInt(2), Ids.newRecordId("trn"), "seg_" + r.nextInt(50),
          "cust_" + r.nextInt(3), r.nextBoolean(), r.nextInt(10) > 0, cause, eventId, at,
          r.nextInt(10) == 0 ? null : "Seg \"" + r.nextInt(50) + "\"\t€", customer));
    }
    List<Notification> expected = transitions.stream().filter(EvaluationStore.Transition::record)
        .map(AnnouncementsTest::old).toList();
    List<Notification> made = EvaluationStore.announcements(transitions);
    assertEquals(expected, made);
    for (int i = 0; i < made.size(); i++) {
      assertEquals(expected.get(i).toJson().encode(), made.get(i).toJson().encode(), "as sent, at " + i);
    }
  }
}
