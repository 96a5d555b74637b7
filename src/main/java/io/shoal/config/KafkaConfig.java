package io.shoal.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Kafka mode: set when {@code SHOAL_KAFKA_BOOTSTRAP} is; without it Shoal runs its embedded
 * single-node log. Read from {@code SHOAL_KAFKA_*} variables (see README, "Configuration");
 * a malformed value fails start-up with a message that names the variable.
 *
 * @param bootstrap          {@code host:port[,host:port...]} of the brokers
 * @param topicPrefix        prefix of every topic Shoal uses ({@code <prefix>events}, {@code <prefix>notifications})
 * @param partitions         partitions of the events topic when Shoal creates it
 * @param replicationFactor  replication of the topics Shoal creates; empty: the broker's default
 * @param security           {@code PLAINTEXT}, {@code SSL}, {@code SASL_PLAINTEXT} or {@code SASL_SSL}
 * @param saslMechanism      {@code PLAIN}, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512} (SASL only)
 * @param saslUsername       the SASL user (SASL only)
 * @param saslPassword       the SASL password (SASL only)
 * @param trustStore         a trust store for the brokers' TLS certificates (SSL only; else the JVM's)
 * @param trustStorePassword its password
 * @param trustStoreType     {@code JKS} or {@code PKCS12}
 * @param nodeId             this node's name among the Shoal nodes: the holder of its leases. A
 *                           node restarted under the same name takes its leases back at once;
 *                           two running nodes must never share one
 * @param leaseTtlMs         how long a background job's lease lasts unrenewed: the work of a node
 *                           that died is taken over after at most this (plus one renewal period)
 */
public record KafkaConfig(String bootstrap, String topicPrefix, int partitions, OptionalInt replicationFactor,
                          String security, Optional<String> saslMechanism, Optional<String> saslUsername,
                          Optional<String> saslPassword, Optional<Path> trustStore,
                          Optional<String> trustStorePassword, String trustStoreType, String nodeId,
                          long leaseTtlMs, Optional<String> nodeUrl) {

  public static final String BOOTSTRAP = "SHOAL_KAFKA_BOOTSTRAP";
  public static final String TOPIC_PREFIX = "SHOAL_KAFKA_TOPIC_PREFIX";
  public static final String PARTITIONS = "SHOAL_KAFKA_PARTITIONS";
  public static final String REPLICATION_FACTOR = "SHOAL_KAFKA_REPLICATION_FACTOR";
  public static final String SECURITY_PROTOCOL = "SHOAL_KAFKA_SECURITY_PROTOCOL";
  public static final String SASL_MECHANISM = "SHOAL_KAFKA_SASL_MECHANISM";
  public static final String SASL_USERNAME = "SHOAL_KAFKA_SASL_USERNAME";
  public static final String SASL_PASSWORD = "SHOAL_KAFKA_SASL_PASSWORD";
  public static final String TRUSTSTORE = "SHOAL_KAFKA_SSL_TRUSTSTORE";
  public static final String TRUSTSTORE_PASSWORD = "SHOAL_KAFKA_SSL_TRUSTSTORE_PASSWORD";
  public static final String TRUSTSTORE_TYPE = "SHOAL_KAFKA_SSL_TRUSTSTORE_TYPE";
  public static final String NODE_ID = "SHOAL_NODE_ID";
  public static final String LEASE_TTL_MS = "SHOAL_KAFKA_LEASE_TTL_MS";
  public static final String NODE_URL = "SHOAL_NODE_URL";

  private static final List<String> PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
  private static final List<String> MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");
  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9._\\-]+:\\d{1,5}|\\[[0-9A-Fa-f:]+]:\\d{1,5}");
  private static final Pattern TOPIC_CHARS = Pattern.compile("[A-Za-z0-9._\\-]*");
  private static final Pattern NODE_CHARS = Pattern.compile("[A-Za-z0-9._@\\-]{1,100}");

  /** Kafka mode's settings, or empty when {@code SHOAL_KAFKA_BOOTSTRAP} is unset (embedded mode). */
  public static Optional<KafkaConfig> from(Function<String, String> env) {
    Optional<String> bootstrap = string(env, BOOTSTRAP);
    if (bootstrap.isEmpty()) {
      return Optional.empty();
    }
    for (String server : bootstrap.get().split(",")) {
      if (!HOST_PORT.matcher(server.trim()).matches()) {
        throw new IllegalArgumentException(BOOTSTRAP + " must be host:port[,host:port...], got '"
            + bootstrap.get() + "'");
      }
    }
    String prefix = Optional.ofNullable(env.apply(TOPIC_PREFIX)).map(String::trim).orElse("shoal.");
    if (!TOPIC_CHARS.matcher(prefix).matches() || prefix.length() > 200) {
      throw new IllegalArgumentException(TOPIC_PREFIX + " may hold only letters, digits, '.', '_' and '-'"
          + " (at most 200), got '" + prefix + "'");
    }
    int partitions = (int) ShoalConfig.number(env, PARTITIONS, 12, 1, 10_000);
    OptionalInt replication = string(env, REPLICATION_FACTOR).isEmpty() ? OptionalInt.empty()
        : OptionalInt.of((int) ShoalConfig.number(env, REPLICATION_FACTOR, 1, 1, 32));
    String security = oneOf(env, SECURITY_PROTOCOL, PROTOCOLS, "PLAINTEXT");
    boolean sasl = security.startsWith("SASL_");
    Optional<String> mechanism = string(env, SASL_MECHANISM).map(m -> oneOf(env, SASL_MECHANISM, MECHANISMS, m));
    Optional<String> user = string(env, SASL_USERNAME);
    Optional<String> password = Optional.ofNullable(env.apply(SASL_PASSWORD)).filter(p -> !p.isEmpty());
    if (sasl) {
      if (user.isEmpty() || password.isEmpty()) {
        throw new IllegalArgumentException(SECURITY_PROTOCOL + "=" + security + " needs " + SASL_USERNAME
            + " and " + SASL_PASSWORD);
      }
    } else if (mechanism.isPresent() || user.isPresent()) {
      throw new IllegalArgumentException(SASL_MECHANISM + " and " + SASL_USERNAME + " need "
          + SECURITY_PROTOCOL + " SASL_SSL or SASL_PLAINTEXT, got " + security);
    }
    Optional<Path> trustStore = string(env, TRUSTSTORE).map(Path::of);
    if (trustStore.isPresent()) {
      if (!security.endsWith("SSL")) {
        throw new IllegalArgumentException(TRUSTSTORE + " needs " + SECURITY_PROTOCOL + " SSL or SASL_SSL, got "
            + security);
      }
      if (!Files.isReadable(trustStore.get())) {
        throw new IllegalArgumentException(TRUSTSTORE + " is not a readable file: " + trustStore.get());
      }
    }
    String storeType = oneOf(env, TRUSTSTORE_TYPE, List.of("JKS", "PKCS12"), "PKCS12");
    String nodeId = string(env, NODE_ID).orElseGet(KafkaConfig::defaultNodeId);
    if (!NODE_CHARS.matcher(nodeId).matches()) {
      throw new IllegalArgumentException(NODE_ID + " may hold only letters, digits, '.', '_', '@' and '-'"
          + " (1 to 100), got '" + nodeId + "'");
    }
    long leaseTtl = ShoalConfig.number(env, LEASE_TTL_MS, 20_000, 3_000, 300_000);
    Optional<String> nodeUrl = string(env, NODE_URL).map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
    if (nodeUrl.isPresent() && !nodeUrl.get().matches("https?://[^/\\s]+(/\\S*)?")) {
      throw new IllegalArgumentException(NODE_URL + " must be an http(s) URL where the other nodes reach this one,"
          + " got '" + nodeUrl.get() + "'");
    }
    return Optional.of(new KafkaConfig(bootstrap.get(), prefix, partitions, replication, security,
        sasl ? Optional.of(mechanism.orElse("PLAIN")) : Optional.empty(), user, password, trustStore,
        Optional.ofNullable(env.apply(TRUSTSTORE_PASSWORD)), storeType, nodeId, leaseTtl, nodeUrl));
  }

  /** The process's {@code pid@host}: unique among running nodes, new after a restart. */
  private static String defaultNodeId() {
    String name = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
    return NODE_CHARS.matcher(name).matches() ? name : "node-" + ProcessHandle.current().pid();
  }

  /**
   * Where the other nodes reach this one's API: {@code SHOAL_NODE_URL}, else the address the API
   * listens on ({@code SHOAL_HTTP_HOST}, or this host's address when that is every interface)
   * and its port.
   */
  public String nodeUrl(String httpHost, int port) {
    return nodeUrl.orElseGet(() -> {
      if (!httpHost.equals("0.0.0.0") && !httpHost.equals("::")) {
        return "http://" + (httpHost.contains(":") ? "[" + httpHost + "]" : httpHost) + ":" + port;
      }
      try {
        return "http://" + java.net.InetAddress.getLocalHost().getHostAddress() + ":" + port;
      } catch (java.net.UnknownHostException e) {
        return "http://127.0.0.1:" + port;
      }
    });
  }

  public String eventsTopic() {
    return topicPrefix + "events";
  }

  public String notificationsTopic() {
    return topicPrefix + "notifications";
  }

  /** The consumer group of the evaluators: one member per Shoal node. */
  public String evaluatorGroup() {
    return topicPrefix + "evaluators";
  }

  /** The client settings every producer, consumer and admin client of Shoal shares. */
  public Map<String, String> clientProperties() {
    Map<String, String> p = new HashMap<>();
    p.put("bootstrap.servers", bootstrap);
    p.put("security.protocol", security);
    saslMechanism.ifPresent(m -> {
      p.put("sasl.mechanism", m);
      String module = m.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
          : "org.apache.kafka.common.security.scram.ScramLoginModule";
      p.put("sasl.jaas.config", module + " required username=\"" + jaasEscape(saslUsername.orElseThrow())
          + "\" password=\"" + jaasEscape(saslPassword.orElseThrow()) + "\";");
    });
    trustStore.ifPresent(t -> {
      p.put("ssl.truststore.location", t.toString());
      p.put("ssl.truststore.type", trustStoreType);
      trustStorePassword.ifPresent(pw -> p.put("ssl.truststore.password", pw));
    });
    return p;
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "KafkaConfig[bootstrap=" + bootstrap + ", topicPrefix=" + topicPrefix + ", partitions=" + partitions
        + ", security=" + security + saslMechanism.map(m -> ", sasl=" + m).orElse("") + ", node=" + nodeId + "]";
  }

  private static String jaasEscape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static Optional<String> string(Function<String, String> env, String name) {
    String v = env.apply(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  private static String oneOf(Function<String, String> env, String name, List<String> allowed, String def) {
    String v = string(env, name).map(String::toUpperCase).orElse(def);
    if (!allowed.contains(v)) {
      throw new IllegalArgumentException(name + " must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
    }
    return v;
  }
}
