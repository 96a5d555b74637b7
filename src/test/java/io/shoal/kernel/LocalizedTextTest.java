package io.shoal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Localized texts: reading a string or a map, Accept-Language preferences, per-language updates. */
class LocalizedTextTest {

  private static final LocalizedText GOLD = LocalizedText.read(
      new JsonObject().put("en", "Golden").put("de", "Golden DE").put("fr-ch", "Doré"), "en", null, "name");

  @Test
  void acceptLanguagePicksTheBestLanguagePresentElseTheDefault() {
    assertEquals("Golden DE", GOLD.pick("fr;q=0.1, de;q=0.9, en;q=0.8"));
    assertEquals("Doré", GOLD.pick("fr-CH, fr;q=0.9"));
    assertEquals("Doré", GOLD.pick("fr"), "a primary tag matches a regional translation");
    assertEquals("Golden", GOLD.pick("es"));
    assertEquals("Golden", GOLD.pick("*"));
    assertEquals("Golden", GOLD.pick(null));
    assertEquals(List.of("de", "en"), LocalizedText.preferences("en;q=0.5, de, it;q=0"));
  }

  @Test
  void aPlainStringUpdatesOneLanguageAndTheDefaultTextOnlyWhenItIsTheDefault() {
    LocalizedText de = LocalizedText.read("Gold", "de", GOLD, "name");
    assertEquals("Golden", de.text());
    assertEquals("Gold", de.translations().getString("de"));
    LocalizedText en = LocalizedText.read("Gilded", "en", GOLD, "name");
    assertEquals("Gilded", en.text());
    LocalizedText none = LocalizedText.read("Plain", null, null, "name");
    assertEquals("Plain", none.text());
    assertEquals(0, none.translations().size());
  }

  @Test
  void blankTextsAndOtherTypesAre400s() {
    assertThrows(DomainException.class, () -> LocalizedText.read(" ", null, null, "name"));
    assertThrows(DomainException.class, () -> LocalizedText.read(new JsonObject(), null, null, "name"));
    assertThrows(DomainException.class, () -> LocalizedText.read(new JsonObject().put("en", 3), null, null, "name"));
    assertThrows(DomainException.class, () -> LocalizedText.read(42, null, null, "name"));
  }
}
