package io.shoal.delivery.channel;

import io.shoal.delivery.ChannelAdapter;
import io.shoal.delivery.Outbox;
import io.shoal.delivery.Outgoing;
import io.shoal.delivery.SendOutcome;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For local use, the adapter of every channel without a configured provider: writes what
 * would be sent to the {@link Outbox} (one file per message), logs the file's name (logger
 * {@code io.shoal.delivery.log}; never the address or content, which an erasure could not take
 * back from a log), and reports it sent.
 */
public final class LogAdapter implements ChannelAdapter {

  private static final Logger LOG = LoggerFactory.getLogger("io.shoal.delivery.log");

  private final Outbox outbox;

  public LogAdapter(Outbox outbox) {
    this.outbox = outbox;
  }

  @Override
  public String name() {
    return "log";
  }

  @Override
  public Future<SendOutcome> send(Outgoing m) {
    JsonObject what = new JsonObject()
        .put("message_id", m.messageId())
        .put("store_id", m.storeId())
        .put("channel", m.channel().wire())
        .put("to", switch (m.channel()) {
          case EMAIL -> m.recipient().email();
          case SMS -> m.recipient().phone();
          case PUSH -> PushAdapter.target(m.recipient());
          case DIRECT_MAIL -> m.recipient().address().encode();
        })
        .put("subject", m.content().subject())
        .put("title", m.content().title())
        .put("text", m.content().text())
        .put("html", m.content().html());
    return outbox.write(m.messageId(), what)
        .map(file -> {
          LOG.info("would send {} by {}: {}", m.messageId(), m.channel().wire(), file);
          return SendOutcome.sent("log_" + m.messageId());
        });
  }
}
