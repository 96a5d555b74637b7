package io.shoal.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.shoal.kernel.DomainException;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Resolves presented store keys to the store and key they belong to (the http layer makes a
 * caller of that). Hits are cached for a few seconds (keyed by the
 * key's hash, never the key), so a request costs no database round trip for authentication;
 * a revocation made on this node takes effect at once, on other nodes within {@link #TTL}.
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
    String cacheKey = HexFormat.of().formatHex(hash);
    Verified cached = cache.getIfPresent(cacheKey);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return repository.findActiveKeyByHash(hash).compose(key -> {
      if (key == null) {
        return Future.failedFuture(DomainException.unauthorized("this API key is unknown or has been revoked"));
      }
      Verified verified = new Verified(key.storeId(), key.id());
      cache.put(cacheKey, verified);
      return Future.succeededFuture(verified);
    });
  }

  /** Forgets every cached key of a store's key id, after a revocation. */
  public void forget(String keyId) {
    cache.asMap().values().removeIf(c -> keyId.equals(c.keyId()));
  }
}
