package io.shoal.delivery;

import io.shoal.kernel.Channel;
import io.shoal.template.Recipient;
import io.shoal.template.TemplateRenderer.Rendered;

/**
 * One message ready for a provider: rendered (email html already has tracked links and the
 * open pixel), with its recipient and the URLs the provider or the message must carry.
 *
 * @param unsubscribeUrl     the page (GET) and one-click endpoint (POST) for List-Unsubscribe
 * @param statusCallbackUrl  where the provider reports delivery (Twilio StatusCallback)
 * @param attempt            1 for the first attempt
 */
public record Outgoing(String storeId, String messageId, Channel channel, Recipient recipient, Rendered content,
                       String unsubscribeUrl, String statusCallbackUrl, int attempt) {

  /** The message's RFC 5322 Message-ID: stable across attempts, so a resend is the same message. */
  public String rfcMessageId() {
    return "<" + messageId + "." + storeId + "@shoal>";
  }
}
