package io.shoal.engine.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Shoal as its own operating-system process ({@code io.shoal.Main}), as it runs in production,
 * so a test can SIGKILL it. It runs the packaged {@code target/shoal.jar} when that is at least
 * as new as the compiled classes, and otherwise the classes of this test JVM (under
 * {@code mvn verify} the tests run before packaging, so an older jar would test old code).
 * Its output goes to a log file; the port it listens on is read from there.
 */
public final class ShoalProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("Shoal listening on http://[^:]+:(\\d+)");

  private final Process process;
  private final Path log;
  private final int port;

  private ShoalProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts Shoal with these variables (every inherited {@code SHOAL_*} variable is dropped) and
   * waits until it listens. Output goes to {@code log}, appended, so restarts share one file.
   */
  /**
   * How long a child Shoal may take to listen. Generous on purpose: these tests prove what a
   * crash loses, not how fast a JVM starts, and a loaded CI machine starts one in minutes.
   */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(240);

  /** Starts a child Shoal and waits up to {@link #START_TIMEOUT} until it listens. */
  public static ShoalProcess start(Map<String, String> env, Path log) {
    return start(env, log, START_TIMEOUT);
  }

  public static ShoalProcess start(Map<String, String> env, Path log, Duration timeout) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-XX:+UseSerialGC");
    Path jar = Path.of("target", "shoal.jar");
    if (isFresh(jar)) {
      command.add("-jar");
      command.add(jar.toAbsolutePath().toString());
    } else {
      command.add("-cp");
      command.add(testClasspath());
      command.add("io.shoal.Main");
    }
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("SHOAL_"));
    pb.environment().putAll(env);
    long offset = size(log);
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + command, e);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String out = read(log, offset);
      Matcher m = LISTENING.matcher(out);
      if (m.find()) {
        return new ShoalProcess(process, log, Integer.parseInt(m.group(1)));
      }
      if (!process.isAlive()) {
        return fail("Shoal exited with " + process.exitValue() + " before listening:\n" + tail(out));
      }
      if (System.nanoTime() > deadline) {
        process.destroyForcibly();
        return fail("Shoal did not listen within " + timeout.toSeconds() + " s:\n" + tail(out));
      }
      Poll.sleep(50);
    }
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. Waits until the process is gone. */
  public void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    waitFor(Duration.ofSeconds(30));
  }

  /** SIGTERM: Shoal's graceful shutdown. Answers the exit code. */
  public int stop(Duration timeout) {
    process.destroy();
    return waitFor(timeout);
  }

  private int waitFor(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        fail("Shoal (pid " + process.pid() + ") did not exit within " + timeout.toSeconds() + " s");
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The log so far, for failure messages. */
  public String logTail() {
    return tail(read(log, 0));
  }

  /** Makes sure the process is gone (a test that failed half-way must not leave it running). */
  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  // --- how to run it ---------------------------------------------------------------------------

  /** The jar, if it exists and no compiled main class is newer than it. */
  static boolean isFresh(Path jar) {
    if (!Files.isRegularFile(jar)) {
      return false;
    }
    Path classes = Path.of("target", "classes");
    try (Stream<Path> files = Files.walk(classes)) {
      FileTime built = Files.getLastModifiedTime(jar);
      return files.filter(Files::isRegularFile).noneMatch(p -> modified(p).compareTo(built) > 0);
    } catch (IOException | UncheckedIOException e) {
      return false;
    }
  }

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The test JVM's classpath. Surefire may start the JVM from a manifest-only jar; it then
   * publishes the real classpath in {@code surefire.test.class.path}.
   */
  static String testClasspath() {
    String surefire = System.getProperty("surefire.test.class.path");
    String cp = surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    return String.join(File.pathSeparator, cp.split(File.pathSeparator));
  }

  private static long size(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static String read(Path file, long from) {
    try {
      if (!Files.exists(file)) {
        return "";
      }
      byte[] all = Files.readAllBytes(file);
      int start = (int) Math.min(from, all.length);
      return new String(all, start, all.length - start, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static String tail(String text) {
    return text.length() <= 6000 ? text : "..." + text.substring(text.length() - 6000);
  }
}
