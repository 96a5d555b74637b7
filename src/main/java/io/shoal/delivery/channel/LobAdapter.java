package io.shoal.delivery.channel;

import io.shoal.config.DeliveryConfig;
import io.shoal.delivery.ChannelAdapter;
import io.shoal.delivery.Outgoing;
import io.shoal.delivery.SendOutcome;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;
import io.vertx.ext.web.client.WebClient;

/**
 * Direct mail through the Lob API: {@code POST /v1/letters} (JSON) with the customer's address
 * as {@code to}, the configured return address id as {@code from}, the rendered html as
 * {@code file}, basic auth with the API key, and {@code Idempotency-Key: <message id>} (Lob
 * keeps keys 24 hours), so a resend after a crash creates no second letter. The provider id is
 * the letter id ({@code ltr_...}).
 */
public final class LobAdapter implements ChannelAdapter {

  private final WebClient client;
  private final DeliveryConfig.Lob lob;
  private final long timeoutMs;

  public LobAdapter(WebClient client, DeliveryConfig.Lob lob, long timeoutMs) {
    this.client = client;
    this.lob = lob;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public String name() {
    return "lob";
  }

  @Override
  public Future<SendOutcome> send(Outgoing m) {
    JsonObject a = m.recipient().address();
    String name = m.recipient().displayName();
    JsonObject to = new JsonObject()
        .put("name", name == null ? "Current resident" : name)
        .put("address_line1", a.getString("line1"))
        .put("address_line2", a.getString("line2"))
        .put("address_city", a.getString("city"))
        .put("address_state", a.getString("state"))
        .put("address_zip", a.getString("postal_code"))
        .put("address_country", a.getString("country", "US"));
    JsonObject letter = new JsonObject()
        .put("description", "Shoal message " + m.messageId())
        .put("to", to)
        .put("from", lob.from())
        .put("file", m.content().html())
        .put("color", false)
        .put("use_type", "marketing")
        .put("metadata", new JsonObject().put("shoal_message_id", m.messageId()).put("shoal_store_id", m.storeId()));
    return HttpProvider.call("lob", client.postAbs(lob.baseUrl() + "/v1/letters")
            .authentication(new UsernamePasswordCredentials(lob.apiKey(), ""))
            .putHeader("Idempotency-Key", m.messageId())
            .timeout(timeoutMs)
            .sendJsonObject(letter),
        json -> json.getString("id"), null);
  }
}
