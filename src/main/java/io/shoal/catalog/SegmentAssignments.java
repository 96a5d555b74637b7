package io.shoal.catalog;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What the catalog asks the capability that assigns items to segments (the segment capability
 * implements it; the catalog never reads its tables): which products and categories some
 * segments make available. The storefront lists a category's products "for these segments"
 * with it (seed 004: a segment that names a subcategory shows its parent's label, but only the
 * subcategory's products).
 */
public interface SegmentAssignments {

  /**
   * The assignments of the segments asked for: {@code unknown} lists the asked ids that are not
   * segments of the store, in the order asked.
   */
  record Assigned(List<String> unknown, Set<String> productIds, Set<String> categoryIds) {}

  /** The products and categories assigned to these segments (live or not: the caller named them). */
  Future<Assigned> assignedTo(String storeId, Collection<String> segmentIds);

  /** No segments: for wiring without the segment capability. */
  SegmentAssignments NONE = (storeId, segmentIds) ->
      Future.succeededFuture(new Assigned(List.copyOf(segmentIds), Set.of(), Set.of()));
}
