package io.shoal.customer;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Whether an email, phone or external id belongs to a person whose data was erased at their request (see
 * io.shoal.privacy). Asked inside the transaction that would create a customer with it, or give
 * an existing customer it, so an erased person is never re-created silently.
 */
public interface ErasedIdentities {

  /** Nothing is ever suppressed (a repository used without data protection). */
  ErasedIdentities NONE = new ErasedIdentities() {
    @Override
    public Future<String> suppressed(SqlConnection conn, String storeId, String email, String phone, String externalId) {
      return Future.succeededFuture(null);
    }

    @Override
    public Future<List<String>> suppressedEach(SqlConnection conn, List<Identity> identities) {
      return Future.succeededFuture(Arrays.asList(new String[identities.size()]));
    }
  };

  /** One person's identifiers, as a create gives them (each may be null). */
  record Identity(String storeId, String email, String phone, String externalId) {}

  /** The suppression's id when one of the identifiers (each may be null) is suppressed, else null. */
  Future<String> suppressed(SqlConnection conn, String storeId, String email, String phone, String externalId);

  /**
   * For each identity, in order, what {@link #suppressed} answers for it (a batch of creates asks
   * once for all its customers). This default asks for each one (pipelined on {@code conn}).
   */
  default Future<List<String>> suppressedEach(SqlConnection conn, List<Identity> identities) {
    List<Future<String>> each = new ArrayList<>(identities.size());
    for (Identity i : identities) {
      each.add(suppressed(conn, i.storeId(), i.email(), i.phone(), i.externalId()));
    }
    return Future.all(each).map(all -> all.<String>list());
  }
}
