package io.shoal.http;

import io.shoal.kernel.DomainException;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
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
      throw DomainException.notFound("store", store);
    }
    return store;
  }

  public void requireAdmin() {
    if (!caller().isAdmin()) {
      throw DomainException.forbidden("this operation needs the admin key (SHOAL_ADMIN_KEY)");
    }
  }

  public String path(String name) {
    RequestParameter p = validated == null ? null : validated.getPathParameters().get(name);
    return p == null ? ctx.pathParam(name) : p.getString();
  }

  public String query(String name) {
    if (validated == null) {
      return ctx.queryParams().get(name);
    }
    RequestParameter p = validated.getQuery().get(name);
    return p == null || p.isNull() ? null : String.valueOf(p.get());
  }

  public Integer queryInt(String name, int def) {
    if (validated == null) {
      String raw = ctx.queryParams().get(name);
      try {
        return raw == null ? def : Integer.parseInt(raw);
      } catch (NumberFormatException e) {
        throw DomainException.invalidParam(name, name + " must be an integer");
      }
    }
    RequestParameter p = validated.getQuery().get(name);
    return p == null || p.isNull() ? def : p.getInteger();
  }

  /** Raw query parameters, for the few forms the contract cannot express (metadata[key]=value). */
  public MultiMap rawQuery() {
    return ctx.queryParams();
  }

  /** The body exactly as received (signatures are computed over these bytes). */
  public byte[] rawBytes() {
    Buffer raw = ctx.body() == null ? null : ctx.body().buffer();
    return raw == null ? new byte[0] : raw.getBytes();
  }

  /** The response itself, for streaming operations only ({@link ApiHandler#streaming}). */
  public io.vertx.core.http.HttpServerResponse response() {
    return ctx.response();
  }

  /** The HTTP connection, for streaming operations that must end when the server shuts down. */
  public io.vertx.core.http.HttpConnection connection() {
    return ctx.request().connection();
  }

  /** Every value of a query parameter (repeated or comma-separated), for array parameters. */
  public java.util.List<String> queryList(String name) {
    java.util.List<String> out = new java.util.ArrayList<>();
    if (validated != null) {
      RequestParameter p = validated.getQuery().get(name);
      if (p != null && !p.isNull() && p.get() instanceof io.vertx.core.json.JsonArray array) {
        array.forEach(v -> addSplit(out, String.valueOf(v)));
        return out;
      }
    }
    ctx.queryParams().getAll(name).forEach(v -> addSplit(out, v));
    return out;
  }

  private static void addSplit(java.util.List<String> out, String value) {
    for (String part : value.split(",")) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
  }

  public String header(String name) {
    return ctx.request().getHeader(name);
  }

  /** The body as JSON, for routes that skip contract validation; not an object is a 400. */
  public JsonObject rawBody() {
    if (!"application/json".equalsIgnoreCase(mediaType())) {
      throw new DomainException(415, "invalid_request_error", "unsupported_media_type",
          "send the body as Content-Type: application/json", null);
    }
    Buffer raw = ctx.body() == null ? null : ctx.body().buffer();
    if (raw == null || raw.length() == 0) {
      throw DomainException.invalid("body_missing", "this request needs a JSON body", null);
    }
    Object parsed;
    try {
      parsed = Json.decodeValue(raw);
    } catch (DecodeException e) {
      throw DomainException.invalid("body_invalid_json", "the request body is not valid JSON", null);
    }
    if (!(parsed instanceof JsonObject object)) {
      throw DomainException.invalid("body_invalid_json", "the request body must be a JSON object", null);
    }
    return object;
  }

  private String mediaType() {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null) {
      return null;
    }
    int semi = type.indexOf(';');
    return (semi < 0 ? type : type.substring(0, semi)).trim();
  }

  public JsonObject body() {
    RequestParameter b = validated.getBody();
    if (b == null || b.isNull() || b.isEmpty()) {
      return new JsonObject();
    }
    return b.getJsonObject();
  }
}
