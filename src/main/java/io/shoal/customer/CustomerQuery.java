package io.shoal.customer;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/** A validated customer list request: search, filters, sort and the page position. */
record CustomerQuery(
    String search,
    List<String> tags,
    Instant createdAfter,
    Instant createdBefore,
    JsonObject metadata,
    String segmentId,
    CustomerSort sort,
    boolean descending,
    String afterSortKey,
    String afterId,
    int limit) {}
