package io.shoal.template;

import io.shoal.kernel.Wire;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.vertx.core.Future;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * A customer as a message sees it: the profile (what templates read at the top level), the
 * {@code metrics}, and the consents. Read with {@link #COLUMNS} from {@code customers c}.
 */
public record Recipient(String id, JsonObject profile, JsonObject metrics, boolean emailConsent,
                        boolean smsConsent, boolean pushConsent) {

  /** The columns {@link #of} reads, from {@code customers} aliased {@code c}. */
  public static final String COLUMNS = "c.id AS c_id, c.email, c.first_name, c.last_name, c.phone, c.external_id,"
      + " c.timezone, c.tags, c.address, c.metadata, c.email_consent, c.sms_consent, c.push_consent,"
      + " c.total_orders, c.total_spent, c.first_order_at, c.last_order_at";

  private static final String SQL_GET = "SELECT " + COLUMNS + " FROM customers c WHERE c.store_id = $1 AND c.id = $2";

  /** The recipient in this row, or null when the row has no customer (a left join that found none). */
  public static Recipient of(Row r) {
    String id = r.getString("c_id");
    if (id == null) {
      return null;
    }
    String[] tags = r.getArrayOfStrings("tags");
    JsonObject profile = new JsonObject()
        .put("id", id)
        .put("email", r.getString("email"))
        .put("first_name", r.getString("first_name"))
        .put("last_name", r.getString("last_name"))
        .put("phone", r.getString("phone"))
        .put("external_id", r.getString("external_id"))
        .put("timezone", r.getString("timezone"))
        .put("tags", new JsonArray(tags == null ? List.of() : List.of(tags)))
        .put("address", r.getJsonObject("address"))
        .put("metadata", r.getJsonObject("metadata"));
    int orders = r.getInteger("total_orders");
    BigDecimal spent = r.getBigDecimal("total_spent");
    BigDecimal aov = orders == 0 ? BigDecimal.ZERO : spent.divide(BigDecimal.valueOf(orders), 2, RoundingMode.HALF_EVEN);
    JsonObject metrics = new JsonObject()
        .put("total_orders", orders)
        .put("total_spent", Wire.money(spent))
        .put("average_order_value", Wire.money(aov))
        .put("first_order_at", Wire.time(r.getOffsetDateTime("first_order_at")))
        .put("last_order_at", Wire.time(r.getOffsetDateTime("last_order_at")));
    return new Recipient(id, profile, metrics, r.getBoolean("email_consent"), r.getBoolean("sms_consent"),
        r.getBoolean("push_consent"));
  }

  /** The recipient, or null when the store has no such customer. */
  public static Future<Recipient> load(Pool pool, String storeId, String customerId) {
    return pool.preparedQuery(SQL_GET).execute(Tuple.of(storeId, customerId))
        .map(rows -> rows.size() == 0 ? null : of(rows.iterator().next()));
  }

  public String email() {
    return profile.getString("email");
  }

  public String phone() {
    return profile.getString("phone");
  }

  public JsonObject address() {
    return profile.getJsonObject("address");
  }

  public String displayName() {
    String first = profile.getString("first_name");
    String last = profile.getString("last_name");
    String name = ((first == null ? "" : first) + " " + (last == null ? "" : last)).trim();
    return name.isEmpty() ? null : name;
  }
}
