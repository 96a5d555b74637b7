package io.shoal.event.platform;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook signatures of Shopify and WooCommerce, which use the same scheme: the signature header
 * ({@link Platform#signatureHeader()}: {@code X-Shopify-Hmac-Sha256},
 * {@code X-WC-Webhook-Signature}) holds base64(HMAC-SHA256(secret, raw body)).
 *
 * <p>The HMAC is over the body's bytes exactly as received. Parsing and re-serializing the JSON
 * first changes whitespace, key order and number forms, and fails valid deliveries; so check the
 * signature before parsing, on the same bytes that are then handed to
 * {@link WebhookMapper#mapBody}. The comparison is constant-time.
 */
public final class WebhookSignature {

  private static final String HMAC_SHA256 = "HmacSHA256";

  private WebhookSignature() {}

  /**
   * True when the signature header value is base64(HMAC-SHA256(secret, rawBody)). False for a
   * missing, blank or non-base64 header, and for a missing or empty secret: a store with no secret
   * set accepts nothing.
   */
  public static boolean verify(String secret, byte[] rawBody, String signatureHeaderValue) {
    if (secret == null || secret.isEmpty() || rawBody == null || signatureHeaderValue == null) {
      return false;
    }
    byte[] given;
    try {
      given = Base64.getDecoder().decode(signatureHeaderValue.trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(hmac(secret, rawBody), given);
  }

  /** The signature header value a platform would send for this body: base64 of the HMAC. */
  public static String sign(String secret, byte[] rawBody) {
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("a webhook secret must not be empty");
    }
    return Base64.getEncoder().encodeToString(hmac(secret, rawBody));
  }

  private static byte[] hmac(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance(HMAC_SHA256); // a Mac is stateful: one per call, never shared
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC_SHA256));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
    }
  }
}
