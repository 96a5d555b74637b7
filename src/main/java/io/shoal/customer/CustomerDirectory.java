package io.shoal.customer;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.shoal.kernel.DomainException;
import io.shoal.kernel.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Locale;

/**
 * Finds the customer an incoming event is about: by id, or by email / external id / phone,
 * creating an unknown person given by email or external id. Answers are cached (the common
 * case, a known customer, costs no database round trip); deletions evict.
 */
public final class CustomerDirectory {

  private static final String SQL_EXISTS = "SELECT id FROM customers WHERE store_id = $1 AND id = $2";
  private static final String SQL_BY_EMAIL =
      "SELECT id FROM customers WHERE store_id = $1 AND lower(email) = lower($2)";
  private static final String SQL_BY_EXTERNAL =
      "SELECT id FROM customers WHERE store_id = $1 AND external_id = $2";
  private static final String SQL_BY_PHONE =
      "SELECT id FROM customers WHERE store_id = $1 AND phone = $2 ORDER BY created_at LIMIT 1";

  private final Pool pool;
  private final CustomerRepository repository;
  private final Cache<String, String> ids = Caffeine.newBuilder().maximumSize(2_000_000).build();

  public CustomerDirectory(Pool pool, CustomerRepository repository) {
    this.pool = pool;
    this.repository = repository;
  }

  /** The customer's id, or a 404 when the event names an id this store does not have. */
  public Future<String> byId(String storeId, String customerId) {
    String key = storeId + "|id|" + customerId;
    if (ids.getIfPresent(key) != null) {
      return Future.succeededFuture(customerId);
    }
    return pool.preparedQuery(SQL_EXISTS).execute(Tuple.of(storeId, customerId)).map(rows -> {
      if (rows.size() == 0) {
        throw new DomainException(404, "invalid_request_error", "resource_missing",
            "No such customer: '" + customerId + "'", "customer_id");
      }
      ids.put(key, customerId);
      return customerId;
    });
  }

  /**
   * The customer with this identity ({@code email}, {@code external_id} or {@code phone}, tried
   * in that order), created from {@code profile} if there is none and it has an email or
   * external id. Answers the id, and whether the customer is new.
   */
  public Future<Resolved> byIdentity(String storeId, JsonObject profile) {
    String email = trimmed(profile.getString("email"));
    String external = trimmed(profile.getString("external_id"));
    String phone = trimmed(profile.getString("phone"));
    String key = email != null ? storeId + "|e|" + email.toLowerCase(Locale.ROOT)
        : external != null ? storeId + "|x|" + external
        : phone != null ? storeId + "|p|" + phone : null;
    if (key == null) {
      return Future.failedFuture(DomainException.invalid("identifier_required",
          "customer needs one of email, external_id or phone (or give customer_id)", "customer"));
    }
    String cached = ids.getIfPresent(key);
    if (cached != null) {
      return Future.succeededFuture(new Resolved(cached, false));
    }
    Future<io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row>> lookup = email != null
        ? pool.preparedQuery(SQL_BY_EMAIL).execute(Tuple.of(storeId, email))
        : external != null
            ? pool.preparedQuery(SQL_BY_EXTERNAL).execute(Tuple.of(storeId, external))
            : pool.preparedQuery(SQL_BY_PHONE).execute(Tuple.of(storeId, phone));
    return lookup.compose(rows -> {
      if (rows.size() > 0) {
        String id = rows.iterator().next().getString("id");
        ids.put(key, id);
        return Future.succeededFuture(new Resolved(id, false));
      }
      if (email == null && external == null) {
        return Future.failedFuture(new DomainException(404, "invalid_request_error", "resource_missing",
            "no customer has phone '" + phone + "'; identify new customers by email or external_id", "customer.phone"));
      }
      JsonObject fields = CustomerApi.normalized(profile);
      CustomerRepository.Activity created = CustomerApi.activity("profile", "Customer created", new JsonObject());
      return repository.create(storeId, Ids.newCustomerId(), fields, created).map(c -> {
        String id = c.customer().getString("id");
        ids.put(key, id);
        return new Resolved(id, c.isNew());
      });
    });
  }

  public record Resolved(String customerId, boolean created) {}

  /** Applies profile fields carried by an event (given fields replace, as a PATCH would). */
  public Future<Void> applyProfile(String storeId, String customerId, JsonObject profile) {
    JsonObject patch = CustomerApi.normalized(profile);
    return repository.update(storeId, customerId, current -> CustomerApi.applyPatch(current, patch)).mapEmpty();
  }

  /** Forgets a deleted customer so later events naming it are refused. */
  public void forget(String storeId, String customerId) {
    ids.asMap().entrySet().removeIf(e -> e.getValue().equals(customerId) && e.getKey().startsWith(storeId + "|"));
  }

  private static String trimmed(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
