package io.shoal.delivery;

/**
 * What a provider said about one attempt.
 *
 * <ul>
 *   <li>{@code SENT}: accepted; {@code providerId} is its id there (Twilio SID, Lob letter id, Message-ID).
 *   <li>{@code TEMPORARY}: try again later (SMTP 4xx, HTTP 429/5xx/408, timeout, refused);
 *       {@code retryAfterMs} is the provider's own Retry-After, or 0.
 *   <li>{@code PERMANENT}: never going to work (bad request, invalid number); recorded as failed.
 *   <li>{@code BOUNCED}: the recipient's address is refused (SMTP 5xx on RCPT); recorded as bounced.
 * </ul>
 */
public record SendOutcome(Kind kind, String providerId, String reason, long retryAfterMs) {

  public enum Kind { SENT, TEMPORARY, PERMANENT, BOUNCED }

  public static SendOutcome sent(String providerId) {
    return new SendOutcome(Kind.SENT, providerId, null, 0);
  }

  public static SendOutcome temporary(String reason, long retryAfterMs) {
    return new SendOutcome(Kind.TEMPORARY, null, reason, Math.max(0, retryAfterMs));
  }

  public static SendOutcome permanent(String reason) {
    return new SendOutcome(Kind.PERMANENT, null, reason, 0);
  }

  public static SendOutcome bounced(String reason) {
    return new SendOutcome(Kind.BOUNCED, null, reason, 0);
  }
}
