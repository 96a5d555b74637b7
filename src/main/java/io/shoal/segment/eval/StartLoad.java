package io.shoal.segment.eval;

import io.vertx.sqlclient.Row;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * A partition's customers as its start reads them ({@link EvaluationStore#scanCustomerPages}):
 * first the state rows, each made a customer with its state and memberships and put among its
 * store's customers at once, then every customer's profile, which completes its customer (or makes
 * one that has no state row yet) and adopts it. Rows of other partitions are skipped.
 *
 * <p>A state row's customer goes straight into the store's map, where its profile row finds it:
 * a map of its own for the customers waiting for their profile cost a put, a remove and an entry
 * per customer, entries that outlived the state scan and were copied by the collections of a
 * start (bench/engine, twenty-sixth pass).
 */
final class StartLoad {

  private final PartitionCore core;
  /** State rows taken, and those whose profile came since: unequal only if some customer has no profile. */
  private long stateRows;
  private long matched;
  /** Customers of a state row that held no state (evaluated in full after the replay), until their profile comes. */
  private final Set<CustomerState> stateless = Collections.newSetFromMap(new IdentityHashMap<>());

  StartLoad(PartitionCore core) {
    this.core = core;
  }

  /** A row of the state scan: its customer made from the stored state and memberships, kept for its profile. */
  void stateRow(Row r) {
    String storeId = r.getString(EvaluationStore.STORE_ID);
    String id = r.getString(EvaluationStore.ID);
    if (!core.mine(storeId, id)) {
      return;
    }
    Object state = EvaluationStore.storedState(r, EvaluationStore.STATE_ROW_STATE);
    CustomerState c = state instanceof byte[] b ? core.newPackedCustomer(storeId, id, b)
        : core.newCustomer(storeId, id, state);
    core.loadMemberships(c, EvaluationStore.segmentNumsPacked(r, EvaluationStore.STATE_ROW_STATE),
        EvaluationStore.segmentNums(r, EvaluationStore.STATE_ROW_STATE));
    if (state == null) {
      stateless.add(c);
    }
    core.putLoading(c);
    stateRows++;
  }

  /**
   * A row of the profile scan: the customer of its state row (or a new one when it has none) gets
   * its profile and is adopted; every segment is re-tested after the replay when it has no stored
   * state or its profile changed after it was last evaluated.
   */
  void profileRow(Row r) {
    String storeId = r.getString(EvaluationStore.STORE_ID);
    String id = r.getString(EvaluationStore.ID);
    if (!core.mine(storeId, id)) {
      return;
    }
    CustomerState c = stateRows == matched ? null : core.customer(storeId, id);
    if (c == null) {
      c = core.newCustomer(storeId, id, null);
      c.setProfile(r);
      core.adoptLoaded(c, true);
    } else {
      matched++;
      c.setProfile(r);
      core.adoptPut(c, (!stateless.isEmpty() && stateless.remove(c)) || c.profileChangedSinceEvaluated());
    }
  }

  /**
   * State rows whose customer was not among the profiles, dropped: none, as both scans read one
   * snapshot and a state row's customer is its foreign key.
   */
  int dropUnmatched() {
    long n = stateRows - matched;
    if (n > 0) {
      core.dropLoadedWithoutProfile();
    }
    stateRows = matched = 0;
    stateless.clear();
    return (int) n;
  }
}
