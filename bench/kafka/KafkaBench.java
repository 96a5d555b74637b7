import io.shoal.config.KafkaConfig;
import io.shoal.config.ShoalConfig;
import io.shoal.engine.support.ShoalProcess;
import io.shoal.testing.KafkaBroker;
import io.shoal.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Kafka mode against the embedded log, and 1, 2, 3 Kafka-mode nodes, on one machine (issue 15).
 *
 * <p>For each setup, a fresh database on one PostgreSQL and (Kafka setups) a fresh topic prefix on
 * one KRaft broker; the nodes are Shoal JVMs of target/shoal.jar (or the compiled classes). The
 * load generator (this JVM) keeps CONC requests in flight, one {@code order.completed} per
 * request, spread over the nodes in turn, for DURATION seconds after WARMUP; then it waits until
 * every acknowledged order is applied (the sum of {@code customers.total_orders}). It reports:
 * acked events/s and the 202 latency, evaluation events/s (acked events over the time from the
 * first measured request until all are applied), and the CPU time per event of every process
 * involved (Shoal nodes, broker, PostgreSQL; the load generator apart). With three nodes it then
 * kills one (SIGKILL) and times how long until its partitions are owned by the others.
 *
 * <pre>
 *   bench/kafka/run.sh            (builds the classpath, runs this, writes bench/kafka/results/)
 * </pre>
 * Environment: SETUPS="pglog kafka-1 kafka-2 kafka-3" CUSTOMERS=1000 SEGMENTS=20 CONC=32
 * DURATION=20 WARMUP=5 PARTITIONS=6 ROUNDS=1 OUT=results file.
 */
public final class KafkaBench {

  static final String ADMIN = "wk_admin_kafkabench_" + Long.toHexString(System.nanoTime());
  static final int CUSTOMERS = env("CUSTOMERS", 1000);
  static final int SEGMENTS = env("SEGMENTS", 20);
  static final int CONC = env("CONC", 32);
  static final int DURATION = env("DURATION", 20);
  static final int WARMUP = env("WARMUP", 5);
  static final int PARTITIONS = env("PARTITIONS", 6);
  static final int ROUNDS = env("ROUNDS", 1);
  static final long TICK_MS = 1000L / 100; // USER_HZ

  static Vertx vertx;
  static WebClient web;
  static KafkaBroker broker;
  static Path dir;
  static final StringBuilder out = new StringBuilder();

  public static void main(String[] args) throws Exception {
    List<String> setups = Arrays.asList(System.getenv().getOrDefault("SETUPS",
        "pglog kafka-1 kafka-2 kafka-3").trim().split("\\s+"));
    dir = Files.createTempDirectory("shoal-kafkabench");
    vertx = Vertx.vertx();
    web = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(CONC));
    broker = KafkaBroker.start(dir.resolve("kafka"));
    line("# KafkaBench %s customers=%d segments=%d conc=%d duration=%ds warmup=%ds partitions=%d cores=%d",
        Instant.now(), CUSTOMERS, SEGMENTS, CONC, DURATION, WARMUP, PARTITIONS,
        Runtime.getRuntime().availableProcessors());
    line("setup\tround\tload1\tacked_per_s\tp50_ms\tp99_ms\terrors\tdrain_s\teval_per_s\tcpu_ms_per_event"
        + "\tshoal_cpu_ms_per_event\tbroker_cpu_ms_per_event\tpg_cpu_ms_per_event");
    try {
      for (int round = 1; round <= ROUNDS; round++) {
        for (String setup : setups) {
          run(setup, round);
        }
      }
    } finally {
      broker.close();
      vertx.close();
      String file = System.getenv("OUT");
      if (file != null) {
        Files.writeString(Path.of(file), out.toString());
      }
    }
    System.exit(0);
  }

  static void run(String setup, int round) throws Exception {
    boolean kafka = setup.startsWith("kafka-");
    int nodeCount = kafka ? Integer.parseInt(setup.substring("kafka-".length())) : 1;
    String db = TestDatabase.createDatabase();
    String prefix = "bench" + System.nanoTime() + ".";
    Map<String, ShoalProcess> nodes = new LinkedHashMap<>();
    try {
      for (int n = 1; n <= nodeCount; n++) {
        String id = "node-" + n;
        nodes.put(id, start(id, db, kafka ? prefix : null));
      }
      List<Integer> ports = nodes.values().stream().map(ShoalProcess::port).toList();
      if (kafka) {
        await(180, "every partition owned", () -> count(db, "SELECT count(*) FROM evaluator_checkpoints"
            + " WHERE owner IS NOT NULL") == PARTITIONS && count(db, "SELECT count(*) FROM kafka_offsets") == PARTITIONS);
      }
      JsonObject store = call(ports.get(0), "POST", "/v1/stores", ADMIN, new JsonObject().put("name", "Bench"), 201);
      String key = store.getString("api_key");
      String base = "/v1/stores/" + store.getString("id");
      for (int s = 0; s < SEGMENTS; s++) {
        JsonObject rule = s % 2 == 0
            ? new JsonObject().put("field", "total_orders").put("operator", "gte").put("value", 1 + s / 2)
            : new JsonObject().put("field", "total_spent").put("operator", "gte").put("value", 25 * (1 + s / 2));
        call(ports.get(s % ports.size()), "POST", base + "/segments", key, new JsonObject().put("name", "S" + s)
            .put("is_dynamic", true).put("rules", new JsonArray().add(rule)), 201);
      }
      List<String> customers = createCustomers(ports, base, key);
      await(300, "segments synced", () -> count(db, "SELECT count(*) FROM segments WHERE sync_status = 'done'") == SEGMENTS);

      if (System.getenv("PROBE") != null) {
        for (int i = 0; i < 12; i++) {
          String customer = customers.get(i);
          int port = ports.get(i % ports.size());
          String id = "probe-" + i;
          long t = System.nanoTime();
          call(port, "POST", base + "/events", key, new JsonObject().put("id", id).put("type", "order.completed")
              .put("customer_id", customer).put("data", new JsonObject().put("order_id", id).put("total", "25.00")
                  .put("currency", "EUR")), 202);
          line("# probe %d via port %d: %.1f ms; offsets %s; owners %s", i, port, (System.nanoTime() - t) / 1e6,
              strings(db, "SELECT partition || '=' || next_offset FROM kafka_offsets ORDER BY partition"),
              strings(db, "SELECT partition || '=' || owner FROM evaluator_checkpoints ORDER BY partition"));
        }
      }
      List<Long> pids = new ArrayList<>();
      nodes.values().forEach(p -> pids.add(p.pid()));
      long brokerPid = kafka ? brokerPid() : -1;
      long pgPid = postmasterPid(db);

      // warm-up, not counted; then measured
      Load warm = new Load(ports, base, key, customers);
      warm.run(WARMUP);
      await(600, "warm-up applied", () -> count(db, "SELECT coalesce(sum(total_orders), 0) FROM customers") >= warm.acked.get());
      long ordersBefore = count(db, "SELECT coalesce(sum(total_orders), 0) FROM customers");
      double load1 = load1();
      long shoalCpu0 = cpu(pids, false);
      long brokerCpu0 = brokerPid > 0 ? cpu(List.of(brokerPid), true) : 0;
      long pgCpu0 = cpu(List.of(pgPid), true);
      long t0 = System.nanoTime();
      Load load = new Load(ports, base, key, customers);
      load.run(DURATION);
      long acked = load.acked.get();
      await(1800, "all acked orders applied", () -> count(db, "SELECT coalesce(sum(total_orders), 0) FROM customers")
          >= ordersBefore + acked);
      double drained = (System.nanoTime() - t0) / 1e9;
      long shoalCpu = cpu(pids, false) - shoalCpu0;
      long brokerCpu = brokerPid > 0 ? cpu(List.of(brokerPid), true) - brokerCpu0 : 0;
      long pgCpu = cpu(List.of(pgPid), true) - pgCpu0;
      long[] lat = load.latencies();
      line("%s\t%d\t%.1f\t%.0f\t%.1f\t%.1f\t%d\t%.1f\t%.0f\t%.3f\t%.3f\t%.3f\t%.3f", setup, round, load1,
          acked / (double) DURATION, lat.length == 0 ? 0 : lat[lat.length / 2] / 1e6,
          lat.length == 0 ? 0 : lat[(int) (lat.length * 0.99)] / 1e6, load.errors.get(), drained, acked / drained,
          (shoalCpu + brokerCpu + pgCpu) / (double) acked, shoalCpu / (double) acked, brokerCpu / (double) acked,
          pgCpu / (double) acked);

      if (kafka && nodeCount >= 2 && round == 1) {
        String victim = "node-2";
        nodes.get(victim).kill();
        long killed = System.currentTimeMillis();
        await(300, "the killed node's partitions owned by the others", () -> {
          List<String> owners = strings(db, "SELECT coalesce(owner, '') FROM evaluator_checkpoints");
          return owners.size() == PARTITIONS && !owners.contains(victim) && !owners.contains("");
        });
        line("# %s: SIGKILL of %s -> its evaluator partitions owned by the others after %d ms (lease TTL default,"
            + " Kafka session timeout default)", setup, victim, System.currentTimeMillis() - killed);
      }
    } finally {
      for (ShoalProcess p : nodes.values()) {
        if (p.isAlive()) {
          p.stop(Duration.ofSeconds(60));
        }
      }
      TestDatabase.dropDatabase(db);
    }
  }

  static ShoalProcess start(String id, String db, String kafkaPrefix) {
    Map<String, String> env = new HashMap<>();
    env.put(ShoalConfig.PG_URL, db);
    env.put(ShoalConfig.DATA_DIR, dir.resolve(id + "-" + System.nanoTime()).toString());
    env.put(ShoalConfig.ADMIN_KEY, ADMIN);
    env.put(ShoalConfig.HTTP_HOST, "127.0.0.1");
    env.put(ShoalConfig.HTTP_PORT, "0");
    env.put(ShoalConfig.EVALUATOR_PARTITIONS, String.valueOf(PARTITIONS));
    env.put(ShoalConfig.PG_POOL_SIZE, "8");
    if (kafkaPrefix != null) {
      env.put(KafkaConfig.BOOTSTRAP, broker.bootstrap());
      env.put(KafkaConfig.TOPIC_PREFIX, kafkaPrefix);
      env.put(KafkaConfig.PARTITIONS, String.valueOf(PARTITIONS));
      env.put(KafkaConfig.NODE_ID, id);
    }
    return ShoalProcess.start(env, dir.resolve(id + ".log"));
  }

  static List<String> createCustomers(List<Integer> ports, String base, String key) throws Exception {
    List<Future<String>> all = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int c = 0; c < CUSTOMERS; c += CONC) {
      all.clear();
      for (int i = c; i < Math.min(CUSTOMERS, c + CONC); i++) {
        int port = ports.get(i % ports.size());
        all.add(web.request(HttpMethod.POST, port, "127.0.0.1", base + "/customers")
            .putHeader("Authorization", "Bearer " + key)
            .sendJsonObject(new JsonObject().put("email", "c" + i + "@bench.example"))
            .map(r -> {
              if (r.statusCode() != 201) {
                throw new IllegalStateException("customer: " + r.statusCode() + " " + r.bodyAsString());
              }
              return r.bodyAsJsonObject().getString("id");
            }));
      }
      for (Future<String> f : all) {
        ids.add(f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS));
      }
    }
    return ids;
  }

  /** Closed loop: CONC requests in flight, each answered one starting the next, until the time is up. */
  static final class Load {
    final List<Integer> ports;
    final String path;
    final String key;
    final List<String> customers;
    final AtomicLong acked = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong turn = new AtomicLong();
    final List<long[]> samples = new ArrayList<>();
    volatile long until;

    Load(List<Integer> ports, String base, String key, List<String> customers) {
      this.ports = ports;
      this.path = base + "/events";
      this.key = key;
      this.customers = customers;
    }

    void run(int seconds) throws Exception {
      until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      List<Future<Void>> lanes = new ArrayList<>();
      for (int i = 0; i < CONC; i++) {
        long[] mine = new long[4_000_000 / CONC];
        synchronized (samples) {
          samples.add(mine);
        }
        Promise<Void> done = Promise.promise();
        vertx.runOnContext(v -> next(mine, new int[1], done));
        lanes.add(done.future());
      }
      Future.all(lanes).toCompletionStage().toCompletableFuture().get(seconds + 300L, TimeUnit.SECONDS);
    }

    private void next(long[] mine, int[] n, Promise<Void> done) {
      if (System.nanoTime() >= until) {
        mine[mine.length - 1] = n[0];
        done.complete();
        return;
      }
      long t = turn.getAndIncrement();
      int port = ports.get((int) (t % ports.size()));
      String customer = customers.get(ThreadLocalRandom.current().nextInt(customers.size()));
      String id = "o-" + System.nanoTime() + "-" + t;
      JsonObject event = new JsonObject().put("id", id).put("type", "order.completed").put("customer_id", customer)
          .put("data", new JsonObject().put("order_id", id).put("total", "25.00").put("currency", "EUR"));
      long start = System.nanoTime();
      web.request(HttpMethod.POST, port, "127.0.0.1", path).putHeader("Authorization", "Bearer " + key)
          .timeout(30_000).sendJsonObject(event).onComplete(ar -> {
            if (ar.succeeded() && ar.result().statusCode() == 202) {
              acked.incrementAndGet();
              if (n[0] < mine.length - 1) {
                mine[n[0]++] = System.nanoTime() - start;
              }
            } else {
              errors.incrementAndGet();
            }
            next(mine, n, done);
          });
    }

    long[] latencies() {
      List<Long> all = new ArrayList<>();
      for (long[] s : samples) {
        int n = (int) s[s.length - 1];
        for (int i = 0; i < n; i++) {
          all.add(s[i]);
        }
      }
      return all.stream().mapToLong(Long::longValue).sorted().toArray();
    }
  }

  // --- processes and CPU -----------------------------------------------------------------------

  /** utime + stime of these processes (and, with {@code children}, their live children) in ms. */
  static long cpu(List<Long> pids, boolean children) {
    long ticks = 0;
    for (long pid : pids) {
      ticks += ticks(pid);
      if (children) {
        for (ProcessHandle c : ProcessHandle.of(pid).map(h -> h.children().toList()).orElse(List.of())) {
          ticks += ticks(c.pid());
        }
      }
    }
    return ticks * TICK_MS;
  }

  static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
    } catch (Exception e) {
      return 0;
    }
  }

  static long brokerPid() {
    return ProcessHandle.current().descendants().filter(h -> {
      try {
        return Files.readString(Path.of("/proc/" + h.pid() + "/cmdline")).contains("kafka.Kafka");
      } catch (Exception e) {
        return false;
      }
    }).findFirst().map(ProcessHandle::pid).orElse(-1L);
  }

  static long postmasterPid(String db) throws Exception {
    String dataDir = strings(db, "SELECT setting FROM pg_settings WHERE name = 'data_directory'").get(0);
    return Long.parseLong(Files.readAllLines(Path.of(dataDir, "postmaster.pid")).get(0).trim());
  }

  static double load1() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (Exception e) {
      return -1;
    }
  }

  // --- plumbing --------------------------------------------------------------------------------

  static JsonObject call(int port, String method, String uri, String key, JsonObject body, int expected) throws Exception {
    var request = web.request(HttpMethod.valueOf(method), port, "127.0.0.1", uri)
        .putHeader("Authorization", "Bearer " + key).timeout(120_000);
    HttpResponse<Buffer> r = (body == null ? request.send() : request.sendJsonObject(body))
        .toCompletionStage().toCompletableFuture().get(180, TimeUnit.SECONDS);
    if (r.statusCode() != expected) {
      throw new IllegalStateException(method + " " + uri + ": " + r.statusCode() + " " + r.bodyAsString());
    }
    return r.bodyAsJsonObject();
  }

  interface Check {
    boolean holds() throws Exception;
  }

  static void await(int seconds, String what, Check check) throws Exception {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (check.holds()) {
          return;
        }
      } catch (RuntimeException e) {
        // not yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("not within " + seconds + " s: " + what);
  }

  static long count(String db, String sql) {
    return Long.parseLong(strings(db, sql).get(0));
  }

  static List<String> strings(String db, String sql) {
    try (Connection c = TestDatabase.connect(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
      return rows;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static void line(String format, Object... args) {
    String s = String.format(format, args);
    System.out.println(s);
    out.append(s).append('\n');
  }

  static int env(String name, int def) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? def : Integer.parseInt(v.trim());
  }
}
