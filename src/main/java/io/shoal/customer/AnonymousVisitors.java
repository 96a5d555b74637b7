package io.shoal.customer;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.shoal.kernel.DomainException;
import io.shoal.kernel.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Visitors of a storefront before they say who they are. Each browser keeps an anonymous id;
 * its first event creates a customer row holding only that id (no email, no external id), which
 * the events then build up like any profile. When the visitor identifies:
 * <pre>
 *   nobody of the store has that identity  -> {@link #promote}: the same row gets it (history stays)
 *   someone has                             -> {@link #merge}: the row's timeline and notes move to
 *                                              that customer, a {@code customer_merges} row records
 *                                              it (and keeps the anonymous id finding the person),
 *                                              the anonymous row is deleted
 * </pre>
 * Moving the events and telling the segment engine are the caller's (the storefront tracking
 * capability), in the same transaction and after its commit.
 */
public final class AnonymousVisitors {

  /** The row an anonymous id leads to, as locked in a transaction: still anonymous, or identified. */
  public record Visitor(String customerId, boolean anonymous) {}

  private static final String SQL_FIND =
      "SELECT id FROM customers WHERE store_id = $1 AND anonymous_id = $2"
          + " UNION ALL SELECT into_customer_id FROM customer_merges WHERE store_id = $1 AND anonymous_id = $2";
  private static final String SQL_CREATE =
      "WITH created AS (INSERT INTO customers (store_id, id, anonymous_id) VALUES ($1, $2, $3)"
          + " ON CONFLICT (store_id, anonymous_id) WHERE anonymous_id IS NOT NULL DO NOTHING RETURNING id)"
          + " INSERT INTO customer_activity (store_id, id, customer_id, type, title, data, occurred_at)"
          + " SELECT $1, $4, id, 'profile', 'Anonymous visitor first seen on the storefront', $5, clock_timestamp()"
          + " FROM created RETURNING customer_id";
  private static final String SQL_LOCK =
      "SELECT id, (email IS NULL AND external_id IS NULL) AS anonymous FROM customers"
          + " WHERE store_id = $1 AND id = $2 FOR UPDATE";
  private static final String SQL_KNOWN =
      "SELECT id FROM customers WHERE store_id = $1 AND ((email IS NOT NULL AND lower(email) = lower($2))"
          + " OR (external_id IS NOT NULL AND external_id = $3)) ORDER BY (lower(email) = lower($2)) DESC NULLS LAST LIMIT 1";
  private static final String SQL_PROMOTE =
      "UPDATE customers SET email = $3, external_id = $4, first_name = coalesce($5, first_name),"
          + " last_name = coalesce($6, last_name), updated_at = clock_timestamp() WHERE store_id = $1 AND id = $2";
  private static final String SQL_MOVE_ACTIVITY =
      "UPDATE customer_activity SET customer_id = $3 WHERE store_id = $1 AND customer_id = $2";
  private static final String SQL_MOVE_NOTES =
      "UPDATE customer_notes SET customer_id = $3 WHERE store_id = $1 AND customer_id = $2";
  private static final String SQL_RECORD_MERGE =
      "INSERT INTO customer_merges (store_id, id, into_customer_id, from_customer_id, anonymous_id, reason, events_moved)"
          + " SELECT $1, $2, $3, $4, anonymous_id, $5, $6 FROM customers WHERE store_id = $1 AND id = $4";
  private static final String SQL_DELETE = "DELETE FROM customers WHERE store_id = $1 AND id = $2";
  private static final String SQL_ACTIVITY =
      "INSERT INTO customer_activity (store_id, id, customer_id, type, title, data, occurred_at)"
          + " VALUES ($1, $2, $3, $4, $5, $6, clock_timestamp())";
  private static final String SQL_MERGES =
      "SELECT id, from_customer_id, anonymous_id, reason, events_moved, merged_at FROM customer_merges"
          + " WHERE store_id = $1 AND into_customer_id = $2 ORDER BY merged_at, id";

  private final Pool pool;
  private final CustomerRepository repository;
  private final CustomerDirectory directory;
  /** store|anonymous id -> customer id; a merge repoints it. */
  private final Cache<String, String> visitors = Caffeine.newBuilder().maximumSize(1_000_000).build();

  public AnonymousVisitors(Pool pool, CustomerRepository repository, CustomerDirectory directory) {
    this.pool = pool;
    this.repository = repository;
    this.directory = directory;
  }

  /** The customer an anonymous id stands for, created (anonymous) on its first event. */
  public Future<String> customerOf(String storeId, String anonymousId) {
    String key = storeId + "|" + anonymousId;
    String cached = visitors.getIfPresent(key);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return find(storeId, anonymousId).compose(found -> {
      if (found != null) {
        return Future.succeededFuture(found);
      }
      JsonObject data = new JsonObject().put("anonymous_id", anonymousId);
      return pool.preparedQuery(SQL_CREATE)
          .execute(Tuple.of(storeId, Ids.newCustomerId(), anonymousId, Ids.newId("act"), data))
          // a concurrent first event created it: read the winner
          .compose(rows -> rows.size() == 1 ? Future.succeededFuture(rows.iterator().next().getString(0))
              : find(storeId, anonymousId));
    }).map(id -> {
      visitors.put(key, id);
      return id;
    });
  }

  private Future<String> find(String storeId, String anonymousId) {
    return pool.preparedQuery(SQL_FIND).execute(Tuple.of(storeId, anonymousId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  /** Locks the visitor's row for an identification; null when it is gone (erased meanwhile). */
  public Future<Visitor> lock(SqlConnection conn, String storeId, String customerId) {
    return conn.preparedQuery(SQL_LOCK).execute(Tuple.of(storeId, customerId)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row r = rows.iterator().next();
      return new Visitor(r.getString("id"), r.getBoolean("anonymous"));
    });
  }

  /** The identified customer with this email or external id (email first), or null. */
  public Future<String> known(SqlConnection conn, String storeId, String email, String externalId) {
    return conn.preparedQuery(SQL_KNOWN).execute(Tuple.of(storeId, email, externalId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  /**
   * Gives an anonymous visitor the identity it announced (and its names, where it has none);
   * refused with 409 for a person erased on request. Records it in the timeline.
   */
  public Future<Void> promote(SqlConnection conn, String storeId, String customerId, JsonObject identity) {
    String email = identity.getString("email");
    String external = identity.getString("external_id");
    return repository.notErased(conn, storeId, email, null, external)
        .compose(v -> conn.preparedQuery(SQL_PROMOTE).execute(Tuple.tuple().addValue(storeId).addValue(customerId)
            .addValue(email).addValue(external).addValue(identity.getString("first_name"))
            .addValue(identity.getString("last_name"))))
        .andThen(ar -> repository.cache().changing(conn, storeId, customerId))
        .compose(v -> activity(conn, storeId, customerId, "identified", "Identified on the storefront",
            new JsonObject().put("email", email).put("external_id", external)));
  }

  /**
   * Merges the anonymous profile {@code fromId} into {@code intoId}: its timeline and notes move,
   * the merge is recorded (in the timeline too) and the anonymous row is deleted. The caller has
   * moved the events ({@code eventsMoved} of them) in the same transaction.
   */
  public Future<String> merge(SqlConnection conn, String storeId, String fromId, String intoId, String reason,
                              int eventsMoved) {
    String mergeId = Ids.newId("mrg");
    return conn.preparedQuery(SQL_MOVE_ACTIVITY).execute(Tuple.of(storeId, fromId, intoId))
        .compose(v -> conn.preparedQuery(SQL_MOVE_NOTES).execute(Tuple.of(storeId, fromId, intoId)))
        .compose(v -> conn.preparedQuery(SQL_RECORD_MERGE)
            .execute(Tuple.of(storeId, mergeId, intoId, fromId, reason, eventsMoved)))
        .compose(v -> conn.preparedQuery(SQL_DELETE).execute(Tuple.of(storeId, fromId)))
        .andThen(ar -> repository.cache().changing(conn, storeId, fromId))
        .compose(v -> activity(conn, storeId, intoId, "merge", "Anonymous visitor merged into this customer",
            new JsonObject().put("merge_id", mergeId).put("from_customer_id", fromId).put("reason", reason)
                .put("events_moved", eventsMoved)))
        .map(mergeId);
  }

  /** After a merge committed: the anonymous row's id is gone, its anonymous id leads to the person. */
  public void merged(String storeId, String anonymousId, String fromId, String intoId) {
    directory.forget(storeId, fromId);
    if (anonymousId != null) {
      visitors.put(storeId + "|" + anonymousId, intoId);
    }
  }

  /** Forgets cached visitors of a customer (erased, deleted). */
  public void forget(String storeId, String customerId) {
    visitors.asMap().entrySet().removeIf(e -> e.getValue().equals(customerId) && e.getKey().startsWith(storeId + "|"));
  }

  /** The anonymous profiles merged into a customer, oldest first (exports, the profile). */
  public Future<io.vertx.core.json.JsonArray> mergesOf(String storeId, String customerId) {
    return pool.preparedQuery(SQL_MERGES).execute(Tuple.of(storeId, customerId)).map(AnonymousVisitors::render);
  }

  private static io.vertx.core.json.JsonArray render(RowSet<Row> rows) {
    io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
    for (Row r : rows) {
      out.add(new JsonObject().put("object", "customer_merge").put("id", r.getString("id"))
          .put("from_customer_id", r.getString("from_customer_id")).put("anonymous_id", r.getString("anonymous_id"))
          .put("reason", r.getString("reason")).put("events_moved", r.getInteger("events_moved"))
          .put("merged_at", io.shoal.kernel.Wire.time(r.getOffsetDateTime("merged_at"))));
    }
    return out;
  }

  private static Future<Void> activity(SqlConnection conn, String storeId, String customerId, String type,
                                       String title, JsonObject data) {
    return conn.preparedQuery(SQL_ACTIVITY)
        .execute(Tuple.of(storeId, Ids.newId("act"), customerId, type, title, data)).mapEmpty();
  }

  /** A visitor's identity as a browser may send it: email and/or external id, names; nothing else. */
  public static JsonObject identity(JsonObject given) {
    JsonObject out = new JsonObject();
    for (String f : new String[] {"email", "external_id", "first_name", "last_name"}) {
      Object v = given.getValue(f);
      if (v == null) {
        continue;
      }
      if (!(v instanceof String s) || s.isBlank() || s.length() > (f.equals("email") ? 254 : f.equals("external_id") ? 200 : 100)
          || s.indexOf('\u0000') >= 0) {
        throw DomainException.invalidParam("identify." + f, f + " must be a non-empty string without NUL characters");
      }
      out.put(f, s.trim());
    }
    for (String f : given.fieldNames()) {
      if (!out.containsKey(f) && !java.util.Set.of("email", "external_id", "first_name", "last_name").contains(f)) {
        throw DomainException.forbidden("identify accepts email, external_id, first_name and last_name only; '" + f
            + "' is set from the store's backend with a secret key");
      }
    }
    if (out.getString("email") == null && out.getString("external_id") == null) {
      throw DomainException.invalid("identifier_required", "identify needs email or external_id", "identify");
    }
    if (out.getString("email") != null && !out.getString("email").contains("@")) {
      throw DomainException.invalidParam("identify.email", "email must be an email address");
    }
    return out;
  }

}
