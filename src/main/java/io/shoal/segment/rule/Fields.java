package io.shoal.segment.rule;

import static io.shoal.segment.rule.Field.Source.AGGREGATE;
import static io.shoal.segment.rule.Field.Source.METRIC;
import static io.shoal.segment.rule.Field.Source.PROFILE;
import static io.shoal.segment.rule.FieldType.BOOLEAN;
import static io.shoal.segment.rule.FieldType.DECIMAL;
import static io.shoal.segment.rule.FieldType.INTEGER;
import static io.shoal.segment.rule.FieldType.MONEY;
import static io.shoal.segment.rule.FieldType.STRING;
import static io.shoal.segment.rule.FieldType.STRING_LIST;
import static io.shoal.segment.rule.FieldType.TIME;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalogue of fields a segment rule may test. To add a field, add one line to
 * {@link #DECLARED} (and have the evaluator's {@link CustomerFacts} return a value of the
 * field's type under that name); the compiler, validation messages and operator checks follow.
 *
 * <p>Besides the declared fields there are families whose keys the store chooses: today only
 * {@code metadata.<key>}, a string.
 */
public final class Fields {

  /** Longest key accepted after a family prefix such as {@code metadata.}. */
  static final int MAX_FAMILY_KEY_LENGTH = 100;

  private static final List<Field> DECLARED = List.of(
      // Profile, as written through the customers API.
      new Field("email", STRING, PROFILE),
      new Field("first_name", STRING, PROFILE),
      new Field("last_name", STRING, PROFILE),
      new Field("phone", STRING, PROFILE),
      new Field("external_id", STRING, PROFILE),
      new Field("timezone", STRING, PROFILE),
      new Field("tags", STRING_LIST, PROFILE),
      new Field("address.line1", STRING, PROFILE),
      new Field("address.line2", STRING, PROFILE),
      new Field("address.city", STRING, PROFILE),
      new Field("address.state", STRING, PROFILE),
      new Field("address.postal_code", STRING, PROFILE),
      new Field("address.country", STRING, PROFILE),
      new Field("email_consent", BOOLEAN, PROFILE),
      new Field("sms_consent", BOOLEAN, PROFILE),
      new Field("push_consent", BOOLEAN, PROFILE),
      new Field("created_at", TIME, PROFILE),
      // True for a storefront visitor not yet identified (no email, no external id).
      new Field("anonymous", BOOLEAN, PROFILE),
      // Aggregates, kept current by Shoal from orders, carts and events.
      new Field("total_orders", INTEGER, AGGREGATE),
      new Field("total_spent", MONEY, AGGREGATE),
      new Field("average_order_value", MONEY, AGGREGATE),
      new Field("first_order_at", TIME, AGGREGATE),
      new Field("last_order_at", TIME, AGGREGATE),
      new Field("last_seen_at", TIME, AGGREGATE),
      new Field("cart.value", MONEY, AGGREGATE),
      new Field("cart.item_count", INTEGER, AGGREGATE),
      new Field("cart.updated_at", TIME, AGGREGATE),
      new Field("products_bought", STRING_LIST, AGGREGATE),
      new Field("categories_bought", STRING_LIST, AGGREGATE),
      // Metrics, computed by the metrics jobs; null until they have run for the customer.
      new Field("churn_risk", DECIMAL, METRIC),              // 0..1
      new Field("predicted_clv", MONEY, METRIC),
      new Field("expected_purchases_90d", DECIMAL, METRIC),
      new Field("rfm.recency_score", INTEGER, METRIC),      // 1..5
      new Field("rfm.frequency_score", INTEGER, METRIC),    // 1..5
      new Field("rfm.monetary_score", INTEGER, METRIC),     // 1..5
      new Field("rfm.segment", STRING, METRIC));            // e.g. champions, at_risk

  /** Families: every name {@code prefix + key} is a field of this type and source. */
  private static final List<Field> FAMILIES = List.of(
      new Field("metadata.", STRING, PROFILE));

  private static final Map<String, Field> BY_NAME = index();

  private Fields() {}

  private static Map<String, Field> index() {
    Map<String, Field> byName = new LinkedHashMap<>();
    for (Field f : DECLARED) {
      if (byName.put(f.name(), f) != null) {
        throw new IllegalStateException("field declared twice: " + f.name());
      }
    }
    return Map.copyOf(byName);
  }

  /** The declared fields, in catalogue order (families excluded). */
  public static List<Field> declared() {
    return DECLARED;
  }

  /** The families, each named by its prefix ending in a dot, e.g. {@code metadata.}. */
  public static List<Field> families() {
    return FAMILIES;
  }

  /** The field with this name, including family members like {@code metadata.source}; null if none. */
  public static Field find(String name) {
    Field declared = BY_NAME.get(name);
    if (declared != null) {
      return declared;
    }
    for (Field family : FAMILIES) {
      String prefix = family.name();
      int keyLength = name.length() - prefix.length();
      if (name.startsWith(prefix) && keyLength > 0 && keyLength <= MAX_FAMILY_KEY_LENGTH) {
        return new Field(name, family.type(), family.source());
      }
    }
    return null;
  }

  /**
   * The declared field whose name is closest to a misspelt one (a few edits away), so that an
   * "unknown field" error can say what was probably meant; null if nothing is close.
   */
  static String closestTo(String unknown) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Field f : DECLARED) {
      int d = editDistance(unknown, f.name());
      if (d < bestDistance) {
        best = f.name();
        bestDistance = d;
      }
    }
    return bestDistance <= Math.max(2, unknown.length() / 4) ? best : null;
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
