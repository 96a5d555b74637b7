package io.shoal.kernel;

/** The person a data-protection request is about: a customer of a store, and the request. */
public record DataSubject(String storeId, String customerId, String requestId) {}
