package io.shoal.metrics.live;

import io.shoal.metrics.BgNbd;
import io.shoal.metrics.GammaGamma;
import io.shoal.metrics.StoreModel;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/** The metrics_models table: each store's live fitted model. */
public final class ModelRepository {

  private final Pool pool;

  public ModelRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * Every store's saved model that can be used. A row that cannot (a time Java cannot read, a
   * parameter that is not a positive finite number) is told to {@code unusable} with the reason
   * and left out: that store's metrics use the heuristic until its next refit replaces the row,
   * and every other store's model is put in force as saved. Prepared, so times are decoded from
   * PostgreSQL's binary form, which reads any time it keeps.
   */
  public Future<Map<String, StoreModel>> all(BiConsumer<String, String> unusable) {
    return pool.preparedQuery("SELECT * FROM metrics_models").execute().map(rows -> {
      Map<String, StoreModel> out = new HashMap<>();
      for (Row r : rows) {
        String storeId = r.getString("store_id");
        try {
          out.put(storeId, usable(model(r)));
        } catch (RuntimeException e) {
          unusable.accept(storeId, "the saved model could not be used: " + e.getMessage());
        }
      }
      return out;
    });
  }

  /** The model, if each parameter is a positive finite number and its times are readable; else an exception saying which. */
  static StoreModel usable(StoreModel m) {
    double[] values = {m.purchases().r(), m.purchases().alpha(), m.purchases().a(), m.purchases().b()};
    String[] names = {"r", "alpha", "a", "b"};
    for (int i = 0; i < values.length; i++) {
      if (!(Double.isFinite(values[i]) && values[i] > 0)) {
        throw new IllegalArgumentException("BG/NBD parameter " + names[i] + " is " + values[i]);
      }
    }
    if (m.spend() != null && !(Double.isFinite(m.spend().p()) && m.spend().p() > 0 && Double.isFinite(m.spend().q())
        && m.spend().q() > 0 && Double.isFinite(m.spend().gamma()) && m.spend().gamma() > 0)) {
      throw new IllegalArgumentException("a Gamma-Gamma parameter is not a positive number");
    }
    return m;
  }

  public Future<Void> save(String storeId, StoreModel m) {
    GammaGamma g = m.spend();
    return pool.preparedQuery("INSERT INTO metrics_models (store_id, r, alpha, a, b, log_likelihood, p, q, gamma,"
            + " spend_log_likelihood, as_of, customers, repeat_customers, fitted_at)"
            + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
            + " ON CONFLICT (store_id) DO UPDATE SET r = EXCLUDED.r, alpha = EXCLUDED.alpha, a = EXCLUDED.a,"
            + " b = EXCLUDED.b, log_likelihood = EXCLUDED.log_likelihood, p = EXCLUDED.p, q = EXCLUDED.q,"
            + " gamma = EXCLUDED.gamma, spend_log_likelihood = EXCLUDED.spend_log_likelihood, as_of = EXCLUDED.as_of,"
            + " customers = EXCLUDED.customers, repeat_customers = EXCLUDED.repeat_customers,"
            + " fitted_at = EXCLUDED.fitted_at")
        .execute(Tuple.tuple().addValue(storeId).addValue(m.purchases().r()).addValue(m.purchases().alpha())
            .addValue(m.purchases().a()).addValue(m.purchases().b()).addValue(m.logLikelihood())
            .addValue(g == null ? null : g.p()).addValue(g == null ? null : g.q())
            .addValue(g == null ? null : g.gamma()).addValue(g == null ? null : m.spendLogLikelihood())
            .addValue(odt(m.asOf())).addValue(m.customers()).addValue(m.repeatCustomers())
            .addValue(odt(m.fittedAt())))
        .mapEmpty();
  }

  private static StoreModel model(Row r) {
    Double p = r.getDouble("p");
    GammaGamma spend = p == null ? null : new GammaGamma(p, r.getDouble("q"), r.getDouble("gamma"));
    return new StoreModel(new BgNbd(r.getDouble("r"), r.getDouble("alpha"), r.getDouble("a"), r.getDouble("b")),
        r.getDouble("log_likelihood"), spend, spend == null ? Double.NaN : r.getDouble("spend_log_likelihood"),
        r.getOffsetDateTime("as_of").toInstant(), r.getInteger("customers"), r.getInteger("repeat_customers"),
        r.getOffsetDateTime("fitted_at").toInstant());
  }

  private static OffsetDateTime odt(Instant i) {
    return i.atOffset(ZoneOffset.UTC);
  }
}
