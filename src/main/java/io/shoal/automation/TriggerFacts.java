package io.shoal.automation;

import io.shoal.segment.rule.CustomerFacts;
import io.shoal.segment.rule.Field;
import io.shoal.segment.rule.FieldType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an automation's conditions see: the segment rule language's customer fields (profile
 * and aggregates, read from the stored customer when the rule is evaluated), the customer's
 * segment memberships ({@code segments}, a list of segment ids), and the triggering event:
 *
 * <pre>
 *   event.type  event.total  event.item_count  event.items.product_id  event.items.category_id
 *   event.data.&lt;key&gt;   (any key of the event's data, as text)
 *   order.total  order.id  order.currency  order.item_count  order.items.product_id  order.items.category_id
 * </pre>
 *
 * The {@code order.*} names read the same event data as {@code event.*} (the seed's
 * {@code order.total}), whatever the trigger.
 */
public final class TriggerFacts implements CustomerFacts {

  /** Customer fields the automation cannot see (they live in the evaluator's memory or the metrics jobs). */
  static final Set<String> UNAVAILABLE = Set.of("last_seen_at", "cart.value", "cart.item_count", "cart.updated_at",
      "products_bought", "categories_bought");
  private static final String DATA_PREFIX = "event.data.";

  private final JsonObject trigger;
  private final Map<String, Object> customer;
  /** Event values already computed: one trigger is tested against many rules. */
  private final Map<String, Object> eventValues = new java.util.HashMap<>();

  /**
   * @param trigger  {"type", "id", "occurred_at", "data"}
   * @param customer the customer's field values by field name, or null when not loaded (rules
   *                 that read no customer field)
   */
  public TriggerFacts(JsonObject trigger, Map<String, Object> customer) {
    this.trigger = trigger;
    this.customer = customer == null ? Map.of() : customer;
  }

  /** The same trigger (and its computed values) seen with this customer's fields. */
  TriggerFacts withCustomer(Map<String, Object> customer) {
    TriggerFacts f = new TriggerFacts(trigger, customer);
    f.eventValues.putAll(eventValues);
    return f;
  }

  /** The extra fields automation conditions may name, for {@code RuleCompiler.compile}; null if not one. */
  public static Field field(String name) {
    String n = alias(name);
    return switch (n) {
      case "event.type" -> new Field(name, FieldType.STRING, Field.Source.PROFILE);
      case "event.total" -> new Field(name, FieldType.MONEY, Field.Source.PROFILE);
      case "event.item_count" -> new Field(name, FieldType.INTEGER, Field.Source.PROFILE);
      case "event.items.product_id", "event.items.category_id", "segments" ->
          new Field(name, FieldType.STRING_LIST, Field.Source.PROFILE);
      default -> n.startsWith(DATA_PREFIX) && n.length() > DATA_PREFIX.length() && n.length() <= 120
          ? new Field(name, FieldType.STRING, Field.Source.PROFILE) : null;
    };
  }

  /** Whether a field is read from the triggering event rather than the customer. */
  static boolean isEventField(String name) {
    return name.startsWith("event.") || name.startsWith("order.");
  }

  private static String alias(String name) {
    return switch (name) {
      case "order.id" -> "event.data.order_id";
      case "order.currency" -> "event.data.currency";
      default -> name.startsWith("order.") ? "event." + name.substring("order.".length()) : name;
    };
  }

  @Override
  public Object value(String field) {
    if (!isEventField(field)) {
      return customer.get(field);
    }
    if (eventValues.containsKey(field)) {
      return eventValues.get(field);
    }
    Object v = eventValue(field);
    eventValues.put(field, v);
    return v;
  }

  private Object eventValue(String field) {
    JsonObject data = trigger.getJsonObject("data", new JsonObject());
    String n = alias(field);
    return switch (n) {
      case "event.type" -> trigger.getString("type");
      case "event.total" -> data.getValue("total") instanceof Number num ? new BigDecimal(num.toString()) : null;
      case "event.item_count" -> {
        JsonArray items = data.getJsonArray("items");
        if (items == null) {
          yield null;
        }
        long count = 0;
        for (Object o : items) {
          count += o instanceof JsonObject item && item.getValue("quantity") instanceof Number q ? q.longValue() : 1;
        }
        yield count;
      }
      case "event.items.product_id" -> itemValues(data, "product_id");
      case "event.items.category_id" -> itemValues(data, "category_id");
      default -> {
        Object v = n.startsWith(DATA_PREFIX) ? data.getValue(n.substring(DATA_PREFIX.length())) : null;
        yield v == null || v instanceof JsonObject || v instanceof JsonArray ? null : v.toString();
      }
    };
  }

  private static List<String> itemValues(JsonObject data, String key) {
    JsonArray items = data.getJsonArray("items");
    if (items == null) {
      return null;
    }
    List<String> out = new ArrayList<>(items.size());
    for (Object o : items) {
      if (o instanceof JsonObject item && item.getValue(key) != null) {
        out.add(item.getValue(key).toString());
      }
    }
    return out;
  }

  @Override
  public List<Instant> purchaseTimes(String kind, String id) {
    return List.of(); // refused at compile time: see AutomationRuleSpec
  }

  @Override
  public List<Instant> eventTimes(String type) {
    return List.of();
  }
}
