package io.shoal.kernel;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A text in several languages: a map of language tag to text, plus the default language whose
 * text is the plain {@code name}. Clients send either a plain string (in the language of their
 * {@code Content-Language}, else the default) or a map; readers get the text their
 * {@code Accept-Language} prefers, falling back to the default.
 */
public record LocalizedText(String text, JsonObject translations, String defaultLanguage) {

  public static final int MAX_LENGTH = 1000;

  /**
   * Reads a client value: a string or a map of language to string.
   *
   * @param value the JSON value (string, object or null)
   * @param contentLanguage the request's Content-Language header, or null
   * @param current the stored text, merged into when a plain string updates one language, or null
   * @param param the field name, for errors
   */
  public static LocalizedText read(Object value, String contentLanguage, LocalizedText current, String param) {
    String lang = language(contentLanguage);
    if (value instanceof String s) {
      if (s.isBlank()) {
        throw DomainException.invalidParam(param, param + " must not be blank");
      }
      String text = s.trim();
      if (current == null) {
        JsonObject map = new JsonObject();
        if (lang != null) {
          map.put(lang, text);
        }
        return new LocalizedText(text, map, lang);
      }
      JsonObject map = current.translations().copy();
      String defaultLanguage = current.defaultLanguage() != null ? current.defaultLanguage() : lang;
      if (lang != null) {
        map.put(lang, text);
      }
      boolean isDefault = lang == null || lang.equals(defaultLanguage);
      return new LocalizedText(isDefault ? text : current.text(), map, defaultLanguage);
    }
    if (value instanceof JsonObject map) {
      if (map.isEmpty()) {
        throw DomainException.invalidParam(param, param + " needs at least one language");
      }
      JsonObject clean = new JsonObject();
      for (Map.Entry<String, Object> e : map) {
        if (!(e.getValue() instanceof String s) || s.isBlank()) {
          throw DomainException.invalidParam(param, param + "." + e.getKey() + " must be a non-blank string");
        }
        if (s.length() > MAX_LENGTH) {
          throw DomainException.invalidParam(param, param + "." + e.getKey() + " is longer than " + MAX_LENGTH);
        }
        clean.put(language(e.getKey()), s.trim());
      }
      String defaultLanguage = lang != null && clean.containsKey(lang) ? lang
          : current != null && current.defaultLanguage() != null && clean.containsKey(current.defaultLanguage())
              ? current.defaultLanguage() : clean.fieldNames().iterator().next();
      return new LocalizedText(clean.getString(defaultLanguage), clean, defaultLanguage);
    }
    throw DomainException.invalidParam(param, param + " must be a string or a map of language to text");
  }

  /** The text for an {@code Accept-Language} header (or null): the best listed language present, else the default. */
  public String pick(String acceptLanguage) {
    String lang = pickLanguage(acceptLanguage);
    return lang == null ? text : translations.getString(lang, text);
  }

  /** The language {@link #pick} answers in, or the default language; null when none is known. */
  public String pickLanguage(String acceptLanguage) {
    for (String wanted : preferences(acceptLanguage)) {
      if (wanted.equals("*")) {
        return defaultLanguage;
      }
      if (translations.containsKey(wanted)) {
        return wanted;
      }
      String primary = wanted.contains("-") ? wanted.substring(0, wanted.indexOf('-')) : wanted;
      for (String have : translations.fieldNames()) {
        if (have.equals(primary) || have.startsWith(primary + "-")) {
          return have;
        }
      }
    }
    return defaultLanguage;
  }

  /** Language tags of an Accept-Language header, most preferred first ({@code q=0} dropped). */
  public static List<String> preferences(String acceptLanguage) {
    List<String> tags = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    if (acceptLanguage == null) {
      return tags;
    }
    for (String part : acceptLanguage.split(",")) {
      String[] bits = part.trim().split(";");
      String tag = bits[0].trim().replace("`", "");
      if (tag.isEmpty()) {
        continue;
      }
      double q = 1.0;
      for (int i = 1; i < bits.length; i++) {
        String b = bits[i].trim();
        if (b.startsWith("q=")) {
          try {
            q = Double.parseDouble(b.substring(2));
          } catch (NumberFormatException e) {
            q = 0;
          }
        }
      }
      if (q <= 0) {
        continue;
      }
      int at = 0;
      while (at < weights.size() && weights.get(at) >= q) {
        at++;
      }
      tags.add(at, tag.equals("*") ? "*" : language(tag));
      weights.add(at, q);
    }
    return tags;
  }

  /** A language tag in canonical case ({@code en}, {@code fr-ch}); null for null or blank. */
  public static String language(String tag) {
    if (tag == null || tag.isBlank()) {
      return null;
    }
    String first = tag.split(",")[0].trim();
    return first.isEmpty() || first.equals("*") ? null : first.toLowerCase(Locale.ROOT);
  }
}
