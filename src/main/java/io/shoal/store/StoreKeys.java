package io.shoal.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.shoal.kernel.DomainException;
import io.shoal.http.Authentication;
import io.shoal.http.Caller;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Resolves presented store keys to callers. Hits are cached for a few seconds (keyed by the
 * key's hash, never the key), so a request costs no database round trip for authentication;
 * a revocation made on this node takes effect at once, on other nodes within {@link #TTL}.
 */
public final class StoreKeys implements Authentication.KeyLookup {

  static final Duration TTL = Duration.ofSeconds(10);

  private final StoreRepository repository;
  private final Cache<String, Caller> cache = Caffeine.newBuilder()
      .maximumSize(100_000)
      .expireAfterWrite(TTL)
      .build();

  public StoreKeys(StoreRepository repository) {
    this.repository = repository;
  }

  @Override
  public Future<Caller> lookup(String presentedKey) {
    if (!ApiKeys.looksLikeKey(presentedKey)) {
      return Future.failedFuture(DomainException.unauthorized("that is not a Shoal API key (wk_live_... or wk_test_...)"));
    }
    byte[] hash = ApiKeys.hash(presentedKey);
    String cacheKey = HexFormat.of().formatHex(hash);
    Caller cached = cache.getIfPresent(cacheKey);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return repository.findActiveKeyByHash(hash).compose(key -> {
      if (key == null) {
        return Future.failedFuture(DomainException.unauthorized("this API key is unknown or has been revoked"));
      }
      Caller caller = new Caller(key.storeId(), key.id());
      cache.put(cacheKey, caller);
      return Future.succeededFuture(caller);
    });
  }

  /** Forgets every cached key of a store's key id, after a revocation. */
  public void forget(String keyId) {
    cache.asMap().values().removeIf(c -> keyId.equals(c.keyId()));
  }
}
