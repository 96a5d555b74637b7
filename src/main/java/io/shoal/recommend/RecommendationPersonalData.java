package io.shoal.recommend;

import io.shoal.kernel.DataSubject;
import io.shoal.kernel.PersonalData;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The recommender keeps, in memory only, each customer's purchases as the store's model last
 * read them. Nothing is exported here (the orders are in the events section). Erasing drops the
 * store's model, so the person's history does not linger until the next rebuild; it runs after
 * the events are erased, and a build that read them before is not kept.
 */
public final class RecommendationPersonalData implements PersonalData {

  private final Recommender recommender;

  public RecommendationPersonalData(Recommender recommender) {
    this.recommender = recommender;
  }

  @Override
  public String name() {
    return "recommendations";
  }

  @Override
  public Future<JsonObject> export(DataSubject subject) {
    return Future.succeededFuture(null);
  }

  @Override
  public Future<JsonObject> erase(DataSubject subject) {
    recommender.forget(subject.storeId());
    return Future.succeededFuture(new JsonObject().put("models_dropped", 1));
  }
}
