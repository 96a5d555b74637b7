package io.shoal.http;

/**
 * Who is calling, as proven by the bearer key: the operator (admin key) or one store.
 * A store key reaches only its own store; anything else looks like it does not exist.
 */
public record Caller(String storeId, String keyId) {

  public static final Caller ADMIN = new Caller(null, null);
  /** A store platform's webhook delivery, not yet verified: the handler checks its signature. */
  public static final Caller PLATFORM = new Caller("", "platform");

  public boolean isAdmin() {
    return storeId == null;
  }

  public boolean isPlatform() {
    return this == PLATFORM;
  }

  /** The scope that idempotency keys and rate limits belong to. */
  public String scope() {
    return isAdmin() ? "admin" : isPlatform() ? "platform" : storeId;
  }

  public boolean mayAccess(String store) {
    return isAdmin() || storeId.equals(store);
  }
}
