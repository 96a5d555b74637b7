package io.shoal.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * A real Kafka broker for the tests: Apache Kafka 4.1 in KRaft mode (one process that is both
 * broker and controller), run as its own operating-system process from the jars Maven already
 * resolved for the tests ({@code org.apache.kafka:kafka_2.13}), so nothing is installed by hand
 * and a test can stop, kill and restart it like a real one. Its data directory survives a
 * restart; its client port stays the same, so clients reconnect by themselves.
 *
 * <pre>
 *   start(dir) --> StorageTool format (once) --> kafka.Kafka server.properties --> port open
 *   stop() / kill() --> restart() --> same data, same port
 * </pre>
 */
public final class KafkaBroker implements AutoCloseable {

  private final Path dir;
  private final int port;
  private final int controllerPort;
  private Process process;

  private KafkaBroker(Path dir, int port, int controllerPort) {
    this.dir = dir;
    this.port = port;
    this.controllerPort = controllerPort;
  }

  /** Formats a new broker under {@code dir} and starts it. */
  public static KafkaBroker start(Path dir) {
    try {
      Files.createDirectories(dir);
      KafkaBroker broker = new KafkaBroker(dir, freePort(), freePort());
      broker.writeConfig();
      broker.format();
      broker.restart();
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new temporary directory for a broker's data. */
  public static Path tempDir() {
    try {
      return Files.createTempDirectory("shoal-kafka");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code host:port} for {@code bootstrap.servers}. */
  public String bootstrap() {
    return "127.0.0.1:" + port;
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Starts the broker again on its data and port (after {@link #stop} or {@link #kill}). */
  public void restart() {
    if (isRunning()) {
      throw new IllegalStateException("the broker is running");
    }
    process = java("kafka.Kafka", dir.resolve("server.properties").toString());
    waitUntilListening(Duration.ofSeconds(60));
  }

  /** SIGTERM: a clean shutdown, waited for. */
  public void stop() {
    if (isRunning()) {
      process.destroy();
      waitFor(process, Duration.ofSeconds(60));
    }
  }

  /** SIGKILL: nothing is flushed. */
  public void kill() {
    if (isRunning()) {
      process.destroyForcibly();
      waitFor(process, Duration.ofSeconds(30));
    }
  }

  /** Kills the broker and deletes its data. */
  @Override
  public void close() {
    kill();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // a temporary directory: best effort
    }
  }

  /** The broker's own log, for failure messages. */
  public String logTail() {
    try {
      String all = Files.readString(dir.resolve("broker.log"), StandardCharsets.UTF_8);
      return all.length() <= 6000 ? all : "..." + all.substring(all.length() - 6000);
    } catch (IOException e) {
      return "(no broker log: " + e.getMessage() + ")";
    }
  }

  // --- how it runs -----------------------------------------------------------------------------

  private void writeConfig() throws IOException {
    String config = String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "inter.broker.listener.name=PLAINTEXT",
        "log.dirs=" + dir.resolve("data"),
        "num.partitions=1",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=4",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "auto.create.topics.enable=false",
        // small machine: few threads, small buffers
        "num.network.threads=2",
        "num.io.threads=2",
        "log.flush.interval.messages=9223372036854775807",
        "");
    Files.writeString(dir.resolve("server.properties"), config, StandardCharsets.UTF_8);
  }

  private void format() {
    Process format = java("kafka.tools.StorageTool", "format", "--standalone",
        "-t", Uuid.randomUuid().toString(), "-c", dir.resolve("server.properties").toString());
    int exit = waitFor(format, Duration.ofSeconds(120));
    if (exit != 0) {
      throw new IllegalStateException("kafka storage format failed (" + exit + "):\n" + logTail());
    }
  }

  private Process java(String mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx384m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(classpath());
    command.add(mainClass);
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile()));
    try {
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + mainClass, e);
    }
  }

  private void waitUntilListening(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the Kafka broker exited with " + process.exitValue() + ":\n" + logTail());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        sleep(100);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException("the Kafka broker did not listen within " + timeout.toSeconds() + " s:\n"
        + logTail());
  }

  private static int waitFor(Process p, Duration timeout) {
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The test JVM's classpath (surefire publishes it when it starts from a manifest-only jar). */
  private static String classpath() {
    String surefire = System.getProperty("surefire.test.class.path");
    String cp = surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    return String.join(File.pathSeparator, cp.split(File.pathSeparator));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
