package io.shoal.event;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * A platform webhook topic that is not an event but belongs to another capability (the catalog's
 * product topics). The webhook endpoint verifies the signature, then hands the parsed payload to
 * the handler that claims the topic; its answer is the delivery's answer.
 */
public interface PlatformTopicHandler {

  /** True when this handler takes {@code topic} of {@code platform} ({@code shopify}, {@code woocommerce}). */
  boolean handles(String platform, String topic);

  /**
   * Applies one verified delivery. Fails with a {@code DomainException} (400) when the payload is
   * malformed; answers what the delivery changed.
   */
  Future<JsonObject> handle(String storeId, String platform, String topic, JsonObject payload);
}
