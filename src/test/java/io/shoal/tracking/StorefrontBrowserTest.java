package io.shoal.tracking;

import static io.shoal.engine.support.StoreDriver.cond;
import static io.shoal.engine.support.StoreDriver.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.dashboard.Browser;
import io.shoal.engine.support.Poll;
import io.shoal.engine.support.StoreDriver;
import io.shoal.testing.ApiClient;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/**
 * The snippet in a real browser (Debian's headless Chromium, the dashboard tests' setup): a
 * storefront on its own loopback origin includes {@code /js/shoal.js} from Shoal's origin with a
 * publishable key whose store requires consent. A shopper accepts, browses three pages, adds to
 * cart, signs in and leaves; Shoal then holds every one of those events on the known customer,
 * the anonymous history merged into her, and she has entered a segment built on them. The same
 * page served from another origin is refused and leaves nothing behind.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StorefrontBrowserTest {

  private static final Duration WAIT = Duration.ofSeconds(45);

  private static TestServer server;
  private static TestStore store;
  private static StoreDriver shop;
  private static HttpServer storefront;
  private static Browser browser;
  private static String key;
  private static String dana;
  private static String warmLeads;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    store = server.createStore("Test Outfitters");
    shop = new StoreDriver(store);
    storefront = ApiClient.await(server.clientVertx().createHttpServer()
        .requestHandler(req -> req.response().putHeader("Content-Type", "text/html; charset=utf-8")
            .end(page(req.path(), req.getHeader("Host"))))
        .listen(0, "127.0.0.1"));
    // the storefront's origin is http://127.0.0.1:<port>; http://localhost:<port> is another origin
    key = Storefront.createKey(store, new JsonObject().put("name", "storefront").put("allowed_origins",
        new JsonArray().add(shopOrigin()))).getString("key");
    dana = store.createCustomer(new JsonObject().put("email", "dana@example.com").put("first_name", "Dana"))
        .getString("id");
    warmLeads = shop.dynamicSegment("Warm leads", rules(cond("cart.value", "gte", 100),
        new JsonObject().put("performed", new JsonObject().put("event", "product.viewed").put("within_days", 1)
            .put("at_least", 2))));
    browser = Browser.start();
  }

  @AfterAll
  static void stop() {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (storefront != null) {
        ApiClient.await(storefront.close());
      }
      server.close();
    }
  }

  private static String shopOrigin() {
    return "http://127.0.0.1:" + storefront.actualPort();
  }

  /** A storefront page: the snippet from Shoal's origin, links, a consent button, add to cart, sign in. */
  private static String page(String path, String host) {
    String product = path.startsWith("/products/") ? path.substring("/products/".length()) : null;
    String title = product == null ? "Home" : product.substring(0, 1).toUpperCase() + product.substring(1);
    String shoal = "http://127.0.0.1:" + server.port();
    return "<!doctype html><html><head><meta charset=utf-8><title>" + title + " - Test Outfitters</title>"
        + "<script src=\"" + shoal + "/js/shoal.js\" data-key=\"" + key + "\"></script></head><body>"
        + "<h1 id=title>" + title + "</h1>"
        + "<nav><a id=home href=\"/\">Home</a> <a id=tent href=\"/products/tent\">Tent</a>"
        + " <a id=stove href=\"/products/stove\">Stove</a></nav>"
        + "<button id=accept onclick=\"shoal.consent(true)\">Accept tracking</button>"
        + "<button id=add onclick=\"shoal.track('cart.updated', {cart_id: 'c-1', total: 150.00, items:"
        + " [{product_id: 'stove', quantity: 1, price: 150.00}]}); document.getElementById('added').textContent = 'added'\">"
        + "Add to cart</button><span id=added></span>"
        + "<form id=signin onsubmit=\"shoal.identify({email: this.email.value}); document.getElementById('hello')"
        + ".textContent = 'signed in'; return false\"><input id=email name=email><button id=sign-in>Sign in</button></form>"
        + "<span id=hello></span>"
        + (product == null ? "" : "<script>shoal.track('product.viewed', {product_id: '" + product + "'})</script>")
        + "</body></html>";
  }

  private static Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser.driver()).executeScript(script, args);
  }

  private static List<String> eventTypes(String customerId) {
    return store.api().get(store.customer(customerId) + "/activity?limit=100").page().stream()
        .map(e -> e.getString("event_type")).filter(t -> t != null).sorted().toList();
  }

  private static long anonymousProfiles() {
    return store.api().get(store.path("/customers?limit=100")).page().stream()
        .filter(c -> c.getString("email") == null && c.getString("external_id") == null).count();
  }

  @Test
  @Order(1)
  void aShopperBrowsesAddsToCartSignsInAndLeavesAndShoalHasItAll() {
    browser.open(shopOrigin() + "/");
    browser.awaitVisible(By.id("accept"));
    assertEquals("1.0.0", js("return window.shoal && window.shoal.version"));
    // consent required by the store and not given: nothing is kept, not even an anonymous id
    browser.await("the store's consent setting to arrive", d -> js("return window.shoal.pending() === 0"
        + " && localStorage.getItem('shoal_aid') === null && localStorage.getItem('shoal_q') === null"));
    assertEquals(0, anonymousProfiles());

    browser.click(By.id("accept"));
    String anonymousId = browser.await("an anonymous id", d -> (String) js("return localStorage.getItem('shoal_aid')"));
    assertTrue(anonymousId.matches("[0-9a-f]{32}"), anonymousId);
    browser.click(By.id("tent"));
    browser.awaitVisible(By.id("title"));
    browser.click(By.id("stove"));
    browser.awaitVisible(By.id("title"));
    assertEquals("Stove", browser.driver().findElement(By.id("title")).getText());
    browser.click(By.id("add"));
    browser.await("added", d -> "added".equals(d.findElement(By.id("added")).getText()) ? true : null);
    // before identifying: the visitor is an anonymous profile holding the events so far
    Poll.until("the anonymous profile", WAIT, StorefrontBrowserTest::anonymousProfiles, n -> n == 1);
    assertTrue(!shop.members(warmLeads).contains(dana));

    browser.driver().findElement(By.id("email")).sendKeys("dana@example.com");
    browser.click(By.id("sign-in"));
    browser.await("signed in", d -> "signed in".equals(d.findElement(By.id("hello")).getText()) ? true : null);
    // one more thing, then the shopper leaves at once: the page's last event goes with the beacon
    js("shoal.track('search', {query: 'last-second search'})");
    browser.open("about:blank");

    List<String> expected = List.of("cart.updated", "customer.updated", "page.viewed", "page.viewed", "page.viewed",
        "product.viewed", "product.viewed", "search");
    Poll.until("every event on Dana", WAIT, () -> eventTypes(dana), expected::equals);
    List<JsonObject> activity = store.api().get(store.customer(dana) + "/activity?limit=100").page();
    Map<String, Long> merges = activity.stream().filter(a -> "merge".equals(a.getString("type")))
        .collect(Collectors.groupingBy(a -> a.getString("reason"), Collectors.counting()));
    assertEquals(Map.of("identify", 1L), merges, "the anonymous history merged once");
    assertEquals(0, anonymousProfiles(), "no anonymous profile left behind");
    assertEquals(List.of("/", "/products/tent", "/products/stove"), activity.stream()
        .filter(a -> "page.viewed".equals(a.getString("event_type"))).map(a -> a.getString("url"))
        .map(u -> u.substring(shopOrigin().length())).sorted((a, b) -> a.length() - b.length()).toList());

    // Dana entered "Warm leads" on those events
    Poll.until("Dana in Warm leads", WAIT, () -> shop.members(warmLeads), m -> m.contains(dana));
    List<JsonObject> transitions = shop.transitions(warmLeads, dana);
    assertEquals(1, transitions.size(), transitions::toString);
    assertEquals("customer.segment.entered", transitions.get(0).getString("type"));
    Poll.until("Dana's cart from the storefront", WAIT, () -> store.api().get(store.customer(dana)).expect(200)
        .getJsonObject("cart"), cart -> cart != null
        && new java.math.BigDecimal(String.valueOf(cart.getValue("value"))).compareTo(new java.math.BigDecimal("150")) == 0);
  }

  @Test
  @Order(2)
  void theSamePageFromAnotherOriginIsRefused() {
    long before = store.api().get(store.path("/customers?limit=100")).page().size();
    String foreign = "http://localhost:" + storefront.actualPort();
    browser.open(foreign + "/products/tent");
    browser.awaitVisible(By.id("accept"));
    browser.click(By.id("accept"));
    // the browser itself refuses: Shoal answers the preflight and the POST without CORS headers
    Object answer = ((JavascriptExecutor) browser.driver()).executeAsyncScript(
        "var done = arguments[arguments.length - 1];"
            + "fetch(arguments[0], {method: 'POST', headers: {'Content-Type': 'application/json'},"
            + " body: JSON.stringify({anonymous_id: 'foreign-visitor-1', consent: true, events: [{id: 'e1',"
            + " type: 'page.viewed', data: {}}]})}).then(function (r) { done('read ' + r.status); },"
            + " function (e) { done('refused: ' + e.name); });",
        "http://127.0.0.1:" + server.port() + "/v1/browser/events?key=" + key);
    assertEquals("refused: TypeError", answer);
    // the snippet keeps its events (it cannot deliver them) and Shoal holds nothing from this origin
    browser.await("the snippet to try", d -> ((Number) js("return window.shoal.pending()")).longValue() > 0 ? true : null);
    Poll.until("a few seconds without a new profile", Duration.ofSeconds(10),
        () -> store.api().get(store.path("/customers?limit=100")).page().size(), n -> n == before);
    Poll.sleepUntil(java.time.Instant.now().plusSeconds(3));
    assertEquals(before, store.api().get(store.path("/customers?limit=100")).page().size());
    assertTrue(((Number) js("return window.shoal.pending()")).longValue() > 0);
  }
}
