package io.shoal.segment;

import io.shoal.kernel.DomainException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A segment search query (seed 004's {@code q}): space-separated terms, each either
 * {@code field:value} or a word of the name or description. Fields: {@code site_code}
 * ({@code siteCode}), {@code status}, {@code type}, {@code active} ({@code true|false}: live now),
 * {@code id} (comma-separated), {@code name} (a word). Every term must hold. Values with spaces
 * go in double quotes: {@code name:"golden club"}.
 */
public record SegmentQuery(String siteCode, String status, String type, Boolean active, List<String> ids,
                           List<String> words) {

  public static final SegmentQuery ALL = new SegmentQuery(null, null, null, null, List.of(), List.of());

  public static SegmentQuery parse(String q) {
    if (q == null || q.isBlank()) {
      return ALL;
    }
    String siteCode = null;
    String status = null;
    String type = null;
    Boolean active = null;
    List<String> ids = new ArrayList<>();
    List<String> words = new ArrayList<>();
    for (String term : terms(q)) {
      int colon = term.indexOf(':');
      if (colon <= 0) {
        words.add(likeEscaped(term));
        continue;
      }
      String field = term.substring(0, colon).trim();
      String value = unquote(term.substring(colon + 1).trim());
      if (value.isEmpty()) {
        throw bad("'" + field + ":' needs a value");
      }
      switch (field) {
        case "site_code", "siteCode" -> siteCode = value;
        case "status" -> {
          status = value.toLowerCase(Locale.ROOT);
          if (!status.equals(StorefrontFields.ACTIVE) && !status.equals(StorefrontFields.INACTIVE)) {
            throw bad("status is active or inactive, got '" + value + "'");
          }
        }
        case "type" -> {
          type = value.toLowerCase(Locale.ROOT);
          if (!List.of(SegmentDefinition.DYNAMIC, SegmentDefinition.PASSIVE, SegmentDefinition.STATIC).contains(type)) {
            throw bad("type is dynamic, passive or static, got '" + value + "'");
          }
        }
        case "active" -> {
          if (!value.equals("true") && !value.equals("false")) {
            throw bad("active is true or false, got '" + value + "'");
          }
          active = Boolean.parseBoolean(value);
        }
        case "id" -> {
          for (String id : value.split(",")) {
            if (!id.isBlank()) {
              ids.add(id.trim());
            }
          }
        }
        case "name", "description" -> {
          for (String w : value.split("\\s+")) {
            if (!w.isBlank()) {
              words.add(likeEscaped(w));
            }
          }
        }
        default -> throw bad("unknown field '" + field
            + "'; q takes site_code:, status:, type:, active:, id:, name: and plain words");
      }
    }
    return new SegmentQuery(siteCode, status, type, active, List.copyOf(ids), List.copyOf(words));
  }

  private static List<String> terms(String q) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (char ch : q.toCharArray()) {
      if (ch == '"') {
        quoted = !quoted;
        cur.append(ch);
      } else if (Character.isWhitespace(ch) && !quoted) {
        if (cur.length() > 0) {
          out.add(cur.toString());
          cur.setLength(0);
        }
      } else {
        cur.append(ch);
      }
    }
    if (quoted) {
      throw bad("a double quote is not closed");
    }
    if (cur.length() > 0) {
      out.add(cur.toString());
    }
    return out;
  }

  private static String unquote(String v) {
    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
  }

  /** A word for ILIKE '%word%': its own % and _ match themselves. */
  private static String likeEscaped(String w) {
    return unquote(w).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  private static DomainException bad(String message) {
    return DomainException.invalidParam("q", message);
  }
}
