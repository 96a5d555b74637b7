package io.shoal.event.platform;

import java.util.Locale;
import java.util.Optional;

/**
 * The store platforms whose webhooks Shoal accepts, with the request headers each one uses. The
 * {@link #pathSegment()} is the platform's name in Shoal's URLs:
 * {@code POST /v1/stores/{store_id}/webhooks/{platform}} and
 * {@code PUT /v1/stores/{store_id}/webhook-secrets/{platform}}.
 */
public enum Platform {

  SHOPIFY("shopify", "X-Shopify-Hmac-Sha256", "X-Shopify-Topic", "X-Shopify-Webhook-Id",
      new ShopifyMapper()),
  WOOCOMMERCE("woocommerce", "X-WC-Webhook-Signature", "X-WC-Webhook-Topic",
      "X-WC-Webhook-Delivery-ID", new WooCommerceMapper());

  private final String pathSegment;
  private final String signatureHeader;
  private final String topicHeader;
  private final String deliveryIdHeader;
  private final WebhookMapper mapper;

  Platform(String pathSegment, String signatureHeader, String topicHeader, String deliveryIdHeader,
      WebhookMapper mapper) {
    this.pathSegment = pathSegment;
    this.signatureHeader = signatureHeader;
    this.topicHeader = topicHeader;
    this.deliveryIdHeader = deliveryIdHeader;
    this.mapper = mapper;
  }

  /** The platform named by a URL segment ({@code shopify}, {@code woocommerce}), any case. */
  public static Optional<Platform> fromPathSegment(String segment) {
    if (segment == null) {
      return Optional.empty();
    }
    String s = segment.toLowerCase(Locale.ROOT);
    for (Platform p : values()) {
      if (p.pathSegment.equals(s)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  public String pathSegment() {
    return pathSegment;
  }

  /** The header holding base64(HMAC-SHA256(secret, raw body)); see {@link WebhookSignature}. */
  public String signatureHeader() {
    return signatureHeader;
  }

  /** The header naming the delivery's topic, the first argument of {@link WebhookMapper#map}. */
  public String topicHeader() {
    return topicHeader;
  }

  /** The header identifying the delivery, the last argument of {@link WebhookMapper#map}. */
  public String deliveryIdHeader() {
    return deliveryIdHeader;
  }

  public WebhookMapper mapper() {
    return mapper;
  }
}
