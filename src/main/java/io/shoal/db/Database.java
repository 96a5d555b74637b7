package io.shoal.db;

import io.shoal.config.ShoalConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store of record: either an external PostgreSQL named by {@code SHOAL_PG_URL}, or a
 * real PostgreSQL that Shoal starts itself with its data under {@code SHOAL_DATA_DIR/pg}.
 * Migrations run once, over JDBC, before any verticle is deployed; everything at run time
 * goes through the reactive {@link #pool()}.
 */
public final class Database {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  /** Sessions of the relaxed pool commit without waiting for the WAL flush. */
  private static final int RELAXED_POOL_SIZE = 4;

  /** A request waits at most this long for a connection (then 503, see {@link DatabaseUnavailable}). */
  private static final int CONNECTION_WAIT_SECONDS = 10;
  /** How long starting PostgreSQL and migrating it may take before Vert.x calls the thread blocked. */
  private static final long STARTUP_MAX_MINUTES = 60;

  /**
   * The evaluators' work waits this long for one of their connections. Nobody is answered 503 from
   * that pool, and giving up helps no one: 1,000 segments created at once queue 1,000 reads per
   * partition behind backfill batches that hold connections for seconds, and each read that gave
   * up after 10 s failed its partition's sync (sent again later, SegmentEngine.syncUntilDone); a
   * start-up read that gave up failed the start (seen at 30,000 customers x 1,000 segments on a
   * loaded machine).
   */
  private static final int EVALUATOR_CONNECTION_WAIT_SECONDS = 300;
  /**
   * The longest statement the evaluators' connections keep prepared (the client's default is 2,048
   * characters). The evaluator's state statement is ~3,400: under the default it was parsed and
   * planned at every batch, ~1.7 ms of PostgreSQL's time a call (bench/README.md, eighteenth pass,
   * create18). Only this pool: its statements are fixed arrays-in, rows-out writes, planned alike for
   * a live batch's few customers (a large batch asks for plans of its own:
   * {@code EvaluationStore.persist}); the API's longer statements (listings, searches) keep being
   * planned for their values.
   */
  public static final int EVALUATOR_STATEMENT_CACHE_LIMIT = 8_192;

  /**
   * The embedded server's longest time between two checkpoints: under load {@code max_wal_size}
   * ({@code SHOAL_EMBEDDED_PG_MAX_WAL_SIZE_MB}) comes first; a quiet server's crash recovery replays at
   * most this long's little log.
   */
  static final String CHECKPOINT_TIMEOUT = "30min";

  private final Pool pool;
  private final Pool relaxedPool;
  private final Pool evaluatorPool;
  private final Pool exportPool;
  private final EmbeddedPostgres embedded;
  private final PgConnectOptions connectOptions;

  private Database(Pool pool, Pool relaxedPool, Pool evaluatorPool, Pool exportPool, EmbeddedPostgres embedded,
                   PgConnectOptions connectOptions) {
    this.pool = pool;
    this.relaxedPool = relaxedPool;
    this.evaluatorPool = evaluatorPool;
    this.exportPool = exportPool;
    this.embedded = embedded;
    this.connectOptions = connectOptions;
  }

  /** Every write that answers a client or announces something: commits are durable (flushed). */
  public Pool pool() {
    return pool;
  }

  /**
   * For bookkeeping whose loss in a crash only repeats work that is safe to repeat, such as
   * the webhook dispatcher's claims and outcomes (a lost "succeeded" means the event is sent
   * again, with the same id, which receivers dedupe). Its sessions use
   * {@code synchronous_commit = off}: a commit does not wait for its own WAL flush, so the
   * dispatcher's many small commits stop queueing behind the fsyncs of the event log's. Never
   * use it for a write a client is told about, or for recording notifications: a committed
   * but unflushed row is visible at once, and could be sent and then lost.
   */
  public Pool relaxedPool() {
    return relaxedPool;
  }

  /**
   * The segment evaluators' own connections ({@code SHOAL_PG_EVALUATOR_POOL_SIZE}): their
   * batches, start-up scans and customer loads. A backfill's batch is one transaction per
   * partition, and at a million customers it lasts a minute; on {@link #pool()} it held a
   * connection that requests then waited for, until they timed out and answered 503. Here a
   * partition's batch holds one of these, and the API's connections stay free for the API.
   */
  public Pool evaluatorPool() {
    return evaluatorPool;
  }

  /**
   * The segment exports' own connections ({@code SHOAL_EXPORT_CONNECTIONS}): a running export
   * reads page after page for minutes at a million members, up to three statements at a time;
   * on {@link #pool()} a few exports at once could hold every connection the API's requests wait for.
   */
  public Pool exportPool() {
    return exportPool;
  }

  public PgConnectOptions connectOptions() {
    return connectOptions;
  }

  /**
   * Starts (or connects to) PostgreSQL and migrates it; blocking steps run on a worker. An embedded
   * server stops by itself when the JVM exits (its library's shutdown hook).
   */
  public static Future<Database> open(Vertx vertx, ShoalConfig config) {
    return open(vertx, config, true);
  }

  /**
   * As {@link #open(Vertx, ShoalConfig)}; with {@code embeddedStopsWithJvm} false the embedded server
   * has no shutdown hook of its own and the caller stops it ({@link #stopEmbeddedBlocking()}) when it
   * is done with it. JVM shutdown hooks run side by side, so a hook of its own stops PostgreSQL
   * while a graceful stop in another hook still writes to it.
   */
  public static Future<Database> open(Vertx vertx, ShoalConfig config, boolean embeddedStopsWithJvm) {
    // Its own worker, allowed an hour: an upgrade's migration may rewrite every row (V74 takes ~3 min at
    // 1M customers), which on a shared worker printed a blocked-thread stack trace every second.
    WorkerExecutor startup = vertx.createSharedWorkerExecutor("shoal-startup", 1, STARTUP_MAX_MINUTES, TimeUnit.MINUTES);
    return startup.executeBlocking(() -> startAndMigrateBlocking(config, embeddedStopsWithJvm), false)
        .andThen(done -> startup.close())
        .map(started -> {
          Pool pool = pool(vertx, started.options, "shoal-pg", config.pgPoolSize(), CONNECTION_WAIT_SECONDS);
          Pool relaxed = PgBuilder.pool()
              .with(new PoolOptions().setMaxSize(RELAXED_POOL_SIZE).setName("shoal-pg-relaxed"))
              .connectingTo(new PgConnectOptions(started.options).addProperty("synchronous_commit", "off"))
              .using(vertx)
              .build();
          Pool evaluators = pool(vertx,
              new PgConnectOptions(started.options).setPreparedStatementCacheSqlLimit(EVALUATOR_STATEMENT_CACHE_LIMIT),
              "shoal-pg-evaluator", config.pgEvaluatorPoolSize(), EVALUATOR_CONNECTION_WAIT_SECONDS);
          Pool exports = pool(vertx, started.options, "shoal-pg-export", config.audiences().exportConnections(),
              CONNECTION_WAIT_SECONDS);
          return new Database(pool, relaxed, evaluators, exports, started.embedded, started.options);
        });
  }

  /**
   * A pool whose callers wait at most {@code waitSeconds} for a connection: a database that is
   * away is answered 503 (DatabaseUnavailable), never a request left hanging.
   */
  private static Pool pool(Vertx vertx, PgConnectOptions options, String name, int size, int waitSeconds) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setName(name)
            .setConnectionTimeout(waitSeconds).setConnectionTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS))
        .connectingTo(options)
        .using(vertx)
        .build();
  }

  /** Closes the pools; the embedded server, if any, is stopped by {@link #stopEmbeddedBlocking()}. */
  public Future<Void> closePool() {
    return Future.all(pool.close(), relaxedPool.close(), evaluatorPool.close(), exportPool.close()).mapEmpty();
  }

  /** Closes the embedded server without a Vert.x context (used after Vert.x is closed); once only, however often called. */
  public void stopEmbeddedBlocking() {
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException e) {
        LOG.warn("Embedded PostgreSQL did not stop cleanly", e);
      }
    }
  }

  private record Started(PgConnectOptions options, EmbeddedPostgres embedded) {}

  private static Started startAndMigrateBlocking(ShoalConfig config, boolean embeddedStopsWithJvm)
      throws IOException {
    EmbeddedPostgres embedded = null;
    PgConnectOptions options;
    if (config.pgUrl().isPresent()) {
      options = parseUrl(config.pgUrl().get());
      LOG.info("Using PostgreSQL at {}:{}/{}", options.getHost(), options.getPort(), options.getDatabase());
    } else {
      Path pgDir = config.dataDir().resolve("pg");
      Files.createDirectories(pgDir);
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setDataDirectory(pgDir)
          .setCleanDataDirectory(false)
          .setRegisterShutdownHook(embeddedStopsWithJvm)
          // The library's defaults suit throwaway test databases (-F = fsync off, and
          // synchronous_commit off); Shoal's promise is "202 only once durable", so both go
          // back on. "-c fsync=on" comes after "-F" on the command line and wins.
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("full_page_writes", "on")
          .setServerConfig("max_connections", "300")
          .setServerConfig("shared_buffers", config.embeddedPgSharedBuffersMb() + "MB")
          // Checkpoints by the log's size, rarely by time: after each, the first write of every page
          // logs the whole page again. At PostgreSQL's 1 GB and 5 min they came every ~15-20 s under the
          // evaluators' batches (bench/engine/README, issue 14 twenty-seventh pass, pgconf27).
          .setServerConfig("max_wal_size", config.embeddedPgMaxWalSizeMb() + "MB")
          .setServerConfig("checkpoint_timeout", CHECKPOINT_TIMEOUT);
      if (config.embeddedPgPort() > 0) {
        builder.setPort(config.embeddedPgPort());
      }
      StalePostgres.stopIfRunning(pgDir);
      embedded = builder.start();
      options = new PgConnectOptions()
          .setHost("localhost")
          .setPort(embedded.getPort())
          .setDatabase("postgres")
          .setUser("postgres")
          .setPassword("postgres");
      LOG.info("Started embedded PostgreSQL on port {} with data in {}", embedded.getPort(), pgDir);
    }
    options.setCachePreparedStatements(true).setPipeliningLimit(256);
    migrateBlocking(options);
    return new Started(options, embedded);
  }

  private static void migrateBlocking(PgConnectOptions o) {
    String jdbc = "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
    var result = Flyway.configure()
        .dataSource(jdbc, o.getUser(), o.getPassword())
        .locations("classpath:db/migration")
        // Version numbers are handed out per piece of work, and pieces land in any order: a
        // database that already ran V17 still takes a V15 that lands later.
        .outOfOrder(true)
        .load()
        .migrate();
    LOG.info("Database schema at version {} ({} migrations applied now)",
        result.targetSchemaVersion, result.migrationsExecuted);
  }

  /** Parses {@code postgresql://user:pass@host:port/db}; a malformed value names the variable. */
  public static PgConnectOptions parseUrl(String url) {
    try {
      URI uri = URI.create(url.replaceFirst("^jdbc:", ""));
      if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
        throw new IllegalArgumentException("scheme must be postgresql://");
      }
      if (uri.getHost() == null && uri.getRawAuthority() != null) {
        // URI falls back to an unparsed authority when host or port is malformed (host:54x2).
        String hostAndPort = uri.getRawAuthority().substring(uri.getRawAuthority().lastIndexOf('@') + 1);
        throw new IllegalArgumentException("host or port is malformed: '" + hostAndPort + "'");
      }
      PgConnectOptions o = new PgConnectOptions()
          .setHost(uri.getHost() == null ? "localhost" : uri.getHost())
          .setPort(uri.getPort() < 0 ? 5432 : uri.getPort())
          .setDatabase(uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1));
      String userInfo = uri.getRawUserInfo();
      if (userInfo != null) {
        int colon = userInfo.indexOf(':');
        o.setUser(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
        if (colon >= 0) {
          o.setPassword(decode(userInfo.substring(colon + 1)));
        }
      }
      return o;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(ShoalConfig.PG_URL
          + " must look like postgresql://user:pass@host:port/db (" + e.getMessage() + ")", e);
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
