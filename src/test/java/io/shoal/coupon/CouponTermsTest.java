package io.shoal.coupon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure coupon rules: each reason, their order, and the discount arithmetic. */
class CouponTermsTest {

  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

  private static Coupon coupon(String type, String amount, String percent, String min, Integer max, Integer perCustomer,
                               List<String> segments, boolean items) {
    return new Coupon("store_1", "cpn_1", "CODE", null, null, type, amount == null ? null : new BigDecimal(amount),
        percent == null ? null : new BigDecimal(percent), amount == null ? null : "USD",
        min == null ? null : new BigDecimal(min), min == null ? null : "USD", Instant.parse("2026-01-01T00:00:00Z"),
        Instant.parse("2027-01-01T00:00:00Z"), max, perCustomer, segments, !segments.isEmpty(), items, false, List.of(), null, 3,
        new JsonObject(), null, null);
  }

  private static CouponTerms.Cart cart(String total, CouponTerms.CartItem... items) {
    return new CouponTerms.Cart("cust_1", new BigDecimal(total), "USD", List.of(items));
  }

  private static CouponTerms.CartItem item(String product, int quantity, String price) {
    return new CouponTerms.CartItem(product, null, quantity, new BigDecimal(price));
  }

  private static final CouponTerms.Facts NO_FACTS = new CouponTerms.Facts(Set.of(), Set.of(), 0);

  @Test
  void anAbsoluteDiscountNeverExceedsWhatItAppliesTo() {
    Coupon c = coupon(Coupon.ABSOLUTE, "24.99", null, null, null, null, List.of(), false);
    assertEquals(new BigDecimal("24.99"), CouponTerms.check(c, cart("80.00"), NOW, NO_FACTS).discount());
    assertEquals(new BigDecimal("10.00"), CouponTerms.check(c, cart("10.00"), NOW, NO_FACTS).discount());
  }

  @Test
  void aPercentageOfTheCoveredLinesOnlyWhenItemRestricted() {
    Coupon c = coupon(Coupon.PERCENTAGE, null, "15", null, null, null, List.of("seg_1"), true);
    CouponTerms.Verdict v = CouponTerms.check(c, cart("70.00", item("a", 2, "20.00"), item("b", 1, "30.00")), NOW,
        new CouponTerms.Facts(Set.of("seg_1"), Set.of(0), 0));
    assertTrue(v.valid());
    assertEquals(new BigDecimal("6.00"), v.discount());
    assertEquals(List.of(0), v.eligibleLines());
  }

  @Test
  void theFirstFailingCheckIsTheReason() {
    Coupon c = coupon(Coupon.PERCENTAGE, null, "10", "50.00", 3, 1, List.of("seg_1"), true);
    // exhausted (3 of 3) comes before the minimum and the membership
    assertEquals("exhausted", CouponTerms.check(c, cart("10.00"), NOW, NO_FACTS).reason());
    Coupon open = coupon(Coupon.PERCENTAGE, null, "10", "50.00", 10, 1, List.of("seg_1"), true);
    assertEquals("below_minimum", CouponTerms.check(open, cart("10.00"), NOW, NO_FACTS).reason());
    assertEquals("not_a_member", CouponTerms.check(open, cart("60.00"), NOW, NO_FACTS).reason());
    assertEquals("customer_limit_reached", CouponTerms.check(open, cart("60.00"), NOW,
        new CouponTerms.Facts(Set.of("seg_1"), Set.of(0), 1)).reason());
    assertEquals("item_not_covered", CouponTerms.check(open, cart("60.00", item("x", 1, "60.00")), NOW,
        new CouponTerms.Facts(Set.of("seg_1"), Set.of(), 0)).reason());
    assertEquals("expired", CouponTerms.check(open, cart("60.00"), Instant.parse("2027-01-01T00:00:00Z"), NO_FACTS)
        .reason(), "valid_until is exclusive");
    assertEquals("not_yet_valid", CouponTerms.check(open, cart("60.00"), Instant.parse("2025-12-31T23:59:59Z"),
        NO_FACTS).reason());
    CouponTerms.Cart anonymous = new CouponTerms.Cart(null, new BigDecimal("60.00"), "USD", List.of());
    assertFalse(CouponTerms.check(open, anonymous, NOW, NO_FACTS).valid());
    assertEquals("anonymous_not_allowed", CouponTerms.check(open, anonymous, NOW, NO_FACTS).reason());
  }
}
