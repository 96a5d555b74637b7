package io.shoal.segment.eval;

import java.util.Arrays;
import java.util.List;

/**
 * One copy of the profile strings that many customers share (first and last names, timezones,
 * tags, the keys and string values of addresses and metadata: cities, countries, plans), kept in
 * a fixed table indexed by the string's hash. A string finds the copy kept in its slot when equal,
 * else takes the slot. Unlike a pool of every value seen, values met once (postal codes, ids in
 * metadata) cost nothing beyond their own copy, and the table's size is fixed whatever clients
 * send; a common value pushed out by a rare one is back at its next customer.
 *
 * <p>Partitions share the table from their own threads without locks: a slot holds a reference
 * to an immutable string, so a reader sees either the old copy or the new one, both correct.
 */
final class SharedValues {

  static final SharedValues PROFILE = new SharedValues(1 << 16);

  private final String[] slots;
  /**
   * The same for whole values made of such strings (a tag list, a flat metadata or address object
   * of strings only): a customer with the same tags or metadata as another holds the other's
   * list or array instead of its own (a million customers held a million of each; bench/engine,
   * twenty-seventh pass). Kept separately from the strings, and only values that are never changed.
   */
  private final Object[] groups;
  private final int mask;

  SharedValues(int size) {
    if (Integer.bitCount(size) != 1) {
      throw new IllegalArgumentException("size must be a power of two: " + size);
    }
    slots = new String[size];
    groups = new Object[size];
    mask = size - 1;
  }

  /** An immutable list of {@code values} (already shared strings): the kept equal one, else a new one that is kept. */
  List<String> shareList(String[] values) {
    int h = Arrays.hashCode(values);
    int slot = (h ^ (h >>> 16)) & mask;
    if (groups[slot] instanceof List<?> kept && kept.size() == values.length && equalElements(kept, values)) {
      @SuppressWarnings("unchecked")
      List<String> same = (List<String>) kept;
      return same;
    }
    List<String> list = List.of(values);
    groups[slot] = list;
    return list;
  }

  private static boolean equalElements(List<?> kept, String[] values) {
    for (int i = 0; i < values.length; i++) {
      if (!values[i].equals(kept.get(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * A key, value, key, value... array (never changed by its holders): the kept equal one when all
   * its elements are strings, else {@code kv} itself (kept for the next equal one when it is of
   * strings).
   */
  Object[] shareStrings(Object[] kv) {
    if (kv == null) {
      return null;
    }
    for (Object o : kv) {
      if (!(o instanceof String)) {
        // A nested object or array may be changed by whoever holds it: not shared. Nor is an array
        // with a null: partitions share these slots without a lock, and another thread may see a
        // kept array's elements before they were written, as nulls; an array compared equal to that
        // view must not be one that has nulls of its own.
        return kv;
      }
    }
    int h = Arrays.hashCode(kv);
    int slot = (h ^ (h >>> 16)) & mask;
    if (groups[slot] instanceof Object[] kept && Arrays.equals(kept, kv)) {
      return kept;
    }
    groups[slot] = kv;
    return kv;
  }

  String share(String value) {
    if (value == null) {
      return null;
    }
    int h = value.hashCode();
    int slot = (h ^ (h >>> 16)) & mask;
    String kept = slots[slot];
    if (value.equals(kept)) {
      return kept;
    }
    slots[slot] = value;
    return value;
  }

  /**
   * {@code text.substring(from, to)}, shared: the kept copy when it holds those characters, found
   * without making the substring (a new one is made, and kept, only when the slot holds another).
   */
  String share(String text, int from, int to) {
    int h = 0;
    for (int i = from; i < to; i++) {
      h = 31 * h + text.charAt(i); // String.hashCode of the substring
    }
    int slot = (h ^ (h >>> 16)) & mask;
    String kept = slots[slot];
    int length = to - from;
    if (kept != null && kept.length() == length && text.regionMatches(from, kept, 0, length)) {
      return kept;
    }
    String value = text.substring(from, to);
    slots[slot] = value;
    return value;
  }
}
