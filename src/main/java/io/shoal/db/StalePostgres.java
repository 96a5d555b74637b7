package io.shoal.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL of a Shoal that was killed (SIGKILL, OOM, power to a container) keeps
 * running: it is a daemon of its own. It still holds the data directory, so the next start could
 * not start one there and gave up after 10 s. Before starting, this finds that server by the pid
 * in the directory's {@code postmaster.pid}, makes sure it is a postgres serving exactly this
 * directory (a pid can be reused by another process), and stops it with a fast shutdown
 * (SIGINT: open transactions roll back, everything committed is kept), waiting for it to exit.
 * Only that process is ever signalled.
 */
final class StalePostgres {

  private static final Logger LOG = LoggerFactory.getLogger(StalePostgres.class);
  private static final Duration FAST_SHUTDOWN = Duration.ofSeconds(60);
  private static final Duration IMMEDIATE_SHUTDOWN = Duration.ofSeconds(30);

  private StalePostgres() {}

  static void stopIfRunning(Path dataDir) throws IOException {
    Optional<ProcessHandle> stale = find(dataDir);
    if (stale.isEmpty()) {
      return;
    }
    ProcessHandle server = stale.get();
    LOG.warn("An embedded PostgreSQL (pid {}) of a previous Shoal still serves {}; stopping it (fast shutdown)",
        server.pid(), dataDir);
    if (signal(server, "INT") && waitForExit(server, FAST_SHUTDOWN)) {
      LOG.info("The previous embedded PostgreSQL (pid {}) stopped", server.pid());
      return;
    }
    // SIGQUIT: immediate shutdown, as after a crash; PostgreSQL recovers from its WAL on start
    LOG.warn("PostgreSQL pid {} did not stop within {} s; immediate shutdown", server.pid(), FAST_SHUTDOWN.toSeconds());
    if (signal(server, "QUIT") && waitForExit(server, IMMEDIATE_SHUTDOWN)) {
      return;
    }
    throw new IOException("the PostgreSQL of a previous Shoal (pid " + server.pid() + ") still runs on " + dataDir
        + " and does not stop; stop it, then start Shoal again");
  }

  /** The live postmaster serving {@code dataDir}, if any, as its pid file and command line say. */
  static Optional<ProcessHandle> find(Path dataDir) {
    Path pidFile = dataDir.resolve("postmaster.pid");
    long pid;
    try {
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      if (lines.isEmpty()) {
        return Optional.empty();
      }
      pid = Long.parseLong(lines.get(0).trim());
    } catch (IOException | NumberFormatException e) {
      return Optional.empty(); // no pid file (a clean stop), or one PostgreSQL itself will judge stale
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (process.isEmpty() || !servesDirectory(pid, dataDir)) {
      return Optional.empty();
    }
    return process;
  }

  /** True if the process's command line is a postgres with {@code -D dataDir}. */
  private static boolean servesDirectory(long pid, Path dataDir) {
    List<String> args;
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      args = List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
    } catch (IOException e) {
      // no /proc (macOS): the process handle's own view of the command line
      Optional<String[]> a = ProcessHandle.of(pid).flatMap(h -> h.info().arguments());
      Optional<String> command = ProcessHandle.of(pid).flatMap(h -> h.info().command());
      if (a.isEmpty() || command.isEmpty()) {
        return false;
      }
      args = new java.util.ArrayList<>(List.of(command.get()));
      args.addAll(List.of(a.get()));
    }
    if (args.isEmpty() || !Path.of(args.get(0)).getFileName().toString().equals("postgres")) {
      return false;
    }
    String wanted = dataDir.toAbsolutePath().normalize().toString();
    for (int i = 1; i + 1 < args.size(); i++) {
      if (args.get(i).equals("-D") && Path.of(args.get(i + 1)).toAbsolutePath().normalize().toString().equals(wanted)) {
        return true;
      }
    }
    return false;
  }

  private static boolean signal(ProcessHandle process, String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0;
    } catch (IOException e) {
      LOG.warn("Could not signal pid {}", process.pid(), e);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean waitForExit(ProcessHandle process, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (process.isAlive() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return !process.isAlive();
  }
}
