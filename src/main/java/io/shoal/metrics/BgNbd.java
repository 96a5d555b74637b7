package io.shoal.metrics;

import static org.apache.commons.math3.special.Gamma.logGamma;

/**
 * The BG/NBD model of repeat buying (Fader, Hardie &amp; Lee 2005, "Counting Your Customers the
 * Easy Way", Marketing Science 24(2)): while alive a customer buys at a Poisson rate λ ~
 * Gamma(r, α); after each purchase the customer drops out with probability p ~ Beta(a, b).
 * Time is in weeks, as in the paper.
 */
public record BgNbd(double r, double alpha, double a, double b) {

  public BgNbd {
    if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) {
      throw new IllegalArgumentException("BG/NBD parameters must be positive: r=" + r + " alpha=" + alpha
          + " a=" + a + " b=" + b);
    }
  }

  /** The log-likelihood of one history (equation 6 of the paper, in logs for stability). */
  public double logLikelihood(int x, double tx, double T) {
    double a1 = logGamma(r + x) - logGamma(r) + r * Math.log(alpha);
    double a2 = logGamma(a + b) + logGamma(b + x) - logGamma(b) - logGamma(a + b + x);
    double a3 = -(r + x) * Math.log(alpha + T);
    if (x == 0) {
      return a1 + a2 + a3;
    }
    double a4 = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
    double max = Math.max(a3, a4);
    return a1 + a2 + max + Math.log(Math.exp(a3 - max) + Math.exp(a4 - max));
  }

  /** P(alive | x, tx, T): 1 for a customer with no repeat purchase, who cannot have dropped out yet. */
  public double pAlive(RepeatHistory h) {
    if (h.x() == 0) {
      return 1;
    }
    double logRatio = (r + h.x()) * (Math.log(alpha + h.T()) - Math.log(alpha + h.tx()));
    double odds = a / (b + h.x() - 1) * Math.exp(logRatio);
    return 1 / (1 + odds);
  }

  /** E[X(t)]: expected purchases of a new customer in its first t weeks (equation 9). */
  public double expectedPurchases(double t) {
    double z = t / (alpha + t);
    return (a + b - 1) / (a - 1)
        * (1 - Math.pow(alpha / (alpha + t), r) * Hypergeometric.f21(r, b, a + b - 1, z));
  }

  /** E[Y(t) | x, tx, T]: expected purchases in the next t weeks of a customer with this history (equation 10). */
  public double conditionalExpectedPurchases(double t, RepeatHistory h) {
    int x = h.x();
    double T = h.T();
    double z = t / (alpha + T + t);
    double power = Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + T + t)));
    double numerator = (a + b + x - 1) / (a - 1)
        * (1 - power * Hypergeometric.f21(r + x, b + x, a + b + x - 1, z));
    double denominator = 1;
    if (x > 0) {
      denominator += a / (b + x - 1) * Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + h.tx())));
    }
    return numerator / denominator;
  }
}
