package io.shoal.delivery;

import io.shoal.kernel.Channel;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Objects;

/**
 * A decision to send one customer one message: what campaigns and automations hand to the
 * delivery dispatcher. {@code dedupeKey} names the decision (a campaign and a customer, an
 * automation run and its action), so handing it over twice queues it once.
 */
public record OutboundMessage(String storeId, String customerId, Channel channel, Source source, String sourceId,
                              String dedupeKey, String templateId, JsonObject variables, Instant notBefore) {

  public enum Source {
    CAMPAIGN("campaign"), AUTOMATION("automation");

    private final String wire;

    Source(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  public OutboundMessage {
    Objects.requireNonNull(storeId, "storeId");
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(sourceId, "sourceId");
    Objects.requireNonNull(dedupeKey, "dedupeKey");
    Objects.requireNonNull(templateId, "templateId");
    variables = variables == null ? new JsonObject() : variables;
  }
}
