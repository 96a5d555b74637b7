package io.shoal.coupon;

import io.shoal.kernel.Wire;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * A stored coupon: its discount and every restriction on who may redeem it for what.
 * {@code segmentRestricted} says whether {@code segmentIds} has any. A coupon read for a
 * validation ({@link #fromValidationRow}) carries neither its segment list nor its metadata
 * (both null): a validation asks only whether there are segments, and the list can be 1,000 ids.
 */
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
    boolean segmentRestricted,
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

  /** {@link #COLUMNS} of the table aliased {@code c} but the segment list and the metadata. */
  static final String VALIDATION_COLUMNS = "c.store_id, c.id, c.code, c.name, c.description, c.discount_type, c.amount,"
      + " c.percentage, c.currency, c.min_order_value, c.min_order_currency, c.valid_from, c.valid_until,"
      + " c.max_redemptions, c.max_redemptions_per_customer, c.item_restricted, c.allow_anonymous, c.valid_for,"
      + " c.issued_to, c.redeemed_count, c.created_at, c.updated_at";

  /** Redemptions left, or null when unlimited. */
  public Integer remaining() {
    return maxRedemptions == null ? null : Math.max(0, maxRedemptions - redeemedCount);
  }

  static Coupon from(Row r) {
    List<String> segmentIds = List.of(r.getArrayOfStrings("segment_ids"));
    return from(r, segmentIds, !segmentIds.isEmpty(), r.getJsonObject("metadata"));
  }

  /**
   * A coupon as {@link CouponStore#load} reads it for a validation: {@link #VALIDATION_COLUMNS},
   * with {@code segment_restricted} instead of the segment list, and no metadata.
   */
  static Coupon fromValidationRow(Row r) {
    return from(r, null, r.getBoolean("segment_restricted"), null);
  }

  private static Coupon from(Row r, List<String> segmentIds, boolean segmentRestricted, JsonObject metadata) {
    return new Coupon(r.getString("store_id"), r.getString("id"), r.getString("code"), r.getString("name"),
        r.getString("description"), r.getString("discount_type"), r.getBigDecimal("amount"),
        r.getBigDecimal("percentage"), r.getString("currency"), r.getBigDecimal("min_order_value"),
        r.getString("min_order_currency"), instant(r.getOffsetDateTime("valid_from")),
        instant(r.getOffsetDateTime("valid_until")), r.getInteger("max_redemptions"),
        r.getInteger("max_redemptions_per_customer"), segmentIds, segmentRestricted,
        r.getBoolean("item_restricted"), r.getBoolean("allow_anonymous"), List.of(r.getArrayOfStrings("valid_for")),
        r.getString("issued_to"), r.getInteger("redeemed_count"), metadata,
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
