package io.shoal.kernel;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * What one capability keeps about a person, as a data-protection request sees it. Each package
 * that owns tables holding personal data implements this once, next to its SQL, and Shoal
 * wires the implementations into the privacy capability's {@code DataRequestVerticle} in the order erasure runs them.
 *
 * <p>Erasure is a sequence of steps, one per implementation, each recorded as done (by
 * {@link #name()}) when it ends. A crash in the middle re-runs the interrupted step at the next
 * start, so {@link #erase} must be idempotent: running it twice leaves the same result as once.
 */
public interface PersonalData {

  /**
   * A stable name: the key of this holder's section in an export document and of its step in
   * a request's {@code steps_done}. Never rename one (requests in flight refer to it).
   */
  String name();

  /** Everything held about the person here, as one JSON section; null when nothing is held. */
  Future<JsonObject> export(DataSubject subject);

  /**
   * Removes the person's data here, or keeps it only anonymised where the store's accounting
   * needs it (amounts, counts). Answers what was done, as counts, for the audit log.
   */
  Future<JsonObject> erase(DataSubject subject);
}
