package io.shoal.http;

import io.shoal.kernel.DomainException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * First handler of every API operation: turns {@code Authorization: Bearer <key>} into a
 * {@link Caller} or answers 401. Store keys are looked up through {@link KeyLookup} (which
 * caches); the admin key is compared in constant time.
 */
public final class Authentication implements Handler<RoutingContext> {

  /** Resolves a presented store key to its caller, or fails with a 401 {@link DomainException}. */
  public interface KeyLookup {
    Future<Caller> lookup(String presentedKey);

    /** The caller of a key verified a moment ago and not revoked since, at once; null when {@link #lookup} must decide. */
    Caller cached(String presentedKey);
  }

  private static final String CALLER = "shoal.caller";

  private final byte[] adminKey;
  private final KeyLookup keys;

  public Authentication(String adminKey, KeyLookup keys) {
    this.adminKey = adminKey.getBytes(StandardCharsets.UTF_8);
    this.keys = keys;
  }

  static Caller caller(RoutingContext ctx) {
    return ctx.get(CALLER);
  }

  /**
   * Requests authenticated by a signature rather than a key, checked by their handler: store
   * platforms' webhook deliveries, signed export download links (given to the person) and segment exports' emailed links.
   */
  private static final java.util.regex.Pattern SIGNED_BY_PLATFORM =
      java.util.regex.Pattern.compile("^/v1/stores/[^/]+/(webhooks/[^/]+|removal-requests/[^/]+/download"
          + "|segment-exports/[^/]+/download)$");

  /** The {@code store_id} of a {@code /v1/stores/{store_id}/...} path, or null. */
  static String storeInPath(String path) {
    String prefix = "/v1/stores/";
    if (path == null || !path.startsWith(prefix) || path.length() == prefix.length()) {
      return null;
    }
    int end = path.indexOf('/', prefix.length());
    return path.substring(prefix.length(), end < 0 ? path.length() : end);
  }

  /**
   * The store caller of this {@code Authorization} header when its key is a store key verified
   * a moment ago (cached, not revoked since), found at once; null for anything else (no or
   * malformed header, the admin key, a key to look up), which {@link #handle} decides.
   */
  Caller cachedStoreCaller(String authorization) {
    String presented = presentedKey(authorization);
    return presented == null || isAdmin(presented) ? null : keys.cached(presented);
  }

  /** The key of {@code Authorization: Bearer <key>}, or null when the header is missing or not that. */
  private static String presentedKey(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
      return null;
    }
    return header.substring(7).trim();
  }

  private boolean isAdmin(String presented) {
    return MessageDigest.isEqual(adminKey, presented.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.request().path();
    // the regex only where it can match (on every request it was 0.8 % of a get's CPU samples)
    if (path != null && (path.contains("/webhooks/") || path.endsWith("/download"))
        && SIGNED_BY_PLATFORM.matcher(path).matches()) {
      ctx.put(CALLER, Caller.PLATFORM);
      ctx.next();
      return;
    }
    String presented = presentedKey(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
    if (presented == null) {
      ctx.fail(DomainException.unauthorized(
          "send your API key as 'Authorization: Bearer wk_live_...'"));
      return;
    }
    if (isAdmin(presented)) {
      ctx.put(CALLER, Caller.ADMIN);
      ctx.next();
      return;
    }
    keys.lookup(presented).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.put(CALLER, ar.result());
        // another store's key: 404 before anything else is looked at (a 400 for its body or
        // parameters would tell the caller that the path was right)
        String store = storeInPath(ctx.request().path());
        if (store != null && !ar.result().mayAccess(store)) {
          ctx.fail(DomainException.notFound("store", store));
          return;
        }
        ctx.next();
      } else {
        ctx.fail(ar.cause());
      }
    });
  }
}
