package io.shoal.segment.rule;

/**
 * Case-insensitive text the way {@link String#equalsIgnoreCase} sees it (code point by code
 * point, no locale), so that {@code eq} (which uses equalsIgnoreCase) and {@code in} (which
 * looks folded text up in a HashSet) always agree.
 */
final class CaseFold {

  private CaseFold() {}

  /** The folded form; the same String instance when already folded, so the hot path rarely allocates. */
  static String fold(String s) {
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (foldCodePoint(cp) != cp) {
        return foldFrom(s, i);
      }
      i += Character.charCount(cp);
    }
    return s;
  }

  /**
   * The same answer as {@link #fold}, remembered for the texts met last: a customer's texts are
   * mostly shared copies (cities, tags, plans) tested by many conditions per event, and folding
   * "New York" anew for each made a string and hashed it every time (bench/engine, twelfth pass).
   * A fixed table indexed by the text's hash, each slot one immutable pair, so threads share it
   * without locks (a reader sees an old pair or a new one, both right); a miss folds as before.
   */
  static String foldRemembered(String s) {
    Folded[] table = FOLDED;
    int h = s.hashCode();
    int slot = (h ^ (h >>> 16)) & (table.length - 1);
    Folded kept = table[slot];
    if (kept != null && (kept.text == s || kept.text.equals(s))) {
      return kept.folded;
    }
    String folded = fold(s);
    if (s.length() <= MAX_REMEMBERED_LENGTH) {
      table[slot] = new Folded(s, folded);
    }
    return folded;
  }

  private record Folded(String text, String folded) {}

  private static final int MAX_REMEMBERED_LENGTH = 256;
  private static final Folded[] FOLDED = new Folded[1 << 12];

  private static String foldFrom(String s, int start) {
    StringBuilder folded = new StringBuilder(s.length()).append(s, 0, start);
    for (int i = start; i < s.length(); ) {
      int cp = s.codePointAt(i);
      folded.appendCodePoint(foldCodePoint(cp));
      i += Character.charCount(cp);
    }
    return folded.toString();
  }

  private static int foldCodePoint(int cp) {
    return Character.toLowerCase(Character.toUpperCase(cp));
  }

  /** Whether {@code text} contains {@code part}, ignoring case, without allocating. */
  static boolean contains(String text, String part) {
    int n = part.length();
    for (int i = 0, last = text.length() - n; i <= last; i++) {
      if (text.regionMatches(true, i, part, 0, n)) {
        return true;
      }
    }
    return false;
  }

  static boolean startsWith(String text, String prefix) {
    return text.regionMatches(true, 0, prefix, 0, prefix.length());
  }
}
