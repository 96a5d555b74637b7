package io.shoal.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The model's rules on small histories, and its measured quality on the cdnow-baskets data set. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RecommendationQualityTest {

  @Test
  void recommendsWhatBuyersOfTheSameProductsAlsoBoughtNeverWhatWasBoughtThenWhatIsPopular() {
    CoPurchaseModel model = CoPurchaseModel.build(List.of(
        List.of("a", "b", "c"),
        List.of("a", "b"),
        List.of("a", "c"),
        List.of("x", "y"),
        List.of("x", "y"),
        List.of("x", "z"),
        List.of("x")));
    List<CoPurchaseModel.Recommendation> recs = model.recommend(List.of("b"), 4);
    assertEquals(List.of("a", "c", "x", "y"), recs.stream().map(CoPurchaseModel.Recommendation::productId).toList());
    assertEquals("co_purchase", recs.get(0).reason());
    assertEquals("co_purchase", recs.get(1).reason());
    assertEquals("popular", recs.get(2).reason(), "no evidence left: the most bought product not bought");
    assertTrue(recs.get(0).score() > recs.get(1).score(), "a was bought with b twice, c once");

    // a customer with no history gets the most popular products; one product never twice
    assertEquals(List.of("x", "a", "b"), model.recommend(List.of(), 3).stream()
        .map(CoPurchaseModel.Recommendation::productId).toList());
    assertEquals(List.of("y", "z", "a"), model.recommend(List.of("x"), 3).stream()
        .map(CoPurchaseModel.Recommendation::productId).toList());
  }

  @Test
  void onCdnowBasketsCoPurchaseHitsTheHeldOutLastOrderFarMoreOftenThanPopularity() {
    List<HoldoutEvaluation.CustomerOrders> data = CdnowBaskets.load();
    assertEquals(23_570, data.size());
    HoldoutEvaluation.Result r = HoldoutEvaluation.run(data, 10);
    System.out.printf("cdnow-baskets: %d evaluated, hit rate@10 co-purchase %.4f, popularity %.4f%n",
        r.evaluated(), r.hitRate(), r.popularityHitRate());
    assertTrue(r.evaluated() > 5_000, () -> "evaluated " + r.evaluated());
    assertTrue(r.hitRate() > 1.5 * r.popularityHitRate(), r::toString);
  }
}
