package io.shoal.campaign;

import io.shoal.kernel.Channel;

/**
 * One frozen recipient as the campaign is about to queue their message: what decides whether
 * they may be sent to on the campaign's channel. {@code exists} is false when the customer was
 * deleted after the campaign started; {@code unsubscribed} when they unsubscribed from the
 * channel (which also turns its consent off, but direct mail has no consent flag).
 */
record Recipient(String customerId, boolean exists, String email, String phone, boolean hasAddress,
                 boolean emailConsent, boolean smsConsent, boolean pushConsent, boolean unsubscribed,
                 String timezone) {

  /**
   * Why this recipient gets no message on {@code channel}, or null when they may. Recorded as
   * the suppressed message's reason. Direct mail has no consent flag: an address is enough.
   */
  String exclusion(Channel channel) {
    if (!exists) {
      return "customer_deleted";
    }
    if (unsubscribed) {
      return "unsubscribed";
    }
    return switch (channel) {
      case EMAIL -> email == null || email.isBlank() ? "no_email" : emailConsent ? null : "no_email_consent";
      case SMS -> phone == null || phone.isBlank() ? "no_phone" : smsConsent ? null : "no_sms_consent";
      case PUSH -> pushConsent ? null : "no_push_consent";
      case DIRECT_MAIL -> hasAddress ? null : "no_address";
    };
  }
}
