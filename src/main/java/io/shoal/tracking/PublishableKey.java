package io.shoal.tracking;

import io.shoal.kernel.Wire;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;

/**
 * A store's publishable key ({@code pk_live_...}): public by design (it sits in the store's
 * pages), it only sends browser events, from its allowed origins, within its rate limits.
 *
 * @param allowedOrigins exact origins ({@code https://shop.example.com}) or one wildcard label
 *                       ({@code https://*.example.com}, any subdomain, not the bare domain)
 * @param consent        {@code required}: nothing is tracked until the page says the visitor agreed;
 *                       {@code implied}: tracking starts at once (where the law allows it)
 */
public record PublishableKey(String id, String storeId, String key, String name, List<String> allowedOrigins,
                             int ratePerSecond, int visitorRatePerMinute, String consent,
                             OffsetDateTime createdAt, OffsetDateTime revokedAt) {

  public static final String PREFIX = "pk_live_";

  public boolean consentRequired() {
    return "required".equals(consent);
  }

  /** True when a request with this {@code Origin} header may use the key. */
  public boolean allows(String origin) {
    if (origin == null || origin.isEmpty() || origin.equals("null")) {
      return false;
    }
    String o = origin.toLowerCase(Locale.ROOT);
    for (String allowed : allowedOrigins) {
      if (allowed.equals(o)) {
        return true;
      }
      int star = allowed.indexOf("://*.");
      if (star > 0) {
        String scheme = allowed.substring(0, star + 3);
        String suffix = allowed.substring(star + 4); // ".example.com" (with any port)
        if (o.startsWith(scheme) && o.endsWith(suffix) && o.length() > scheme.length() + suffix.length()
            && o.substring(scheme.length(), o.length() - suffix.length()).matches("[a-z0-9-]+(\\.[a-z0-9-]+)*")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * An origin as a key lists it: scheme://host[:port], lower-case, no path; or null when the
   * text is not one (the caller refuses it).
   */
  static String normalizeOrigin(String s) {
    if (s == null) {
      return null;
    }
    String t = s.trim().toLowerCase(Locale.ROOT);
    boolean wildcard = t.contains("://*.");
    String parsed = wildcard ? t.replace("://*.", "://wildcard.") : t;
    try {
      URI u = new URI(parsed);
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
          || (u.getPath() != null && !u.getPath().isEmpty() && !u.getPath().equals("/")) || u.getQuery() != null || u.getFragment() != null
          || u.getUserInfo() != null || u.getHost().contains("*")) {
        return null;
      }
      String origin = u.getScheme() + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "");
      return wildcard ? origin.replace("://wildcard.", "://*.") : origin;
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("object", "publishable_key")
        .put("id", id)
        .put("store_id", storeId)
        .put("key", key)
        .put("name", name)
        .put("allowed_origins", new JsonArray(allowedOrigins))
        .put("rate_limit_per_second", ratePerSecond)
        .put("visitor_rate_limit_per_minute", visitorRatePerMinute)
        .put("consent", consent)
        .put("created_at", Wire.time(createdAt))
        .put("revoked_at", Wire.time(revokedAt));
  }
}
