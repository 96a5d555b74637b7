package io.shoal.customer;

import io.shoal.http.ApiHandler;
import io.shoal.http.ApiOperation;
import io.shoal.http.ApiRequest;
import io.shoal.http.Reply;
import io.shoal.kernel.DomainException;
import io.shoal.kernel.Wire;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The types a store declares for its customers' custom attributes ({@code metadata} keys):
 * {@code number}, {@code date} or {@code text}. Segment rules on a declared key compare it by
 * that type ({@code metadata.age between [37, 74]}); member details read {@code age},
 * {@code gender} and {@code birthday} through them. Owns the table {@code customer_attributes}.
 */
public final class CustomerAttributesApi {

  public static final int MAX_PER_STORE = 200;

  private final Pool pool;

  public CustomerAttributesApi(Pool pool) {
    this.pool = pool;
  }

  public void mount(RouterBuilder rb) {
    ApiOperation.LIST_CUSTOMER_ATTRIBUTES.mount(rb, ApiHandler.route(this::list));
    ApiOperation.PUT_CUSTOMER_ATTRIBUTE.mount(rb, ApiHandler.route(this::put));
    ApiOperation.DELETE_CUSTOMER_ATTRIBUTE.mount(rb, ApiHandler.route(this::delete));
  }

  /** The store's declarations: key -> number, date or text. */
  public Future<Map<String, String>> types(String storeId) {
    return pool.preparedQuery("SELECT key, type FROM customer_attributes WHERE store_id = $1")
        .execute(Tuple.of(storeId))
        .map(rows -> {
          Map<String, String> out = new LinkedHashMap<>();
          rows.forEach(r -> out.put(r.getString("key"), r.getString("type")));
          return out;
        });
  }

  private Future<Reply> list(ApiRequest req) {
    return pool.preparedQuery("SELECT key, type, description, created_at, updated_at FROM customer_attributes"
            + " WHERE store_id = $1 ORDER BY key")
        .execute(Tuple.of(req.storeId()))
        .map(rows -> {
          JsonArray data = new JsonArray();
          rows.forEach(r -> data.add(render(r)));
          return Reply.ok(new JsonObject().put("object", "list").put("data", data).put("has_more", false)
              .putNull("next_cursor"));
        });
  }

  private Future<Reply> put(ApiRequest req) {
    String storeId = req.storeId();
    String key = req.path("key");
    JsonObject body = req.body();
    // the contract checks the key's pattern and the type's enum
    return pool.preparedQuery("INSERT INTO customer_attributes (store_id, key, type, description)"
            + " SELECT $1, $2, $3, $4 WHERE (SELECT count(*) FROM customer_attributes WHERE store_id = $1 AND key <> $2) < $5"
            + " ON CONFLICT (store_id, key) DO UPDATE SET type = EXCLUDED.type, description = EXCLUDED.description,"
            + " updated_at = clock_timestamp()"
            + " RETURNING key, type, description, created_at, updated_at")
        .execute(Tuple.of(storeId, key, body.getString("type"), body.getString("description"), MAX_PER_STORE))
        .map(rows -> {
          if (rows.size() == 0) {
            throw DomainException.invalid("limit_exceeded", "a store declares at most " + MAX_PER_STORE
                + " custom attributes", "key");
          }
          return Reply.ok(render(rows.iterator().next()));
        });
  }

  private Future<Reply> delete(ApiRequest req) {
    String key = req.path("key");
    return pool.preparedQuery("DELETE FROM customer_attributes WHERE store_id = $1 AND key = $2")
        .execute(Tuple.of(req.storeId(), key))
        .map(r -> {
          if (r.rowCount() == 0) {
            throw DomainException.notFound("customer attribute", key);
          }
          return Reply.ok(new JsonObject().put("object", "customer_attribute").put("key", key).put("deleted", true));
        });
  }

  private static JsonObject render(Row r) {
    return new JsonObject().put("object", "customer_attribute").put("key", r.getString("key"))
        .put("field", "metadata." + r.getString("key"))
        .put("type", r.getString("type")).put("description", r.getString("description"))
        .put("created_at", Wire.time(r.getOffsetDateTime("created_at")))
        .put("updated_at", Wire.time(r.getOffsetDateTime("updated_at")));
  }
}
