package io.shoal.http;

import io.shoal.kernel.DataSubject;
import io.shoal.kernel.PersonalData;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * Stored answers of idempotent POSTs (kept 24 hours for replays) that name the person: a
 * customer create answers the whole profile, an event answers its customer id. Erasing deletes
 * them; a retry of such a request after the erasure is treated as a new request (and refused,
 * since the person is suppressed). Nothing here is worth exporting: it repeats the profile.
 */
public final class IdempotencyPersonalData implements PersonalData {

  private static final String SQL_ERASE =
      "DELETE FROM idempotency_keys WHERE scope IN ($1, 'admin') AND strpos(response, $2) > 0";

  private final Pool pool;

  public IdempotencyPersonalData(Pool pool) {
    this.pool = pool;
  }

  @Override
  public String name() {
    return "idempotency";
  }

  @Override
  public Future<JsonObject> export(DataSubject s) {
    return Future.succeededFuture(null);
  }

  @Override
  public Future<JsonObject> erase(DataSubject s) {
    // answers quote ids as JSON strings: match the quotes too, so cust_ab does not hit cust_abc
    return pool.preparedQuery(SQL_ERASE).execute(Tuple.of(s.storeId(), "\"" + s.customerId() + "\""))
        .map(rows -> new JsonObject().put("stored_answers_deleted", rows.rowCount()));
  }
}
