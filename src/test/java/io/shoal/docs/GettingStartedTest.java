package io.shoal.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.ShoalConfig;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * docs/getting-started.md cannot rot: its {@code sh} blocks run here, in order, in one bash,
 * against a real Shoal that generated its own admin key (as {@code java -jar} does). Only step
 * 1 (build and start) is done by the test itself; the addresses move to free ports.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class GettingStartedTest {

  private static final Path GUIDE = Path.of("docs/getting-started.md");

  @Test
  void theGuideRunsFromAnEmptyServerToAVerifiedWebhook() throws Exception {
    List<String> blocks = shellBlocks(Files.readString(GUIDE));
    assertTrue(blocks.size() >= 9, "the guide's steps: " + blocks.size());
    assertTrue(blocks.get(0).contains("java -XX:MaxTenuringThreshold=1 -XX:+UseTransparentHugePages -jar target/shoal.jar"),
        "step 1 builds and starts Shoal as the README does");

    Path dataDir = TestServer.tempDir();
    String databaseUrl = TestDatabase.createDatabase();
    try (TestServer server = TestServer.start(ShoalConfig.fromMap(Map.of(
        ShoalConfig.HTTP_HOST, "127.0.0.1", ShoalConfig.HTTP_PORT, "0", ShoalConfig.HTTP_INSTANCES, "2",
        ShoalConfig.DATA_DIR, dataDir.toString(), ShoalConfig.PG_URL, databaseUrl)))) {
      int receiverPort = freePort();
      String script = "set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n"
          + String.join("\n", blocks.subList(1, blocks.size()))
              .replace("localhost:8080", "127.0.0.1:" + server.port())
              .replace("127.0.0.1:9000", "127.0.0.1:" + receiverPort)
              .replace("(\"127.0.0.1\", 9000)", "(\"127.0.0.1\", " + receiverPort + ")")
              .replace("shoal-data/", dataDir + "/");
      Path workDir = Files.createTempDirectory(dataDir, "guide-");
      Path log = workDir.resolve("guide.log");
      Process bash = new ProcessBuilder("bash", "-c", script).directory(workDir.toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      boolean finished = bash.waitFor(180, TimeUnit.SECONDS);
      if (!finished) {
        bash.descendants().forEach(ProcessHandle::destroyForcibly);
        bash.destroyForcibly();
      }
      String output = Files.readString(log);
      assertTrue(finished, () -> "the guide did not finish in 180 s:\n" + output);
      assertEquals(0, bash.exitValue(), () -> "the guide failed:\n" + output);
      assertTrue(output.contains("\"sarah.chen@example.com\""), () -> "step 8 lists Sarah as a member:\n" + output);
      assertTrue(output.contains("customer.segment.entered"), () -> "step 9 shows the webhook:\n" + output);
      assertTrue(output.trim().endsWith("signature OK"), () -> "step 10 verifies the signature:\n" + output);
    } finally {
      TestDatabase.dropDatabase(databaseUrl);
    }
  }

  static List<String> shellBlocks(String markdown) {
    List<String> blocks = new ArrayList<>();
    Matcher m = Pattern.compile("(?ms)^```sh\\n(.*?)^```").matcher(markdown);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
