package io.shoal.coupon;

import io.shoal.http.ApiHandler;
import io.shoal.http.ApiOperation;
import io.shoal.http.ApiRequest;
import io.shoal.http.Reply;
import io.shoal.kernel.Cursor;
import io.shoal.kernel.DomainException;
import io.shoal.kernel.ListPage;
import io.shoal.kernel.Wire;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * Coupons (seed 004): codes with an absolute or percentage discount, restricted by time, order
 * value, customers, segments and the items assigned to those segments; a validation that says
 * why a code does not apply; redemptions, recorded once per order, from this API or from orders
 * carrying the code ({@link CouponOrderFeedVerticle}).
 */
public final class CouponApi {

  public static final int MAX_SEGMENTS = 1000;
  public static final int MAX_ITEMS = 1000;

  private final Coupons coupons;
  private final KnownSegments segments;

  /**
   * @param segments for a store, which of the given ids are its segments (checked when a coupon
   *     names segments); answered by the segment capability
   */
  public CouponApi(Coupons coupons, KnownSegments segments) {
    this.coupons = coupons;
    this.segments = segments;
  }

  /** Which of these segment ids are segments of the store (the segment capability answers). */
  @FunctionalInterface
  public interface KnownSegments {
    Future<java.util.Set<String>> known(String storeId, List<String> segmentIds);
  }

  public void mount(RouterBuilder rb) {
    ApiOperation.CREATE_COUPON.mount(rb, ApiHandler.route(this::create));
    ApiOperation.LIST_COUPONS.mount(rb, ApiHandler.route(this::list));
    ApiOperation.GET_COUPON.mount(rb, ApiHandler.route(this::get));
    ApiOperation.UPDATE_COUPON.mount(rb, ApiHandler.route(this::update));
    ApiOperation.DELETE_COUPON.mount(rb, ApiHandler.route(this::delete));
    ApiOperation.VALIDATE_COUPON.mount(rb, ApiHandler.route(this::validate));
    ApiOperation.REDEEM_COUPON.mount(rb, ApiHandler.route(this::redeem));
    ApiOperation.LIST_COUPON_REDEMPTIONS.mount(rb, ApiHandler.route(this::redemptions));
  }

  private Future<Reply> create(ApiRequest req) {
    String storeId = req.storeId();
    CouponStore.CouponWrite w = write(req.body(), null);
    return checkSegments(storeId, w.segmentIds())
        .compose(v -> coupons.store().create(storeId, w))
        .map(c -> {
          if (c == null) {
            throw DomainException.conflict("coupon_code_taken", "this store already has a coupon with code '"
                + w.code() + "'", "code");
          }
          return Reply.created(c.toJson());
        });
  }

  private Future<Reply> get(ApiRequest req) {
    return coupons.found(req.storeId(), req.path("code")).map(c -> Reply.ok(c.toJson()));
  }

  private Future<Reply> update(ApiRequest req) {
    String storeId = req.storeId();
    return coupons.found(storeId, req.path("code")).compose(current -> {
      CouponStore.CouponWrite w = write(req.body(), current);
      return checkSegments(storeId, w.segmentIds()).compose(v -> coupons.store().update(storeId, current.id(), w))
          .recover(e -> Future.failedFuture(e.getMessage() != null && e.getMessage().contains("coupons_store_id_code_key")
              ? DomainException.conflict("coupon_code_taken", "this store already has a coupon with code '"
                  + w.code() + "'", "code") : e));
    }).map(c -> Reply.ok(c.toJson()));
  }

  private Future<Reply> delete(ApiRequest req) {
    String storeId = req.storeId();
    return coupons.found(storeId, req.path("code")).compose(c -> coupons.store().delete(storeId, c.id())
        .map(d -> Reply.ok(new JsonObject().put("object", "coupon").put("id", c.id()).put("code", c.code())
            .put("deleted", true))));
  }

  private Future<Reply> list(ApiRequest req) {
    String storeId = req.storeId();
    int limit = req.queryInt("limit", 25);
    Cursor.TimeAndId after = Cursor.TimeAndId.decode(req.query("cursor"));
    return coupons.store().list(storeId, after.time(), after.id(), limit + 1)
        .map(rows -> Reply.ok(ListPage.of(rows, limit, Coupon::toJson,
            c -> Cursor.TimeAndId.of(c.createdAt(), c.id()))));
  }

  private Future<Reply> validate(ApiRequest req) {
    String storeId = req.storeId();
    CouponTerms.Cart cart = cart(req.body());
    return coupons.validate(storeId, req.path("code"), cart, Instant.now())
        .map(checked -> Reply.ok(validation(checked.coupon(), checked.verdict(), cart)));
  }

  /**
   * Records a redemption for an order now (a checkout that does not send its orders as events).
   * 201 when recorded, 200 with the first answer when the order was recorded before, 409 with
   * the reason when the code does not apply.
   */
  private Future<Reply> redeem(ApiRequest req) {
    String storeId = req.storeId();
    JsonObject body = req.body();
    String orderId = body.getString("order_id");
    if (orderId == null || orderId.isBlank()) {
      throw DomainException.invalid("parameter_missing", "order_id is required: a redemption is recorded once per order",
          "order_id");
    }
    CouponTerms.Cart cart = cart(body);
    String code = req.path("code");
    return coupons.found(storeId, code)
        .compose(c -> coupons.redeem(storeId, code, cart, orderId, null, Instant.now()))
        .map(rec -> {
          if (rec == null) {
            throw DomainException.notFound("coupon", code);
          }
          JsonObject out = redemption(rec.coupon(), rec.redemption());
          if (rec.duplicate()) {
            return Reply.ok(out.put("duplicate", true));
          }
          if (!rec.verdict().valid()) {
            throw new DomainException(409, "invalid_request_error", "coupon_not_applicable",
                rec.verdict().message() + " (" + rec.verdict().reason() + ")", "code");
          }
          return Reply.created(out.put("duplicate", false));
        });
  }

  private Future<Reply> redemptions(ApiRequest req) {
    String storeId = req.storeId();
    int limit = req.queryInt("limit", 25);
    Cursor.TimeAndId after = Cursor.TimeAndId.decode(req.query("cursor"));
    return coupons.found(storeId, req.path("code"))
        .compose(c -> coupons.store().redemptions(storeId, c.id(), req.query("customer_id"), after.time(), after.id(), limit + 1)
            .map(rows -> Reply.ok(ListPage.of(rows, limit, r -> redemption(c, r),
                r -> Cursor.TimeAndId.of(r.getOffsetDateTime("created_at"), r.getString("id"))))));
  }

  // --- wire ------------------------------------------------------------------------------------

  static JsonObject redemption(Coupon c, Row r) {
    BigDecimal total = r.getBigDecimal("order_total");
    BigDecimal discount = r.getBigDecimal("discount");
    return new JsonObject().put("object", "coupon_redemption").put("id", r.getString("id"))
        .put("coupon_id", c.id()).put("code", c.code())
        .put("customer_id", r.getString("customer_id")).put("order_id", r.getString("order_id"))
        .put("event_id", r.getString("event_id"))
        .put("status", r.getString("status")).put("reason", r.getString("reason"))
        .put("order_total", total == null ? null : Wire.money(total)).put("currency", r.getString("currency"))
        .put("discount", discount == null ? null : Wire.money(discount))
        .put("created_at", Wire.time(r.getOffsetDateTime("created_at")));
  }

  private static JsonObject validation(Coupon c, CouponTerms.Verdict v, CouponTerms.Cart cart) {
    JsonObject out = new JsonObject().put("object", "coupon_validation").put("code", c.code())
        .put("coupon_id", c.id()).put("customer_id", cart.customerId()).put("valid", v.valid())
        .put("reason", v.reason()).put("message", v.message());
    if (v.valid()) {
      JsonArray eligible = new JsonArray();
      v.eligibleLines().forEach(eligible::add);
      out.put("discount", new JsonObject().put("amount", Wire.money(v.discount())).put("currency", v.currency()))
          .put("eligible_items", eligible).put("segment_ids", new JsonArray(v.segmentIds()));
    } else {
      out.put("discount", null).put("eligible_items", new JsonArray()).put("segment_ids", new JsonArray());
    }
    return out.put("remaining", c.remaining());
  }

  /** The cart of a validation or redemption: {@code customer_id}, {@code total}, {@code currency}, {@code items}. */
  static CouponTerms.Cart cart(JsonObject body) {
    List<CouponTerms.CartItem> items = new ArrayList<>();
    JsonArray given = body.getJsonArray("items", new JsonArray());
    if (given.size() > MAX_ITEMS) {
      throw DomainException.invalidParam("items", "at most " + MAX_ITEMS + " items");
    }
    for (int i = 0; i < given.size(); i++) {
      String p = "items[" + i + "]";
      if (!(given.getValue(i) instanceof JsonObject o)) {
        throw DomainException.invalidParam(p, p + " must be an object");
      }
      Object quantity = o.getValue("quantity", 1);
      if (!(quantity instanceof Number q) || q.intValue() < 0) {
        throw DomainException.invalidParam(p + ".quantity", p + ".quantity must be a whole number of at least 0");
      }
      BigDecimal price = money(o.getValue("price"), p + ".price");
      items.add(new CouponTerms.CartItem(id(o.getValue("product_id")), id(o.getValue("category_id")), q.intValue(),
          price == null ? BigDecimal.ZERO : price));
    }
    BigDecimal total = money(body.getValue("total"), "total");
    if (total == null) {
      total = BigDecimal.ZERO;
      for (CouponTerms.CartItem i : items) {
        total = total.add(i.price().multiply(BigDecimal.valueOf(i.quantity())));
      }
    }
    return new CouponTerms.Cart(body.getString("customer_id"), total.setScale(2, RoundingMode.HALF_EVEN),
        body.getString("currency") == null ? null : body.getString("currency").toUpperCase(Locale.ROOT), items);
  }

  private static String id(Object v) {
    return v == null ? null : v instanceof Number n ? String.valueOf(n.longValue()) : String.valueOf(v);
  }

  /** Reads a coupon body over a current coupon (null on create); absent fields are kept. */
  static CouponStore.CouponWrite write(JsonObject b, Coupon current) {
    CouponStore.CouponWrite base = current == null ? null : CouponStore.CouponWrite.of(current);
    String code = b.containsKey("code") ? Coupons.normalize(b.getString("code")) : base == null ? null : base.code();
    if (code == null || code.isEmpty()) {
      throw DomainException.invalid("parameter_missing", "code is required", "code");
    }
    if (!code.matches("[A-Z0-9_\\-]{1,64}")) {
      throw DomainException.invalidParam("code", "a code is 1 to 64 letters, digits, '-' or '_'");
    }
    String type = b.containsKey("discount_type") ? discountType(b.getString("discount_type"))
        : base == null ? null : base.discountType();
    if (type == null) {
      throw DomainException.invalid("parameter_missing", "discount_type is required (absolute or percentage)",
          "discount_type");
    }
    BigDecimal amount = base == null ? null : base.amount();
    String currency = base == null ? null : base.currency();
    BigDecimal percentage = base == null ? null : base.percentage();
    if (b.containsKey("discount_absolute")) {
      JsonObject abs = b.getJsonObject("discount_absolute");
      amount = abs == null ? null : money(abs.getValue("amount"), "discount_absolute.amount");
      currency = abs == null ? null : currency(abs.getString("currency"), "discount_absolute.currency");
    }
    if (b.containsKey("discount_percentage")) {
      percentage = b.getValue("discount_percentage") == null ? null
          : decimal(b.getValue("discount_percentage"), "discount_percentage");
    }
    if (Coupon.ABSOLUTE.equals(type)) {
      if (amount == null || amount.signum() <= 0 || currency == null) {
        JsonObject abs = b.getJsonObject("discount_absolute");
        String param = abs == null ? "discount_absolute"
            : amount == null || amount.signum() <= 0 ? "discount_absolute.amount" : "discount_absolute.currency";
        throw DomainException.invalidParam(param,
            "an absolute discount needs discount_absolute with a positive amount and a currency");
      }
      percentage = null;
    } else {
      if (percentage == null || percentage.signum() <= 0 || percentage.compareTo(BigDecimal.valueOf(100)) > 0) {
        throw DomainException.invalidParam("discount_percentage",
            "a percentage discount needs discount_percentage above 0 and at most 100");
      }
      amount = null;
      currency = null;
    }
    JsonObject restrictions = b.getJsonObject("restrictions");
    Instant from = base == null ? null : base.validFrom();
    Instant until = base == null ? null : base.validUntil();
    BigDecimal min = base == null ? null : base.minOrderValue();
    String minCurrency = base == null ? null : base.minOrderCurrency();
    List<String> validFor = base == null ? List.of() : base.validFor();
    if (restrictions != null) {
      if (restrictions.containsKey("valid_from")) {
        from = restrictions.getString("valid_from") == null ? null
            : Wire.parseInstant(restrictions.getString("valid_from"), "restrictions.valid_from");
      }
      if (restrictions.containsKey("valid_until")) {
        until = restrictions.getString("valid_until") == null ? null
            : Wire.parseInstant(restrictions.getString("valid_until"), "restrictions.valid_until");
      }
      if (restrictions.containsKey("min_order_value")) {
        JsonObject m = restrictions.getJsonObject("min_order_value");
        min = m == null ? null : money(m.getValue("amount"), "restrictions.min_order_value.amount");
        minCurrency = m == null ? null : currency(m.getString("currency"), "restrictions.min_order_value.currency");
      }
      if (restrictions.containsKey("valid_for")) {
        validFor = strings(restrictions.getJsonArray("valid_for"), "restrictions.valid_for", 10_000);
      }
    }
    if (from != null && until != null && !from.isBefore(until)) {
      throw DomainException.invalidParam("restrictions.valid_until", "valid_until must be after valid_from");
    }
    if (min != null && currency != null && minCurrency != null && !minCurrency.equals(currency)) {
      throw DomainException.invalidParam("restrictions.min_order_value.currency",
          "the minimum order value is in " + minCurrency + ", the discount in " + currency);
    }
    Integer max = b.containsKey("max_redemptions") ? limit(b.getValue("max_redemptions"), "max_redemptions")
        : base == null ? null : base.maxRedemptions();
    Integer maxPer = b.containsKey("max_redemptions_per_customer")
        ? limit(b.getValue("max_redemptions_per_customer"), "max_redemptions_per_customer")
        : base == null ? null : base.maxRedemptionsPerCustomer();
    List<String> segmentIds = b.containsKey("segment_ids")
        ? strings(b.getJsonArray("segment_ids"), "segment_ids", MAX_SEGMENTS)
        : base == null ? List.of() : base.segmentIds();
    if (Boolean.TRUE.equals(b.getBoolean("segment_restricted")) && segmentIds.isEmpty()) {
      throw DomainException.invalidParam("segment_ids", "segment_restricted needs the segments in segment_ids");
    }
    if (Boolean.FALSE.equals(b.getBoolean("segment_restricted"))) {
      if (b.containsKey("segment_ids") && !segmentIds.isEmpty()) {
        throw DomainException.invalidParam("segment_restricted", "segment_restricted is false but segment_ids are given");
      }
      segmentIds = List.of();
    }
    boolean itemRestricted = b.containsKey("item_restricted") ? Boolean.TRUE.equals(b.getBoolean("item_restricted"))
        : b.containsKey("category_restricted") ? Boolean.TRUE.equals(b.getBoolean("category_restricted"))
        : base != null && base.itemRestricted();
    boolean anonymous = b.containsKey("allow_anonymous") ? Boolean.TRUE.equals(b.getBoolean("allow_anonymous"))
        : base != null && base.allowAnonymous();
    String issuedTo = b.containsKey("issued_to") ? b.getString("issued_to") : base == null ? null : base.issuedTo();
    JsonObject metadata = b.containsKey("metadata") ? b.getJsonObject("metadata", new JsonObject())
        : base == null ? new JsonObject() : base.metadata();
    String name = b.containsKey("name") ? b.getString("name") : base == null ? null : base.name();
    String description = b.containsKey("description") ? b.getString("description")
        : base == null ? null : base.description();
    return new CouponStore.CouponWrite(code, name, description, type, amount, percentage, currency, min,
        minCurrency, from, until, max, maxPer, segmentIds, itemRestricted, anonymous, validFor, issuedTo, metadata);
  }

  private Future<Void> checkSegments(String storeId, List<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return segments.known(storeId, ids).map(known -> {
      List<String> unknown = new ArrayList<>();
      ids.forEach(id -> {
        if (!known.contains(id)) {
          unknown.add(id);
        }
      });
      if (!unknown.isEmpty()) {
        throw DomainException.invalid("segment_unknown", "not segments of this store: " + String.join(", ",
            unknown.subList(0, Math.min(10, unknown.size()))), "segment_ids");
      }
      return null;
    });
  }

  private static String discountType(String t) {
    String v = t == null ? "" : t.toLowerCase(Locale.ROOT);
    return switch (v) {
      case "absolute" -> Coupon.ABSOLUTE;
      case "percentage", "percent" -> Coupon.PERCENTAGE;
      default -> throw DomainException.invalidParam("discount_type", "discount_type is absolute or percentage");
    };
  }

  /** -1 or null means unlimited. */
  private static Integer limit(Object v, String param) {
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n) || n.doubleValue() != n.intValue() || n.intValue() < -1) {
      throw DomainException.invalidParam(param, param + " is a whole number, -1 for unlimited");
    }
    return n.intValue() == -1 ? null : n.intValue();
  }

  private static List<String> strings(JsonArray a, String param, int max) {
    if (a == null) {
      return List.of();
    }
    if (a.size() > max) {
      throw DomainException.invalidParam(param, "at most " + max + " ids");
    }
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (Object o : a) {
      if (!(o instanceof String s) || s.isBlank()) {
        throw DomainException.invalidParam(param, param + " holds non-blank strings");
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  private static String currency(String c, String param) {
    if (c == null || !c.matches("[A-Za-z]{3}")) {
      throw DomainException.invalidParam(param, param + " is a three-letter currency code such as USD");
    }
    return c.toUpperCase(Locale.ROOT);
  }

  /** The largest amount a coupon keeps (numeric(14, 2)). */
  private static final BigDecimal MAX_MONEY = new BigDecimal("999999999999.99");

  private static BigDecimal money(Object v, String param) {
    BigDecimal d = v == null ? null : decimal(v, param);
    if (d != null && d.signum() < 0) {
      throw DomainException.invalidParam(param, param + " must not be negative");
    }
    if (d != null && d.compareTo(MAX_MONEY) > 0) {
      throw DomainException.invalidParam(param, param + " must be at most " + MAX_MONEY.toPlainString());
    }
    return d == null ? null : d.setScale(2, RoundingMode.HALF_EVEN);
  }

  private static BigDecimal decimal(Object v, String param) {
    try {
      return new BigDecimal(String.valueOf(v));
    } catch (NumberFormatException e) {
      throw DomainException.invalidParam(param, param + " must be a number such as 19.90");
    }
  }
}
