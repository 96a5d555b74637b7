package io.shoal.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.ShoalConfig;
import io.shoal.db.Database;
import io.shoal.testing.Stall;
import io.shoal.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Background jobs on several nodes, each node a {@link LeasedVerticle} with its own pool on one
 * real PostgreSQL: the job runs on exactly one node, never on two at once, and moves to another
 * when its node stops (at once) or loses its database (after the lease expires).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeasedVerticleTest {

  private static final long TTL = 1_500;

  private String url;
  private Vertx vertx;
  private Database db;

  /** Where each job instance runs, and the most that ever ran at once. */
  private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
  private final AtomicInteger maxAtOnce = new AtomicInteger();

  @BeforeAll
  void open() throws Exception {
    url = TestDatabase.createDatabase();
    vertx = Vertx.vertx();
    Path dir = Files.createTempDirectory(Path.of("target"), "leases");
    db = Database.open(vertx, ShoalConfig.fromMap(Map.of(ShoalConfig.PG_URL, url,
        ShoalConfig.DATA_DIR, dir.toString()))).await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
    TestDatabase.dropDatabase(url);
  }

  /** A job that counts where it runs. */
  private final class Job extends VerticleBase {
    private final String job;
    private final String node;

    Job(String job, String node) {
      this.job = job;
      this.node = node;
    }

    @Override
    public Future<?> start() {
      int now = running.computeIfAbsent(job, k -> new AtomicInteger()).incrementAndGet();
      maxAtOnce.accumulateAndGet(now, Math::max);
      holders.put(job, node);
      return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
      running.get(job).decrementAndGet();
      holders.remove(job, node);
      return Future.succeededFuture();
    }
  }

  private final Map<String, String> holders = new ConcurrentHashMap<>();

  private String node(String job, String node, Pool pool) throws Exception {
    return vertx.deployVerticle(new LeasedVerticle(new Leases(pool), job, node, TTL, () -> new Job(job, node)))
        .await(10, TimeUnit.SECONDS);
  }

  private Pool ownPool() {
    return PgBuilder.pool().connectingTo(db.connectOptions()).with(new PoolOptions().setMaxSize(2)).using(vertx).build();
  }

  private String awaitHolder(String job, java.util.function.Predicate<String> which, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      String h = holders.get(job);
      if (h != null && which.test(h)) {
        return h;
      }
      Thread.sleep(20);
    }
    throw new AssertionError(job + ": no holder matching within " + within + "; holders " + holders);
  }

  @Test
  void oneNodeRunsTheJobAndAStoppedNodeHandsItOverAtOnce() throws Exception {
    String job = "scheduler";
    String a = node(job, "node-a", db.pool());
    awaitHolder(job, "node-a"::equals, Duration.ofSeconds(5));
    String b = node(job, "node-b", db.pool());
    String c = node(job, "node-c", db.pool());
    Thread.sleep(TTL); // several renewal rounds with three nodes trying
    assertEquals(1, running.get(job).get(), "the job runs on one node");
    assertEquals("node-a", holders.get(job), "the first holder keeps it while it renews");

    long stopped = System.nanoTime();
    vertx.undeploy(a).await(10, TimeUnit.SECONDS);
    String next = awaitHolder(job, h -> !h.equals("node-a"), Duration.ofMillis(TTL));
    long tookMs = (System.nanoTime() - stopped) / 1_000_000;
    assertTrue(tookMs < TTL, "a released lease is taken at the next try, before it would expire: " + tookMs + " ms");
    assertTrue(List.of("node-b", "node-c").contains(next));
    Thread.sleep(TTL / 2);
    assertEquals(1, running.get(job).get());
    assertEquals(1, maxAtOnce.get(), "never two at once");

    List<Leases.Lease> leases = new Leases(db.pool()).all().await(5, TimeUnit.SECONDS);
    Leases.Lease lease = leases.stream().filter(l -> l.name().equals(job)).findFirst().orElseThrow();
    assertEquals(next, lease.holder());
    assertEquals(2, lease.epoch(), "one change of holder");
    assertTrue(lease.live());
    vertx.undeploy(b).await(10, TimeUnit.SECONDS);
    vertx.undeploy(c).await(10, TimeUnit.SECONDS);
    assertEquals(0, running.get(job).get(), "stopped everywhere");
  }

  @Test
  void aNodeCutOffFromTheDatabaseStopsTheJobBeforeAnotherTakesIt() throws Exception {
    String job = "dispatcher";
    Pool doomed = ownPool();
    node(job, "node-x", doomed);
    awaitHolder(job, "node-x"::equals, Duration.ofSeconds(5));
    String y = node(job, "node-y", db.pool());
    Thread.sleep(TTL / 2);
    assertEquals("node-x", holders.get(job));

    // node-x can no longer reach PostgreSQL: it cannot renew, and cannot release either
    long cut = System.nanoTime();
    doomed.close().await(5, TimeUnit.SECONDS);
    awaitHolder(job, "node-y"::equals, Duration.ofMillis(TTL * 3));
    long tookMs = (System.nanoTime() - cut) / 1_000_000;
    assertTrue(tookMs >= TTL / 2, "taken over only once the lease could have expired: " + tookMs + " ms");
    assertTrue(tookMs <= TTL + TTL / 6 + 1_000, "taken over within ttl plus a renewal period: " + tookMs + " ms");
    assertEquals(1, running.get(job).get(), "node-x stopped its job on its own");
    assertFalse(holders.containsValue("node-x"));
    assertEquals(1, maxAtOnce.get(), "never two at once");
    vertx.undeploy(y).await(10, TimeUnit.SECONDS);
  }

  /**
   * A -> B -> A: node-a stalls (its event loop blocked) past its lease, node-b takes the job and
   * stops, and node-a, back, takes the lease again: the job that ran on node-a before the stall
   * does not go on with what it held in memory, it is stopped and started again. (It went on:
   * one start on node-a.)
   */
  @Test
  void aNodeThatStalledWhileAnotherHeldTheJobStartsItAgainWhenItTakesItBack() throws Exception {
    String job = "automation";
    Map<String, AtomicInteger> starts = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> live = new ConcurrentHashMap<>();
    Vertx nodeA = Stall.node();
    Pool poolA = PgBuilder.pool().connectingTo(db.connectOptions()).with(new PoolOptions().setMaxSize(2)).using(nodeA)
        .build();
    Stall stall = null;
    try {
      nodeA.deployVerticle(new LeasedVerticle(new Leases(poolA), job, "node-a", TTL,
          () -> new Counted(starts, live, "node-a"))).await(10, TimeUnit.SECONDS);
      awaitCount(live, "node-a", 1);

      stall = Stall.of(nodeA);
      String b = vertx.deployVerticle(new LeasedVerticle(new Leases(db.pool()), job, "node-b", TTL,
          () -> new Counted(starts, live, "node-b"))).await(10, TimeUnit.SECONDS);
      awaitCount(live, "node-b", 1); // once node-a's lease expired
      vertx.undeploy(b).await(10, TimeUnit.SECONDS); // releases it
      assertEquals(0, live.get("node-b").get());

      stall.close();
      awaitCount(starts, "node-a", 2);
      awaitCount(live, "node-a", 1);
      Leases.Lease lease = new Leases(db.pool()).all().await(5, TimeUnit.SECONDS).stream()
          .filter(l -> l.name().equals(job)).findFirst().orElseThrow();
      assertEquals("node-a", lease.holder());
      assertEquals(3, lease.epoch(), "node-a, node-b, node-a");
    } finally {
      if (stall != null) {
        stall.close();
      }
      nodeA.close().await(30, TimeUnit.SECONDS);
    }
    assertEquals(0, live.get("node-a").get(), "stopped with its node");
  }

  /** A job that counts its starts and its instances running, per node. */
  private static final class Counted extends VerticleBase {
    private final Map<String, AtomicInteger> starts;
    private final Map<String, AtomicInteger> live;
    private final String node;

    Counted(Map<String, AtomicInteger> starts, Map<String, AtomicInteger> live, String node) {
      this.starts = starts;
      this.live = live;
      this.node = node;
    }

    @Override
    public Future<?> start() {
      starts.computeIfAbsent(node, k -> new AtomicInteger()).incrementAndGet();
      live.computeIfAbsent(node, k -> new AtomicInteger()).incrementAndGet();
      return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
      live.get(node).decrementAndGet();
      return Future.succeededFuture();
    }
  }

  private static void awaitCount(Map<String, AtomicInteger> counts, String node, int expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      AtomicInteger n = counts.get(node);
      if (n != null && n.get() == expected) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError(node + ": expected " + expected + ", counts " + counts);
  }
}
