package io.shoal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.dashboard.Browser;
import io.shoal.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code /docs} as a developer sees it, in a real (headless) Chromium: Swagger UI from the WebJar
 * renders every operation of the contract (those added by later issues included), with its
 * Markdown rendered and its examples shown, and reports no error reading the contract; a call is
 * tried out from the page with a bearer key typed into it.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ApiReferenceBrowserTest {

  private static TestServer server;
  private static Browser browser;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    browser = Browser.start();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void everyOperationOfTheContractIsRenderedWithItsExamples() throws Exception {
    Set<String> contract = operationIds();
    browser.open("http://127.0.0.1:" + server.port() + "/docs");
    JavascriptExecutor js = (JavascriptExecutor) browser.driver();
    // each operation is a div.opblock with id "operations-<tag>-<operationId>"
    Set<String> rendered = browser.await("all " + contract.size() + " operations to render", d -> {
      @SuppressWarnings("unchecked")
      List<String> ids = (List<String>) js.executeScript(
          "return Array.from(document.querySelectorAll('.opblock')).map(e => e.id)");
      Set<String> ops = new TreeSet<>();
      for (String id : ids) {
        ops.add(id.substring(id.indexOf('-', "operations-".length()) + 1));
      }
      return ops.size() >= contract.size() ? ops : null;
    });
    System.out.printf("api reference: %d of %d operations rendered by Swagger UI%n",
        rendered.stream().filter(contract::contains).count(), contract.size());
    assertEquals(contract, rendered, "the operations /docs shows");
    assertTrue(browser.driver().findElements(By.cssSelector(".errors-wrapper")).isEmpty(),
        () -> "Swagger UI reports errors reading the contract: "
            + browser.driver().findElement(By.cssSelector(".errors-wrapper")).getText());

    // one operation added late (issue 22), opened: Markdown rendered, request and answer examples shown
    browser.click(By.cssSelector("[id$='-validateCoupon'] .opblock-summary"));
    WebElement op = browser.awaitVisible(By.cssSelector("[id$='-validateCoupon'] .opblock-body"));
    browser.await("the examples of validateCoupon to show", d -> op.getText().contains("sku-1001")
        && op.getText().contains("coupon_validation") ? true : null);
    assertTrue(!op.findElements(By.cssSelector(".opblock-description-wrapper code")).isEmpty(),
        "the description's `code` is rendered as code, not as backticks");
    assertTrue(!op.getText().contains("`"), "no raw Markdown in the opened operation");
    browser.assertNoConsoleErrors("/docs");
  }

  @Test
  void aCallIsTriedOutWithTheBearerKeyTypedInThePage() {
    browser.open("http://127.0.0.1:" + server.port() + "/docs");
    browser.click(By.cssSelector(".auth-wrapper .authorize"));
    browser.type(By.cssSelector(".auth-container input"), server.adminKey());
    browser.click(By.cssSelector(".auth-btn-wrapper .modal-btn.authorize"));
    browser.click(By.cssSelector(".auth-btn-wrapper .btn-done"));

    browser.click(By.cssSelector("[id$='-listStores'] .opblock-summary"));
    browser.awaitVisible(By.cssSelector("[id$='-listStores'] .opblock-body"));
    browser.click(By.cssSelector("[id$='-listStores'] .try-out__btn"));
    browser.click(By.cssSelector("[id$='-listStores'] .execute"));
    String status = browser.await("the live answer of listStores", d -> d.findElements(
            By.cssSelector("[id$='-listStores'] .live-responses-table .response-col_status")).stream()
        .map(e -> e.getText().trim()).filter(t -> t.matches("\\d{3}.*")).findFirst().orElse(null));
    assertEquals("200", status, "GET /v1/stores tried out from the page with the admin key");
    String body = browser.driver().findElement(By.cssSelector("[id$='-listStores'] .live-responses-table")).getText();
    assertTrue(body.contains("\"object\": \"list\""), body);
    browser.assertNoConsoleErrors("/docs, tried out");
  }

  @SuppressWarnings("unchecked")
  private static Set<String> operationIds() throws Exception {
    Map<String, Object> raw = new Yaml(new SafeConstructor(new LoaderOptions()))
        .load(Files.readString(Path.of(ApiVerticle.CONTRACT)));
    JsonObject paths = new JsonObject(raw).getJsonObject("paths");
    Set<String> ids = new TreeSet<>();
    List<String> methods = new ArrayList<>(List.of("get", "post", "put", "patch", "delete"));
    for (String path : paths.fieldNames()) {
      for (String method : methods) {
        JsonObject op = paths.getJsonObject(path).getJsonObject(method);
        if (op != null) {
          ids.add(op.getString("operationId"));
        }
      }
    }
    assertTrue(ids.size() > 100, "the contract's operations were read: " + ids.size());
    return ids;
  }
}
