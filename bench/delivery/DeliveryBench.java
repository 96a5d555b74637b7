import io.shoal.Shoal;
import io.shoal.config.ShoalConfig;
import io.shoal.delivery.MessageQueue;
import io.shoal.delivery.OutboundMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Messages per minute through the delivery dispatcher, in-process: Shoal (embedded PostgreSQL)
 * sends RECIPIENTS push messages to a local HTTP provider and RECIPIENTS emails to a local SMTP
 * sink. Messages are queued through MessageQueue with a far not_before, then all made due at
 * once; the clock runs from that instant until the last one is recorded 'sent'.
 *
 *   java -cp target/shoal.jar bench/delivery/DeliveryBench.java RECIPIENTS CONCURRENCY WORK_DIR
 *
 * Prints RESULT {json} per channel.
 */
public class DeliveryBench {

  public static void main(String[] args) throws Exception {
    int recipients = Integer.parseInt(args[0]);
    int concurrency = Integer.parseInt(args[1]);
    Path work = Path.of(args[2]);
    Files.createDirectories(work);
    Vertx sinks = Vertx.vertx();
    AtomicLong httpReceived = new AtomicLong();
    Set<String> httpKeys = ConcurrentHashMap.newKeySet();
    HttpServer provider = sinks.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      httpReceived.incrementAndGet();
      String key = req.getHeader("Idempotency-Key");
      if (key != null) {
        httpKeys.add(key);
      }
      req.response().setStatusCode(201).putHeader("Content-Type", "application/json")
          .end("{\"id\":\"p_" + key + "\"}");
    }));
    await(provider.listen(0, "127.0.0.1"));
    AtomicLong smtpReceived = new AtomicLong();
    NetServer smtp = sinks.createNetServer().connectHandler(socket -> smtpSession(socket, smtpReceived));
    await(smtp.listen(0, "127.0.0.1"));

    Map<String, String> env = new HashMap<>(System.getenv());
    env.put(ShoalConfig.DATA_DIR, work.resolve("data").toString());
    env.put(ShoalConfig.HTTP_HOST, "127.0.0.1");
    env.put(ShoalConfig.HTTP_PORT, "0");
    env.put(ShoalConfig.ADMIN_KEY, "wk_admin_bench_delivery_0123456789");
    env.put("SHOAL_PUSH_URL", "http://127.0.0.1:" + provider.actualPort() + "/push");
    env.put("SHOAL_SMTP_HOST", "127.0.0.1");
    env.put("SHOAL_SMTP_PORT", String.valueOf(smtp.actualPort()));
    env.put("SHOAL_SMTP_TLS", "none");
    env.put("SHOAL_SMTP_FROM", "bench@shoal.example");
    env.putIfAbsent("SHOAL_SMTP_MAX_CONNECTIONS", "32");
    env.put("SHOAL_DELIVERY_CONCURRENCY", String.valueOf(concurrency));
    env.put("SHOAL_LOG_LEVEL", "WARN");
    Shoal shoal = await(Shoal.start(ShoalConfig.fromMap(env)));
    try {
      Pool pool = shoal.database().pool();
      String store = "store_bench";
      await(pool.query("INSERT INTO stores (id, name) VALUES ('store_bench', 'Bench')").execute());
      long t = System.nanoTime();
      await(pool.query("INSERT INTO customers (store_id, id, email, first_name, external_id, email_consent,"
          + " push_consent) SELECT 'store_bench', 'cust_' || g, 'c' || g || '@bench.example', 'N' || g, 'dev-' || g,"
          + " true, true FROM generate_series(1, " + recipients + ") g").execute());
      System.err.printf("seeded %d customers in %.1f s%n", recipients, (System.nanoTime() - t) / 1e9);
      await(pool.query("INSERT INTO templates (store_id, id, name, channel, subject, html, text, title) VALUES"
          + " ('store_bench', 'tmpl_push', 'p', 'push', NULL, NULL, 'Hello {{first_name}}, {{vars.offer}}', 'Sale'),"
          + " ('store_bench', 'tmpl_email', 'e', 'email', 'Spring sale, {{first_name}}',"
          + " '<html><body><p>Hi {{first_name}}</p><a href=\"https://shop.example/sale\">Shop</a>"
          + " <a href=\"https://shop.example/new?x=1\">New</a> <a href=\"{{unsubscribe_url}}\">Unsubscribe</a></body></html>',"
          + " 'Hi {{first_name}}, {{vars.offer}}: https://shop.example/sale', NULL)").execute());

      List<JsonObject> results = new ArrayList<>();
      results.add(run(shoal, pool, store, recipients, Channel.PUSH, "tmpl_push", httpReceived));
      results.add(run(shoal, pool, store, recipients, Channel.EMAIL, "tmpl_email", smtpReceived));
      results.get(0).put("distinct_idempotency_keys", httpKeys.size());
      for (JsonObject r : results) {
        r.put("concurrency", concurrency);
        System.out.println("RESULT " + r.encode());
      }
    } finally {
      await(shoal.stop());
      await(sinks.close());
    }
  }

  private static JsonObject run(Shoal shoal, Pool pool, String store, int recipients, Channel channel,
                                String template, AtomicLong received) throws Exception {
    long before = received.get();
    Instant later = Instant.now().plusSeconds(3600);
    JsonObject vars = new JsonObject().put("offer", "20% off").put("utm_campaign", "spring");
    long t = System.nanoTime();
    int batch = 5_000;
    for (int from = 1; from <= recipients; from += batch) {
      List<OutboundMessage> messages = new ArrayList<>(batch);
      for (int i = from; i < from + batch && i <= recipients; i++) {
        messages.add(new OutboundMessage(store, "cust_" + i, channel, OutboundMessage.Source.CAMPAIGN,
            "cmp_" + channel.wire(), "cmp_" + channel.wire() + ":cust_" + i, template, vars, later));
      }
      await(pool.withTransaction(tx -> MessageQueue.enqueue(tx, messages)));
    }
    double enqueueSeconds = (System.nanoTime() - t) / 1e9;
    System.err.printf("%s: queued %d in %.1f s; making them due%n", channel.wire(), recipients, enqueueSeconds);

    long start = System.nanoTime();
    await(pool.preparedQuery("UPDATE messages SET not_before = clock_timestamp() WHERE channel = $1")
        .execute(Tuple.of(channel.wire())));
    MessageQueue.wake(shoal.vertx(), store);
    long receivedAllAt = 0;
    long lastReport = start;
    while (true) {
      long now = System.nanoTime();
      if (receivedAllAt == 0 && received.get() - before >= recipients) {
        receivedAllAt = now;
      }
      long sent = await(pool.preparedQuery("SELECT count(*) FROM messages WHERE channel = $1 AND status = 'sent'")
          .execute(Tuple.of(channel.wire()))).iterator().next().getLong(0);
      if (now - lastReport > TimeUnit.SECONDS.toNanos(5)) {
        System.err.printf("%s: %d sent, %d received after %.0f s%n", channel.wire(), sent, received.get() - before,
            (now - start) / 1e9);
        lastReport = now;
      }
      if (sent >= recipients) {
        break;
      }
      if (now - start > TimeUnit.MINUTES.toNanos(15)) {
        throw new IllegalStateException("not done in 15 minutes: " + sent + " sent");
      }
      Thread.sleep(100);
    }
    double allSent = (System.nanoTime() - start) / 1e9;
    double allReceived = receivedAllAt == 0 ? allSent : (receivedAllAt - start) / 1e9;
    JsonObject r = new JsonObject()
        .put("channel", channel.wire())
        .put("recipients", recipients)
        .put("received_by_sink", received.get() - before)
        .put("enqueue_seconds", round(enqueueSeconds))
        .put("seconds_to_all_received", round(allReceived))
        .put("seconds_to_all_recorded_sent", round(allSent))
        .put("messages_per_minute", Math.round(recipients / allSent * 60))
        .put("load_at_end", Files.readString(Path.of("/proc/loadavg")).trim());
    System.err.println(r.encode());
    return r;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /** The least of SMTP that a client needs: greet, accept every command, take DATA until ".". */
  private static void smtpSession(NetSocket socket, AtomicLong received) {
    socket.write("220 sink ESMTP\r\n");
    boolean[] inData = {false};
    RecordParser lines = RecordParser.newDelimited("\r\n", line -> {
      String l = line.toString();
      if (inData[0]) {
        if (l.equals(".")) {
          inData[0] = false;
          received.incrementAndGet();
          socket.write("250 OK queued\r\n");
        }
        return;
      }
      String cmd = l.length() >= 4 ? l.substring(0, 4).toUpperCase() : l.toUpperCase();
      switch (cmd) {
        case "EHLO" -> socket.write("250-sink\r\n250-8BITMIME\r\n250 SIZE 52428800\r\n");
        case "HELO" -> socket.write("250 sink\r\n");
        case "DATA" -> {
          inData[0] = true;
          socket.write("354 go ahead\r\n");
        }
        case "QUIT" -> socket.write("221 bye\r\n").onComplete(ar -> socket.close());
        default -> socket.write("250 OK\r\n");
      }
    });
    socket.handler(lines);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(15, TimeUnit.MINUTES);
  }
}
