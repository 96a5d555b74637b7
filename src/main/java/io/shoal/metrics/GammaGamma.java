package io.shoal.metrics;

import static org.apache.commons.math3.special.Gamma.logGamma;

/**
 * The Gamma-Gamma model of spend per transaction (Fader, Hardie &amp; Lee 2005, "RFM and CLV",
 * Journal of Marketing Research 42(4); Fader &amp; Hardie, "The Gamma-Gamma Model of Monetary
 * Value"): a customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ), independent of
 * the transaction process. Fitted on customers with at least one repeat transaction, on the
 * mean value of their repeat transactions.
 */
public record GammaGamma(double p, double q, double gamma) {

  public GammaGamma {
    if (!(p > 0 && q > 0 && gamma > 0)) {
      throw new IllegalArgumentException("Gamma-Gamma parameters must be positive: p=" + p + " q=" + q
          + " gamma=" + gamma);
    }
  }

  /** Log-density of a mean spend zbar over x transactions. */
  public double logLikelihood(int x, double zbar) {
    double px = p * x;
    return logGamma(px + q) - logGamma(px) - logGamma(q) + q * Math.log(gamma) + (px - 1) * Math.log(zbar)
        + px * Math.log(x) - (px + q) * Math.log(gamma + x * zbar);
  }

  /**
   * E[Z | x, zbar]: the expected value of the customer's next transactions, a weighted mean of the
   * population mean and the customer's own. With no repeat transaction it is the population mean.
   * Defined only for q &gt; 1 (a finite population mean); null otherwise.
   */
  public Double expectedSpend(int x, double zbar) {
    if (q <= 1) {
      return null;
    }
    return (gamma + x * zbar) * p / (p * x + q - 1);
  }

  /** The population's mean spend per transaction, p·γ/(q−1); null when q ≤ 1. */
  public Double populationMean() {
    return q <= 1 ? null : p * gamma / (q - 1);
  }
}
