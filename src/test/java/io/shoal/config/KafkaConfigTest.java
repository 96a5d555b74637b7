package io.shoal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class KafkaConfigTest {

  @Test
  void withoutBootstrapShoalRunsEmbedded() {
    assertEquals(Optional.empty(), ShoalConfig.fromMap(Map.of()).kafka());
    assertEquals(Optional.empty(), ShoalConfig.fromMap(Map.of(KafkaConfig.BOOTSTRAP, " ")).kafka());
  }

  @Test
  void defaults() {
    KafkaConfig k = ShoalConfig.fromMap(Map.of(KafkaConfig.BOOTSTRAP, "k1:9092,k2:9092")).kafka().orElseThrow();
    assertEquals("k1:9092,k2:9092", k.bootstrap());
    assertEquals("shoal.events", k.eventsTopic());
    assertEquals("shoal.notifications", k.notificationsTopic());
    assertEquals(12, k.partitions());
    assertEquals(OptionalInt.empty(), k.replicationFactor());
    assertEquals("PLAINTEXT", k.security());
    assertEquals(Map.of("bootstrap.servers", "k1:9092,k2:9092", "security.protocol", "PLAINTEXT"),
        k.clientProperties());
  }

  @Test
  void saslSslWithScramBuildsTheJaasLineAndNeverPrintsThePassword() {
    KafkaConfig k = KafkaConfig.from(Map.of(KafkaConfig.BOOTSTRAP, "broker.example:9093",
        KafkaConfig.SECURITY_PROTOCOL, "sasl_ssl", KafkaConfig.SASL_MECHANISM, "SCRAM-SHA-512",
        KafkaConfig.SASL_USERNAME, "shoal", KafkaConfig.SASL_PASSWORD, "s\"cret",
        KafkaConfig.TOPIC_PREFIX, "prod.shoal.", KafkaConfig.PARTITIONS, "48",
        KafkaConfig.REPLICATION_FACTOR, "3")::get).orElseThrow();
    Map<String, String> p = k.clientProperties();
    assertEquals("SASL_SSL", p.get("security.protocol"));
    assertEquals("SCRAM-SHA-512", p.get("sasl.mechanism"));
    assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"shoal\""
        + " password=\"s\\\"cret\";", p.get("sasl.jaas.config"));
    assertEquals("prod.shoal.events", k.eventsTopic());
    assertEquals(48, k.partitions());
    assertEquals(OptionalInt.of(3), k.replicationFactor());
    assertFalse(k.toString().contains("cret"), k.toString());
  }

  @Test
  void aTrustStoreIsPassedToTheClients(@TempDir Path dir) throws Exception {
    Path store = Files.writeString(dir.resolve("trust.p12"), "x");
    KafkaConfig k = KafkaConfig.from(Map.of(KafkaConfig.BOOTSTRAP, "b:9093", KafkaConfig.SECURITY_PROTOCOL, "SSL",
        KafkaConfig.TRUSTSTORE, store.toString(), KafkaConfig.TRUSTSTORE_PASSWORD, "pw")::get).orElseThrow();
    assertEquals(store.toString(), k.clientProperties().get("ssl.truststore.location"));
    assertEquals("PKCS12", k.clientProperties().get("ssl.truststore.type"));
    assertEquals("pw", k.clientProperties().get("ssl.truststore.password"));
  }

  @Test
  void malformedValuesNameTheVariable() {
    assertRefused(KafkaConfig.BOOTSTRAP, Map.of(KafkaConfig.BOOTSTRAP, "no-port"));
    assertRefused(KafkaConfig.BOOTSTRAP, Map.of(KafkaConfig.BOOTSTRAP, "a:1,,b:2"));
    assertRefused(KafkaConfig.PARTITIONS, Map.of(KafkaConfig.BOOTSTRAP, "a:1", KafkaConfig.PARTITIONS, "0"));
    assertRefused(KafkaConfig.PARTITIONS, Map.of(KafkaConfig.BOOTSTRAP, "a:1", KafkaConfig.PARTITIONS, "twelve"));
    assertRefused(KafkaConfig.REPLICATION_FACTOR, Map.of(KafkaConfig.BOOTSTRAP, "a:1",
        KafkaConfig.REPLICATION_FACTOR, "-1"));
    assertRefused(KafkaConfig.TOPIC_PREFIX, Map.of(KafkaConfig.BOOTSTRAP, "a:1", KafkaConfig.TOPIC_PREFIX, "a b"));
    assertRefused(KafkaConfig.SECURITY_PROTOCOL, Map.of(KafkaConfig.BOOTSTRAP, "a:1",
        KafkaConfig.SECURITY_PROTOCOL, "TLS"));
    assertRefused(KafkaConfig.SASL_MECHANISM, Map.of(KafkaConfig.BOOTSTRAP, "a:1",
        KafkaConfig.SECURITY_PROTOCOL, "SASL_SSL", KafkaConfig.SASL_MECHANISM, "GSSAPI",
        KafkaConfig.SASL_USERNAME, "u", KafkaConfig.SASL_PASSWORD, "p"));
    assertRefused(KafkaConfig.SASL_USERNAME, Map.of(KafkaConfig.BOOTSTRAP, "a:1",
        KafkaConfig.SECURITY_PROTOCOL, "SASL_SSL"));
    assertRefused(KafkaConfig.TRUSTSTORE, Map.of(KafkaConfig.BOOTSTRAP, "a:1", KafkaConfig.SECURITY_PROTOCOL, "SSL",
        KafkaConfig.TRUSTSTORE, "/no/such/file.p12"));
    assertRefused(KafkaConfig.TRUSTSTORE, Map.of(KafkaConfig.BOOTSTRAP, "a:1",
        KafkaConfig.TRUSTSTORE, "/no/such/file.p12"));
  }

  private static void assertRefused(String variable, Map<String, String> env) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KafkaConfig.from(new HashMap<>(env)::get));
    assertTrue(e.getMessage().contains(variable), e.getMessage());
  }
}
