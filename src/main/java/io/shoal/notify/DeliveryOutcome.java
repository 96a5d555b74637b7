package io.shoal.notify;

/** How one attempt ended and what the {@link RetryPolicy} decided; written back by {@link DeliveryStore#complete}. */
record DeliveryOutcome(DeliveryAttempt attempt, RetryPolicy.Decision decision, int statusCode, String error,
                       int latencyMs, long atMs) {}
