package io.shoal.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TrackingLinksTest {

  private final TrackingLinks links = new TrackingLinks("https://t.example", "k1".getBytes(StandardCharsets.UTF_8));
  private final TrackingLinks.MessageRef ref = new TrackingLinks.MessageRef("store_a", "msg_1");

  private static String token(String url) {
    String path = url.substring(url.indexOf("/t/") + 5);
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  @Test
  void tokensNameTheirMessageAndCannotBeForged() {
    String token = token(links.unsubscribeUrl(ref));
    assertEquals(ref, links.verify(token));
    assertNull(new TrackingLinks("https://t.example", "k2".getBytes(StandardCharsets.UTF_8)).verify(token),
        "another key does not accept it");
    String otherMessage = token(links.unsubscribeUrl(new TrackingLinks.MessageRef("store_a", "msg_2")));
    String spliced = otherMessage.substring(0, otherMessage.indexOf('.')) + token.substring(token.indexOf('.'));
    assertNull(links.verify(spliced), "a signature is for its own message");
    assertNull(links.verify("garbage"));
  }

  @Test
  void clickSignaturesCoverTheTarget() {
    String url = links.clickUrl(ref, "https://shop.example/a?b=1");
    String token = token(url);
    String query = url.substring(url.indexOf('?') + 1);
    String target = URLDecoder.decode(query.substring(2, query.indexOf("&s=")), StandardCharsets.UTF_8);
    String sig = query.substring(query.indexOf("&s=") + 3);
    assertEquals("https://shop.example/a?b=1", target);
    assertTrue(links.verifyClick(token, target, sig));
    assertFalse(links.verifyClick(token, "https://evil.example/", sig));
  }

  @Test
  void htmlLinksAreWrappedWithUtmAndThePixelAdded() {
    String html = "<html><body><a href=\"https://shop.example/x?utm_source=mail\">x</a>"
        + "<a class='b' href='http://shop.example/y#top'>y</a><a href=\"mailto:a@b.c\">m</a>"
        + "<a href=\"" + links.unsubscribeUrl(ref) + "\">u</a></body></html>";
    String tracked = links.track(html, ref, new JsonObject().put("utm_source", "shoal").put("utm_campaign", "spring"));
    assertTrue(tracked.contains(links.clickUrl(ref, "https://shop.example/x?utm_source=mail&utm_campaign=spring")
        .replace("&", "&amp;")), tracked);
    assertTrue(tracked.contains(links.clickUrl(ref, "http://shop.example/y?utm_source=shoal&utm_campaign=spring#top")
        .replace("&", "&amp;")), tracked);
    assertTrue(tracked.contains("href=\"mailto:a@b.c\""));
    assertTrue(tracked.contains("href=\"" + links.unsubscribeUrl(ref) + "\""), "our own links are left alone");
    assertTrue(tracked.endsWith("<img src=\"" + links.openUrl(ref)
        + "\" width=\"1\" height=\"1\" alt=\"\" style=\"display:none\"></body></html>"), tracked);
  }
}
