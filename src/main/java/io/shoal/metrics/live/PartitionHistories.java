package io.shoal.metrics.live;

import io.shoal.metrics.RepeatHistory;
import java.util.List;

/**
 * One partition's answer to a model fit: its customers' histories as of the fit's instant, and
 * the current RFM values of its customers with orders (last purchase day, purchase days, total).
 * Passed between verticles of one JVM by reference.
 */
public record PartitionHistories(List<RepeatHistory> histories, long[] lastDays, int[] purchaseDays,
                                 double[] totals) {}
