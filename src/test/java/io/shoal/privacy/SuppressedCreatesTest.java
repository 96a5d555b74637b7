package io.shoal.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.customer.ErasedIdentities.Identity;
import io.shoal.testing.ApiClient;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestPool;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The suppression check of a batch of creates (issue 17, twenty-fourth pass): one statement answers for every
 * customer of the batch, with the same answer each would get alone; only the erased person's create is refused.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SuppressedCreatesTest {

  private static final String SECRET = "a-secret-of-at-least-32-characters!!";

  /** The hash is the one stored suppressions were written with: HMAC(HMAC(HMAC(secret, label), store), kind:value). */
  @Test
  void theSuppressionHashIsTheStoredOneAlsoWhenComputedOnManyThreads() throws Exception {
    PrivacyKeys keys = new PrivacyKeys(SECRET);
    byte[] root = hmac(SECRET.getBytes(StandardCharsets.UTF_8), "shoal suppression v1");
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      int thread = t;
      Thread worker = new Thread(() -> {
        try {
          for (int i = 0; i < 2_000; i++) {
            String store = "store_" + (i % 7);
            String value = "p" + thread + "-" + i + "@example.com";
            assertArrayEquals(hmac(hmac(root, store), "email:" + value), keys.suppressionHash(store, "email", value));
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      worker.start();
      threads.add(worker);
    }
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(List.of(), failures);
  }

  @Test
  void oneQuestionAnswersEachIdentityAsItsOwnWould() throws Exception {
    try (TestPool db = TestPool.migrated()) {
      for (String store : List.of("store_a", "store_b")) {
        TestDatabase.execute(db.url, "INSERT INTO stores (id, name) VALUES ('" + store + "', '" + store + "')");
      }
      Suppressions suppressions = new Suppressions(db.pool, new PrivacyKeys(SECRET));
      TestPool.await(db.pool.withTransaction(conn -> suppressions.add(conn, "store_a", "Zelda@Erase.example", null,
          "ext-9", "drr_1").compose(v -> suppressions.add(conn, "store_a", null, "+1 555 0199", null, "drr_2"))));
      List<Identity> asked = List.of(
          new Identity("store_a", " zelda@ERASE.example", null, null),   // the email, spelled otherwise
          new Identity("store_a", "otto@keep.example", "+44 20 7946", null),
          new Identity("store_b", "zelda@erase.example", "15550199", "ext-9"), // another store: nobody there
          new Identity("store_a", "new@erase.example", "1-555-0199", null), // a new email with the erased phone
          new Identity("store_a", null, null, "ext-9"),
          new Identity("store_a", null, null, null));
      List<String> each = TestPool.await(db.pool.withConnection(conn -> suppressions.suppressedEach(conn, asked)));
      List<String> alone = new ArrayList<>();
      for (Identity i : asked) {
        alone.add(TestPool.await(db.pool.withConnection(conn ->
            suppressions.suppressed(conn, i.storeId(), i.email(), i.phone(), i.externalId()))));
      }
      assertEquals(Arrays.asList(true, false, false, true, true, false), each.stream().map(s -> s != null).toList(),
          each::toString);
      assertEquals(alone, each);
      List<String> none = TestPool.await(db.pool.withConnection(conn -> suppressions.suppressedEach(conn,
          List.of(new Identity("store_a", null, null, null)))));
      assertEquals(Arrays.asList((String) null), none);
    }
  }

  /** Creates sent at once share batches: the erased person's are refused, every other one is created. */
  @Test
  void createsSentAtOnceRefuseOnlyTheErasedPerson() {
    try (TestServer server = TestServer.start()) {
      TestStore store = server.createStore("Suppressed creates");
      String zelda = store.api().post(store.customers(), new JsonObject().put("email", "zelda@erase.example")
          .put("phone", "+1-555-0199")).expect(201).getString("id");
      PrivacyTesting.submitAndAwait(store, zelda, new JsonObject().put("type", "erasure").put("reason", "test"));
      int n = 60;
      List<JsonObject> sent = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        JsonObject body = new JsonObject().put("email", "person" + i + "@keep.example");
        if (i == 17) {
          body.put("email", "Zelda@erase.example");
        } else if (i == 41) {
          body.put("phone", "15550199");
        }
        sent.add(body);
      }
      List<Future<ApiResponse>> all = new ArrayList<>();
      for (JsonObject body : sent) {
        all.add(store.api().sendJson(HttpMethod.POST, store.customers(), body, null));
      }
      ApiClient.await(Future.join(all));
      for (int i = 0; i < n; i++) {
        ApiResponse r = all.get(i).result();
        if (i == 17 || i == 41) {
          assertEquals(409, r.status(), r::text);
          assertEquals("customer_suppressed", r.json().getJsonObject("error").getString("code"), r::text);
        } else {
          assertEquals(201, r.status(), r::text);
        }
      }
      assertEquals(List.of(String.valueOf(n - 2)), TestDatabase.column(server.databaseUrl(),
          "SELECT count(*) FROM customers WHERE store_id = '" + store.id() + "'"));
      List<String> transactions = TestDatabase.column(server.databaseUrl(),
          "SELECT count(DISTINCT xmin::text) FROM customers WHERE store_id = '" + store.id() + "'");
      assertTrue(Integer.parseInt(transactions.get(0)) < n - 2, "creates sent at once share transactions: " + transactions);
    }
  }

  private static byte[] hmac(byte[] key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
