package io.shoal.delivery.channel;

import io.shoal.config.DeliveryConfig;
import io.shoal.delivery.ChannelAdapter;
import io.shoal.delivery.Outgoing;
import io.shoal.delivery.SendOutcome;
import io.shoal.template.Recipient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;

/**
 * Push through a JSON HTTP provider (a push gateway in front of APNs / FCM): {@code POST url}
 * with {@code {"id","to","title","body","data":{"message_id","customer_id"}}},
 * {@code Authorization: Bearer <token>} and {@code Idempotency-Key: <message id>}, so a resend
 * after a crash is dropped by the provider. {@code to} is the customer's
 * {@code metadata.push_token}, else its {@code external_id}, else its id. The provider id is the
 * answer's {@code id}, else the message id.
 */
public final class PushAdapter implements ChannelAdapter {

  private final WebClient client;
  private final DeliveryConfig.Push push;
  private final long timeoutMs;

  public PushAdapter(WebClient client, DeliveryConfig.Push push, long timeoutMs) {
    this.client = client;
    this.push = push;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public String name() {
    return "push-http";
  }

  static String target(Recipient r) {
    JsonObject metadata = r.profile().getJsonObject("metadata");
    String token = metadata == null ? null : metadata.getString("push_token");
    if (token != null) {
      return token;
    }
    String external = r.profile().getString("external_id");
    return external != null ? external : r.id();
  }

  @Override
  public Future<SendOutcome> send(Outgoing m) {
    JsonObject body = new JsonObject()
        .put("id", m.messageId())
        .put("to", target(m.recipient()))
        .put("title", m.content().title())
        .put("body", m.content().text())
        .put("data", new JsonObject().put("message_id", m.messageId()).put("customer_id", m.recipient().id()));
    HttpRequest<io.vertx.core.buffer.Buffer> request = client.postAbs(push.url())
        .putHeader("Idempotency-Key", m.messageId())
        .timeout(timeoutMs);
    push.token().ifPresent(t -> request.bearerTokenAuthentication(t));
    return HttpProvider.call("push", request.sendJsonObject(body), json -> json.getString("id"), m.messageId());
  }
}
