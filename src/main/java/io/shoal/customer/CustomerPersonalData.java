package io.shoal.customer;

import io.shoal.kernel.DataSubject;
import io.shoal.kernel.PersonalData;
import io.shoal.kernel.Wire;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.function.BiFunction;

/**
 * The profile, its aggregates, notes and activity timeline of one person. Erasing deletes the
 * customer row, which takes its notes, timeline, evaluator state and memberships with it (the
 * foreign keys cascade), and forgets the person in every cache: the identity cache of
 * {@link CustomerDirectory} and the segment evaluator's in-memory state.
 */
public final class CustomerPersonalData implements PersonalData {

  private static final String SQL_NOTES =
      "SELECT id, body, author, created_at FROM customer_notes WHERE store_id = $1 AND customer_id = $2"
          + " ORDER BY created_at, id";
  private static final String SQL_ACTIVITY =
      "SELECT id, type, title, data, occurred_at FROM customer_activity WHERE store_id = $1 AND customer_id = $2"
          + " ORDER BY occurred_at, id";
  private static final String SQL_MERGES =
      "SELECT id, from_customer_id, anonymous_id, reason, events_moved, merged_at FROM customer_merges"
          + " WHERE store_id = $1 AND into_customer_id = $2 ORDER BY merged_at, id";
  private static final String SQL_ERASE = "DELETE FROM customers WHERE store_id = $1 AND id = $2";

  private final Pool pool;
  private final CustomerRepository repository;
  private final CustomerDirectory directory;
  private final BiFunction<String, String, Future<Void>> forgetEvaluatorState;

  /**
   * @param forgetEvaluatorState drops the segment evaluator's state of (store, customer) and
   *                             answers when that is written; called after the row is gone, so a
   *                             state reloaded meanwhile (after a restart) goes too
   */
  public CustomerPersonalData(Pool pool, CustomerRepository repository, CustomerDirectory directory,
                              BiFunction<String, String, Future<Void>> forgetEvaluatorState) {
    this.pool = pool;
    this.repository = repository;
    this.directory = directory;
    this.forgetEvaluatorState = forgetEvaluatorState;
  }

  @Override
  public String name() {
    return "customer";
  }

  /** The person's email, phone and external id as stored now, or null when there is no such customer. */
  public Future<JsonObject> identity(String storeId, String customerId) {
    return repository.get(storeId, customerId).map(row -> row == null ? null
        : new JsonObject().put("email", row.getString("email")).put("phone", row.getString("phone"))
            .put("external_id", row.getString("external_id")));
  }

  @Override
  public Future<JsonObject> export(DataSubject s) {
    return repository.get(s.storeId(), s.customerId()).compose(row -> {
      if (row == null) {
        return Future.succeededFuture(null);
      }
      JsonObject section = new JsonObject().put("profile", CustomerApi.render(row));
      return pool.preparedQuery(SQL_NOTES).execute(Tuple.of(s.storeId(), s.customerId()))
          .map(notes -> {
            JsonArray out = new JsonArray();
            for (Row r : notes) {
              out.add(new JsonObject().put("id", r.getString("id")).put("body", r.getString("body"))
                  .put("author", r.getString("author")).put("created_at", Wire.time(r.getOffsetDateTime("created_at"))));
            }
            return section.put("notes", out);
          })
          .compose(v -> pool.preparedQuery(SQL_ACTIVITY).execute(Tuple.of(s.storeId(), s.customerId())))
          .map(activity -> {
            JsonArray out = new JsonArray();
            for (Row r : activity) {
              out.add(new JsonObject().put("id", r.getString("id")).put("type", r.getString("type"))
                  .put("title", r.getString("title")).put("data", r.getJsonObject("data"))
                  .put("occurred_at", Wire.time(r.getOffsetDateTime("occurred_at"))));
            }
            return section.put("activity", out);
          })
          // the anonymous storefront profiles merged into the person (their events and timeline moved here)
          .compose(v -> pool.preparedQuery(SQL_MERGES).execute(Tuple.of(s.storeId(), s.customerId())))
          .map(merges -> {
            JsonArray out = new JsonArray();
            for (Row r : merges) {
              out.add(new JsonObject().put("id", r.getString("id")).put("from_customer_id", r.getString("from_customer_id"))
                  .put("anonymous_id", r.getString("anonymous_id")).put("reason", r.getString("reason"))
                  .put("events_moved", r.getInteger("events_moved"))
                  .put("merged_at", Wire.time(r.getOffsetDateTime("merged_at"))));
            }
            return section.put("merged_visitors", out);
          });
    });
  }

  @Override
  public Future<JsonObject> erase(DataSubject s) {
    directory.forget(s.storeId(), s.customerId());
    return pool.preparedQuery(SQL_ERASE).execute(Tuple.of(s.storeId(), s.customerId()))
        .andThen(ar -> repository.cache().forget(s.storeId(), s.customerId()))
        .compose(deleted -> {
          // an event resolved just before the delete may have cached the id again
          directory.forget(s.storeId(), s.customerId());
          return forgetEvaluatorState.apply(s.storeId(), s.customerId())
              .map(v -> new JsonObject().put("profiles_deleted", deleted.rowCount()));
        });
  }
}
