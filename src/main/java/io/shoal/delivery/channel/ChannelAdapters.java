package io.shoal.delivery.channel;

import io.shoal.config.DeliveryConfig;
import io.shoal.delivery.ChannelAdapter;
import io.shoal.delivery.Outbox;
import io.shoal.kernel.Channel;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.EnumMap;
import java.util.Map;

/** Each channel's adapter from the configuration: its provider when configured, else the log. */
public final class ChannelAdapters {

  private ChannelAdapters() {}

  public static Map<Channel, ChannelAdapter> from(Vertx vertx, DeliveryConfig config, Outbox outbox) {
    Map<Channel, ChannelAdapter> out = new EnumMap<>(Channel.class);
    LogAdapter log = new LogAdapter(outbox);
    long timeout = config.timeoutMs();
    WebClient http = WebClient.create(vertx, new WebClientOptions()
            .setUserAgent("Shoal-Delivery/1.0")
            .setFollowRedirects(false)
            .setKeepAlive(true)
            .setConnectTimeout((int) Math.min(timeout, 10_000))
            .setIdleTimeout(60),
        new PoolOptions().setHttp1MaxSize(Math.max(8, config.concurrency())));
    out.put(Channel.EMAIL, config.smtp().<ChannelAdapter>map(s -> new SmtpAdapter(vertx, s)).orElse(log));
    out.put(Channel.SMS, config.twilio().<ChannelAdapter>map(t -> new TwilioAdapter(http, t, timeout)).orElse(log));
    out.put(Channel.PUSH, config.push().<ChannelAdapter>map(p -> new PushAdapter(http, p, timeout)).orElse(log));
    out.put(Channel.DIRECT_MAIL, config.lob().<ChannelAdapter>map(l -> new LobAdapter(http, l, timeout)).orElse(log));
    return out;
  }
}
