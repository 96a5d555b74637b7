package io.shoal.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.kernel.Channel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TemplateRendererTest {

  private static final JsonObject PROFILE = new JsonObject().put("first_name", "Sarah").put("email", "s@example.com")
      .put("address", new JsonObject().put("city", "Lyon")).put("tags", new JsonArray().add("vip").add("retail"));
  private static final JsonObject METRICS = new JsonObject().put("total_spent", 289.5).put("total_orders", 2);

  private static TemplateRenderer.Rendered render(TemplateContent c, JsonObject vars) {
    return TemplateRenderer.compile(c).render(TemplateRenderer.context(PROFILE, METRICS, vars, "https://u.example/x"));
  }

  @Test
  void profileAtTheTopMetricsAndVarsBelowAndMissingValuesRenderAsNothing() {
    TemplateContent email = new TemplateContent(Channel.EMAIL, "Hi {{first_name}} from {{address.city}}",
        "<p>{{vars.headline}} {{metrics.total_spent}}</p>{{#tags}}<i>{{.}}</i>{{/tags}}{{^nothing}}!{{/nothing}}",
        "Spent {{metrics.total_spent}} over {{metrics.total_orders}} orders{{last_name}}. {{unsubscribe_url}}", null);
    TemplateRenderer.Rendered r = render(email, new JsonObject().put("headline", "Fish & <chips>"));
    assertEquals("Hi Sarah from Lyon", r.subject());
    assertEquals("<p>Fish &amp; &lt;chips&gt; 289.5</p><i>vip</i><i>retail</i>!", r.html(), "html escapes values");
    assertEquals("Spent 289.5 over 2 orders. https://u.example/x", r.text());
  }

  @Test
  void plainPartsAreNotEscaped() {
    TemplateContent sms = new TemplateContent(Channel.SMS, null, null, "{{vars.offer}} for {{first_name}}", null);
    assertEquals("5% off & more for Sarah", render(sms, new JsonObject().put("offer", "5% off & more")).text());
  }

  @Test
  void aBrokenTemplateNamesThePartTheLineAndTheReason() {
    TemplateException e = assertThrows(TemplateException.class, () -> TemplateRenderer.compile(
        new TemplateContent(Channel.EMAIL, "ok", "<p>\n{{#items}}\n<b>{{name}}</b>\n{{/item}}\n", null, null)));
    assertEquals("html", e.part());
    assertEquals(4, e.line());
    assertTrue(e.reason().contains("items") && e.reason().contains("item"), e.reason());

    TemplateException unclosed = assertThrows(TemplateException.class, () -> TemplateRenderer.compile(
        new TemplateContent(Channel.SMS, null, null, "line one\nHi {{first_name", null)));
    assertEquals("text", unclosed.part());
    assertEquals(2, unclosed.line());

    TemplateException partial = assertThrows(TemplateException.class, () -> TemplateRenderer.compile(
        new TemplateContent(Channel.DIRECT_MAIL, null, "<p>\n\n{{> footer}}</p>", null, null)));
    assertEquals(3, partial.line());
    assertTrue(partial.reason().contains("partials"), partial.reason());
  }
}
