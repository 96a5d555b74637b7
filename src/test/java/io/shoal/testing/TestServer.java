package io.shoal.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.Shoal;
import io.shoal.config.ShoalConfig;
import io.shoal.kernel.Ids;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Shoal running in this JVM on a free port, for one test class: its own fresh database on
 * {@link TestDatabase}, its own temporary data directory and a known admin key. Clients talk to
 * it over real HTTP from a separate Vert.x instance, as a user's program would.
 *
 * <pre>
 *   static TestServer server;
 *   &#64;BeforeAll static void start() { server = TestServer.start(); }
 *   &#64;AfterAll  static void stop()  { server.close(); }
 * </pre>
 */
public final class TestServer implements AutoCloseable {

  /** Migrations and verticle start-up on a busy 2-core machine have been seen to take over 20 s. */
  static final long START_TIMEOUT_SECONDS = 120;

  private final Shoal shoal;
  private final Vertx clientVertx;
  private final WebClient web;
  private final String databaseUrl;
  private final Path ownedDataDir;

  private TestServer(Shoal shoal, String databaseUrl, Path ownedDataDir) {
    this.shoal = shoal;
    this.databaseUrl = databaseUrl;
    this.ownedDataDir = ownedDataDir;
    this.clientVertx = Vertx.vertx();
    this.web = WebClient.create(clientVertx, new WebClientOptions()
        .setDefaultHost("127.0.0.1")
        .setDefaultPort(shoal.httpPort())
        .setFollowRedirects(false)
        .setUserAgent("shoal-tests"), new PoolOptions().setHttp1MaxSize(16));
  }

  /** The server's SHOAL_DATA_DIR (for tests that look at its files, such as the outbox). */
  public Path dataDir() {
    return ownedDataDir;
  }

  /** Starts Shoal with the test defaults. */
  public static TestServer start() {
    return start(Map.of());
  }

  /** Starts Shoal with the test defaults, {@code env} overriding or adding variables. */
  public static TestServer start(Map<String, String> env) {
    String databaseUrl = TestDatabase.createDatabase();
    Path dataDir = tempDir();
    Map<String, String> all = new HashMap<>();
    all.put(ShoalConfig.HTTP_HOST, "127.0.0.1");
    all.put(ShoalConfig.HTTP_PORT, "0");
    all.put(ShoalConfig.DATA_DIR, dataDir.toString());
    all.put(ShoalConfig.PG_URL, databaseUrl);
    all.put(ShoalConfig.ADMIN_KEY, "wk_admin_test_" + Ids.random(24));
    all.put(ShoalConfig.HTTP_INSTANCES, "2"); // several event loops share the port, as in production
    all.put(ShoalConfig.PG_POOL_SIZE, "8");
    all.putAll(env);
    try {
      return new TestServer(ApiClient.await(Shoal.start(ShoalConfig.fromMap(all)), START_TIMEOUT_SECONDS), databaseUrl, dataDir);
    } catch (RuntimeException | AssertionError e) {
      TestDatabase.dropDatabase(databaseUrl);
      deleteRecursively(dataDir);
      throw e;
    }
  }

  /**
   * Starts Shoal with exactly this configuration; the caller owns its database and data
   * directory (for tests of the defaults and of restarts).
   */
  public static TestServer start(ShoalConfig config) {
    return new TestServer(ApiClient.await(Shoal.start(config), START_TIMEOUT_SECONDS), null, null);
  }

  public Shoal shoal() {
    return shoal;
  }

  public int port() {
    return shoal.httpPort();
  }

  public String adminKey() {
    return shoal.adminKey();
  }

  /** The URL of this server's own database, for set-up the API cannot do yet. */
  public String databaseUrl() {
    return databaseUrl;
  }

  /** The Vert.x instance the clients run on. */
  public Vertx clientVertx() {
    return clientVertx;
  }

  public ApiClient admin() {
    return new ApiClient(web, shoal.adminKey());
  }

  public ApiClient anonymous() {
    return new ApiClient(web, null);
  }

  public ApiClient withKey(String key) {
    return new ApiClient(web, key);
  }

  /** Creates a store through the API with the admin key. */
  public TestStore createStore(String name) {
    JsonObject store = admin().post("/v1/stores", new JsonObject().put("name", name)).expect(201);
    String key = store.getString("api_key");
    assertTrue(key != null && key.startsWith("wk_live_"), () -> "no live key in " + store.encode());
    return new TestStore(store.getString("id"), key, withKey(key));
  }

  /** Stops Shoal (and its embedded database, if it started one), then removes what it owns. */
  @Override
  public void close() {
    try {
      ApiClient.await(shoal.stop(), START_TIMEOUT_SECONDS);
    } finally {
      ApiClient.await(clientVertx.close());
      if (databaseUrl != null) {
        TestDatabase.dropDatabase(databaseUrl);
      }
      if (ownedDataDir != null) {
        deleteRecursively(ownedDataDir);
      }
    }
  }

  public static Path tempDir() {
    try {
      return Files.createTempDirectory("shoal-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary directory is not worth failing a test for
    }
  }
}
