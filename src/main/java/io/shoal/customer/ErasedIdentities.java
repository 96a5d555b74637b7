package io.shoal.customer;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/**
 * Whether an email, phone or external id belongs to a person whose data was erased at their request (see
 * io.shoal.privacy). Asked inside the transaction that would create a customer with it, or give
 * an existing customer it, so an erased person is never re-created silently.
 */
public interface ErasedIdentities {

  /** Nothing is ever suppressed (a repository used without data protection). */
  ErasedIdentities NONE = (conn, storeId, email, phone, externalId) -> Future.succeededFuture(null);

  /** The suppression's id when one of the identifiers (each may be null) is suppressed, else null. */
  Future<String> suppressed(SqlConnection conn, String storeId, String email, String phone, String externalId);
}
