package io.shoal.metrics;

/** The Gauss hypergeometric function, as far as the BG/NBD expectations need it. */
final class Hypergeometric {

  private Hypergeometric() {}

  /**
   * ₂F₁(a, b; c; z) for 0 ≤ z &lt; 1 by its power series. The BG/NBD calls it with z = t/(α+T+t),
   * well inside the unit disc for any horizon, so the series converges; it stops when a term no
   * longer changes the sum in double precision.
   */
  static double f21(double a, double b, double c, double z) {
    if (z < 0 || z >= 1) {
      throw new IllegalArgumentException("2F1 series needs 0 <= z < 1, got " + z);
    }
    double term = 1;
    double sum = 1;
    for (int j = 0; j < 100_000; j++) {
      term *= (a + j) * (b + j) / ((c + j) * (j + 1)) * z;
      sum += term;
      if (Math.abs(term) <= 1e-15 * Math.abs(sum)) {
        return sum;
      }
    }
    return sum;
  }
}
