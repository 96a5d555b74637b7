package io.shoal.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.ApiClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An erased customer's purchases do not linger in the recommender's in-memory model until its
 * next scheduled rebuild (10 minutes later): the erasure step drops the store's model, and a
 * model whose build read the history before the erasure is not kept after it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RecommenderForgetTest {

  private static final long TEN_MINUTES = 600_000;
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    ApiClient.await(vertx.close());
  }

  private static List<String> products(Recommender r, String customer) {
    return ApiClient.await(r.forCustomer("store_1", customer, 5)).stream()
        .map(CoPurchaseModel.Recommendation::productId).toList();
  }

  @Test
  void theErasureStepDropsTheModelSoTheNextRequestReadsTheHistoryWithoutThePerson() {
    // Ada bought p1 and p2; Bob bought p1 and p3: Bob is recommended p2 because of Ada
    AtomicReference<Map<String, List<String>>> history = new AtomicReference<>(Map.of(
        "cust_ada", List.of("p1", "p2"), "cust_bob", List.of("p1", "p3")));
    AtomicInteger reads = new AtomicInteger();
    Recommender recommender = new Recommender(vertx, store -> {
      reads.incrementAndGet();
      return Future.succeededFuture(history.get());
    }, TEN_MINUTES);
    assertTrue(products(recommender, "cust_bob").contains("p2"));

    // Ada is erased: her orders leave the history, and the erasure step runs
    history.set(Map.of("cust_bob", List.of("p1", "p3")));
    ApiClient.await(new RecommendationPersonalData(recommender)
        .erase(new io.shoal.kernel.DataSubject("store_1", "cust_ada", "drr_1")));
    assertFalse(products(recommender, "cust_bob").contains("p2"), "Ada's purchase is gone at once");
    assertEquals(2, reads.get(), "the history was read again");
  }

  @Test
  void aModelBuiltFromTheHistoryReadBeforeTheErasureIsNotKept() {
    Promise<Map<String, List<String>>> slowRead = Promise.promise();
    AtomicInteger reads = new AtomicInteger();
    Recommender recommender = new Recommender(vertx, store -> reads.incrementAndGet() == 1 ? slowRead.future()
        : Future.succeededFuture(Map.of("cust_bob", List.of("p1", "p3"))), TEN_MINUTES);
    Future<Map<String, List<CoPurchaseModel.Recommendation>>> pending =
        recommender.forCustomers("store_1", List.of("cust_bob"), 5);
    recommender.forget("store_1"); // the erasure runs while the first build is still reading
    slowRead.complete(Map.of("cust_ada", List.of("p1", "p2"), "cust_bob", List.of("p1", "p3")));
    ApiClient.await(pending); // the request that started it is answered from what it read
    assertFalse(products(recommender, "cust_bob").contains("p2"), "the old build was not kept");
    assertEquals(2, reads.get());
  }

  @Test
  void aHistoryReadThatFailsAtOnceFailsTheRequestWithItsCauseAndTheNextOneReadsAgain() {
    AtomicInteger reads = new AtomicInteger();
    Recommender recommender = new Recommender(vertx, store -> reads.incrementAndGet() == 1
        ? Future.failedFuture(new IllegalStateException("database unavailable"))
        : Future.succeededFuture(Map.of("cust_ada", List.of("p1", "p2"), "cust_bob", List.of("p1", "p3"))),
        TEN_MINUTES);
    Throwable failed = recommender.forCustomers("store_1", List.of("cust_bob"), 5).cause();
    assertEquals("database unavailable", failed == null ? null : failed.getMessage());
    assertTrue(products(recommender, "cust_bob").contains("p2"), "the failed build was not kept");
    assertEquals(2, reads.get());
  }
}
