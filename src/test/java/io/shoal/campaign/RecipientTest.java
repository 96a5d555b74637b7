package io.shoal.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.shoal.kernel.Channel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RecipientTest {

  private static Recipient who(String email, String phone, boolean address, boolean emailOk, boolean smsOk,
                               boolean pushOk) {
    return new Recipient("cust_1", true, email, phone, address, emailOk, smsOk, pushOk, false, null);
  }

  @Test
  void eachChannelNeedsItsConsentAndAnAddressToReach() {
    Recipient all = who("a@x.example", "+15550100", true, true, true, true);
    for (Channel c : Channel.values()) {
      assertNull(all.exclusion(c), c.wire());
    }
    Recipient none = who("a@x.example", "+15550100", false, false, false, false);
    assertEquals("no_email_consent", none.exclusion(Channel.EMAIL));
    assertEquals("no_sms_consent", none.exclusion(Channel.SMS));
    assertEquals("no_push_consent", none.exclusion(Channel.PUSH));
    assertEquals("no_address", none.exclusion(Channel.DIRECT_MAIL));
    Recipient unreachable = who(null, " ", true, true, true, true);
    assertEquals("no_email", unreachable.exclusion(Channel.EMAIL));
    assertEquals("no_phone", unreachable.exclusion(Channel.SMS));
  }

  @Test
  void anUnsubscribedOrDeletedCustomerIsNeverSentTo() {
    Recipient unsubscribed = new Recipient("cust_1", true, "a@x.example", null, true, true, true, true, true, null);
    assertEquals("unsubscribed", unsubscribed.exclusion(Channel.EMAIL));
    assertEquals("unsubscribed", unsubscribed.exclusion(Channel.DIRECT_MAIL));
    Recipient deleted = new Recipient("cust_1", false, null, null, false, false, false, false, false, null);
    assertEquals("customer_deleted", deleted.exclusion(Channel.EMAIL));
  }
}
