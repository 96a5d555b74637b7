package io.shoal.segment.eval;

import io.vertx.sqlclient.Row;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A partition's customers as its start reads them ({@link EvaluationStore#scanCustomerPages}):
 * first the state rows, each made a customer with its state and memberships and kept here by store
 * and id, then every customer's profile, which completes its customer (or makes one that has no
 * state row yet) and adopts it. Rows of other partitions are skipped.
 */
final class StartLoad {

  private final PartitionCore core;
  /** Customers whose state row was read and whose profile was not yet: store id -> customer id -> customer. */
  private final Map<String, Map<String, CustomerState>> waiting = new HashMap<>();
  /** Those of {@link #waiting} whose state row held no state (evaluated in full after the replay). */
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
    CustomerState c = core.newCustomer(storeId, id, state);
    core.loadMemberships(c, EvaluationStore.segmentNums(r, EvaluationStore.STATE_ROW_STATE));
    if (state == null) {
      stateless.add(c);
    }
    waiting.computeIfAbsent(storeId, k -> new HashMap<>()).put(id, c);
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
    Map<String, CustomerState> ofStore = waiting.get(storeId);
    CustomerState c = ofStore == null ? null : ofStore.remove(id);
    boolean evaluateAll;
    if (c == null) {
      c = core.newCustomer(storeId, id, null);
      c.setProfile(r);
      evaluateAll = true;
    } else {
      c.setProfile(r);
      evaluateAll = stateless.remove(c) || c.profileChangedSinceEvaluated();
    }
    core.adoptLoaded(c, evaluateAll);
  }

  /**
   * State rows whose customer was not among the profiles, dropped: none, as both scans read one
   * snapshot and a state row's customer is its foreign key.
   */
  int dropUnmatched() {
    int n = waiting.values().stream().mapToInt(Map::size).sum();
    waiting.clear();
    stateless.clear();
    return n;
  }
}
