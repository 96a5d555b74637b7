package io.shoal.recommend;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Leave-last-order-out evaluation: every customer with at least two orders has its last order
 * held out; the model is built from everything else (other customers' whole histories and this
 * customer's earlier orders); a customer is a hit when any product of the held-out order is
 * among its top {@code k} recommendations. The same is measured for the popularity baseline
 * (the k most bought products the customer has not bought), on the same model and split.
 */
public final class HoldoutEvaluation {

  /** One customer's orders, oldest first; each order its products. */
  public record CustomerOrders(String customerId, List<List<String>> orders) {}

  public record Result(int customers, int evaluated, int k, double hitRate, double popularityHitRate,
                       int products) {
    public double lift() {
      return popularityHitRate == 0 ? Double.NaN : hitRate / popularityHitRate;
    }
  }

  private HoldoutEvaluation() {}

  public static Result run(List<CustomerOrders> data, int k) {
    List<List<String>> training = new ArrayList<>(data.size());
    for (CustomerOrders c : data) {
      int keep = c.orders().size() >= 2 ? c.orders().size() - 1 : c.orders().size();
      training.add(flatten(c.orders().subList(0, keep)));
    }
    CoPurchaseModel model = CoPurchaseModel.build(training);
    int evaluated = 0;
    int hits = 0;
    int popularHits = 0;
    for (int x = 0; x < data.size(); x++) {
      CustomerOrders c = data.get(x);
      if (c.orders().size() < 2) {
        continue;
      }
      List<String> history = training.get(x);
      Set<String> heldOut = new HashSet<>(c.orders().get(c.orders().size() - 1));
      heldOut.removeAll(history); // only what is new can be recommended (nothing bought is)
      if (heldOut.isEmpty()) {
        continue;
      }
      evaluated++;
      if (anyIn(model.recommend(history, k), heldOut)) {
        hits++;
      }
      if (anyIn(model.popular(history, k), heldOut)) {
        popularHits++;
      }
    }
    return new Result(data.size(), evaluated, k, evaluated == 0 ? 0 : (double) hits / evaluated,
        evaluated == 0 ? 0 : (double) popularHits / evaluated, model.productCount());
  }

  private static boolean anyIn(List<CoPurchaseModel.Recommendation> recs, Set<String> wanted) {
    for (CoPurchaseModel.Recommendation r : recs) {
      if (wanted.contains(r.productId())) {
        return true;
      }
    }
    return false;
  }

  private static List<String> flatten(List<List<String>> orders) {
    List<String> out = new ArrayList<>();
    orders.forEach(out::addAll);
    return out;
  }
}
