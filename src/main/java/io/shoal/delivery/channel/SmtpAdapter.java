package io.shoal.delivery.channel;

import io.shoal.config.DeliveryConfig;
import io.shoal.delivery.ChannelAdapter;
import io.shoal.delivery.Outgoing;
import io.shoal.delivery.SendOutcome;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.SMTPException;
import io.vertx.ext.mail.StartTLSOptions;

/**
 * Email over SMTP (vertx-mail-client, pooled connections). Every message carries a stable
 * {@code Message-ID}, {@code List-Unsubscribe} (our signed unsubscribe URL) and
 * {@code List-Unsubscribe-Post: List-Unsubscribe=One-Click} (RFC 8058). SMTP 4xx and connection
 * failures are temporary; 5xx on the recipient is a bounce; other 5xx a permanent failure.
 */
public final class SmtpAdapter implements ChannelAdapter {

  private final MailClient client;
  private final String from;

  public SmtpAdapter(Vertx vertx, DeliveryConfig.Smtp smtp) {
    MailConfig mail = new MailConfig()
        .setHostname(smtp.host())
        .setPort(smtp.port())
        .setMaxPoolSize(smtp.maxConnections())
        .setKeepAlive(true)
        .setAllowRcptErrors(false);
    switch (smtp.tls()) {
      case "none" -> mail.setStarttls(StartTLSOptions.DISABLED);
      case "starttls" -> mail.setStarttls(StartTLSOptions.REQUIRED);
      default -> mail.setSsl(true).setStarttls(StartTLSOptions.DISABLED);
    }
    if (smtp.username().isPresent()) {
      mail.setUsername(smtp.username().get()).setPassword(smtp.password().orElse("")).setLogin(LoginOption.REQUIRED);
    } else {
      mail.setLogin(LoginOption.DISABLED);
    }
    this.client = MailClient.create(vertx, mail);
    this.from = smtp.from();
  }

  @Override
  public String name() {
    return "smtp";
  }

  @Override
  public Future<SendOutcome> send(Outgoing m) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Message-ID", m.rfcMessageId())
        .add("List-Unsubscribe", "<" + m.unsubscribeUrl() + ">")
        .add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
        .add("X-Shoal-Message-Id", m.messageId());
    MailMessage mail = new MailMessage()
        .setFrom(from)
        .setTo(m.recipient().email())
        .setSubject(m.content().subject())
        .setHeaders(headers);
    if (m.content().html() != null) {
      mail.setHtml(m.content().html());
    }
    if (m.content().text() != null) {
      mail.setText(m.content().text());
    }
    return client.sendMail(mail)
        .map(result -> SendOutcome.sent(m.rfcMessageId()))
        .otherwise(SmtpAdapter::outcome);
  }

  static SendOutcome outcome(Throwable e) {
    if (e instanceof SMTPException smtp) {
      String reason = "smtp " + smtp.getReplyCode() + " " + smtp.getReplyMessage();
      if (smtp.isTransient()) {
        return SendOutcome.temporary(reason, 0);
      }
      // 550/551/553 on RCPT: the mailbox does not exist or is refused
      int code = smtp.getReplyCode();
      return code == 550 || code == 551 || code == 553 ? SendOutcome.bounced(reason) : SendOutcome.permanent(reason);
    }
    return SendOutcome.temporary("smtp: " + e, 0);
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }
}
