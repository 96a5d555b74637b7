package io.shoal.segment;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * What a storefront knows of a segment besides its rules (seed 004): the name and description in
 * every language, the validity window, the status and the site. Outside its validity, or while
 * inactive, a segment is not live: nobody counts as its member for coupons and items, and the
 * evaluator announces no enter or leave for it.
 */
public record StorefrontFields(
    JsonObject localizedName,
    JsonObject localizedDescription,
    String defaultLanguage,
    Instant validFrom,
    Instant validTo,
    String status,
    String siteCode) {

  public static final String ACTIVE = "active";
  public static final String INACTIVE = "inactive";

  public static final StorefrontFields NONE =
      new StorefrontFields(new JsonObject(), new JsonObject(), null, null, null, ACTIVE, null);

  static final String COLUMNS =
      "localized_name, localized_description, default_language, valid_from, valid_to, status, site_code";

  /** Live at {@code t}: active, and {@code from <= t < to} for the bounds that are set. */
  public boolean liveAt(Instant t) {
    return ACTIVE.equals(status)
        && (validFrom == null || !t.isBefore(validFrom))
        && (validTo == null || t.isBefore(validTo));
  }

  static StorefrontFields from(Row r) {
    OffsetDateTime from = r.getOffsetDateTime("valid_from");
    OffsetDateTime to = r.getOffsetDateTime("valid_to");
    JsonObject names = r.getJsonObject("localized_name");
    JsonObject descriptions = r.getJsonObject("localized_description");
    return new StorefrontFields(names == null ? new JsonObject() : names,
        descriptions == null ? new JsonObject() : descriptions, r.getString("default_language"),
        from == null ? null : from.toInstant(), to == null ? null : to.toInstant(),
        r.getString("status") == null ? ACTIVE : r.getString("status"), r.getString("site_code"));
  }
}
