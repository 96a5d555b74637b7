package io.shoal.event.platform;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Maps one verified webhook delivery of a store platform to Shoal events.
 *
 * <p>A delivery maps to zero or more events. Zero is a normal answer: a topic Shoal does not use,
 * an order in a status that is not a purchase, a checkout nobody can be identified in. The caller
 * answers 2xx to all of those, because platforms retry non-2xx answers and finally drop the
 * subscription. Every event carries an {@code id} built from the platform's natural keys, so a
 * redelivered webhook (or two topics reporting the same fact) maps to the same ids and counts once.
 *
 * <p>Implementations are pure and stateless: no I/O, safe to share between event loops.
 */
public interface WebhookMapper {

  /**
   * The Shoal events for one delivery.
   *
   * @param topic the platform's topic header ({@code orders/create}, {@code order.updated})
   * @param payload the delivery's JSON body
   * @param deliveryId the platform's id of this delivery, or null when the header was absent
   * @return the events, possibly none; never null
   * @throws PlatformPayloadException when the topic is one Shoal maps and the body is malformed
   */
  List<JsonObject> map(String topic, JsonObject payload, String deliveryId);

  /** True for the topics this mapper turns into events; other topics always map to none. */
  boolean handles(String topic);

  /**
   * Maps a raw, already verified body: parses it and calls {@link #map}. The body must be the
   * bytes the signature was checked on.
   *
   * @throws PlatformPayloadException when the body is not a JSON object (field {@code body}) or
   *     is malformed for its topic
   */
  default List<JsonObject> mapBody(String topic, byte[] rawBody, String deliveryId) {
    if (!handles(topic)) {
      return List.of();
    }
    JsonObject payload;
    try {
      payload = new JsonObject(Buffer.buffer(rawBody == null ? new byte[0] : rawBody));
    } catch (DecodeException | ClassCastException e) {
      throw new PlatformPayloadException("body", topic + ": the body is not a JSON object");
    }
    return map(topic, payload, deliveryId);
  }
}
