package io.shoal.privacy;

import java.time.Instant;

/**
 * Signed, expiring download links of export documents, served by Shoal without an API key:
 * {@code /v1/stores/{store}/removal-requests/{id}/download?expires=<unix s>&signature=<hex>}.
 * The signature (HMAC-SHA256 under a key derived from the privacy secret) covers the store, the
 * request and the expiry, so a link cannot be moved to another export or kept alive longer.
 */
public final class ExportLinks {

  private final PrivacyKeys keys;
  private final String publicUrl;

  /** @param publicUrl prefix of links (no trailing slash), or "" for a path on this server */
  public ExportLinks(PrivacyKeys keys, String publicUrl) {
    this.keys = keys;
    this.publicUrl = publicUrl;
  }

  public String link(String storeId, String requestId, Instant expiresAt) {
    long expires = expiresAt.getEpochSecond();
    return publicUrl + "/v1/stores/" + storeId + "/removal-requests/" + requestId + "/download?expires=" + expires
        + "&signature=" + keys.linkSignature(storeId, requestId, expires);
  }

  /** Whether the link parameters were made by {@link #link} (not whether it has expired). */
  public boolean valid(String storeId, String requestId, long expires, String signature) {
    return keys.linkSignatureValid(storeId, requestId, expires, signature);
  }
}
