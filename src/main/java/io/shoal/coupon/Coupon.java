package io.shoal.coupon;

import io.shoal.kernel.Wire;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/** A stored coupon: its discount and every restriction on who may redeem it for what. */
public record Coupon(
    String storeId,
    String id,
    String code,
    String name,
    String description,
    String discountType,
    BigDecimal amount,
    BigDecimal percentage,
    String currency,
    BigDecimal minOrderValue,
    String minOrderCurrency,
    Instant validFrom,
    Instant validUntil,
    Integer maxRedemptions,
    Integer maxRedemptionsPerCustomer,
    List<String> segmentIds,
    boolean itemRestricted,
    boolean allowAnonymous,
    List<String> validFor,
    String issuedTo,
    int redeemedCount,
    JsonObject metadata,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt) {

  public static final String ABSOLUTE = "absolute";
  public static final String PERCENTAGE = "percentage";

  static final String COLUMNS = "store_id, id, code, name, description, discount_type, amount, percentage, currency,"
      + " min_order_value, min_order_currency, valid_from, valid_until, max_redemptions,"
      + " max_redemptions_per_customer, segment_ids, item_restricted, allow_anonymous, valid_for, issued_to,"
      + " redeemed_count, metadata, created_at, updated_at";

  public boolean segmentRestricted() {
    return !segmentIds.isEmpty();
  }

  /** Redemptions left, or null when unlimited. */
  public Integer remaining() {
    return maxRedemptions == null ? null : Math.max(0, maxRedemptions - redeemedCount);
  }

  static Coupon from(Row r) {
    return new Coupon(r.getString("store_id"), r.getString("id"), r.getString("code"), r.getString("name"),
        r.getString("description"), r.getString("discount_type"), r.getBigDecimal("amount"),
        r.getBigDecimal("percentage"), r.getString("currency"), r.getBigDecimal("min_order_value"),
        r.getString("min_order_currency"), instant(r.getOffsetDateTime("valid_from")),
        instant(r.getOffsetDateTime("valid_until")), r.getInteger("max_redemptions"),
        r.getInteger("max_redemptions_per_customer"), List.of(r.getArrayOfStrings("segment_ids")),
        r.getBoolean("item_restricted"), r.getBoolean("allow_anonymous"), List.of(r.getArrayOfStrings("valid_for")),
        r.getString("issued_to"), r.getInteger("redeemed_count"), r.getJsonObject("metadata"),
        r.getOffsetDateTime("created_at"), r.getOffsetDateTime("updated_at"));
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  /** The wire form (seed 004's coupon, in Shoal's snake_case). */
  public JsonObject toJson() {
    JsonObject restrictions = new JsonObject()
        .put("valid_for", new JsonArray(validFor))
        .put("valid_from", Wire.time(validFrom))
        .put("valid_until", Wire.time(validUntil))
        .put("min_order_value", minOrderValue == null ? null
            : new JsonObject().put("amount", Wire.money(minOrderValue)).put("currency", minOrderCurrency));
    return new JsonObject()
        .put("object", "coupon")
        .put("id", id)
        .put("code", code)
        .put("name", name)
        .put("description", description)
        .put("discount_type", discountType)
        .put("discount_absolute", ABSOLUTE.equals(discountType)
            ? new JsonObject().put("amount", Wire.money(amount)).put("currency", currency) : null)
        .put("discount_percentage", PERCENTAGE.equals(discountType) ? percentage : null)
        .put("allow_anonymous", allowAnonymous)
        .put("max_redemptions", maxRedemptions == null ? -1 : maxRedemptions)
        .put("max_redemptions_per_customer", maxRedemptionsPerCustomer == null ? -1 : maxRedemptionsPerCustomer)
        .put("segment_restricted", segmentRestricted())
        .put("segment_ids", new JsonArray(segmentIds))
        .put("item_restricted", itemRestricted)
        .put("restrictions", restrictions)
        .put("issued_to", issuedTo)
        .put("redeemed_count", redeemedCount)
        .put("remaining", remaining())
        .put("metadata", metadata)
        .put("created_at", Wire.time(createdAt))
        .put("updated_at", Wire.time(updatedAt));
  }
}
