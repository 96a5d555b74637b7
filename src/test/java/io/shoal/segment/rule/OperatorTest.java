package io.shoal.segment.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every operator on every field type, against one customer, at a fixed now. */
class OperatorTest {

  static final Instant NOW = Instant.parse("2026-03-15T12:00:00Z");

  /** Ordered 10 days before NOW, exactly: 2026-03-05T12:00:00Z. */
  static final Instant LAST_ORDER = NOW.minus(Duration.ofDays(10));

  static final FakeCustomer ADA = new FakeCustomer()
      .set("email", "Ada.Lovelace@Example.com")
      .set("first_name", "Ada")
      .set("address.city", "London")
      .set("metadata.source", "Trade_Show")
      .set("metadata.visits", 12)
      .set("rfm.segment", "Champions")
      .set("tags", List.of("VIP", "Newsletter"))
      .set("products_bought", List.of("SKU-1", "sku-2"))
      .set("categories_bought", List.of())
      .set("email_consent", true)
      .set("sms_consent", false)
      .set("total_orders", 5L)
      .set("total_spent", new BigDecimal("500.00"))
      .set("churn_risk", new BigDecimal("0.75"))
      .set("rfm.recency_score", 4L)
      .set("created_at", Instant.parse("2024-01-01T00:00:00Z"))
      .set("last_order_at", LAST_ORDER);
  // Not set, so missing: phone, push_consent, cart.value, last_seen_at, metadata.other.

  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      total_spent         | eq      | 500                | true
      total_spent         | eq      | 500.0              | true
      total_spent         | eq      | 499.99             | false
      total_spent         | neq     | 499                | true
      total_spent         | neq     | 500                | false
      total_spent         | gt      | 499.99             | true
      total_spent         | gt      | 500                | false
      total_spent         | gte     | 500                | true
      total_spent         | gte     | 500.01             | false
      total_spent         | lt      | 500.01             | true
      total_spent         | lt      | 500                | false
      total_spent         | lte     | 500                | true
      total_spent         | lte     | 499                | false
      total_spent         | between | [100, 500]         | true
      total_spent         | between | [500, 500]         | true
      total_spent         | between | [500.01, 600]      | false
      total_spent         | in      | [1, 500.000]       | true
      total_spent         | in      | [1, 2]             | false
      total_spent         | nin     | [1, 500]           | false
      total_spent         | nin     | [1, 2]             | true
      total_spent         | exists  |                    | true
      total_orders        | eq      | 5                  | true
      total_orders        | eq      | 5.0                | true
      total_orders        | gt      | 4.5                | true
      total_orders        | lt      | 5.5                | true
      total_orders        | gte     | 6                  | false
      total_orders        | between | [5, 9]             | true
      total_orders        | in      | [3, 4, 5]          | true
      total_orders        | in      | [4.5, 5.5]         | false
      total_orders        | nin     | [3, 4]             | true
      churn_risk          | between | [0.5, 1]           | true
      churn_risk          | gt      | 0.75               | false
      rfm.recency_score   | gte     | 4                  | true
      email               | eq      | 'ada.lovelace@example.com' | true
      email               | eq      | 'ada.lovelace'     | false
      email               | neq     | 'ADA.LOVELACE@EXAMPLE.COM' | false
      email               | neq     | 'someone@else.com' | true
      email               | contains | 'LOVELACE@'       | true
      email               | contains | 'babbage'         | false
      email               | starts_with | 'ada.'         | true
      email               | starts_with | 'lovelace'     | false
      email               | in      | ['x@y.z', 'ADA.lovelace@example.COM'] | true
      email               | in      | ['x@y.z']          | false
      email               | nin     | ['ada.lovelace@example.com'] | false
      email               | nin     | ['x@y.z']          | true
      email               | exists  |                    | true
      address.city        | in      | ['paris', 'LONDON'] | true
      metadata.source     | eq      | 'trade_show'       | true
      metadata.visits     | eq      | '12'               | true
      rfm.segment         | eq      | 'champions'        | true
      tags                | contains | 'vip'             | true
      tags                | contains | 'vi'              | false
      tags                | in      | ['x', 'NEWSLETTER'] | true
      tags                | in      | ['x', 'y']         | false
      tags                | nin     | ['x', 'newsletter'] | false
      tags                | nin     | ['x', 'y']         | true
      tags                | exists  |                    | true
      tags                | exists  | false              | false
      products_bought     | contains | 'SKU-2'           | true
      categories_bought   | exists  |                    | false
      categories_bought   | contains | 'shoes'           | false
      categories_bought   | nin     | ['shoes']          | true
      email_consent       | eq      | true               | true
      email_consent       | eq      | false              | false
      email_consent       | neq     | true               | false
      sms_consent         | eq      | false              | true
      sms_consent         | neq     | true               | true
      sms_consent         | exists  |                    | true
      last_order_at       | after   | '2026-03-01'       | true
      last_order_at       | before  | '2026-03-01T00:00:00Z' | false
      last_order_at       | before  | '2026-03-06'       | true
      last_order_at       | gt      | '2026-03-05T12:00:00Z' | false
      last_order_at       | gte     | '2026-03-05T12:00:00Z' | true
      last_order_at       | lt      | '2026-03-05T12:00:00Z' | false
      last_order_at       | lte     | '2026-03-05T12:00:00Z' | true
      last_order_at       | lte     | '2026-03-05T14:00:00+02:00' | true
      last_order_at       | lt      | '2026-03-05T14:00:00+02:00' | false
      last_order_at       | after   | '11_days_ago'      | true
      last_order_at       | after   | '9_days_ago'       | false
      last_order_at       | before  | '9_days_ago'       | true
      last_order_at       | gte     | '10_days_ago'      | true
      last_order_at       | gt      | '10_days_ago'      | false
      last_order_at       | lte     | '240_hours_ago'    | true
      last_order_at       | lt      | '240_hours_ago'    | false
      last_order_at       | after   | '14401_minutes_ago' | true
      last_order_at       | after   | '1_week_ago'       | false
      last_order_at       | after   | '2_weeks_ago'      | true
      last_order_at       | before  | '1_day_ago'        | true
      last_order_at       | between | ['2026-03-01', '2026-03-10'] | true
      last_order_at       | between | ['2_weeks_ago', '1_week_ago'] | true
      last_order_at       | between | ['9_days_ago', '1_day_ago'] | false
      last_order_at       | between | ['2026-03-01', '5_days_ago'] | true
      last_order_at       | within_last | '10_days'      | true
      last_order_at       | within_last | '239_hours'    | false
      last_order_at       | within_last | '2_weeks'      | true
      last_order_at       | not_within_last | '1_week'   | true
      last_order_at       | not_within_last | '2_weeks'  | false
      last_order_at       | not_within_last | '10_days'  | false
      last_order_at       | exists  |                    | true
      created_at          | before  | '2024-01-01T00:00:01Z' | true
      """)
  void operatorOnPresentValue(String field, String operator, String value, boolean expected) {
    assertEquals(expected, Rules.condition(field, operator, value).test(ADA, NOW));
  }

  @ParameterizedTest(name = "missing {0} {1} {2} -> {3}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      cart.value          | eq      | 0                  | false
      cart.value          | neq     | 0                  | true
      cart.value          | gt      | -1                 | false
      cart.value          | gte     | 0                  | false
      cart.value          | lt      | 1                  | false
      cart.value          | lte     | 0                  | false
      cart.value          | between | [0, 1000000]       | false
      cart.value          | in      | [0]                | false
      cart.value          | nin     | [0]                | true
      cart.value          | exists  |                    | false
      cart.value          | exists  | false              | true
      phone               | eq      | ''                 | false
      phone               | neq     | '123'              | true
      phone               | in      | ['123']            | false
      phone               | nin     | ['123']            | true
      phone               | contains | '1'               | false
      phone               | starts_with | '+44'          | false
      phone               | exists  |                    | false
      phone               | exists  | true               | false
      metadata.other      | eq      | 'x'                | false
      metadata.other      | neq     | 'x'                | true
      cart.item_count     | lt      | 1                  | false
      push_consent        | eq      | false              | false
      push_consent        | eq      | true               | false
      push_consent        | neq     | true               | true
      push_consent        | neq     | false              | true
      push_consent        | exists  |                    | false
      predicted_clv       | gte     | 0                  | false
      address.country     | nin     | ['GB']             | true
      expected_purchases_90d | lte  | 100                | false
      last_seen_at        | before  | '2099-01-01'       | false
      last_seen_at        | after   | '1970-01-01'       | false
      last_seen_at        | lt      | '1_day_ago'        | false
      last_seen_at        | between | ['2_weeks_ago', '1_week_ago'] | false
      last_seen_at        | within_last | '3650_days'    | false
      last_seen_at        | not_within_last | '1_minute' | true
      last_seen_at        | exists  |                    | false
      """)
  void operatorOnMissingValue(String field, String operator, String value, boolean expected) {
    assertEquals(expected, Rules.condition(field, operator, value).test(ADA, NOW));
  }
}
