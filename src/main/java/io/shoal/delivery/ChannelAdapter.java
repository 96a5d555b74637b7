package io.shoal.delivery;

import io.vertx.core.Future;

/**
 * Sends rendered messages of one channel through one provider (SMTP, Twilio, a push service,
 * Lob, or the log). An adapter never throws and never fails its future: every result, a
 * refused connection included, is a {@link SendOutcome} that says whether to retry.
 *
 * <p>Adapters send {@link Outgoing#messageId()} as the provider's idempotency key where the
 * provider has one (Lob's and the push provider's {@code Idempotency-Key}, the email's
 * {@code Message-ID}), so a message sent again after a crash is recognised as the same one.
 */
public interface ChannelAdapter {

  /** Short name for logs and the README: smtp, twilio, push-http, lob, log. */
  String name();

  Future<SendOutcome> send(Outgoing message);

  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
