package io.shoal.metrics.live;

import io.shoal.kernel.DomainException;
import io.shoal.http.ApiHandler;
import io.shoal.http.ApiOperation;
import io.shoal.http.ApiRequest;
import io.shoal.http.Reply;
import io.shoal.kernel.Wire;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.time.Instant;

/**
 * Customer metrics and the store's models: {@code GET .../customers/{id}/metrics} (answered by
 * the evaluator partition that owns the customer, so it includes every order applied),
 * {@code GET .../metrics/model} and {@code POST .../metrics/model/refit}.
 */
public final class MetricsApi {

  private final MetricsSource engine;
  private final LiveMetrics live;
  private final ModelRefit refit;

  public MetricsApi(MetricsSource engine, LiveMetrics live, ModelRefit refit) {
    this.engine = engine;
    this.live = live;
    this.refit = refit;
  }

  public void mount(RouterBuilder rb) {
    ApiOperation.GET_CUSTOMER_METRICS.mount(rb, ApiHandler.route(this::customer));
    ApiOperation.GET_METRICS_MODEL.mount(rb, ApiHandler.route(this::model));
    ApiOperation.REFIT_METRICS_MODEL.mount(rb, ApiHandler.route(this::refit));
  }

  private void requireEnabled() {
    if (!live.enabled()) {
      throw new DomainException(409, "invalid_request_error", "metrics_disabled",
          "customer metrics are turned off on this server (SHOAL_METRICS_ENABLED=false)", null);
    }
  }

  private Future<Reply> customer(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    requireEnabled();
    return engine.customerMetrics(storeId, id).map(m -> {
      if (m == null) {
        throw DomainException.notFound("customer", id);
      }
      return Reply.ok(m);
    });
  }

  private Future<Reply> model(ApiRequest req) {
    String storeId = req.storeId();
    requireEnabled();
    LiveMetrics.Store s = live.store(storeId);
    return Future.succeededFuture(Reply.ok(MetricsJson.model(s.model(), "live", s.buyers(), live.settings())
        .put("failure_reason", s.failureReason())));
  }

  private Future<Reply> refit(ApiRequest req) {
    String storeId = req.storeId();
    requireEnabled();
    JsonObject body = req.body();
    Instant now = Instant.now();
    String raw = body.getString("as_of");
    Instant asOf = raw == null ? now : Wire.parseInstant(raw, "as_of");
    if (asOf.isAfter(now)) {
      throw DomainException.invalidParam("as_of", "as_of must not be in the future (a backtest looks back), got " + raw);
    }
    boolean backtest = raw != null;
    return refit.refit(storeId, asOf, !backtest).map(o -> {
      if (o.model() == null) {
        throw new DomainException(422, "invalid_request_error", "insufficient_data",
            "too little data to fit the models as of " + Wire.time(asOf) + ": " + o.customers()
                + " customers with an order and " + o.repeatCustomers() + " with a repeat purchase day; at least "
                + io.shoal.metrics.StoreModel.MIN_CUSTOMERS + " and " + io.shoal.metrics.StoreModel.MIN_REPEAT_CUSTOMERS
                + " are needed (until then metrics use the documented heuristic)", backtest ? "as_of" : null);
      }
      return Reply.ok(MetricsJson.model(o.model(), backtest ? "backtest" : "live", o.customers(), live.settings()));
    });
  }
}
