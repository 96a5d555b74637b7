package io.shoal;

import static io.shoal.testing.ApiClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.ShoalConfig;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Starting Shoal in-process, as tests, benchmarks and Main do. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShoalStartTest {

  @Test
  void severalHttpInstancesShareOneFreePort() {
    try (TestServer server = TestServer.start(Map.of(ShoalConfig.HTTP_INSTANCES, "4"))) {
      assertTrue(server.port() > 0);
      List<Future<ApiResponse>> calls = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        calls.add(server.anonymous().send(HttpMethod.GET, "/health/ready", null, null, null));
      }
      calls.forEach(call -> assertEquals(200, await(call).status()));
    }
  }

  @Test
  void aStartWithAnUnreachableDatabaseFailsInsteadOfHanging(@TempDir Path dataDir) throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    ShoalConfig config = ShoalConfig.fromMap(Map.of(
        ShoalConfig.HTTP_HOST, "127.0.0.1",
        ShoalConfig.HTTP_PORT, "0",
        ShoalConfig.DATA_DIR, dataDir.toString(),
        ShoalConfig.PG_URL, "postgresql://postgres:postgres@127.0.0.1:" + closedPort + "/postgres",
        ShoalConfig.ADMIN_KEY, "wk_admin_unused"));

    ExecutionException e = assertThrows(ExecutionException.class,
        () -> Shoal.start(config).toCompletionStage().toCompletableFuture().get(45, TimeUnit.SECONDS));
    assertTrue(String.valueOf(e.getCause()).contains(String.valueOf(closedPort))
            || String.valueOf(e.getCause().getCause()).toLowerCase().contains("connect"),
        () -> "the failure says what was unreachable: " + e.getCause());
  }

  @Test
  void aStopEndsEvenWhenClosingVertxNeverDoes() {
    TestServer server = TestServer.start();
    // a verticle whose stop never ends, outside Shoal's own: closing Vert.x waits for it forever
    await(server.shoal().vertx().deployVerticle(new io.vertx.core.VerticleBase() {
      @Override
      public Future<?> stop() {
        return io.vertx.core.Promise.promise().future();
      }
    }));
    long started = System.nanoTime();
    server.close();
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    assertTrue(seconds >= Shoal.CLOSE_STEP_SECONDS - 1 && seconds < Shoal.CLOSE_STEP_SECONDS + 20,
        "the stop waited for the closing step's limit and went on: " + seconds + " s");
  }
}
