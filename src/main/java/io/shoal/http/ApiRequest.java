package io.shoal.http;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;

/** The request as the contract validated it, plus the authenticated {@link Caller}. */
public final class ApiRequest {

  private final RoutingContext ctx;
  private final ValidatedRequest validated;

  ApiRequest(RoutingContext ctx) {
    this.ctx = ctx;
    this.validated = ctx.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
  }

  public Caller caller() {
    return Authentication.caller(ctx);
  }

  /**
   * The store named in the path, after checking the caller may see it. A key of another store
   * gets the same 404 as a store that does not exist, so it learns nothing.
   */
  public String storeId() {
    String store = path("store_id");
    if (!caller().mayAccess(store)) {
      throw ApiException.notFound("store", store);
    }
    return store;
  }

  public void requireAdmin() {
    if (!caller().isAdmin()) {
      throw ApiException.forbidden("this operation needs the admin key (SHOAL_ADMIN_KEY)");
    }
  }

  public String path(String name) {
    RequestParameter p = validated.getPathParameters().get(name);
    return p == null ? ctx.pathParam(name) : p.getString();
  }

  public String query(String name) {
    RequestParameter p = validated.getQuery().get(name);
    return p == null || p.isNull() ? null : String.valueOf(p.get());
  }

  public Integer queryInt(String name, int def) {
    RequestParameter p = validated.getQuery().get(name);
    return p == null || p.isNull() ? def : p.getInteger();
  }

  /** Raw query parameters, for the few forms the contract cannot express (metadata[key]=value). */
  public MultiMap rawQuery() {
    return ctx.queryParams();
  }

  public JsonObject body() {
    RequestParameter b = validated.getBody();
    if (b == null || b.isNull() || b.isEmpty()) {
      return new JsonObject();
    }
    return b.getJsonObject();
  }
}
