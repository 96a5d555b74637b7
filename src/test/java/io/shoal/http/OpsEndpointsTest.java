package io.shoal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.ApiClient;
import io.shoal.testing.ApiResponse;
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
          assertTrue(text.contains("shoal_evaluation_backlog_events "), "how far the segments are behind the acks");
          assertTrue(text.contains("shoal_customer_cache_gets_total{result=\"hit\"}")
              && text.contains("shoal_customer_cache_gets_total{result=\"miss\"}")
              && text.contains("shoal_customer_cache_size_bytes "), "whether the customer cache holds what gets ask for");
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

  /**
   * /docs is Swagger UI from its WebJar: the page loads only this server's assets (no CDN) and
   * the served contract, and the assets it names are really there.
   */
  @Test
  void theReferenceIsSwaggerUiServedFromThisServer(VertxTestContext test) {
    get("/docs").compose(page -> {
      test.verify(() -> {
        assertEquals(200, page.status());
        assertTrue(page.header("Content-Type").startsWith("text/html"), page.header("Content-Type"));
        String html = page.text();
        assertTrue(html.contains("SwaggerUIBundle("), "Swagger UI is started");
        assertTrue(html.contains("url: '/openapi.yaml'"), "it renders the served contract");
        assertTrue(html.contains("persistAuthorization: true"), "the bearer key typed in stays");
        java.util.regex.Matcher external = java.util.regex.Pattern.compile("(src|href)=\"(https?:)?//").matcher(html);
        assertTrue(!external.find(), () -> "the page loads something from elsewhere: " + html);
      });
      return Future.all(get("/docs/assets/swagger-ui-bundle.js"), get("/docs/assets/swagger-ui.css"),
          get("/docs/"), get("/docs/assets/"), get("/docs/assets/index.html"));
    }).onComplete(test.succeeding(all -> test.verify(() -> {
      ApiResponse js = all.resultAt(0);
      ApiResponse css = all.resultAt(1);
      assertEquals(200, js.status());
      assertTrue(js.header("Content-Type").contains("javascript"), js.header("Content-Type"));
      assertTrue(js.text().length() > 500_000, "the whole bundle");
      assertEquals(200, css.status());
      assertTrue(css.header("Content-Type").startsWith("text/css"), css.header("Content-Type"));
      ApiResponse slash = all.resultAt(2);
      assertEquals(200, slash.status());
      assertTrue(slash.text().contains("SwaggerUIBundle("), "/docs/ is the same page");
      assertEquals(404, ((ApiResponse) all.resultAt(3)).status(), "no directory listing");
      assertEquals(404, ((ApiResponse) all.resultAt(4)).status(), "not the pet store page of the WebJar");
      test.completeNow();
    })));
  }
}
