package io.shoal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ShoalConfigTest {

  @Test
  void defaults() {
    int cores = Runtime.getRuntime().availableProcessors();
    ShoalConfig c = ShoalConfig.fromMap(Map.of());
    assertEquals("0.0.0.0", c.httpHost());
    assertEquals(8080, c.httpPort());
    assertEquals(cores, c.httpInstances());
    assertEquals(Path.of("shoal-data").toAbsolutePath().normalize(), c.dataDir());
    assertEquals(Optional.empty(), c.pgUrl());
    assertEquals(0, c.embeddedPgPort());
    assertEquals(Math.max(8, cores * 4), c.pgPoolSize());
    assertEquals(2 * cores, c.pgEvaluatorPoolSize(), "a batch per evaluator partition (one per core) and one per core");
    assertEquals(Optional.empty(), c.adminKey());
    assertEquals(1_048_576, c.bodyLimitBytes());
    assertEquals(1800, c.startTimeoutSeconds());
  }

  @Test
  void blankValuesMeanTheDefault() {
    ShoalConfig c = ShoalConfig.fromMap(Map.of(ShoalConfig.HTTP_PORT, "  ", ShoalConfig.ADMIN_KEY, "",
        ShoalConfig.PG_URL, " "));
    assertEquals(8080, c.httpPort());
    assertEquals(Optional.empty(), c.adminKey());
    assertEquals(Optional.empty(), c.pgUrl());
  }

  @Test
  void givenValuesAreUsedTrimmed() {
    ShoalConfig c = ShoalConfig.fromMap(Map.of(
        ShoalConfig.HTTP_HOST, "127.0.0.1",
        ShoalConfig.HTTP_PORT, " 0 ",
        ShoalConfig.HTTP_INSTANCES, "3",
        ShoalConfig.DATA_DIR, "/var/lib/shoal/../shoal",
        ShoalConfig.PG_URL, "postgresql://u:p@db:5432/shoal",
        ShoalConfig.EMBEDDED_PG_PORT, "15432",
        ShoalConfig.PG_POOL_SIZE, "20",
        ShoalConfig.ADMIN_KEY, " wk_admin_secret ",
        ShoalConfig.BODY_LIMIT, "4096",
        ShoalConfig.START_TIMEOUT, "600"));
    assertEquals("127.0.0.1", c.httpHost());
    assertEquals(0, c.httpPort());
    assertEquals(3, c.httpInstances());
    assertEquals(Path.of("/var/lib/shoal"), c.dataDir());
    assertEquals(Optional.of("postgresql://u:p@db:5432/shoal"), c.pgUrl());
    assertEquals(15432, c.embeddedPgPort());
    assertEquals(20, c.pgPoolSize());
    assertEquals(Optional.of("wk_admin_secret"), c.adminKey());
    assertEquals(4096, c.bodyLimitBytes());
    assertEquals(600, c.startTimeoutSeconds());
    ShoalConfig moved = c.withHttpPort(9000);
    assertEquals(9000, moved.httpPort());
    assertEquals(c, moved.withHttpPort(0), "withHttpPort changes the port and nothing else");
  }

  @Test
  void theEmbeddedPageCacheIs256MbUnlessGiven() {
    assertEquals(256, ShoalConfig.fromMap(Map.of()).embeddedPgSharedBuffersMb());
    assertEquals(4608, ShoalConfig.fromMap(Map.of(ShoalConfig.EMBEDDED_PG_SHARED_BUFFERS_MB, "4608"))
        .embeddedPgSharedBuffersMb());
    IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class,
        () -> ShoalConfig.fromMap(Map.of(ShoalConfig.EMBEDDED_PG_SHARED_BUFFERS_MB, "8")));
    assertTrue(tooSmall.getMessage().contains(ShoalConfig.EMBEDDED_PG_SHARED_BUFFERS_MB), tooSmall.getMessage());
    IllegalArgumentException withUnit = assertThrows(IllegalArgumentException.class,
        () -> ShoalConfig.fromMap(Map.of(ShoalConfig.EMBEDDED_PG_SHARED_BUFFERS_MB, "2GB")));
    assertTrue(withUnit.getMessage().contains("2GB"), withUnit.getMessage());
  }

  @Test
  void theEmbeddedServersLogBetweenCheckpointsIs8GbUnlessGiven() {
    assertEquals(8192, ShoalConfig.fromMap(Map.of()).embeddedPgMaxWalSizeMb());
    assertEquals(2048, ShoalConfig.fromMap(Map.of(ShoalConfig.EMBEDDED_PG_MAX_WAL_SIZE_MB, "2048")).embeddedPgMaxWalSizeMb());
    IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class,
        () -> ShoalConfig.fromMap(Map.of(ShoalConfig.EMBEDDED_PG_MAX_WAL_SIZE_MB, "32")));
    assertTrue(tooSmall.getMessage().contains(ShoalConfig.EMBEDDED_PG_MAX_WAL_SIZE_MB), tooSmall.getMessage());
  }

  @Test
  void theEvaluatorsPoolFollowsThePartitionsUnlessGiven() {
    int cores = Runtime.getRuntime().availableProcessors();
    assertEquals(3 + cores, ShoalConfig.fromMap(Map.of(ShoalConfig.EVALUATOR_PARTITIONS, "3")).pgEvaluatorPoolSize());
    assertEquals(12 + cores, ShoalConfig.fromMap(Map.of(KafkaConfig.BOOTSTRAP, "localhost:9092"))
        .pgEvaluatorPoolSize(), "Kafka mode: one node may own every partition of the topic (12 by default)");
    assertEquals(5, ShoalConfig.fromMap(Map.of(ShoalConfig.EVALUATOR_PARTITIONS, "3",
        ShoalConfig.PG_EVALUATOR_POOL_SIZE, "5")).pgEvaluatorPoolSize());
  }

  @Test
  void theCustomerCacheFollowsTheHeapUnlessGiven() {
    assertEquals(Runtime.getRuntime().maxMemory() / 4, ShoalConfig.fromMap(Map.of()).customerCacheBytes(),
        "unset: a quarter of this JVM's maximum heap");
    assertEquals(1_583_349_760L, ShoalConfig.customerCacheDefault(6_333_399_040L),
        "the JVM's default heap on the bench's 23 GB machine: 1.5 GB, a million customers of ~1 KB");
    assertEquals(128L << 20, ShoalConfig.customerCacheDefault(512L << 20), "a 512 MB heap keeps 128 MB");
    assertEquals(64L << 20, ShoalConfig.customerCacheDefault(Long.MAX_VALUE), "no heap limit known: 64 MB");
    assertEquals(1L << 30, ShoalConfig.fromMap(Map.of(ShoalConfig.CUSTOMER_CACHE_BYTES, "1073741824"))
        .customerCacheBytes());
    assertEquals(0, ShoalConfig.fromMap(Map.of(ShoalConfig.CUSTOMER_CACHE_BYTES, "0")).customerCacheBytes(), "0: off");
  }

  @Test
  void aBadPortFailsNamingTheVariable() {
    for (String bad : new String[] {"http", "80.5", "-1", "65536", "99999999999"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ShoalConfig.fromMap(Map.of(ShoalConfig.HTTP_PORT, bad)), bad);
      assertTrue(e.getMessage().contains("SHOAL_HTTP_PORT"), e.getMessage());
      assertTrue(e.getMessage().contains(bad.trim()), e.getMessage());
    }
  }

  @Test
  void everyNumberIsCheckedAndNamed() {
    Map<String, String> bad = Map.of(
        ShoalConfig.HTTP_INSTANCES, "0",
        ShoalConfig.EMBEDDED_PG_PORT, "port",
        ShoalConfig.PG_POOL_SIZE, "0",
        ShoalConfig.PG_EVALUATOR_POOL_SIZE, "0",
        ShoalConfig.BODY_LIMIT, "10",
        ShoalConfig.START_TIMEOUT, "5");
    bad.forEach((name, value) -> {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ShoalConfig.fromMap(Map.of(name, value)), name);
      assertTrue(e.getMessage().contains(name), e.getMessage());
    });
  }
}
