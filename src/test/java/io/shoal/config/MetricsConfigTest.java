package io.shoal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MetricsConfigTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    MetricsConfig c = ShoalConfig.fromMap(Map.of()).metrics();
    assertTrue(c.enabled());
    assertEquals(60_000, c.checkIntervalMs());
    assertEquals(3_600_000, c.refitIntervalMs());
    assertEquals(0.10, c.refitGrowth(), 1e-12);
    assertEquals(52, c.settings().horizonWeeks());
    assertEquals(0.10, c.settings().annualDiscountRate(), 1e-12);
  }

  @Test
  void valuesAreReadAndBadOnesNameTheVariable() {
    MetricsConfig c = MetricsConfig.from(Map.of(MetricsConfig.ENABLED, "false", MetricsConfig.HORIZON_WEEKS, "26",
        MetricsConfig.DISCOUNT_RATE_PERCENT, "0")::get);
    assertFalse(c.enabled());
    assertEquals(26, c.settings().horizonWeeks());
    assertEquals(0, c.settings().annualDiscountRate());
    IllegalArgumentException notBoolean = assertThrows(IllegalArgumentException.class,
        () -> MetricsConfig.from(Map.of(MetricsConfig.ENABLED, "yes")::get));
    assertTrue(notBoolean.getMessage().contains("SHOAL_METRICS_ENABLED"), notBoolean.getMessage());
    IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
        () -> MetricsConfig.from(Map.of(MetricsConfig.HORIZON_WEEKS, "1000")::get));
    assertTrue(tooLong.getMessage().contains("SHOAL_METRICS_CLV_HORIZON_WEEKS"), tooLong.getMessage());
  }
}
