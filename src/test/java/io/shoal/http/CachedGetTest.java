package io.shoal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which requests {@link CachedGet} answers itself and which it leaves to the router (here a
 * handler answering 418), on a real HTTP server: only a plain GET of a kept answer by a verified
 * key of the path's store. CachedCustomerReadsTest checks the answers against the real router.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CachedGetTest {

  private static final String ADMIN = "the-admin-key";
  private static final String KEY_A = "wk_live_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  private static final String KEY_B = "wk_live_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  private static final String PATH = "/v1/stores/store_a/customers/cust_1";
  private static final String ANSWER = "{\"id\":\"cust_1\",\"object\":\"customer\"}";
  private static final int ROUTER = 418;

  private static Vertx vertx;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Map<String, Caller> verified = Map.of(KEY_A, new Caller("store_a", "key_a"), KEY_B, new Caller("store_b", "key_b"));
    Authentication authentication = new Authentication(ADMIN, new Authentication.KeyLookup() {
      @Override
      public Future<Caller> lookup(String presentedKey) {
        throw new AssertionError("not called before the router");
      }

      @Override
      public Caller cached(String presentedKey) {
        return verified.get(presentedKey);
      }
    });
    // customers of store_a whose id starts with cust_ are kept
    CachedGet get = new CachedGet("customers",
        (store, id) -> store.equals("store_a") && id.startsWith("cust_") ? Buffer.buffer(ANSWER) : null);
    HttpServer server = vertx.createHttpServer()
        .requestHandler(request -> {
          if (!get.answered(request, authentication)) {
            request.body().onComplete(ar -> request.response().setStatusCode(ROUTER).end());
          }
        })
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    port = server.actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private record Answer(int status, String contentType, String body) {}

  /**
   * One request on its own connection, written and read by hand: each request is judged alone, with nothing of a
   * client's connection pool in between (Vert.x's client with keep-alive off left one request in ~70 waiting for
   * a connection forever, on a quiet machine).
   */
  private static Answer send(HttpMethod method, String uri, String authorization, String body) throws Exception {
    StringBuilder request = new StringBuilder(method.name()).append(' ').append(uri).append(" HTTP/1.1\r\n")
        .append("Host: 127.0.0.1:").append(port).append("\r\nConnection: close\r\n");
    if (authorization != null) {
      request.append("Authorization: ").append(authorization).append("\r\n");
    }
    byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    if (body != null) {
      request.append("Content-Type: application/json\r\nContent-Length: ").append(content.length).append("\r\n");
    }
    request.append("\r\n");
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(content);
      out.flush();
      // the server closes the connection after its answer (Connection: close), so the answer is all there is
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int headEnd = answer.indexOf("\r\n\r\n");
      assertTrue(headEnd > 0, () -> "no complete answer: " + answer);
      String[] head = answer.substring(0, headEnd).split("\r\n");
      String contentType = null;
      for (int i = 1; i < head.length; i++) {
        int colon = head[i].indexOf(':');
        if (head[i].substring(0, colon).equalsIgnoreCase("Content-Type")) {
          contentType = head[i].substring(colon + 1).trim();
        }
      }
      return new Answer(Integer.parseInt(head[0].split(" ")[1]), contentType, answer.substring(headEnd + 4));
    }
  }

  private static int status(HttpMethod method, String uri, String authorization) throws Exception {
    return send(method, uri, authorization, null).status();
  }

  private static int get(String uri, String authorization) throws Exception {
    return status(HttpMethod.GET, uri, authorization);
  }

  @Test
  void aPlainGetOfAKeptAnswerByAKeyOfTheStoreIsAnswered() throws Exception {
    assertEquals(new Answer(200, "application/json", ANSWER), send(HttpMethod.GET, PATH, "Bearer " + KEY_A, null));
    // the header read as Authentication reads it
    assertEquals(200, get(PATH, "bearer   " + KEY_A + "  "));
    assertEquals(200, get(PATH.replace("cust_1", "cust_" + "x".repeat(95)), "Bearer " + KEY_A)); // 100 characters
    assertEquals(200, get("/v1/stores/store_a/customers/cust_-Az09", "Bearer " + KEY_A));
  }

  @Test
  void otherCallersGoToTheRouter() throws Exception {
    assertEquals(ROUTER, get(PATH, "Bearer " + KEY_B), "another store's key");
    assertEquals(ROUTER, get(PATH, "Bearer " + ADMIN), "the admin key");
    assertEquals(ROUTER, get(PATH, "Bearer wk_live_cccccccccccccccccccccccccccccccc"), "a key not verified yet");
    assertEquals(ROUTER, get(PATH, null), "no key");
    assertEquals(ROUTER, get(PATH, "Basic " + KEY_A));
    assertEquals(ROUTER, get(PATH, "Bearer "));
    assertEquals(ROUTER, get(PATH, KEY_A));
  }

  @Test
  void otherRequestsGoToTheRouter() throws Exception {
    String key = "Bearer " + KEY_A;
    assertEquals(ROUTER, get(PATH.replace("cust_1", "other_1"), key), "no kept answer");
    assertEquals(ROUTER, get(PATH.replace("store_a", "store_b"), "Bearer " + KEY_B), "no kept answer in that store");
    assertEquals(ROUTER, get(PATH + "?expand=cart", key), "a query");
    assertEquals(ROUTER, get(PATH + "?", key), "an empty query");
    assertEquals(ROUTER, get(PATH + "/", key));
    assertEquals(ROUTER, get(PATH + "/notes", key));
    assertEquals(ROUTER, get(PATH.replace("cust_1", "cust%5F1"), key), "percent-encoded");
    assertEquals(ROUTER, get(PATH.replace("cust_1", "cust.1"), key));
    assertEquals(ROUTER, get(PATH.replace("cust_1", "cust_" + "x".repeat(96)), key), "101 characters");
    assertEquals(ROUTER, get(PATH.replace("/stores/", "//stores/"), key));
    assertEquals(ROUTER, get(PATH.replace("/customers/", "/segments/"), key), "another collection");
    assertEquals(ROUTER, get(PATH.replace("/v1/", "/v2/"), key));
    assertEquals(ROUTER, get("/v1/stores//customers/cust_1", key));
    assertEquals(ROUTER, get("/v1/stores/store_a/customers/", key));
    for (HttpMethod method : new HttpMethod[] {HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PATCH, HttpMethod.DELETE,
        HttpMethod.OPTIONS}) {
      assertEquals(ROUTER, status(method, PATH, key), method::name);
    }
    assertEquals(ROUTER, send(HttpMethod.GET, PATH, key, "{}").status(), "a body");
  }
}
