package io.shoal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * The refit's likelihoods, computed with their per-customer, per-x and per-age terms kept, are the
 * doubles they were to the last bit, at parameters over the whole range the search visits:
 * Gamma-Gamma the sum of {@link GammaGamma#logLikelihood}, BG/NBD the per-history sum of pass 12
 * (copied below as the reference). The same doubles give the same simplex steps, so the fitted
 * models and every metric made from them are unchanged.
 */
class RefitLikelihoodTest {

  @Test
  void the_same_double_as_the_sum_of_the_models_log_densities() {
    Random r = new Random(14);
    for (int round = 0; round < 200; round++) {
      int n = 1 + r.nextInt(300);
      int[] x = new int[n];
      double[] z = new double[n];
      for (int k = 0; k < n; k++) {
        x[k] = 1 + (r.nextInt(4) == 0 ? r.nextInt(60) : r.nextInt(5));
        z[k] = r.nextBoolean() ? Math.round(Math.exp(3.5 + r.nextGaussian()) * 100) / 100.0 : r.nextDouble() * 1e4 + 1e-3;
      }
      ToDoubleFunction<double[]> fast = MaximumLikelihood.gammaGammaLogLikelihood(x, z);
      for (int point = 0; point < 20; point++) {
        double[] p = {Math.exp(r.nextDouble() * 20 - 10), Math.exp(r.nextDouble() * 20 - 10),
            Math.exp(r.nextDouble() * 20 - 10)};
        GammaGamma m = new GammaGamma(p[0], p[1], p[2]);
        double reference = 0;
        for (int k = 0; k < n; k++) {
          reference += m.logLikelihood(x[k], z[k]);
        }
        assertEquals(Double.doubleToLongBits(reference), Double.doubleToLongBits(fast.applyAsDouble(p)),
            "at " + m + ": " + reference + " vs " + fast.applyAsDouble(p));
      }
    }
  }

  @Test
  void bg_nbd_the_same_double_as_the_sum_per_history() {
    Random r = new Random(15);
    for (int round = 0; round < 100; round++) {
      int n = 1 + r.nextInt(500);
      int[] x = new int[n];
      double[] tx = new double[n];
      double[] t = new double[n];
      double[] w = new double[n];
      for (int k = 0; k < n; k++) {
        t[k] = r.nextInt(1100) / 7.0;
        x[k] = r.nextInt(3) == 0 ? 0 : r.nextInt(40);
        tx[k] = x[k] == 0 ? 0 : r.nextInt((int) (t[k] * 7) + 1) / 7.0;
        w[k] = 1 + r.nextInt(20);
      }
      java.util.function.ToDoubleFunction<double[]> fast = MaximumLikelihood.bgNbdLogLikelihood(x, tx, t, w);
      for (int point = 0; point < 20; point++) {
        double[] p = {Math.exp(r.nextDouble() * 20 - 10), Math.exp(r.nextDouble() * 20 - 10),
            Math.exp(r.nextDouble() * 20 - 10), Math.exp(r.nextDouble() * 20 - 10)};
        double reference = perHistory(x, tx, t, w, p);
        assertEquals(Double.doubleToLongBits(reference), Double.doubleToLongBits(fast.applyAsDouble(p)),
            reference + " vs " + fast.applyAsDouble(p));
      }
    }
  }

  /** Pass 12's BG/NBD likelihood: the logs of the ages taken per history. */
  private static double perHistory(int[] x, double[] tx, double[] t, double[] w, double[] p) {
    double r = p[0];
    double alpha = p[1];
    double a = p[2];
    double b = p[3];
    int xs = java.util.Arrays.stream(x).max().getAsInt() + 1;
    double[] gammaRatio = new double[xs];
    double[] betaRatio = new double[xs];
    for (int k = 1; k < xs; k++) {
      gammaRatio[k] = gammaRatio[k - 1] + Math.log(r + k - 1);
      betaRatio[k] = betaRatio[k - 1] + Math.log(b + k - 1) - Math.log(a + b + k - 1);
    }
    double rLogAlpha = r * Math.log(alpha);
    double logA = Math.log(a);
    double sum = 0;
    for (int k = 0; k < x.length; k++) {
      int xk = x[k];
      double a3 = -(r + xk) * Math.log(alpha + t[k]);
      double tail = a3;
      if (xk > 0) {
        double a4 = logA - Math.log(b + xk - 1) - (r + xk) * Math.log(alpha + tx[k]);
        double max = Math.max(a3, a4);
        tail = max + Math.log(Math.exp(a3 - max) + Math.exp(a4 - max));
      }
      sum += w[k] * (gammaRatio[xk] + rLogAlpha + betaRatio[xk] + tail);
    }
    return sum;
  }
}
