import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open-loop load at a fixed rate, and the latency from each event's 202 to the segment
 * transitions it caused, as recorded by Shoal (segment_transitions.recorded_at).
 *
 *   java -cp target/shoal.jar bench/engine/LatencyLoad.java HOST PORT STORE_ID API_KEY PG_PORT CUSTOMERS \
 *       RATE DURATION_S WARMUP_S MIX PROBE_PCT
 *
 * Events are sent on a fixed schedule (event n is due at start + n / RATE, whatever happened to
 * earlier ones: no coordinated omission) over up to 64 keep-alive connections, with the mix of
 * types given as for ingest.lua. PROBE_PCT % of them are probes designed to cause a transition:
 * a customer from a fixed set of probe customers alternately completes an order of 60,000.00
 * (entering the bench-probe segment, total_spent >= 50,000, and typically several generated
 * segments) and has it cancelled (leaving them again). When more than 2 s worth of events wait
 * for their 202 the server cannot keep up: further events are not sent but counted as dropped, so
 * that an overloaded run stays bounded in time and memory.
 *
 * For each event the generator keeps when it was due, when its 202 arrived (Instant.now(),
 * microseconds, CLOCK_REALTIME) and the event id the 202 carries. After the run it waits until
 * the evaluators' checkpoint passes the last event, then reads min(recorded_at) per event_id from
 * segment_transitions (clock_timestamp() of the same machine's clock, microseconds) and prints:
 *   LATENCY set=probe|all_transitions n=.. p50_ms=.. p90_ms=.. p99_ms=.. max_ms=.. neg_pct=..
 *   INGEST n=.. rate=.. p50_ms=.. p99_ms=.. max_ms=.. non202=..  (due time -> 202)
 * Events sent during the first WARMUP_S seconds are not counted.
 *
 * With STOP_FILE=PATH in the environment the load ends once that file exists (checked every 100 ms;
 * DURATION_S is then an upper bound): sync-live.sh creates it when a sync under this load is done,
 * so the figures cover only the events sent while it ran. RUN's sent_s says how long the load ran.
 * With EVENTS_OUT=PATH, each measured event with a transition is written there (due,
 * Unix time, s; due -> 202 ms; 202 -> recorded ms): when in the run the slow ones were.
 *
 * With WEBHOOKS=N in the environment, N webhook endpoints are created first (subscribed to
 * customer.segment.entered and .left), each with its own receiver on a loopback port; every
 * delivery's Shoal-Signature is checked with the endpoint's secret, and the first arrival per
 * causing event (`data.cause`) and endpoint is kept. After the run (once no delivery arrived for
 * 2 s, at most 60 s) it prints
 *   WEBHOOK set=202_to_signed_webhook n=.. p50_ms=.. ... endpoints=N deliveries=.. bad_signatures=.. missing=..
 * over every (event, endpoint) pair whose event caused a transition (missing: pairs with a
 * recorded transition and no delivery), and deletes the endpoints. WEBHOOK_BATCH=N creates them with
 * max_batch_size N (a request then carries a JSON array of events; deliveries= counts requests).
 *
 *   java -cp target/shoal.jar bench/engine/LatencyLoad.java drain PG_PORT [MAX_S]
 *
 * waits (at most MAX_S seconds, default 600) until the evaluators have applied every logged
 * event: how far evaluation lagged behind the 202s at the end of an ingest run (see drainMain).
 */
public class LatencyLoad {

  static final int CONNECTIONS = 64;

  public static void main(String[] args) throws Exception {
    if (args.length >= 2 && args[0].equals("drain")) {
      drainMain(Integer.parseInt(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 600);
      return;
    }
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    String store = args[2];
    String key = args[3];
    int pgPort = Integer.parseInt(args[4]);
    int customers = Integer.parseInt(args[5]);
    int rate = Integer.parseInt(args[6]);
    int duration = Integer.parseInt(args[7]);
    int warmup = Integer.parseInt(args[8]);
    String[] mixTypes;
    int[] mixCum;
    {
      String[] parts = args[9].split(",");
      mixTypes = new String[parts.length];
      mixCum = new int[parts.length];
      int sum = 0;
      for (int i = 0; i < parts.length; i++) {
        String[] tw = parts[i].split(":");
        mixTypes[i] = tw[0];
        sum += Integer.parseInt(tw[1]);
        mixCum[i] = sum;
      }
    }
    double probePct = Double.parseDouble(args[10]);

    String jdbc = "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";
    long transitionsBefore;
    try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres");
         ResultSet rs = c.createStatement().executeQuery("SELECT coalesce(max(seq), 0) FROM segment_transitions")) {
      rs.next();
      transitionsBefore = rs.getLong(1);
    }

    int webhooks = Integer.parseInt(System.getenv().getOrDefault("WEBHOOKS", "0"));
    Receivers receivers = webhooks > 0 ? new Receivers(webhooks, host, port, store, "Bearer " + key) : null;

    int total = rate * duration;
    long[] dueMicros = new long[total];
    long[] ackMicros = new long[total];
    String[] eventIds = new String[total];
    boolean[] probe = new boolean[total];
    int[] status = new int[total];

    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
        .setDefaultHost(host).setDefaultPort(port), new PoolOptions().setHttp1MaxSize(CONNECTIONS).setMaxWaitQueueSize(-1));
    String path = "/v1/stores/" + store + "/events";
    String auth = "Bearer " + key;
    Random rnd = new Random(7);
    String token = Long.toHexString(System.currentTimeMillis());
    // probe customers: a fixed set, each alternating between "has the big order" and not
    int probeCustomers = Math.min(customers, 5000);
    boolean[] probeIn = new boolean[probeCustomers];
    int[] probeOrder = new int[probeCustomers];
    int[] nextProbe = {0};
    int[] probeSerial = {0};

    AtomicInteger outstanding = new AtomicInteger();
    CountDownLatch finished = new CountDownLatch(1);
    int probeEvery = probePct <= 0 ? Integer.MAX_VALUE : (int) Math.round(100.0 / probePct);
    long start = micros() + 200_000;
    int[] sent = {0};

    int maxOutstanding = Math.max(1000, rate * 2);
    int[] dropped = {0};
    // STOP_FILE: the load ends early once this file exists (DURATION_S is then an upper bound)
    String stopFile = System.getenv("STOP_FILE");
    int[] end = {total};
    long[] stopChecked = {0};
    vertx.runOnContext(v -> vertx.setPeriodic(1, id -> {
      long now = micros();
      if (stopFile != null && end[0] == total && now - stopChecked[0] >= 100_000) {
        stopChecked[0] = now;
        if (java.nio.file.Files.exists(java.nio.file.Path.of(stopFile))) {
          end[0] = sent[0];
        }
      }
      while (sent[0] < end[0] && start + (long) (sent[0] * 1e6 / rate) <= now) {
        int n = sent[0]++;
        dueMicros[n] = start + (long) (n * 1e6 / rate);
        if (outstanding.get() >= maxOutstanding) {
          // more than 2 s of events waiting for their 202: the server cannot keep up; the event
          // is not sent (counted as dropped) so that the run stays bounded in time and memory
          status[n] = -2;
          dropped[0]++;
          continue;
        }
        String body;
        if (n % probeEvery == probeEvery - 1) {
          probe[n] = true;
          int pc = nextProbe[0];
          nextProbe[0] = (pc + 1) % probeCustomers;
          String who = String.format(Locale.ROOT, "{\"external_id\":\"ext%07d\"}", probeCustomerIndex(pc, customers));
          if (!probeIn[pc]) {
            probeOrder[pc] = ++probeSerial[0];
            body = "{\"type\":\"order.completed\",\"customer\":" + who + ",\"data\":{\"order_id\":\"probe-" + token
                + "-" + probeOrder[pc] + "\",\"total\":60000.00,\"currency\":\"USD\",\"items\":[{\"product_id\":\"p1\","
                + "\"category_id\":\"cat1\",\"quantity\":1,\"price\":60000.00}]}}";
          } else {
            body = "{\"type\":\"order.cancelled\",\"customer\":" + who + ",\"data\":{\"order_id\":\"probe-" + token
                + "-" + probeOrder[pc] + "\"}}";
          }
          probeIn[pc] = !probeIn[pc];
        } else {
          body = event(rnd, mixTypes, mixCum, customers, token, n);
        }
        outstanding.incrementAndGet();
        client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
                .putHeader("Authorization", auth).putHeader("Content-Type", "application/json"))
            .compose(req -> req.send(Buffer.buffer(body)))
            .compose(res -> res.body().map(b -> {
              ackMicros[n] = micros();
              status[n] = res.statusCode();
              if (res.statusCode() == 202) {
                eventIds[n] = new JsonObject(b).getString("id");
              }
              return null;
            }))
            .onComplete(ar -> {
              if (ar.failed()) {
                status[n] = -1;
              }
              if (outstanding.decrementAndGet() == 0 && sent[0] == end[0]) {
                finished.countDown();
              }
            });
      }
      if (sent[0] == end[0]) {
        vertx.cancelTimer(id);
        if (outstanding.get() == 0) {
          finished.countDown();
        }
      }
    }));
    if (!finished.await(duration + 60L, TimeUnit.SECONDS)) {
      System.out.println("WARN " + outstanding.get() + " requests still outstanding 60 s after the end");
    }
    try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres")) {
      long drainStart = System.nanoTime();
      waitForEvaluators(c);
      double drainS = (System.nanoTime() - drainStart) / 1e9;
      long backlogLeft = backlog(c, partitions());
      // cleanup, not measured: cancel the big orders still open so the next run starts clean. Sent
      // once the evaluators are done with the measured events: sent earlier, its burst (up to
      // 1,500 cancels, ~100 flips each) shared a batch with the run's last events and showed in the p99
      CountDownLatch cleaned = new CountDownLatch(1);
      AtomicInteger left = new AtomicInteger(1);
      vertx.runOnContext(v -> {
        for (int pc = 0; pc < probeCustomers; pc++) {
          if (probeIn[pc]) {
            left.incrementAndGet();
            String body = "{\"type\":\"order.cancelled\",\"customer\":{\"external_id\":\""
                + String.format(Locale.ROOT, "ext%07d", probeCustomerIndex(pc, customers)) + "\"},\"data\":{\"order_id\":\"probe-"
                + token + "-" + probeOrder[pc] + "\"}}";
            client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
                    .putHeader("Authorization", auth).putHeader("Content-Type", "application/json"))
                .compose(req -> req.send(Buffer.buffer(body))).compose(res -> res.body())
                .onComplete(ar -> {
                  if (left.decrementAndGet() == 0) {
                    cleaned.countDown();
                  }
                });
          }
        }
        if (left.decrementAndGet() == 0) {
          cleaned.countDown();
        }
      });
      cleaned.await(60, TimeUnit.SECONDS);
      client.close();
      vertx.close();

      Map<String, Long> recorded = firstTimes(c, "SELECT event_id,"
          + " (extract(epoch FROM min(recorded_at)) * 1000000)::bigint FROM segment_transitions"
          + " WHERE store_id = ? AND seq > ? AND event_id IS NOT NULL GROUP BY event_id", store, transitionsBefore);
      // With track_commit_timestamp on (bench/engine/run.sh leaves it off; set it in the data
      // directory's postgresql.auto.conf to get this), also when each event's first flip row
      // committed: recorded_at is the clock at the flips INSERT, before the rest of its batch
      // (notifications, counts, checkpoint) and the COMMIT; nobody sees the flip before the commit.
      boolean commitTimes;
      try (ResultSet rs = c.createStatement().executeQuery("SHOW track_commit_timestamp")) {
        rs.next();
        commitTimes = rs.getString(1).equals("on");
      }
      Map<String, Long> committed = !commitTimes ? Map.of() : firstTimes(c, "SELECT event_id,"
          + " (extract(epoch FROM min(pg_xact_commit_timestamp(xmin))) * 1000000)::bigint FROM segment_flips"
          + " WHERE store_id = ? AND seq + cardinality(entered) - 1 > ? AND event_id IS NOT NULL GROUP BY event_id",
          store, transitionsBefore);
      double[] toCommit = new double[total];
      int nCommit = 0;
      long measuredFrom = start + warmup * 1_000_000L;
      double[] all = new double[total];
      double[] probes = new double[total];
      double[] dueToTransition = new double[total];
      double[] ingest = new double[total];
      int nAll = 0;
      int nProbe = 0;
      int nIngest = 0;
      int non202 = 0;
      int droppedMeasured = 0;
      int probesWithout = 0;
      int measured = 0;
      // EVENTS_OUT=PATH: one line per measured event with a transition: due (Unix time, s), due -> 202 ms, 202 -> recorded ms
      java.io.PrintWriter events = System.getenv("EVENTS_OUT") == null ? null
          : new java.io.PrintWriter(java.nio.file.Files.newBufferedWriter(java.nio.file.Path.of(System.getenv("EVENTS_OUT"))));
      for (int n = 0; n < total; n++) {
        if (dueMicros[n] < measuredFrom) {
          continue;
        }
        measured++;
        if (status[n] == -2) {
          droppedMeasured++;
          continue;
        }
        if (status[n] != 202) {
          non202++;
          continue;
        }
        ingest[nIngest++] = (ackMicros[n] - dueMicros[n]) / 1000.0;
        Long at = recorded.get(eventIds[n]);
        if (at == null) {
          if (probe[n]) {
            probesWithout++;
          }
          continue;
        }
        double ms = (at - ackMicros[n]) / 1000.0;
        dueToTransition[nAll] = (at - dueMicros[n]) / 1000.0;
        Long commitAt = committed.get(eventIds[n]);
        if (commitAt != null) {
          toCommit[nCommit++] = (commitAt - ackMicros[n]) / 1000.0;
        }
        all[nAll++] = ms;
        if (events != null) {
          events.printf(Locale.ROOT, "%.3f\t%.2f\t%.2f%n", dueMicros[n] / 1e6, (ackMicros[n] - dueMicros[n]) / 1000.0, ms);
        }
        if (probe[n]) {
          probes[nProbe++] = ms;
        }
      }
      double ran = end[0] / (double) rate; // seconds of load sent (less than DURATION_S when STOP_FILE ended it)
      if (events != null) {
        events.close();
      }
      System.out.printf(Locale.ROOT, "RUN rate=%d duration_s=%d sent_s=%.1f warmup_s=%d measured_events=%d acked_per_s=%.0f"
              + " dropped=%d drain_s=%.2f backlog_left=%d probes_without_transition=%d%n", rate, duration, ran, warmup,
          measured, nIngest / (ran - warmup), droppedMeasured, drainS, backlogLeft, probesWithout);
      System.out.println(stats("INGEST set=due_to_202", ingest, nIngest) + String.format(" non202=%d", non202));
      System.out.println(stats("LATENCY set=probe_202_to_recorded", probes, nProbe));
      System.out.println(stats("LATENCY set=all_transitions_202_to_recorded", all, nAll));
      System.out.println(stats("LATENCY set=all_transitions_due_to_recorded", dueToTransition, nAll));
      if (commitTimes) {
        System.out.println(stats("LATENCY set=all_transitions_202_to_committed", toCommit, nCommit));
      }
      if (receivers != null) {
        receivers.report(total, dueMicros, measuredFrom, status, eventIds, ackMicros, recorded);
      }
    }
  }

  /** Event id -> microseconds, from a query of (event_id, time) taking the store and the transitions' seq to start after. */
  static Map<String, Long> firstTimes(Connection c, String sql, String store, long afterSeq) throws Exception {
    Map<String, Long> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, store);
      ps.setLong(2, afterSeq);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return out;
  }

  /** The webhook receivers of WEBHOOKS=N (see the class comment). */
  static final class Receivers {
    final int n;
    final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    final HttpClientAgent api;
    final String store;
    final String auth;
    final List<String> endpointIds = new ArrayList<>();
    /** Causing event id -> first arrival (micros) at each endpoint, 0 for none yet. */
    final Map<String, long[]> firstByCause = new ConcurrentHashMap<>();
    final AtomicInteger deliveries = new AtomicInteger();
    final AtomicInteger badSignatures = new AtomicInteger();
    volatile long lastArrival;

    Receivers(int n, String host, int port, String store, String auth) throws Exception {
      this.n = n;
      this.store = store;
      this.auth = auth;
      api = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(host).setDefaultPort(port));
      for (int i = 0; i < n; i++) {
        int endpoint = i;
        Mac[] mac = {null};
        io.vertx.core.http.HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
          long at = micros();
          lastArrival = at;
          deliveries.incrementAndGet();
          String header = req.getHeader("Shoal-Signature");
          if (!signed(mac[0], header, b)) {
            badSignatures.incrementAndGet();
          }
          // WEBHOOK_BATCH > 1: a JSON array of events (one signature over the whole body)
          Object body = io.vertx.core.json.Json.decodeValue(b);
          List<Object> events = body instanceof io.vertx.core.json.JsonArray a ? a.getList() : List.of(body);
          for (Object event : events) {
            JsonObject e = event instanceof JsonObject o ? o : new JsonObject((java.util.Map<String, Object>) event);
            JsonObject data = e.getJsonObject("data");
            String cause = data == null ? null : data.getString("cause");
            if (cause != null) {
              long[] first = firstByCause.computeIfAbsent(cause, k -> new long[n]);
              if (first[endpoint] == 0) {
                first[endpoint] = at;
              }
            }
          }
          req.response().setStatusCode(200).end();
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
        JsonObject endpointFields = new JsonObject()
            .put("url", "http://127.0.0.1:" + server.actualPort() + "/hook/" + i)
            .put("events", new io.vertx.core.json.JsonArray().add("customer.segment.entered").add("customer.segment.left"));
        if (System.getenv("WEBHOOK_BATCH") != null) { // builds before batches refuse the field
          endpointFields.put("max_batch_size", Integer.parseInt(System.getenv("WEBHOOK_BATCH")));
        }
        JsonObject created = call(HttpMethod.POST, "/v1/stores/" + store + "/webhook-endpoints", endpointFields);
        endpointIds.add(created.getString("id"));
        mac[0] = Mac.getInstance("HmacSHA256");
        mac[0].init(new SecretKeySpec(created.getString("secret").getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      }
    }

    /** Whether {@code header} (t=..,v1=..) signs {@code body} with the endpoint's secret. */
    static boolean signed(Mac mac, String header, Buffer body) {
      if (mac == null || header == null) {
        return false;
      }
      String t = null;
      List<String> v1 = new ArrayList<>();
      for (String part : header.split(",")) {
        if (part.startsWith("t=")) {
          t = part.substring(2);
        } else if (part.startsWith("v1=")) {
          v1.add(part.substring(3));
        }
      }
      if (t == null) {
        return false;
      }
      mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
      return v1.contains(java.util.HexFormat.of().formatHex(mac.doFinal(body.getBytes())));
    }

    JsonObject call(HttpMethod method, String uri, JsonObject body) throws Exception {
      return api.request(new RequestOptions().setMethod(method).setURI(uri).putHeader("Authorization", auth)
              .putHeader("Content-Type", "application/json"))
          .compose(req -> body == null ? req.send() : req.send(body.toBuffer()))
          .compose(res -> res.body().map(b -> {
            if (res.statusCode() / 100 != 2) {
              throw new IllegalStateException(method + " " + uri + " -> " + res.statusCode() + " " + b);
            }
            return b.length() == 0 ? new JsonObject() : new JsonObject(b);
          }))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    void report(int total, long[] dueMicros, long measuredFrom, int[] status, String[] eventIds, long[] ackMicros,
                Map<String, Long> recorded) throws Exception {
      long waitUntil = micros() + 60_000_000L;
      while (micros() < waitUntil && micros() - lastArrival < 2_000_000L) {
        Thread.sleep(200);
      }
      double[] ms = new double[total * n];
      int k = 0;
      int missing = 0;
      for (int e = 0; e < total; e++) {
        if (dueMicros[e] < measuredFrom || status[e] != 202 || !recorded.containsKey(eventIds[e])) {
          continue;
        }
        long[] first = firstByCause.get(eventIds[e]);
        for (int i = 0; i < n; i++) {
          if (first == null || first[i] == 0) {
            missing++;
          } else {
            ms[k++] = (first[i] - ackMicros[e]) / 1000.0;
          }
        }
      }
      System.out.println(stats("WEBHOOK set=202_to_signed_webhook", ms, k) + String.format(Locale.ROOT,
          " endpoints=%d deliveries=%d bad_signatures=%d missing=%d", n, deliveries.get(), badSignatures.get(), missing));
      for (String id : endpointIds) {
        call(HttpMethod.DELETE, "/v1/stores/" + store + "/webhook-endpoints/" + id, null);
      }
      vertx.close();
    }
  }

  static int probeCustomerIndex(int pc, int customers) {
    return (int) ((pc * 7919L) % customers);
  }

  static String event(Random rnd, String[] types, int[] cum, int customers, String token, int n) {
    int r = rnd.nextInt(cum[cum.length - 1]);
    String type = types[types.length - 1];
    for (int k = 0; k < cum.length; k++) {
      if (r < cum[k]) {
        type = types[k];
        break;
      }
    }
    int i = rnd.nextInt(customers);
    String who = rnd.nextInt(4) == 0 ? String.format(Locale.ROOT, "{\"email\":\"c%07d@bench.example\"}", i)
        : String.format(Locale.ROOT, "{\"external_id\":\"ext%07d\"}", i);
    int p = rnd.nextInt(500);
    double price = (500 + rnd.nextInt(19_500)) / 100.0;
    return switch (type) {
      case "order.completed" -> String.format(Locale.ROOT, "{\"type\":\"order.completed\",\"customer\":%s,\"data\":"
          + "{\"order_id\":\"l%s-%d\",\"total\":%.2f,\"currency\":\"USD\",\"items\":[{\"product_id\":\"p%d\","
          + "\"category_id\":\"cat%d\",\"quantity\":1,\"price\":%.2f}]}}", who, token, n, price, p, p % 40, price);
      case "cart.updated" -> String.format(Locale.ROOT, "{\"type\":\"cart.updated\",\"customer\":%s,\"data\":"
          + "{\"cart_id\":\"k%s-%d\",\"total\":%.2f,\"items\":[{\"product_id\":\"p%d\",\"quantity\":1,\"price\":%.2f}]}}",
          who, token, n, price, p, price);
      default -> String.format(Locale.ROOT, "{\"type\":\"%s\",\"customer\":%s,\"data\":{\"url\":\"/products/p%d\"}}",
          type, who, p);
    };
  }

  static int partitions() {
    String env = System.getenv("SHOAL_EVALUATOR_PARTITIONS");
    return env == null || env.isBlank() ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(env);
  }

  /**
   * Waits (up to 5 minutes) until every evaluator partition has applied every logged event of
   * its customers.
   */
  static void waitForEvaluators(Connection c) throws Exception {
    long deadline = System.nanoTime() + 300_000_000_000L;
    while (backlog(c, partitions()) > 0) {
      if (System.nanoTime() > deadline) {
        System.out.println("WARN the evaluators had not caught up with the log after 5 minutes");
        return;
      }
      Thread.sleep(50);
    }
  }

  /**
   * Logged events not yet applied by the evaluator partition that owns their customer: those
   * past that partition's checkpoint. (A partition's checkpoint moves only with its own events,
   * so it may stay below the log's end with nothing left to do.)
   */
  static long backlog(Connection c, int partitions) throws Exception {
    long[] checkpoints = new long[partitions];
    try (ResultSet rs = c.createStatement().executeQuery(
        "SELECT partition, last_seq FROM evaluator_checkpoints WHERE partition < " + partitions)) {
      while (rs.next()) {
        checkpoints[rs.getInt(1)] = rs.getLong(2);
      }
    }
    long from = Arrays.stream(checkpoints).min().orElse(0);
    long pending = 0;
    try (PreparedStatement ps = c.prepareStatement("SELECT seq, store_id, customer_id FROM events WHERE seq > ?")) {
      ps.setLong(1, from);
      ps.setFetchSize(10_000);
      c.setAutoCommit(false);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int p = io.shoal.segment.eval.SegmentEvaluatorVerticle.partitionOf(rs.getString(2), rs.getString(3), partitions);
          if (rs.getLong(1) > checkpoints[p]) {
            pending++;
          }
        }
      } finally {
        c.commit();
        c.setAutoCommit(true);
      }
    }
    return pending;
  }

  /**
   * drain: how many logged events await evaluation now, how long until none do (at most
   * MAX_S seconds) and how fast the evaluators worked through them meanwhile:
   *   DRAIN s=.. backlog_start=.. backlog_end=.. drain_eps=..
   */
  static void drainMain(int pgPort, int maxSeconds) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres",
        "postgres", "postgres")) {
      long t0 = System.nanoTime();
      long start = backlog(c, partitions());
      long left = start;
      while (left > 0 && System.nanoTime() - t0 < maxSeconds * 1_000_000_000L) {
        Thread.sleep(left < 5_000 ? 50 : 1_000);
        left = backlog(c, partitions());
      }
      double s = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "DRAIN s=%.2f backlog_start=%d backlog_end=%d drain_eps=%.0f%n", s, start, left,
          s > 0 ? (start - left) / s : 0);
    }
  }

  static long micros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }

  static String stats(String label, double[] v, int n) {
    if (n == 0) {
      return label + " n=0";
    }
    double[] s = Arrays.copyOf(v, n);
    Arrays.sort(s);
    int neg = 0;
    for (double x : s) {
      if (x < 0) {
        neg++;
      }
    }
    return String.format(Locale.ROOT, "%s n=%d min_ms=%.2f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f"
        + " neg_pct=%.1f", label, n, s[0], pct(s, 50), pct(s, 90), pct(s, 99), pct(s, 99.9), s[n - 1], 100.0 * neg / n);
  }

  static double pct(double[] sorted, double p) {
    int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
