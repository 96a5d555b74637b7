package io.shoal.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeliverySignatureTest {

  private static final byte[] BODY = "{\"id\":\"evt_1\",\"object\":\"event\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void signsTimestampDotBodyWithHmacSha256InHex() {
    // the sample in docs/webhooks.md: echo -n '1767225600.{"id":"evt_1","object":"event"}' | openssl dgst -sha256 -hmac whsec_test
    assertEquals("t=1767225600,v1=" + DeliverySignature.sign("whsec_test", 1767225600, BODY),
        DeliverySignature.header(1767225600, BODY, "whsec_test", null));
    assertEquals("f4d5f51477c6698fe9d263cd98eb657ada2ab386dd3c4358048d61a566ce9ad7",
        DeliverySignature.sign("whsec_test", 1767225600, BODY));
  }

  @Test
  void verifiesAndRefusesTamperingOtherSecretsAndOldTimestamps() {
    String header = DeliverySignature.header(1_000, BODY, "whsec_a", null);
    assertTrue(DeliverySignature.verify(header, BODY, "whsec_a", 1_100, 300));
    assertFalse(DeliverySignature.verify(header, BODY, "whsec_b", 1_100, 300));
    assertFalse(DeliverySignature.verify(header, "{}".getBytes(StandardCharsets.UTF_8), "whsec_a", 1_100, 300));
    assertFalse(DeliverySignature.verify(header, BODY, "whsec_a", 1_400, 300), "too old: a replay");
    assertFalse(DeliverySignature.verify(header.replace("t=1000", "t=1001"), BODY, "whsec_a", 1_100, 300));
    assertFalse(DeliverySignature.verify(null, BODY, "whsec_a", 1_100, 300));
    assertFalse(DeliverySignature.verify("garbage", BODY, "whsec_a", 1_100, 300));
  }

  @Test
  void duringARollsGracePeriodEitherSecretVerifies() {
    String header = DeliverySignature.header(1_000, BODY, "whsec_new", "whsec_old");
    assertTrue(header.matches("t=1000,v1=[0-9a-f]{64},v1=[0-9a-f]{64}"), header);
    assertTrue(DeliverySignature.verify(header, BODY, "whsec_new", 1_000, 300));
    assertTrue(DeliverySignature.verify(header, BODY, "whsec_old", 1_000, 300));
  }
}
