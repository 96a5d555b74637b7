package io.shoal.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How /app is served: the pages and the WebJars' modules without a key, each with the right
 * type, under a Content-Security-Policy that allows only this server and the page's own import
 * map; and no page names another host (no CDN, no third-party font).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DashboardServingTest {

  private static final Path WEBROOT = Path.of("src/main/resources/webroot");
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void thePageAndItsLibrariesAreServedUnderAPolicyThatAllowsOnlyThisServer() throws Exception {
    ApiResponse page = server.anonymous().get("/app/");
    assertEquals(200, page.status(), page::text);
    assertTrue(page.header("Content-Type").startsWith("text/html"), page.header("Content-Type"));
    String csp = page.header("Content-Security-Policy");
    assertTrue(csp.contains("default-src 'self'") && csp.contains("connect-src 'self'"), csp);
    assertEquals("nosniff", page.header("X-Content-Type-Options"));

    // the inline import map, and only it, is allowed by its hash
    Matcher importMap = Pattern.compile("<script type=\"importmap\">(.*?)</script>", Pattern.DOTALL).matcher(page.text());
    assertTrue(importMap.find(), "no import map in the page");
    String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
        .digest(importMap.group(1).getBytes(StandardCharsets.UTF_8)));
    assertTrue(csp.contains("script-src 'self' 'sha256-" + hash + "'"), csp);

    for (String module : List.of("/app/vendor/preact/dist/preact.module.js", "/app/vendor/preact/hooks/dist/hooks.module.js",
        "/app/vendor/htm/dist/htm.module.js", "/app/vendor/uplot/dist/uPlot.esm.js", "/app/js/app.js")) {
      ApiResponse js = server.anonymous().get(module);
      assertEquals(200, js.status(), module);
      assertTrue(js.header("Content-Type").contains("javascript"), module + ": " + js.header("Content-Type"));
    }
    ApiResponse css = server.anonymous().get("/app/vendor/uplot/dist/uPlot.min.css");
    assertEquals(200, css.status());
    assertTrue(css.header("Content-Type").startsWith("text/css"), css.header("Content-Type"));
    assertEquals(404, server.anonymous().get("/app/vendor/preact/nope.js").status());
    ApiResponse bare = server.anonymous().get("/app");
    assertEquals(301, bare.status());
    assertEquals("/app/", bare.header("Location"));
  }

  @Test
  void noPageNamesAnotherHost() throws IOException {
    Pattern url = Pattern.compile("(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}", Pattern.CASE_INSENSITIVE);
    try (Stream<Path> files = Files.walk(WEBROOT)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Matcher m = url.matcher(Files.readString(f));
        assertTrue(!m.find(), () -> f + " names another host: " + m.group());
      }
    }
  }
}
