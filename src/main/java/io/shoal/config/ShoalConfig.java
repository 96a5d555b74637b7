package io.shoal.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Everything Shoal reads from its environment, parsed once into an immutable value.
 * Every variable has a documented default (see README, "Configuration"); a value that
 * is present but malformed fails start-up with a message that names the variable.
 */
public record ShoalConfig(
    String httpHost,
    int httpPort,
    int httpInstances,
    Path dataDir,
    Optional<String> pgUrl,
    int embeddedPgPort,
    int pgPoolSize,
    int pgEvaluatorPoolSize,
    Optional<String> adminKey,
    long bodyLimitBytes,
    int evaluatorPartitions,
    WebhookConfig webhooks,
    MetricsConfig metrics,
    DeliveryConfig delivery,
    CampaignConfig campaigns,
    AutomationConfig automations,
    PrivacyConfig privacy,
    AudienceConfig audiences,
    Optional<KafkaConfig> kafka,
    int startTimeoutSeconds,
    long customerCacheBytes,
    long ingestMaxBacklog,
    int embeddedPgSharedBuffersMb,
    int embeddedPgMaxWalSizeMb) {

  public static final String HTTP_HOST = "SHOAL_HTTP_HOST";
  public static final String HTTP_PORT = "SHOAL_HTTP_PORT";
  public static final String HTTP_INSTANCES = "SHOAL_HTTP_INSTANCES";
  public static final String DATA_DIR = "SHOAL_DATA_DIR";
  public static final String PG_URL = "SHOAL_PG_URL";
  public static final String EMBEDDED_PG_PORT = "SHOAL_EMBEDDED_PG_PORT";
  public static final String PG_POOL_SIZE = "SHOAL_PG_POOL_SIZE";
  /** Connections of the segment evaluators' own pool (their batches, scans and loads). */
  public static final String PG_EVALUATOR_POOL_SIZE = "SHOAL_PG_EVALUATOR_POOL_SIZE";
  public static final String ADMIN_KEY = "SHOAL_ADMIN_KEY";
  public static final String BODY_LIMIT = "SHOAL_BODY_LIMIT_BYTES";
  public static final String EVALUATOR_PARTITIONS = "SHOAL_EVALUATOR_PARTITIONS";
  /**
   * How long a start may take before the process gives up: migrations of a large database (a
   * table rewrite at a million customers takes minutes) and loading every customer into the
   * evaluators both count.
   */
  public static final String START_TIMEOUT = "SHOAL_START_TIMEOUT_SECONDS";
  /**
   * Bytes of encoded customers kept for GET by id (0: none); unset, {@link #customerCacheDefault}
   * of the JVM's maximum heap. Single node only: in Kafka mode the cache is off whatever this says
   * (another node's writes would not reach it).
   */
  public static final String CUSTOMER_CACHE_BYTES = "SHOAL_CUSTOMER_CACHE_BYTES";
  /**
   * Logged events the evaluators may have waiting before ingestion waits for them (0: never). In
   * Kafka mode the projection of the topic waits instead, and the events wait in the topic.
   */
  public static final String INGEST_MAX_BACKLOG = "SHOAL_INGEST_MAX_BACKLOG";
  /**
   * MB of the embedded PostgreSQL's own page cache ({@code shared_buffers}), 256 unless given.
   * Ignored with {@link #PG_URL} (an external server has its own setting). At a million customers
   * (~2.5 GB of tables and indexes) 4.5 GB measured no faster than 256 MB: the pages PostgreSQL
   * does not keep come from the kernel's cache (bench/README, issue 17 twenty-second pass).
   */
  public static final String EMBEDDED_PG_SHARED_BUFFERS_MB = "SHOAL_EMBEDDED_PG_SHARED_BUFFERS_MB";
  /**
   * MB of write-ahead log the embedded PostgreSQL writes between two checkpoints at most
   * ({@code max_wal_size}), 8,192 unless given: the disk its {@code pg_wal} may take under a steady
   * write load, and the log a crash recovery replays at most. PostgreSQL's own 1 GB made a
   * checkpoint every ~15-20 s under the evaluators' batches, each followed by a full image of every
   * page written again (bench/engine/README, issue 14 twenty-seventh pass, pgconf27). Ignored with
   * {@link #PG_URL}.
   */
  public static final String EMBEDDED_PG_MAX_WAL_SIZE_MB = "SHOAL_EMBEDDED_PG_MAX_WAL_SIZE_MB";

  public static ShoalConfig fromEnv() {
    return from(System::getenv);
  }

  public static ShoalConfig fromMap(Map<String, String> env) {
    return from(env::get);
  }

  public static ShoalConfig from(Function<String, String> env) {
    int cores = Runtime.getRuntime().availableProcessors();
    int partitions = integer(env, EVALUATOR_PARTITIONS, cores, 1, 256);
    Optional<KafkaConfig> kafka = KafkaConfig.from(env);
    // the partitions that may run here: in Kafka mode one node may own every partition of the topic
    int partitionsHere = kafka.map(KafkaConfig::partitions).orElse(partitions);
    return new ShoalConfig(
        string(env, HTTP_HOST).orElse("0.0.0.0"),
        integer(env, HTTP_PORT, 8080, 0, 65535),
        integer(env, HTTP_INSTANCES, cores, 1, 256),
        Path.of(string(env, DATA_DIR).orElse("./shoal-data")).toAbsolutePath().normalize(),
        string(env, PG_URL),
        integer(env, EMBEDDED_PG_PORT, 0, 0, 65535),
        integer(env, PG_POOL_SIZE, Math.max(8, cores * 4), 1, 1000),
        // a batch in flight per partition, and one per core for customer loads and start-up scans
        integer(env, PG_EVALUATOR_POOL_SIZE, partitionsHere + cores, 1, 1000),
        string(env, ADMIN_KEY),
        integer(env, BODY_LIMIT, 1_048_576, 1024, Integer.MAX_VALUE),
        partitions,
        WebhookConfig.from(env),
        MetricsConfig.from(env),
        DeliveryConfig.from(env),
        CampaignConfig.from(env),
        AutomationConfig.from(env),
        PrivacyConfig.from(env),
        AudienceConfig.from(env),
        kafka,
        integer(env, START_TIMEOUT, 1800, 10, 86_400),
        number(env, CUSTOMER_CACHE_BYTES, customerCacheDefault(Runtime.getRuntime().maxMemory()), 0, Long.MAX_VALUE),
        number(env, INGEST_MAX_BACKLOG, 20_000, 0, Long.MAX_VALUE),
        integer(env, EMBEDDED_PG_SHARED_BUFFERS_MB, 256, 16, 1 << 20),
        integer(env, EMBEDDED_PG_MAX_WAL_SIZE_MB, 8192, 64, 1 << 20));
  }

  /**
   * The cache of encoded customers when {@link #CUSTOMER_CACHE_BYTES} is unset: a quarter of the
   * maximum heap. A customer weighs about 1 KB there, so a heap of 4 GB or more (the JVM's default
   * on a machine of 16 GB) keeps about a million; the earlier fixed 64 MB kept 6.5 % of a million,
   * and gets drawn from all of them read PostgreSQL 93 % of the time (bench/README, issue 17
   * twentieth pass). The evaluators hold every customer too (~0.85 GB of heap at a million).
   */
  public static long customerCacheDefault(long maxHeapBytes) {
    return maxHeapBytes == Long.MAX_VALUE ? 64L << 20 : maxHeapBytes / 4; // MAX_VALUE: the JVM knows no limit
  }

  /** The same configuration with another HTTP port; tests and benchmarks start on port 0. */
  public ShoalConfig withHttpPort(int port) {
    return new ShoalConfig(httpHost, port, httpInstances, dataDir, pgUrl, embeddedPgPort,
        pgPoolSize, pgEvaluatorPoolSize, adminKey, bodyLimitBytes, evaluatorPartitions, webhooks, metrics, delivery,
        campaigns, automations, privacy, audiences, kafka, startTimeoutSeconds, customerCacheBytes,
        ingestMaxBacklog, embeddedPgSharedBuffersMb, embeddedPgMaxWalSizeMb);
  }

  private static Optional<String> string(Function<String, String> env, String name) {
    String v = env.apply(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  /** A whole number (up to a long) between {@code min} and {@code max}, or {@code def} when unset. */
  static long number(Function<String, String> env, String name, long def, long min, long max) {
    Optional<String> raw = string(env, name);
    if (raw.isEmpty()) {
      return def;
    }
    try {
      long v = Long.parseLong(raw.get());
      if (v < min || v > max) {
        throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + v);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + raw.get() + "'");
    }
  }

  static int integer(Function<String, String> env, String name, int def, int min, int max) {
    Optional<String> raw = string(env, name);
    if (raw.isEmpty()) {
      return def;
    }
    try {
      int v = Integer.parseInt(raw.get());
      if (v < min || v > max) {
        throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + v);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + raw.get() + "'");
    }
  }
}
