package io.shoal.automation;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A stored customer as the rule language's field values ({@link io.shoal.segment.rule.CustomerFacts}). */
final class CustomerRow {

  /** Profile fields update_customer may set (column names): those the customer capability lets others set. */
  static final Set<String> UPDATABLE = io.shoal.customer.ProfileEdits.UPDATABLE;

  private CustomerRow() {}

  static Map<String, Object> values(Row r) {
    Map<String, Object> v = new HashMap<>();
    for (String s : List.of("email", "first_name", "last_name", "phone", "external_id", "timezone")) {
      v.put(s, r.getString(s));
    }
    for (String b : List.of("email_consent", "sms_consent", "push_consent")) {
      v.put(b, r.getBoolean(b));
    }
    v.put("tags", r.getArrayOfStrings("tags") == null ? List.of() : Arrays.asList(r.getArrayOfStrings("tags")));
    v.put("segments", Arrays.asList(r.getArrayOfStrings("segments")));
    v.put("created_at", instant(r.getOffsetDateTime("created_at")));
    v.put("first_order_at", instant(r.getOffsetDateTime("first_order_at")));
    v.put("last_order_at", instant(r.getOffsetDateTime("last_order_at")));
    long orders = r.getInteger("total_orders");
    BigDecimal spent = r.getBigDecimal("total_spent");
    v.put("total_orders", orders);
    v.put("total_spent", spent);
    v.put("average_order_value", orders == 0 ? null : spent.divide(BigDecimal.valueOf(orders), 2, RoundingMode.HALF_UP));
    if (r.getValue("address") instanceof JsonObject address) {
      address.forEach(e -> v.put("address." + e.getKey(), e.getValue() == null ? null : e.getValue().toString()));
    }
    if (r.getValue("metadata") instanceof JsonObject metadata) {
      metadata.forEach(e -> v.put("metadata." + e.getKey(), e.getValue() == null ? null : e.getValue().toString()));
    }
    return v;
  }

  private static Object instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }
}
