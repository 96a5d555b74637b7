package io.shoal.metrics;

/**
 * One customer's purchases as the customer-base models see them, with time in weeks.
 *
 * <p>A transaction is a purchase day: several orders on one (UTC) day count once, with their
 * values summed, as in the literature (Fader, Hardie &amp; Lee 2005). Ages are whole days
 * divided by seven, so a history built from dates reproduces the published CDNOW summaries.
 *
 * @param x    repeat transactions: purchase days after the first
 * @param tx   weeks from the first purchase day to the last ("recency" in the papers)
 * @param T    weeks from the first purchase day to the end of observation
 * @param zbar mean value of the repeat transactions (0 when x = 0); the first is left out, as
 *             the Gamma-Gamma model is fitted on repeat spend
 */
public record RepeatHistory(int x, double tx, double T, double zbar) {

  public RepeatHistory {
    if (x < 0 || tx < 0 || T < tx || Double.isNaN(zbar)) {
      throw new IllegalArgumentException("not a purchase history: x=" + x + " tx=" + tx + " T=" + T);
    }
  }
}
