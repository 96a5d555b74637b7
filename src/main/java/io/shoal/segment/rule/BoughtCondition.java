package io.shoal.segment.rule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code {"bought": {"product_ids" | "category_ids": [...], "within_days": N, "min_count": K}}}:
 * at least K purchases of the given products (or categories), summed over the ids, in the last
 * N days (ever, without within_days). Ids match exactly, as the store sent them.
 *
 * <p>With a window, purchases only leave it, so a true answer turns false when the K-th most
 * recent purchase leaves (one nanosecond after it is N days old) and a false answer stays false
 * until a new purchase arrives.
 */
final class BoughtCondition extends RuleNode {

  /** The name in {@link CompiledRule#fieldsRead()}: any new purchase may change the answer. */
  static final String FIELD = "purchases";

  /** {@code product} or {@code category}, as {@link CustomerFacts#purchaseTimes} takes it. */
  private final String kind;
  private final String[] ids;
  /** 0 for ever. */
  private final long windowSeconds;
  private final int minCount;
  private final Map<String, Object> expected;

  BoughtCondition(String path, String kind, List<String> ids, long windowSeconds, int minCount,
      Map<String, Object> expected) {
    super(path);
    this.kind = kind;
    this.ids = ids.toArray(new String[0]);
    this.windowSeconds = windowSeconds;
    this.minCount = minCount;
    this.expected = expected;
  }

  @Override
  boolean test(CustomerFacts c, Instant now) {
    return count(c, now, minCount) >= minCount;
  }

  /** Purchases in the window, counting no further than {@code enough}. */
  private long count(CustomerFacts c, Instant now, long enough) {
    long since = now.getEpochSecond() - windowSeconds;
    long total = 0;
    for (String id : ids) {
      List<Instant> times = c.purchaseTimes(kind, id);
      total += windowSeconds == 0 ? times.size() : SortedTimes.countSince(times, since, now.getNano());
      if (total >= enough) {
        break;
      }
    }
    return total;
  }

  @Override
  Instant nextFlip(CustomerFacts c, Instant now) {
    return nextFlip(c, now, windowSeconds != 0 && test(c, now));
  }

  @Override
  Instant nextFlip(CustomerFacts c, Instant now, boolean holds) {
    if (windowSeconds == 0 || !holds) {
      return null;
    }
    List<List<Instant>> lists = new ArrayList<>(ids.length);
    for (String id : ids) {
      lists.add(c.purchaseTimes(kind, id));
    }
    Instant kth = SortedTimes.kthMostRecent(lists, minCount);
    return kth == null ? null : later(kth, windowSeconds, 1);
  }

  @Override
  boolean explain(CustomerFacts c, Instant now, List<Explanation.Check> out) {
    long count = count(c, now, Long.MAX_VALUE);
    boolean holds = count >= minCount;
    out.add(new Explanation.Check(path, FIELD, "bought", expected, count, holds));
    return holds;
  }

  @Override
  void addFieldsRead(Set<String> out) {
    out.add(FIELD);
  }

  @Override
  boolean isTimeDependent() {
    return windowSeconds > 0;
  }
}
