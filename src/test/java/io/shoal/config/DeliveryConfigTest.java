package io.shoal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DeliveryConfigTest {

  @Test
  void nothingConfiguredMeansEveryChannelGoesToTheLog() {
    DeliveryConfig c = DeliveryConfig.from(Map.<String, String>of()::get);
    assertTrue(c.smtp().isEmpty() && c.twilio().isEmpty() && c.push().isEmpty() && c.lob().isEmpty());
    assertEquals(64, c.concurrency());
    assertEquals(10, c.rate("sms"));
    assertEquals(0, c.rate("email"));
  }

  @Test
  void providersAreReadWithTheirDefaults() {
    DeliveryConfig c = DeliveryConfig.from(Map.of("SHOAL_SMTP_HOST", "smtp.example.com",
        "SHOAL_SMTP_FROM", "news@acme.example", "SHOAL_SMTP_TLS", "TLS",
        "SHOAL_LOB_API_KEY", "live_x", "SHOAL_LOB_FROM", "adr_1", "SHOAL_PUBLIC_URL", "https://t.acme.example/",
        "SHOAL_DELIVERY_RATE_EMAIL", "50")::get);
    assertEquals(465, c.smtp().get().port(), "implicit TLS defaults to 465");
    assertEquals("tls", c.smtp().get().tls());
    assertEquals("https://api.lob.com", c.lob().get().baseUrl());
    assertEquals("https://t.acme.example", c.publicUrl().get());
    assertEquals(50, c.rate("email"));
  }

  @Test
  void aMissingOrMalformedValueNamesTheVariable() {
    IllegalArgumentException from = assertThrows(IllegalArgumentException.class,
        () -> DeliveryConfig.from(Map.of("SHOAL_SMTP_HOST", "smtp.example.com")::get));
    assertTrue(from.getMessage().contains("SHOAL_SMTP_FROM"), from.getMessage());
    IllegalArgumentException tls = assertThrows(IllegalArgumentException.class, () -> DeliveryConfig.from(
        Map.of("SHOAL_SMTP_HOST", "h", "SHOAL_SMTP_FROM", "f", "SHOAL_SMTP_TLS", "ssl3")::get));
    assertTrue(tls.getMessage().contains("SHOAL_SMTP_TLS"), tls.getMessage());
    IllegalArgumentException token = assertThrows(IllegalArgumentException.class,
        () -> DeliveryConfig.from(Map.of("SHOAL_TWILIO_ACCOUNT_SID", "AC1")::get));
    assertTrue(token.getMessage().contains("SHOAL_TWILIO_AUTH_TOKEN"), token.getMessage());
    IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
        () -> DeliveryConfig.from(Map.of("SHOAL_DELIVERY_RATE_SMS", "-1")::get));
    assertTrue(rate.getMessage().contains("SHOAL_DELIVERY_RATE_SMS"), rate.getMessage());
  }
}
