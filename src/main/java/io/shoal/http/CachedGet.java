package io.shoal.http;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code GET /v1/stores/{store_id}/<collection>/{id}} answered before the router, when the answer
 * is kept in memory and the key is a store key verified a moment ago. Such a get then needs
 * nothing from the router's chain, which cost about three times the bare Vert.x route's CPU
 * per request (bench/README, issue 17 thirteenth pass). Any other request goes to the router,
 * which answers it as before; so does a get whose answer or key is not kept, which also keeps
 * them for the next one.
 *
 * <p>What the router's chain does for such a get, and why answering here is the same:
 * <ul>
 *   <li>body limit: only requests without a body are taken (no Content-Length, Transfer-Encoding
 *       or Expect header);</li>
 *   <li>authentication: the same header, a store key that {@link Authentication} has verified and
 *       not seen revoked since, of the path's store; the admin key, another store's key and an
 *       unknown key go to the router (401, 403, 404 as before);</li>
 *   <li>idempotency: a GET is never recorded;</li>
 *   <li>unknown query parameters and the contract's path checks (at most 100 characters, no NUL):
 *       only requests without a query whose two path parameters are 1 to 100 characters of
 *       {@code [A-Za-z0-9_-]}, so there is nothing to decode or normalise either;</li>
 *   <li>the operation: the kept answer, written as {@link ApiHandler} writes it (200,
 *       {@code Content-Type: application/json}, the same bytes).</li>
 * </ul>
 * The HTTP server's own work (compression, metrics, keep-alive) is the same for both.
 */
public final class CachedGet {

  /** What the operation would answer for this store's resource, at once, when it is kept; null otherwise. */
  @FunctionalInterface
  public interface Kept {
    Buffer answer(String storeId, String id);
  }

  private static final String STORES = "/v1/stores/";
  private static final int MAX_LENGTH = 100;
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");

  private final String collection;
  private final Kept kept;

  /** @param collection the path segment after the store ({@code customers}) */
  public CachedGet(String collection, Kept kept) {
    this.collection = "/" + collection + "/";
    this.kept = kept;
  }

  /** Answers the request if it is such a get and both its key and answer are kept; false when the router must. */
  boolean answered(HttpServerRequest request, Authentication authentication) {
    if (request.method() != HttpMethod.GET || request.query() != null) {
      return false;
    }
    String path = request.path();
    if (path == null || !path.startsWith(STORES)) {
      return false;
    }
    int storeStart = STORES.length();
    int storeEnd = path.indexOf('/', storeStart);
    if (storeEnd < 0 || !path.startsWith(collection, storeEnd)) {
      return false;
    }
    int idStart = storeEnd + collection.length();
    if (!plain(path, storeStart, storeEnd) || !plain(path, idStart, path.length())) {
      return false;
    }
    MultiMap headers = request.headers();
    if (headers.contains(HttpHeaders.CONTENT_LENGTH) || headers.contains(HttpHeaders.TRANSFER_ENCODING)
        || headers.contains(HttpHeaders.EXPECT)) {
      return false;
    }
    Caller caller = authentication.cachedStoreCaller(headers.get(HttpHeaders.AUTHORIZATION));
    String store = path.substring(storeStart, storeEnd);
    if (caller == null || !caller.mayAccess(store)) {
      return false;
    }
    Buffer answer = kept.answer(store, path.substring(idStart));
    if (answer == null) {
      return false;
    }
    request.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(answer);
    return true;
  }

  /** 1 to 100 characters of [A-Za-z0-9_-] from {@code start} to {@code end}. */
  private static boolean plain(String s, int start, int end) {
    if (end <= start || end - start > MAX_LENGTH) {
      return false;
    }
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }
}
