package io.shoal.coupon;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Whether a coupon applies to a customer's cart, and why not: pure rules over the coupon, the
 * cart and the facts the segment and catalog capabilities gave. Checks run cheapest first and
 * the first that fails is the reason:
 *
 * <pre>
 * not_yet_valid | expired | exhausted | not_issued_to_customer | anonymous_not_allowed
 *   | currency_mismatch | below_minimum | not_a_member | customer_limit_reached | item_not_covered
 * </pre>
 */
public final class CouponTerms {

  private CouponTerms() {}

  public record CartItem(String productId, String categoryId, int quantity, BigDecimal price) {
    BigDecimal subtotal() {
      return price.multiply(BigDecimal.valueOf(quantity));
    }
  }

  /** A cart or order: who (null when anonymous), its total and currency, its lines. */
  public record Cart(String customerId, BigDecimal total, String currency, List<CartItem> items) {}

  /**
   * What was found out about the customer and the cart: the coupon's segments the customer is a
   * live member of, which lines are covered by items assigned to them, and how often the
   * customer already redeemed the coupon.
   */
  public record Facts(Set<String> memberOf, Set<Integer> coveredLines, int customerRedemptions) {}

  /** The answer: valid with the discount, or the first reason it does not apply. */
  public record Verdict(boolean valid, String reason, String message, BigDecimal discount, String currency,
                        List<Integer> eligibleLines, List<String> segmentIds) {

    static Verdict no(String reason, String message) {
      return new Verdict(false, reason, message, null, null, List.of(), List.of());
    }
  }

  public static Verdict check(Coupon c, Cart cart, Instant now, Facts f) {
    if (c.validFrom() != null && now.isBefore(c.validFrom())) {
      return Verdict.no("not_yet_valid", "the coupon is valid from " + c.validFrom());
    }
    if (c.validUntil() != null && !now.isBefore(c.validUntil())) {
      return Verdict.no("expired", "the coupon expired at " + c.validUntil());
    }
    if (c.maxRedemptions() != null && c.redeemedCount() >= c.maxRedemptions()) {
      return Verdict.no("exhausted", "the coupon was redeemed its maximum " + c.maxRedemptions() + " times");
    }
    String customer = cart.customerId();
    if (customer == null && !c.allowAnonymous()) {
      return Verdict.no("anonymous_not_allowed", "the coupon needs a known customer");
    }
    if (c.issuedTo() != null && !c.issuedTo().equals(customer)) {
      return Verdict.no("not_issued_to_customer", "the coupon was issued to another customer");
    }
    if (!c.validFor().isEmpty() && (customer == null || !c.validFor().contains(customer))) {
      return Verdict.no("not_issued_to_customer", "the coupon is valid only for the customers it lists");
    }
    String currency = c.currency() != null ? c.currency() : c.minOrderCurrency();
    if (currency != null && cart.currency() != null && !currency.equalsIgnoreCase(cart.currency())) {
      return Verdict.no("currency_mismatch", "the coupon is in " + currency + ", the cart in " + cart.currency());
    }
    if (c.minOrderValue() != null && (cart.total() == null || cart.total().compareTo(c.minOrderValue()) < 0)) {
      return Verdict.no("below_minimum", "the order total " + cart.total() + " is below the minimum order value "
          + c.minOrderValue());
    }
    if (c.segmentRestricted() && f.memberOf().isEmpty()) {
      return Verdict.no("not_a_member", "the customer is not a member of any live segment the coupon is for");
    }
    if (c.maxRedemptionsPerCustomer() != null && f.customerRedemptions() >= c.maxRedemptionsPerCustomer()) {
      return Verdict.no("customer_limit_reached", "the customer already redeemed the coupon "
          + f.customerRedemptions() + " times (at most " + c.maxRedemptionsPerCustomer() + ")");
    }
    List<Integer> eligible = new ArrayList<>();
    BigDecimal base;
    if (c.itemRestricted()) {
      base = BigDecimal.ZERO;
      for (int i = 0; i < cart.items().size(); i++) {
        if (f.coveredLines().contains(i)) {
          eligible.add(i);
          base = base.add(cart.items().get(i).subtotal());
        }
      }
      if (eligible.isEmpty()) {
        return Verdict.no("item_not_covered", "no item of the cart is a product or in a category assigned to the"
            + " coupon's segments");
      }
    } else {
      for (int i = 0; i < cart.items().size(); i++) {
        eligible.add(i);
      }
      base = cart.total() != null ? cart.total() : sum(cart.items());
    }
    BigDecimal discount = Coupon.ABSOLUTE.equals(c.discountType()) ? c.amount().min(base)
        : base.multiply(c.percentage()).divide(BigDecimal.valueOf(100), 2, RoundingMode.HALF_EVEN);
    return new Verdict(true, null, null, discount.setScale(2, RoundingMode.HALF_EVEN).max(BigDecimal.ZERO.setScale(2)),
        currency != null ? currency : cart.currency(), eligible, List.copyOf(new java.util.TreeSet<>(f.memberOf())));
  }

  private static BigDecimal sum(List<CartItem> items) {
    BigDecimal s = BigDecimal.ZERO;
    for (CartItem i : items) {
      s = s.add(i.subtotal());
    }
    return s;
  }
}
