package io.shoal.store;

import static io.shoal.testing.TestPool.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.kernel.DomainException;
import io.shoal.testing.TestPool;
import io.vertx.core.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The verified store keys, against PostgreSQL: what {@link StoreKeys#cached} answers at once (the
 * HTTP layer answers cached gets on it), and that a revocation on this node ends it at once, also
 * for a lookup that read the key as active just before the revocation.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StoreKeysTest {

  @Test
  void aKeyIsCachedOnceVerifiedAndForgottenWhenRevoked() throws Exception {
    try (TestPool db = TestPool.migrated()) {
      StoreRepository repository = new StoreRepository(db.pool);
      String key = ApiKeys.generate("live");
      String other = ApiKeys.generate("live");
      await(repository.createStore("store_keys_a", "A", "key_keys_a", key, "live"));
      await(repository.createStore("store_keys_b", "B", "key_keys_b", other, "live"));
      StoreKeys keys = new StoreKeys(repository);

      assertNull(keys.cached(key), "not verified yet");
      assertEquals(new StoreKeys.Verified("store_keys_a", "key_keys_a"), await(keys.lookup(key)));
      assertEquals(new StoreKeys.Verified("store_keys_a", "key_keys_a"), keys.cached(key));
      assertNull(keys.cached(other), "each key is verified on its own");
      assertNull(keys.cached(key.substring(0, key.length() - 1)));
      assertNull(keys.cached("pk_live_" + key.substring(8)), "a publishable key is never a store key");
      await(keys.lookup(other));
      assertEquals("store_keys_b", keys.cached(other).storeId());

      await(repository.revokeKey("store_keys_a", "key_keys_a"));
      keys.forget("key_keys_a");
      assertNull(keys.cached(key), "revoked on this node: forgotten at once");
      assertNotNull(keys.cached(other), "another key stays");
      ExecutionException refused = assertThrows(ExecutionException.class, () -> await(keys.lookup(key)));
      assertEquals(401, ((DomainException) refused.getCause()).status());
      assertNull(keys.cached(key));
    }
  }

  /**
   * A lookup that read the key as active, answered after the key's revocation was forgotten here
   * (the revocation committed between the lookup's read and its answer): the request in flight
   * was authenticated, but the key is not cached, so the next request looks it up again.
   */
  @Test
  void aLookupRacingARevocationDoesNotCacheTheKey() throws Exception {
    try (TestPool db = TestPool.migrated()) {
      StoreRepository repository = new StoreRepository(db.pool);
      StoreKeys keys = new StoreKeys(repository);
      for (int i = 0; i < 50; i++) {
        String key = ApiKeys.generate("live");
        await(repository.createStore("store_race_" + i, "Race", "key_race_" + i, key, "live"));
        Future<StoreKeys.Verified> inFlight = keys.lookup(key);
        keys.forget("key_race_" + i);
        assertEquals("store_race_" + i, await(inFlight).storeId());
        assertNull(keys.cached(key), "cached after its revocation was forgotten");
        // without a revocation meanwhile, the same lookup is cached
        await(keys.lookup(key));
        assertTrue(keys.cached(key) != null, "a verified key is cached");
      }
    }
  }
}
