package io.shoal.recommend;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A store's recommendations: a {@link CoPurchaseModel} built from its order history (on a
 * worker thread), kept for {@code maxAgeMs} and then rebuilt on the next request (which is
 * answered by the old model meanwhile). One build per store at a time.
 */
public final class Recommender {

  /** A built model with the histories it saw, and when it was built. */
  private record Built(CoPurchaseModel model, Map<String, List<String>> histories, long at) {}

  private final Vertx vertx;
  private final Function<String, Future<Map<String, List<String>>>> orders;
  private final long maxAgeMs;
  private final ConcurrentHashMap<String, Built> models = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Future<Built>> building = new ConcurrentHashMap<>();
  /** Bumped by {@link #forget}: a build that started before is answered once but not kept. */
  private final ConcurrentHashMap<String, Long> generations = new ConcurrentHashMap<>();

  /** @param orders the order history reader: customer id -> product ids bought, oldest first */
  public Recommender(Vertx vertx, Function<String, Future<Map<String, List<String>>>> orders, long maxAgeMs) {
    this.vertx = vertx;
    this.orders = orders;
    this.maxAgeMs = maxAgeMs;
  }

  /** Per customer, its {@code n} recommended products (customers without orders get the popular ones). */
  public Future<Map<String, List<CoPurchaseModel.Recommendation>>> forCustomers(String storeId, List<String> customers,
                                                                                 int n) {
    return model(storeId).map(b -> {
      Map<String, List<CoPurchaseModel.Recommendation>> out = new java.util.LinkedHashMap<>();
      for (String c : customers) {
        out.put(c, b.model().recommend(b.histories().getOrDefault(c, List.of()), n));
      }
      return out;
    });
  }

  public Future<List<CoPurchaseModel.Recommendation>> forCustomer(String storeId, String customerId, int n) {
    return forCustomers(storeId, List.of(customerId), n).map(m -> m.get(customerId));
  }

  /** Forgets a store's model (a customer's erasure: its history must not linger in memory). */
  public void forget(String storeId) {
    generations.merge(storeId, 1L, Long::sum);
    models.remove(storeId);
    building.remove(storeId);
  }

  private Future<Built> model(String storeId) {
    Built current = models.get(storeId);
    long now = System.currentTimeMillis();
    if (current != null && now - current.at() < maxAgeMs) {
      return Future.succeededFuture(current);
    }
    Future<Built> build = building.get(storeId);
    if (build == null) {
      // the build starts outside the map's update: a history read that fails at once (the
      // database is down) completes it on this thread, and its clean-up updates the map
      Promise<Built> started = Promise.promise();
      Future<Built> raced = building.putIfAbsent(storeId, started.future());
      build = raced != null ? raced : started.future();
      if (raced == null) {
        long generation = generations.getOrDefault(storeId, 0L);
        orders.apply(storeId)
            .compose(histories -> vertx.executeBlocking(() ->
                new Built(CoPurchaseModel.build(histories.values()), histories, System.currentTimeMillis()), false))
            .andThen(ar -> {
              // a model read before an erasure (forget) must not be kept after it
              if (generations.getOrDefault(storeId, 0L) == generation) {
                building.remove(storeId, started.future());
                if (ar.succeeded()) {
                  models.put(storeId, ar.result());
                }
              }
            })
            .onComplete(started);
      }
    }
    return current != null ? Future.succeededFuture(current) : build;
  }
}
