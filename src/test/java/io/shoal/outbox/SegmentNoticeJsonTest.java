package io.shoal.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The evaluator's notification data without a JsonObject per flip ({@link SegmentNoticeData}) and
 * the set rows' JSON text written by hand ({@link JsonText}) are what the JsonObject form gave:
 * the same text from {@code encode()} character for character, the same values read by key, equal
 * both ways; for every character alone and for random texts full of quotes, backslashes, control
 * characters, non-ASCII letters and lone surrogates.
 */
class SegmentNoticeJsonTest {

  private static final String ALPHABET = "aZ09 ,.:\"\\/'{}[]\u0000\u0001\b\t\n\u000b\f\r\u001f\u007f\u0080éß€中𝄞\ud834\udd1e\u2028";

  private static String text(Random r) {
    if (r.nextInt(10) == 0) {
      return r.nextBoolean() ? "" : null;
    }
    StringBuilder s = new StringBuilder();
    for (int i = r.nextInt(30); i > 0; i--) {
      s.append(r.nextInt(4) == 0 ? (char) r.nextInt(0x10000) : ALPHABET.charAt(r.nextInt(ALPHABET.length())));
    }
    return s.toString();
  }

  private static String quoted(String s) {
    StringBuilder out = new StringBuilder();
    JsonText.string(out, s);
    return out.toString();
  }

  @Test
  void every_character_is_written_as_jackson_writes_it() {
    for (int c = 0; c < 0x10000; c++) {
      String s = "a" + (char) c + "b";
      assertEquals(new JsonArray().add(s).encode(), "[" + quoted(s) + "]", "character " + Integer.toHexString(c));
    }
    assertEquals("null", quoted(null));
  }

  @Test
  void random_texts_and_customers_encode_as_the_json_object_form() {
    Random r = new Random(14);
    for (int i = 0; i < 5_000; i++) {
      String s = text(r);
      assertEquals(new JsonArray().add(s).encode(), "[" + quoted(s) + "]");

      JsonObject customer = switch (r.nextInt(6)) {
        case 0 -> null;
        case 1 -> new JsonObject().put("email", text(r)).put("n", r.nextInt()).put("nested", new JsonObject().put("x", 1.5));
        case 2 -> new JsonObject().put("email", text(r)).put("ok", r.nextBoolean()).put(text(r) + "k", text(r));
        default -> NotificationLog.customerSummary(text(r), text(r), text(r));
      };
      StringBuilder object = new StringBuilder();
      JsonText.object(object, customer);
      assertEquals(customer == null ? "null" : customer.encode(), object.toString());

      String cause = text(r);
      String at = text(r);
      SegmentNoticeData.Shared shared = new SegmentNoticeData.Shared(customer, cause, at);
      assertEquals(new JsonObject().put("customer", customer).put("cause", cause).put("occurred_at", at).encode(),
          shared.json(), "the shared column's text");

      String segment = text(r);
      String name = text(r);
      String customerId = text(r) + "c";
      JsonObject old = new JsonObject().put("segment_id", segment).put("segment_name", name)
          .put("customer_id", customerId).put("customer", customer).put("cause", cause).put("occurred_at", at);
      JsonObject now = SegmentNoticeData.of(segment, name, customerId, shared);
      assertEquals(old.encode(), now.encode(), "the webhook's and the stream's data");
      assertEquals(old.encodePrettily(), now.encodePrettily());
      assertEquals(old, now);
      assertEquals(now, old);
      assertEquals(old.hashCode(), now.hashCode());
      assertEquals(old.getMap(), now.getMap());
      assertEquals(new ArrayList<>(old.fieldNames()), new ArrayList<>(now.fieldNames()));
      assertEquals(old.size(), now.size());
      for (String key : old.fieldNames()) {
        assertTrue(now.containsKey(key));
        assertEquals(old.getValue(key), now.getValue(key), key);
      }
      assertEquals(old.getString("segment_id"), now.getString("segment_id"));
      assertEquals(old.getJsonObject("customer"), now.getJsonObject("customer"));
      assertFalse(now.containsKey("other"));
      assertNull(now.getValue("other"));
      assertEquals(new Notification("s", "evt_1", "customer.segment.left", customerId, old, null).toJson().encode(),
          new Notification("s", "evt_1", "customer.segment.left", customerId, now, null).toJson().encode(),
          "the envelope as sent");
    }
  }

  @Test
  void a_set_groups_the_evaluator_form_as_the_json_object_form_and_the_data_is_not_changed() {
    JsonObject customer = NotificationLog.customerSummary("a@b", "Ann", null);
    SegmentNoticeData.Shared shared = new SegmentNoticeData.Shared(customer, "evt_1", "2026-12-01T00:00:00.000Z");
    SegmentNoticeData.Shared equal = new SegmentNoticeData.Shared(customer.copy(), "evt_1", "2026-12-01T00:00:00.000Z");
    SegmentNoticeData.Shared other = new SegmentNoticeData.Shared(customer, "evt_2", "2026-12-01T00:00:00.000Z");
    java.time.Instant at = java.time.Instant.parse("2026-12-01T00:00:00Z");
    List<Notification> all = new ArrayList<>();
    for (SegmentNoticeData.Shared s : List.of(shared, shared, equal, other)) {
      all.add(new Notification("s", "evt_x", "customer.segment.entered", "cust_1",
          SegmentNoticeData.of("seg_" + all.size(), "n", "cust_1", s), at));
    }
    all.add(new Notification("s", "evt_x", "customer.segment.entered", "cust_1",
        SegmentNoticeData.of("seg,comma", "n", "cust_1", shared), at));
    assertTrue(all.subList(0, 4).stream().allMatch(NotificationLog::inSet));
    assertFalse(NotificationLog.inSet(all.get(4)), "a segment id with a comma is stored alone, as before");
    assertFalse(NotificationLog.inSet(new Notification("s", "evt_x", "customer.segment.entered", "cust_2",
        all.get(0).data(), at)), "another customer's data");
    assertEquals(List.of(3, 1), io.shoal.testing.NotificationSetRows.sets(all.subList(0, 4)).stream().map(List::size).toList(),
        "equal shared parts are one set, as equal JsonObject values were");
    assertThrows(UnsupportedOperationException.class, () -> all.get(0).data().put("x", 1));
  }
}
