package io.shoal.outbox;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The notification seqs a reader of the log moved past while they were handed out but not
 * visible. A reader waits for every writer that may still commit a smaller seq (see
 * {@link NotificationLog}), but not forever: a writer whose event loop or JVM stalled, or a long
 * transaction, would hold every stream back. Past its limit the reader goes on, and keeps the
 * seqs it could not see here, each with the reference transaction id of the read that missed
 * it. A doubt ends when its row is visible (the reader hands it out then, late), or when every
 * transaction below its reference has ended with the row still absent (it was never committed).
 *
 * <pre>
 *   page read, limit passed --> NotificationLog.absentSeqs(settled, upTo) --> add(absent, ref)
 *   later reads: xmin + rows at seqs() (one snapshot) --> hand out the rows --> settle(seen, xmin)
 *   checkpoints: floor(position), never past the lowest doubt
 * </pre>
 *
 * Not thread-safe: one reader, on its own context.
 */
public final class Doubts {

  private final TreeMap<Long, Long> refs = new TreeMap<>();

  public Doubts copy() {
    Doubts d = new Doubts();
    d.refs.putAll(refs);
    return d;
  }

  public void add(Collection<Long> seqs, long ref) {
    seqs.forEach(seq -> refs.merge(seq, ref, Math::max));
  }

  /**
   * A reader gave up waiting up to {@code upTo}: of the seqs {@code absent} before its read, those
   * up to there that the read did not {@code see} become doubts. Answers them (for the log).
   */
  public List<Long> missed(List<Long> absent, java.util.Set<Long> seen, long upTo, long ref) {
    List<Long> missed = absent.stream().filter(seq -> seq <= upTo && !seen.contains(seq)).toList();
    add(missed, ref);
    return missed;
  }

  public boolean isEmpty() {
    return refs.isEmpty();
  }

  public int size() {
    return refs.size();
  }

  public Long[] seqs() {
    return refs.keySet().toArray(Long[]::new);
  }

  /**
   * Ends the doubts over {@code seen} (visible now) and over every seq whose reference every
   * running transaction has passed: {@code xmin} must come from the snapshot that read them (or
   * from before it), so that a row committed by then was seen.
   */
  public void settle(Collection<Long> seen, long xmin) {
    seen.forEach(refs::remove);
    refs.values().removeIf(ref -> xmin >= ref);
  }

  /** A position a reader may record: never past a seq still in doubt, so a restart reads it again. */
  public long floor(long position) {
    return refs.isEmpty() ? position : Math.min(position, refs.firstKey() - 1);
  }

  /** {@code seq:ref} pairs joined by commas; empty when none. */
  public String encode() {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<Long, Long> e : refs.entrySet()) {
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(e.getKey()).append(':').append(e.getValue());
    }
    return out.toString();
  }

  /** The doubts {@link #encode} wrote; a malformed text is refused rather than read half. */
  public static Doubts decode(String text) {
    Doubts d = new Doubts();
    if (text == null || text.isEmpty()) {
      return d;
    }
    for (String pair : text.split(",")) {
      int colon = pair.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("not a seq:ref pair: " + pair);
      }
      d.refs.merge(Long.parseLong(pair.substring(0, colon)), Long.parseLong(pair.substring(colon + 1)), Math::max);
    }
    return d;
  }
}
