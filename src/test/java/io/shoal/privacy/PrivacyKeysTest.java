package io.shoal.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Suppression hashes and link signatures: what matches, and what must not. */
class PrivacyKeysTest {

  private final PrivacyKeys keys = new PrivacyKeys("a-secret-of-at-least-32-characters!!");

  @Test
  void emailsAndPhonesMatchWhateverTheirSpelling() {
    assertEquals("sarah@example.com", PrivacyKeys.normaliseEmail("  Sarah@EXAMPLE.com "));
    assertEquals("15550142", PrivacyKeys.normalisePhone("+1 (555) 01-42"));
    assertNull(PrivacyKeys.normalisePhone("+1"));
    assertNull(PrivacyKeys.normaliseEmail("  "));
  }

  @Test
  void aSuppressionHashDependsOnTheStoreTheKindAndTheSecret() {
    byte[] a = keys.suppressionHash("store_a", "email", "sarah@example.com");
    assertArrayEquals(a, keys.suppressionHash("store_a", "email", "sarah@example.com"));
    assertFalse(Arrays.equals(a, keys.suppressionHash("store_b", "email", "sarah@example.com")));
    assertFalse(Arrays.equals(a, keys.suppressionHash("store_a", "phone", "sarah@example.com")));
    assertFalse(Arrays.equals(a, new PrivacyKeys("another-secret-of-32-characters-or-more")
        .suppressionHash("store_a", "email", "sarah@example.com")));
  }

  @Test
  void aLinkSignatureCoversStoreRequestAndExpiry() {
    String sig = keys.linkSignature("store_a", "drr_1", 1_800_000_000L);
    assertTrue(keys.linkSignatureValid("store_a", "drr_1", 1_800_000_000L, sig));
    assertTrue(keys.linkSignatureValid("store_a", "drr_1", 1_800_000_000L, sig.toUpperCase()));
    assertFalse(keys.linkSignatureValid("store_a", "drr_1", 1_800_000_001L, sig));
    assertFalse(keys.linkSignatureValid("store_a", "drr_2", 1_800_000_000L, sig));
    assertFalse(keys.linkSignatureValid("store_b", "drr_1", 1_800_000_000L, sig));
    assertFalse(keys.linkSignatureValid("store_a", "drr_1", 1_800_000_000L, null));
  }
}
