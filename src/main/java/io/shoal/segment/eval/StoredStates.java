package io.shoal.segment.eval;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Reads a stored evaluation state (customer_eval_state.state_bin, format in {@link StateBytes})
 * for tools outside the engine, such as bench/engine's SqlCompare, in the JSON shape that column
 * {@code state} had before V22: {@code orders} by id ({@code t} total, {@code r} refunded,
 * {@code c} cancelled, {@code at}, {@code i} lines with product_id/category_id), {@code events}
 * (type to epoch-millisecond times), {@code seen}, {@code cart}, {@code seq}, {@code next_check}.
 */
public final class StoredStates {

  private StoredStates() {}

  /** The state in its JSON shape; an empty object for null. */
  public static JsonObject toJson(byte[] stateBin) {
    JsonObject o = new JsonObject();
    if (stateBin == null) {
      return o;
    }
    CustomerState s = new CustomerState("", "");
    s.loadBytes(stateBin);
    JsonObject orders = new JsonObject();
    s.forEachOrder(ord -> {
      JsonObject j = new JsonObject().put("r", ord.refunded().toPlainString()).put("c", ord.cancelled);
      if (ord.total() != null) {
        JsonArray lines = new JsonArray();
        for (int i = 0; i < ord.lineCount(); i++) {
          lines.add(new JsonObject().put("product_id", ord.product(i)).put("category_id", ord.category(i)));
        }
        j.put("t", ord.total().toPlainString()).put("at", ord.at).put("i", lines);
      }
      orders.put(ord.id, j);
    });
    JsonObject events = new JsonObject();
    s.forEachEventTimes((type, times) -> {
      JsonArray a = new JsonArray();
      for (long t : times) {
        a.add(t);
      }
      events.put(type, a);
    });
    o.put("orders", orders).put("events", events).put("seq", s.appliedSeq).put("next_check", s.nextCheckAt);
    Long seen = s.lastSeenMillis();
    if (seen != null) {
      o.put("seen", seen);
    }
    JsonObject cart = s.cartJson();
    if (cart != null) {
      o.put("cart", cart);
    }
    return o;
  }
}
