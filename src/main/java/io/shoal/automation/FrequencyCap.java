package io.shoal.automation;

import java.time.Duration;

/**
 * At most {@code max} automation messages on {@code channel} to one customer within
 * {@code window}, counting every rule's messages, not just this rule's: the customer's inbox
 * is what the cap protects.
 */
public record FrequencyCap(String channel, int max, Duration window) {

  /** Whether one more message is allowed after {@code sentInWindow} in the window. */
  public boolean allows(long sentInWindow) {
    return sentInWindow < max;
  }
}
