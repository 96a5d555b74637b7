package io.shoal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.ApiClient;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.OpenApiContract;
import io.shoal.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Health, metrics and the published contract: what operators and API users read without a key. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OpsEndpointsTest {

  private static TestServer server;
  private static ApiClient anyone;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    anyone = server.anonymous();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Future<ApiResponse> get(String path) {
    return anyone.send(HttpMethod.GET, path, null, null, null);
  }

  @Test
  void liveness(VertxTestContext test) {
    get("/health/live").onComplete(test.succeeding(r -> test.verify(() -> {
      assertEquals(new JsonObject().put("status", "UP"), r.expect(200));
      test.completeNow();
    })));
  }

  @Test
  void readinessReportsTheDatabaseUp(VertxTestContext test) {
    get("/health/ready").onComplete(test.succeeding(r -> test.verify(() -> {
      JsonObject health = r.expect(200);
      assertEquals("UP", health.getString("status"), r::text);
      JsonObject database = health.getJsonArray("checks").stream().map(JsonObject.class::cast)
          .filter(c -> "database".equals(c.getString("id"))).findFirst().orElseThrow();
      assertEquals("UP", database.getString("status"), r::text);
      test.completeNow();
    })));
  }

  @Test
  void metricsArePrometheusTextIncludingHttpTraffic(VertxTestContext test) {
    get("/health/live")
        .compose(warmUp -> get("/metrics"))
        .onComplete(test.succeeding(r -> test.verify(() -> {
          assertEquals(200, r.status());
          assertTrue(r.header("Content-Type").startsWith("text/plain"), r.header("Content-Type"));
          String text = r.text();
          assertTrue(text.contains("# TYPE "), "Prometheus exposition format");
          assertTrue(text.contains("vertx_http_server_requests_total"), "HTTP server metrics");
          assertTrue(text.contains("vertx_pool_") || text.contains("vertx_sql_"), "database pool metrics");
          test.completeNow();
        })));
  }

  @Test
  void theContractIsServedAsIs(VertxTestContext test) throws Exception {
    String onDisk = Files.readString(Path.of("openapi/shoal.yaml"));
    get("/openapi.yaml").onComplete(test.succeeding(r -> test.verify(() -> {
      assertEquals(200, r.status());
      assertTrue(r.header("Content-Type").contains("yaml"), r.header("Content-Type"));
      assertEquals(onDisk, r.text());
      test.completeNow();
    })));
  }

  @Test
  void theReferencePageListsEveryOperation(VertxTestContext test) {
    OpenApiContract contract = OpenApiContract.load();
    get("/docs").onComplete(test.succeeding(r -> test.verify(() -> {
      assertEquals(200, r.status());
      assertTrue(r.header("Content-Type").startsWith("text/html"), r.header("Content-Type"));
      String html = r.text();
      assertTrue(html.startsWith("<!doctype html>"), "an HTML page");
      assertTrue(contract.operations().size() >= 14);
      contract.operations().forEach(op -> {
        String path = contract.basePath() + op.path();
        assertTrue(html.contains(op.method().toUpperCase() + "</code> " + path),
            () -> "no " + op.method() + " " + path + " in /docs");
        assertTrue(html.contains("id=\"" + op.operationId() + "\""), () -> "no section for " + op.operationId());
      });
      test.completeNow();
    })));
  }
}
