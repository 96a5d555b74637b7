package io.shoal.kernel;

/**
 * Which partition a customer's events belong to: the evaluator partition that keeps its state and,
 * in Kafka mode, the partition of the events topic they are produced to. One function for both,
 * so a node that owns topic partition p owns exactly the customers of evaluator partition p.
 */
public final class CustomerPartitions {

  private CustomerPartitions() {}

  public static int of(String storeId, String customerId, int partitions) {
    int h = storeId.hashCode() * 31 + customerId.hashCode();
    return Math.floorMod(h ^ (h >>> 16), partitions);
  }
}
