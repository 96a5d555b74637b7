package io.shoal.notify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** TEMPORARY (webhooks17 measurement, not landed): per-stage time sums and samples, logged every 5 s. */
final class WebhookStageClock {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookStageClock.class);
  private static final Map<String, List<Long>> SAMPLES = new TreeMap<>();
  private static long lastDump = System.nanoTime();

  private WebhookStageClock() {}

  static synchronized void add(String stage, long micros) {
    SAMPLES.computeIfAbsent(stage, k -> new ArrayList<>()).add(micros);
    long now = System.nanoTime();
    if (now - lastDump > 5_000_000_000L) {
      lastDump = now;
      dump();
    }
  }

  static long since(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000;
  }

  private static void dump() {
    StringBuilder sb = new StringBuilder("STAGES");
    SAMPLES.forEach((k, v) -> {
      if (v.isEmpty()) {
        return;
      }
      Collections.sort(v);
      long sum = 0;
      for (long x : v) {
        sum += x;
      }
      sb.append(String.format(" | %s n=%d sum_ms=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f", k, v.size(), sum / 1000,
          v.get(v.size() / 2) / 1000.0, v.get((int) (v.size() * 0.99)) / 1000.0, v.get(v.size() - 1) / 1000.0));
      v.clear();
    });
    LOG.info(sb.toString());
  }
}
