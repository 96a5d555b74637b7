package io.shoal.delivery;

import io.shoal.kernel.Channel;
import io.shoal.kernel.Ids;
import io.shoal.template.Recipient;
import io.shoal.template.TemplateRenderer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Email to a store's staff (not to a customer): an export's download link. Sent through the
 * store's configured email channel adapter (SMTP, or the log outbox), the same provider the
 * dispatcher uses, with a few retries on temporary failures. It does not go through the
 * {@link MessageQueue}: queued messages belong to a customer (consent, unsubscribes, templates,
 * tracking), which a member of staff asking for a file is not.
 */
public final class StaffMail {

  static final int ATTEMPTS = 4;

  private final Vertx vertx;
  private final ChannelAdapter email;

  public StaffMail(Vertx vertx, ChannelAdapter email) {
    this.vertx = vertx;
    this.email = email;
  }

  /** Sends; answers the provider's message id, or fails with the last reason after the retries. */
  public Future<String> send(String storeId, String to, String subject, String text, String html) {
    Recipient recipient = new Recipient("staff", new JsonObject().put("email", to), new JsonObject(), true, false,
        false);
    String messageId = Ids.newId("msg");
    Promise<String> done = Promise.promise();
    attempt(storeId, messageId, recipient, new TemplateRenderer.Rendered(subject, html, text, null), 1, done);
    return done.future();
  }

  private void attempt(String storeId, String messageId, Recipient recipient, TemplateRenderer.Rendered content,
                       int n, Promise<String> done) {
    email.send(new Outgoing(storeId, messageId, Channel.EMAIL, recipient, content, null, null, n)).onComplete(ar -> {
      SendOutcome o = ar.succeeded() ? ar.result() : SendOutcome.temporary(String.valueOf(ar.cause()), 0);
      if (o.kind() == SendOutcome.Kind.SENT) {
        done.complete(o.providerId());
      } else if (o.kind() == SendOutcome.Kind.TEMPORARY && n < ATTEMPTS) {
        vertx.setTimer(Math.max(500L * n * n, o.retryAfterMs()), t -> attempt(storeId, messageId, recipient, content,
            n + 1, done));
      } else {
        done.fail("the email to " + recipient.email() + " was not sent: " + o.reason());
      }
    });
  }
}
