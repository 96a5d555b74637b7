package io.shoal.delivery.channel;

import io.shoal.config.DeliveryConfig;
import io.shoal.delivery.ChannelAdapter;
import io.shoal.delivery.Outgoing;
import io.shoal.delivery.SendOutcome;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;
import io.vertx.ext.web.client.WebClient;

/**
 * SMS through the Twilio Messages API: {@code POST /2010-04-01/Accounts/{sid}/Messages.json},
 * form-encoded {@code To}, {@code From}, {@code Body}, {@code StatusCallback} (our signed
 * status URL, which records delivered / undelivered), HTTP basic auth with the account SID and
 * auth token. The provider id is the message SID. Twilio has no idempotency key for sending.
 */
public final class TwilioAdapter implements ChannelAdapter {

  private final WebClient client;
  private final DeliveryConfig.Twilio twilio;
  private final long timeoutMs;

  public TwilioAdapter(WebClient client, DeliveryConfig.Twilio twilio, long timeoutMs) {
    this.client = client;
    this.twilio = twilio;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public String name() {
    return "twilio";
  }

  @Override
  public Future<SendOutcome> send(Outgoing m) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap()
        .add("To", m.recipient().phone())
        .add("From", twilio.from())
        .add("Body", m.content().text())
        .add("StatusCallback", m.statusCallbackUrl());
    String url = twilio.baseUrl() + "/2010-04-01/Accounts/" + twilio.accountSid() + "/Messages.json";
    return HttpProvider.call("twilio", client.postAbs(url)
            .authentication(new UsernamePasswordCredentials(twilio.accountSid(), twilio.authToken()))
            .timeout(timeoutMs)
            .sendForm(form),
        json -> json.getString("sid"), null);
  }
}
