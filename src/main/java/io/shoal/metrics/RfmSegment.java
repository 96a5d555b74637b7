package io.shoal.metrics;

/**
 * The usual named RFM segments, read off the recency (R) and frequency (F) scores:
 *
 * <pre>
 *   F:      1                2      3      4      5
 *   R 5   new               potential_l.  champion champion
 *   R 4   promising         potential_l.  loyal    loyal
 *   R 3   about_to_sleep    about  need_att. loyal  loyal
 *   R 2   hibernating       hib.   at_risk at_risk cannot_lose
 *   R 1   lost              hib.   at_risk at_risk cannot_lose
 * </pre>
 *
 * This is the widely used R×F map (R and F from 1 to 5, monetary not used for the name), with
 * the one customary refinement that the very bottom cell (R = 1, F = 1) is {@code lost} rather
 * than {@code hibernating}.
 */
public enum RfmSegment {
  CHAMPION, LOYAL, POTENTIAL_LOYALIST, NEW, PROMISING, NEED_ATTENTION, ABOUT_TO_SLEEP, AT_RISK, CANNOT_LOSE,
  HIBERNATING, LOST;

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static RfmSegment of(int recency, int frequency) {
    if (recency < 1 || recency > 5 || frequency < 1 || frequency > 5) {
      throw new IllegalArgumentException("scores run from 1 to 5: R=" + recency + " F=" + frequency);
    }
    if (recency <= 2) {
      if (frequency == 5) {
        return CANNOT_LOSE;
      }
      if (frequency >= 3) {
        return AT_RISK;
      }
      return recency == 1 && frequency == 1 ? LOST : HIBERNATING;
    }
    if (recency == 3) {
      if (frequency <= 2) {
        return ABOUT_TO_SLEEP;
      }
      return frequency == 3 ? NEED_ATTENTION : LOYAL;
    }
    // recency 4 or 5
    if (frequency == 1) {
      return recency == 5 ? NEW : PROMISING;
    }
    if (frequency <= 3) {
      return POTENTIAL_LOYALIST;
    }
    return recency == 5 ? CHAMPION : LOYAL;
  }
}
