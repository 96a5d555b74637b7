package io.shoal.segment.eval;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One copy of each product and category id across every customer's state: a store has a few
 * thousand of them, and 100,000 customers' orders name them over and over (bench/engine: about
 * a fifth of the heap per customer was repeated id strings). Bounded, because ids come from
 * clients: past {@link #LIMIT} distinct ids new ones are kept as they come.
 */
final class IdPool {

  static final int LIMIT = 200_000;
  static final IdPool SHARED = new IdPool();

  private final ConcurrentHashMap<String, String> ids = new ConcurrentHashMap<>();

  String intern(String id) {
    if (id == null) {
      return null;
    }
    String known = ids.get(id);
    if (known != null) {
      return known;
    }
    if (ids.size() >= LIMIT) {
      return id;
    }
    known = ids.putIfAbsent(id, id);
    return known == null ? id : known;
  }
}
