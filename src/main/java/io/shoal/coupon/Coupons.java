package io.shoal.coupon;

import io.shoal.catalog.Catalog;
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
 * (with ancestors) from the catalog. The limits are checked again under the coupon's row lock
 * when a redemption is recorded ({@link CouponStore#redeem}).
 */
public final class Coupons {

  private final CouponStore store;
  private final SegmentMemberships memberships;
  private final Catalog catalog;

  public Coupons(CouponStore store, SegmentMemberships memberships, Catalog catalog) {
    this.store = store;
    this.memberships = memberships;
    this.catalog = catalog;
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
    return found(storeId, code).compose(c -> facts(c, cart, now)
        .compose(f -> (c.maxRedemptionsPerCustomer() == null ? Future.succeededFuture(0)
            : store.customerRedemptions(storeId, c.id(), cart.customerId()))
            .map(used -> new Checked(c, CouponTerms.check(c, cart, now,
                new CouponTerms.Facts(f.memberOf(), f.coveredLines(), used))))));
  }

  /**
   * Records the order's use of the code, once per order. An unknown code answers null (an order
   * may carry codes of another system).
   */
  public Future<CouponStore.Recorded> redeem(String storeId, String code, CouponTerms.Cart cart, String orderId,
                                             String eventId, Instant now) {
    return store.byCode(storeId, normalize(code)).compose(c -> {
      if (c == null) {
        return Future.succeededFuture(null);
      }
      return facts(c, cart, now).compose(f -> store.redeem(storeId, c.id(), cart.customerId(), orderId, eventId,
          cart.total(), cart.currency(),
          (locked, used) -> CouponTerms.check(locked, cart, now,
              new CouponTerms.Facts(f.memberOf(), f.coveredLines(), used))));
    });
  }

  /** Membership and item coverage, asked only when the coupon is restricted that way. */
  private Future<CouponTerms.Facts> facts(Coupon c, CouponTerms.Cart cart, Instant now) {
    String customer = cart.customerId();
    if (customer == null || (!c.segmentRestricted() && !c.itemRestricted())) {
      return Future.succeededFuture(new CouponTerms.Facts(Set.of(), Set.of(), 0));
    }
    // one live segment is enough to be a member; the segments through which items are covered
    // come with the items (a customer may be in all of a coupon's 1,000 segments)
    Future<Set<String>> member = c.segmentRestricted()
        ? memberships.anyLiveSegment(c.storeId(), customer, c.segmentIds(), now)
            .map(id -> id == null ? Set.<String>of() : Set.of(id))
        : Future.succeededFuture(Set.of());
    if (!c.itemRestricted()) {
      return member.map(m -> new CouponTerms.Facts(m, Set.of(), 0));
    }
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
    Future<Map<String, Set<String>>> ofProducts = catalog.categoriesOfProducts(c.storeId(), products);
    Future<Map<String, Catalog.Category>> ofNamed = catalog.withAncestors(c.storeId(), named);
    return Future.all(member, ofProducts, ofNamed).compose(all -> {
      Set<String> memberOf = member.result();
      if (c.segmentRestricted() && memberOf.isEmpty()) {
        return Future.succeededFuture(new CouponTerms.Facts(memberOf, Set.of(), 0));
      }
      // each line's categories: the catalog's for its product, and the one it names, with ancestors
      Map<String, Catalog.Category> namedChain = ofNamed.result();
      List<Set<String>> lineCategories = new ArrayList<>();
      Set<String> allCategories = new HashSet<>();
      for (CouponTerms.CartItem i : cart.items()) {
        Set<String> cats = new HashSet<>(i.productId() == null ? Set.of()
            : ofProducts.result().getOrDefault(i.productId(), Set.of()));
        if (i.categoryId() != null) {
          cats.add(i.categoryId());
          String parent = namedChain.containsKey(i.categoryId()) ? namedChain.get(i.categoryId()).parentId() : null;
          for (int depth = 0; parent != null && depth < 32; depth++) {
            cats.add(parent);
            Catalog.Category p = namedChain.get(parent);
            parent = p == null ? null : p.parentId();
          }
        }
        lineCategories.add(cats);
        allCategories.addAll(cats);
      }
      List<String> segments = c.segmentRestricted() ? c.segmentIds() : List.of();
      return memberships.coveredItems(c.storeId(), customer, segments, products, allCategories, now).map(refs -> {
        Set<String> coveredProducts = new HashSet<>();
        Set<String> coveredCategories = new HashSet<>();
        for (SegmentMemberships.ItemRef r : refs) {
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
          refs.forEach(r -> through.add(r.segmentId()));
        }
        return new CouponTerms.Facts(through, covered, 0);
      });
    });
  }
}
