package io.shoal.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.shoal.kernel.DomainException;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Resolves presented store keys to the store and key they belong to (the http layer makes a
 * caller of that). Hits are cached for a few seconds (keyed by the
 * key's hash, never the key), so a request costs no database round trip for authentication;
 * a revocation made on this node takes effect at once, on other nodes within {@link #TTL}.
 *
 * <p>A lookup that read the key as active before a revocation on this node must not cache it
 * after the revocation's {@link #forget}: like ProfileCache, a lookup takes the revocation count
 * before it queries and caches its answer only if the count is unchanged (a compute on the
 * entry, so it is ordered with the forget's removal); a forget counts first and removes second.
 */
public final class StoreKeys {

  /** A presented key that is active: whose store it opens, and its id. */
  public record Verified(String storeId, String keyId) {}

  static final Duration TTL = Duration.ofSeconds(10);

  private final StoreRepository repository;
  private final Cache<String, Verified> cache = Caffeine.newBuilder()
      .maximumSize(100_000)
      .expireAfterWrite(TTL)
      .build();
  private final AtomicLong revocations = new AtomicLong();

  public StoreKeys(StoreRepository repository) {
    this.repository = repository;
  }

  public Future<Verified> lookup(String presentedKey) {
    if (presentedKey.startsWith("pk_")) {
      return Future.failedFuture(DomainException.forbidden("a publishable key (pk_live_...) only sends browser events"
          + " to POST /v1/browser/events; reading or writing through the API needs a secret key (wk_live_...)"));
    }
    if (!ApiKeys.looksLikeKey(presentedKey)) {
      return Future.failedFuture(DomainException.unauthorized("that is not a Shoal API key (wk_live_... or wk_test_...)"));
    }
    byte[] hash = ApiKeys.hash(presentedKey);
    String cacheKey = cacheKey(hash);
    Verified cached = cache.getIfPresent(cacheKey);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    long stamp = revocations.get();
    return repository.findActiveKeyByHash(hash).compose(key -> {
      if (key == null) {
        return Future.failedFuture(DomainException.unauthorized("this API key is unknown or has been revoked"));
      }
      Verified verified = new Verified(key.storeId(), key.id());
      cache.asMap().compute(cacheKey, (k, old) -> revocations.get() == stamp ? verified : old);
      return Future.succeededFuture(verified);
    });
  }

  /**
   * The presented key's store and id if it was verified within {@link #TTL} and not revoked on this
   * node since; null otherwise (then {@link #lookup} answers). Answers at once, without the database.
   */
  public Verified cached(String presentedKey) {
    return ApiKeys.looksLikeKey(presentedKey) ? cache.getIfPresent(cacheKey(ApiKeys.hash(presentedKey))) : null;
  }

  /** Forgets every cached key of a store's key id, after a revocation. */
  public void forget(String keyId) {
    revocations.incrementAndGet();
    cache.asMap().values().removeIf(c -> keyId.equals(c.keyId()));
  }

  /** The hash's 32 bytes as a string of 32 chars (compact: one byte each), not 64 hex digits formatted per request. */
  private static String cacheKey(byte[] hash) {
    return new String(hash, StandardCharsets.ISO_8859_1);
  }
}
