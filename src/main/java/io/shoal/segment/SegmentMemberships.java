package io.shoal.segment;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What other capabilities may ask the segment capability about a customer's live segments and
 * the items assigned to them (coupons ask this; they never read segment tables). A segment
 * counts only while it is live ({@link StorefrontFields#liveAt}). In SQL, the functions
 * {@code customer_live_segment} and {@code customer_covered_items} (V31), {@code
 * customer_live_segment_ids} and {@code segment_items_of} (V42) answer the same for a
 * statement of another capability (a coupon validation in one round trip).
 */
public interface SegmentMemberships {

  /** An item assigned to a segment: {@code type} is {@code product} or {@code category}. */
  record ItemRef(String segmentId, String type, String itemId) {}

  /** Which of these ids are segments of the store (live or not). */
  Future<Set<String>> existing(String storeId, Collection<String> segmentIds);

  /** Of {@code segmentIds} (all segments when empty), those the customer is a live member of at {@code t}. */
  Future<Set<String>> liveSegments(String storeId, String customerId, Collection<String> segmentIds, Instant t);
}
