package io.shoal.event.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class WebhookSignatureTest {

  private static final String SHOPIFY_SECRET = "shpss_test_secret_1f2e3d";
  private static final String WOO_SECRET = "wc-secret-8a7b6c";

  // Expected values computed independently of this code:
  //   printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET" -binary | base64
  private static final byte[] SHOPIFY_BODY =
      "{\"id\":820982911946154508,\"email\":\"jon@doe.ca\"}".getBytes(StandardCharsets.UTF_8);
  private static final String SHOPIFY_HMAC = "h6P9OV8ZLrXJhOCpoiAum2APjwzWYf2FCVQr5tQ2FHg=";
  private static final byte[] WOO_BODY =
      "{\"id\":727,\"status\":\"processing\",\"total\":\"29.35\"}".getBytes(StandardCharsets.UTF_8);
  private static final String WOO_SIGNATURE = "vObU756oC3rfjZZCAoxUR9iCNTLrex+tVE8KXXirJ9c=";

  @Test
  void acceptsTheSignatureShopifyWouldSend() {
    assertTrue(WebhookSignature.verify(SHOPIFY_SECRET, SHOPIFY_BODY, SHOPIFY_HMAC));
    assertEquals(SHOPIFY_HMAC, WebhookSignature.sign(SHOPIFY_SECRET, SHOPIFY_BODY));
  }

  @Test
  void acceptsTheSignatureWooCommerceWouldSend() {
    assertTrue(WebhookSignature.verify(WOO_SECRET, WOO_BODY, WOO_SIGNATURE));
    assertTrue(WebhookSignature.verify(WOO_SECRET, WOO_BODY, " " + WOO_SIGNATURE + "\n"),
        "surrounding whitespace in the header value is not part of the signature");
  }

  @Test
  void rejectsAnotherStoresSecret() {
    assertFalse(WebhookSignature.verify(WOO_SECRET, SHOPIFY_BODY, SHOPIFY_HMAC));
    assertFalse(WebhookSignature.verify(SHOPIFY_SECRET + "x", SHOPIFY_BODY, SHOPIFY_HMAC));
  }

  @Test
  void rejectsATamperedBody() {
    byte[] body = Fixtures.bytes("shopify/orders-create.json");
    String signature = WebhookSignature.sign(SHOPIFY_SECRET, body);
    assertTrue(WebhookSignature.verify(SHOPIFY_SECRET, body, signature));

    String tampered = new String(body, StandardCharsets.UTF_8)
        .replace("\"total_price\": \"142.50\"", "\"total_price\": \"1.50\"");
    assertFalse(WebhookSignature.verify(SHOPIFY_SECRET, tampered.getBytes(StandardCharsets.UTF_8),
        signature));

    byte[] oneBitFlipped = Arrays.copyOf(body, body.length);
    oneBitFlipped[body.length / 2] ^= 1;
    assertFalse(WebhookSignature.verify(SHOPIFY_SECRET, oneBitFlipped, signature));
  }

  @Test
  void isComputedOnTheRawBytesNotOnReserializedJson() {
    byte[] raw = Fixtures.bytes("woocommerce/order-processing.json");
    String signature = WebhookSignature.sign(WOO_SECRET, raw);
    byte[] reserialized = Fixtures.json("woocommerce/order-processing.json").encode()
        .getBytes(StandardCharsets.UTF_8);
    assertTrue(WebhookSignature.verify(WOO_SECRET, raw, signature));
    assertFalse(WebhookSignature.verify(WOO_SECRET, reserialized, signature),
        "the same JSON re-encoded is other bytes, and must not verify");
  }

  @Test
  void rejectsMissingOrMalformedSignaturesAndMissingSecrets() {
    assertFalse(WebhookSignature.verify(SHOPIFY_SECRET, SHOPIFY_BODY, null));
    assertFalse(WebhookSignature.verify(SHOPIFY_SECRET, SHOPIFY_BODY, ""));
    assertFalse(WebhookSignature.verify(SHOPIFY_SECRET, SHOPIFY_BODY, "not base64 at all!"));
    assertFalse(WebhookSignature.verify(SHOPIFY_SECRET, SHOPIFY_BODY, SHOPIFY_HMAC.substring(4)));
    assertFalse(WebhookSignature.verify(null, SHOPIFY_BODY, SHOPIFY_HMAC));
    assertFalse(WebhookSignature.verify("", SHOPIFY_BODY, SHOPIFY_HMAC));
    assertThrows(IllegalArgumentException.class, () -> WebhookSignature.sign("", SHOPIFY_BODY));
  }

  @Test
  void eachPlatformNamesItsHeaders() {
    assertEquals("X-Shopify-Hmac-Sha256", Platform.SHOPIFY.signatureHeader());
    assertEquals("X-WC-Webhook-Signature", Platform.WOOCOMMERCE.signatureHeader());
    assertEquals(Platform.WOOCOMMERCE, Platform.fromPathSegment("WooCommerce").orElseThrow());
    assertTrue(Platform.fromPathSegment("magento").isEmpty());
  }
}
