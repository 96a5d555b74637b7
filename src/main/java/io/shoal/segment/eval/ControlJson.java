package io.shoal.segment.eval;

import io.shoal.event.LoggedEvent;
import io.shoal.metrics.RepeatHistory;
import io.shoal.metrics.live.PartitionHistories;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link ControlMessage}s and their answers as JSON, for a partition owned by another node
 * (Kafka mode). Within one node they pass by reference and never meet this class.
 */
final class ControlJson {

  private ControlJson() {}

  static JsonObject encode(ControlMessage message) {
    if (message instanceof ControlMessage.Created m) {
      // its row stays on this node: the owner reads the customer, as for any profile change
      return encode(new ControlMessage.ProfileChanged(m.storeId(), m.customerId()));
    }
    JsonObject o = new JsonObject().put("kind", message.getClass().getSimpleName());
    if (message instanceof ControlMessage.ProfileChanged m) {
      o.put("store_id", m.storeId()).put("customer_id", m.customerId());
    } else if (message instanceof ControlMessage.SegmentChanged m) {
      o.put("store_id", m.storeId()).put("segment_id", m.segmentId()).put("edited", m.edited());
    } else if (message instanceof ControlMessage.Erase m) {
      o.put("store_id", m.storeId()).put("customer_id", m.customerId());
    } else if (message instanceof ControlMessage.Merge m) {
      JsonArray moved = new JsonArray();
      m.moved().forEach(e -> moved.add(event(e)));
      o.put("store_id", m.storeId()).put("customer_id", m.customerId()).put("moved", moved);
    } else if (message instanceof ControlMessage.Explain m) {
      o.put("store_id", m.storeId()).put("segment_id", m.segmentId()).put("customer_id", m.customerId())
          .put("rules", m.rules());
    } else if (message instanceof ControlMessage.Metrics m) {
      o.put("store_id", m.storeId()).put("customer_id", m.customerId());
    } else if (message instanceof ControlMessage.MetricsOf m) {
      o.put("store_id", m.storeId()).put("customer_ids", new JsonArray(new ArrayList<Object>(m.customerIds())));
    } else if (message instanceof ControlMessage.Histories m) {
      o.put("store_id", m.storeId()).put("as_of_ms", m.asOfMs());
    } else if (message instanceof ControlMessage.Recompute m) {
      o.put("store_id", m.storeId());
    } else if (message instanceof ControlMessage.Preview m) {
      o.put("store_id", m.storeId()).put("rules", m.rules()).put("members", m.members());
    }
    return o;
  }

  /** @throws IllegalArgumentException for a kind this node does not know */
  static ControlMessage decode(JsonObject o) {
    String store = o.getString("store_id");
    return switch (o.getString("kind", "")) {
      case "ProfileChanged" -> new ControlMessage.ProfileChanged(store, o.getString("customer_id"));
      case "SegmentChanged" -> new ControlMessage.SegmentChanged(store, o.getString("segment_id"), o.getBoolean("edited"));
      case "Erase" -> new ControlMessage.Erase(store, o.getString("customer_id"));
      case "Merge" -> {
        List<LoggedEvent> moved = new ArrayList<>();
        o.getJsonArray("moved").forEach(e -> moved.add(event((JsonObject) e)));
        yield new ControlMessage.Merge(store, o.getString("customer_id"), moved);
      }
      case "Explain" -> new ControlMessage.Explain(store, o.getString("segment_id"), o.getString("customer_id"),
          o.getJsonArray("rules"));
      case "Metrics" -> new ControlMessage.Metrics(store, o.getString("customer_id"));
      case "MetricsOf" -> {
        List<String> ids = new ArrayList<>();
        o.getJsonArray("customer_ids").forEach(id -> ids.add((String) id));
        yield new ControlMessage.MetricsOf(store, ids);
      }
      case "Histories" -> new ControlMessage.Histories(store, o.getLong("as_of_ms"));
      case "Recompute" -> new ControlMessage.Recompute(store);
      case "Preview" -> new ControlMessage.Preview(store, o.getJsonArray("rules"), o.getBoolean("members"));
      default -> throw new IllegalArgumentException("unknown control message kind: " + o.getString("kind"));
    };
  }

  /** A partition's answer as JSON: a JsonObject as it is, histories as arrays, no answer as {}. */
  static JsonObject encodeReply(Object reply) {
    if (reply == null) {
      return new JsonObject();
    }
    if (reply instanceof JsonObject o) {
      return new JsonObject().put("answer", o);
    }
    if (reply instanceof PartitionHistories h) {
      JsonArray histories = new JsonArray();
      h.histories().forEach(r -> histories.add(new JsonArray().add(r.x()).add(r.tx()).add(r.T()).add(r.zbar())));
      JsonArray lastDays = new JsonArray();
      for (long d : h.lastDays()) {
        lastDays.add(d);
      }
      JsonArray purchaseDays = new JsonArray();
      for (int d : h.purchaseDays()) {
        purchaseDays.add(d);
      }
      JsonArray totals = new JsonArray();
      for (double t : h.totals()) {
        totals.add(t);
      }
      return new JsonObject().put("histories", new JsonObject().put("histories", histories)
          .put("last_days", lastDays).put("purchase_days", purchaseDays).put("totals", totals));
    }
    throw new IllegalArgumentException("no JSON form for a " + reply.getClass().getName());
  }

  static Object decodeReply(JsonObject o) {
    if (o.containsKey("answer")) {
      return o.getJsonObject("answer");
    }
    JsonObject h = o.getJsonObject("histories");
    if (h == null) {
      return null;
    }
    List<RepeatHistory> histories = new ArrayList<>();
    h.getJsonArray("histories").forEach(x -> {
      JsonArray r = (JsonArray) x;
      histories.add(new RepeatHistory(r.getInteger(0), r.getDouble(1), r.getDouble(2), r.getDouble(3)));
    });
    JsonArray ld = h.getJsonArray("last_days");
    long[] lastDays = new long[ld.size()];
    for (int i = 0; i < lastDays.length; i++) {
      lastDays[i] = ld.getLong(i);
    }
    JsonArray pd = h.getJsonArray("purchase_days");
    int[] purchaseDays = new int[pd.size()];
    for (int i = 0; i < purchaseDays.length; i++) {
      purchaseDays[i] = pd.getInteger(i);
    }
    JsonArray tt = h.getJsonArray("totals");
    double[] totals = new double[tt.size()];
    for (int i = 0; i < totals.length; i++) {
      totals[i] = tt.getDouble(i);
    }
    return new PartitionHistories(histories, lastDays, purchaseDays, totals);
  }

  private static JsonObject event(LoggedEvent e) {
    return new JsonObject().put("seq", e.seq()).put("store_id", e.storeId()).put("id", e.id()).put("type", e.type())
        .put("customer_id", e.customerId()).put("occurred_at", e.occurredAt().toString())
        .put("received_at", e.receivedAt().toString()).put("data", e.data());
  }

  private static LoggedEvent event(JsonObject o) {
    return new LoggedEvent(o.getLong("seq"), o.getString("store_id"), o.getString("id"), o.getString("type"),
        o.getString("customer_id"), Instant.parse(o.getString("occurred_at")), Instant.parse(o.getString("received_at")),
        o.getJsonObject("data"));
  }
}
