package io.shoal.coupon;

import io.shoal.kernel.DomainException;
import io.shoal.segment.SegmentMemberships;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Validating and redeeming coupons. The facts about the customer come from their owners: live
 * segment memberships and assigned items from the segment capability, a product's categories
 * (with ancestors) from the catalog, asked through the owners' SQL functions in the one statement
 * that reads the coupon ({@link CouponStore#load}): a validation is one round trip. The limits
 * are checked again under the coupon's row lock when a redemption is recorded
 * ({@link CouponStore#redeem}).
 */
public final class Coupons {

  private final CouponStore store;

  public Coupons(CouponStore store) {
    this.store = store;
  }

  public CouponStore store() {
    return store;
  }

  /** Codes are case-insensitive: stored and looked up upper-case. */
  public static String normalize(String code) {
    return code == null ? null : code.trim().toUpperCase(Locale.ROOT);
  }

  public Future<Coupon> found(String storeId, String code) {
    return store.byCode(storeId, normalize(code)).map(c -> {
      if (c == null) {
        throw DomainException.notFound("coupon", code);
      }
      return c;
    });
  }

  public record Checked(Coupon coupon, CouponTerms.Verdict verdict) {}

  public Future<Checked> validate(String storeId, String code, CouponTerms.Cart cart, Instant now) {
    return load(storeId, code, cart, now).map(l -> {
      if (l == null) {
        throw DomainException.notFound("coupon", code);
      }
      CouponTerms.Facts f = facts(l, cart);
      Coupon c = l.coupon();
      int used = c.maxRedemptionsPerCustomer() == null ? 0 : l.customerRedemptions();
      return new Checked(c, CouponTerms.check(c, cart, now,
          new CouponTerms.Facts(f.memberOf(), f.coveredLines(), used)));
    });
  }

  /**
   * Records the order's use of the code, once per order. An unknown code answers null (an order
   * may carry codes of another system).
   */
  public Future<CouponStore.Recorded> redeem(String storeId, String code, CouponTerms.Cart cart, String orderId,
                                             String eventId, Instant now) {
    return load(storeId, code, cart, now).compose(l -> {
      if (l == null) {
        return Future.succeededFuture(null);
      }
      CouponTerms.Facts f = facts(l, cart);
      return store.redeem(storeId, l.coupon().id(), cart.customerId(), orderId, eventId,
          cart.total(), cart.currency(),
          (locked, used) -> CouponTerms.check(locked, cart, now,
              new CouponTerms.Facts(f.memberOf(), f.coveredLines(), used)));
    });
  }

  private Future<CouponStore.Loaded> load(String storeId, String code, CouponTerms.Cart cart, Instant now) {
    Set<String> products = new HashSet<>();
    Set<String> named = new HashSet<>();
    for (CouponTerms.CartItem i : cart.items()) {
      if (i.productId() != null) {
        products.add(i.productId());
      }
      if (i.categoryId() != null) {
        named.add(i.categoryId());
      }
    }
    return store.load(storeId, normalize(code), cart.customerId(), products, named, now);
  }

  /**
   * Membership and item coverage from what {@link CouponStore#load} read (it asks them only when
   * the coupon is restricted that way). One live segment is enough to be a member; when items are
   * covered, the segments through which they are are the answer's segments.
   */
  static CouponTerms.Facts facts(CouponStore.Loaded l, CouponTerms.Cart cart) {
    Coupon c = l.coupon();
    if (cart.customerId() == null || (!c.segmentRestricted() && !c.itemRestricted())) {
      return new CouponTerms.Facts(Set.of(), Set.of(), 0);
    }
    Set<String> memberOf = c.segmentRestricted() && l.memberSegment() != null ? Set.of(l.memberSegment()) : Set.of();
    if (!c.itemRestricted() || (c.segmentRestricted() && memberOf.isEmpty())) {
      return new CouponTerms.Facts(memberOf, Set.of(), 0);
    }
    // each line's categories: the catalog's for its product, and the one it names, with ancestors
    Map<String, String> parents = l.categoryParents();
    List<Set<String>> lineCategories = new ArrayList<>();
    for (CouponTerms.CartItem i : cart.items()) {
      Set<String> cats = new HashSet<>(i.productId() == null ? Set.of()
          : l.productCategories().getOrDefault(i.productId(), Set.of()));
      if (i.categoryId() != null) {
        cats.add(i.categoryId());
        String parent = parents.get(i.categoryId());
        for (int depth = 0; parent != null && depth < 32; depth++) {
          cats.add(parent);
          parent = parents.get(parent);
        }
      }
      lineCategories.add(cats);
    }
    Set<String> coveredProducts = new HashSet<>();
    Set<String> coveredCategories = new HashSet<>();
    for (SegmentMemberships.ItemRef r : l.coveredItems()) {
      (r.type().equals("product") ? coveredProducts : coveredCategories).add(r.itemId());
    }
    Set<Integer> covered = new HashSet<>();
    for (int n = 0; n < cart.items().size(); n++) {
      CouponTerms.CartItem i = cart.items().get(n);
      boolean byProduct = i.productId() != null && coveredProducts.contains(i.productId());
      boolean byCategory = lineCategories.get(n).stream().anyMatch(coveredCategories::contains);
      if (byProduct || byCategory) {
        covered.add(n);
      }
    }
    Set<String> through = new HashSet<>(memberOf);
    if (!covered.isEmpty()) {
      through.clear();
      l.coveredItems().forEach(r -> through.add(r.segmentId()));
    }
    return new CouponTerms.Facts(through, covered, 0);
  }
}
