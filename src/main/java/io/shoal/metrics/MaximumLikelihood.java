package io.shoal.metrics;

import static org.apache.commons.math3.special.Gamma.logGamma;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.SimpleValueChecker;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;

/**
 * Fits the BG/NBD and Gamma-Gamma models by maximum likelihood, as the papers do, with the
 * Nelder-Mead simplex of Apache Commons Math over the logarithms of the parameters (which keeps
 * them positive without constraints). The simplex is restarted from its own optimum until a
 * restart no longer improves the likelihood, the usual guard against a simplex that collapsed
 * early. Customers with the same history are counted once with a weight, which makes a store of
 * a million customers with day-grained ages cost about as much as one of a few thousand.
 */
public final class MaximumLikelihood {

  /** A fitted model, its total log-likelihood and the number of customers it was fitted on. */
  public record Fit<M>(M model, double logLikelihood, int customers) {}

  private static final int MAX_RESTARTS = 8;
  private static final int MAX_EVALUATIONS = 50_000;

  private MaximumLikelihood() {}

  /** BG/NBD on every history (customers with at least one purchase). */
  public static Fit<BgNbd> bgNbd(List<RepeatHistory> histories) {
    if (histories.isEmpty()) {
      throw new IllegalArgumentException("no customers to fit");
    }
    Map<RepeatHistory, int[]> groups = new HashMap<>();
    for (RepeatHistory h : histories) {
      groups.computeIfAbsent(new RepeatHistory(h.x(), h.tx(), h.T(), 0), k -> new int[1])[0]++;
    }
    int n = groups.size();
    int[] x = new int[n];
    double[] tx = new double[n];
    double[] t = new double[n];
    double[] w = new double[n];
    int i = 0;
    for (Map.Entry<RepeatHistory, int[]> e : groups.entrySet()) {
      x[i] = e.getKey().x();
      tx[i] = e.getKey().tx();
      t[i] = e.getKey().T();
      w[i] = e.getValue()[0];
      i++;
    }
    ToDoubleFunction<double[]> logLikelihood = bgNbdLogLikelihood(x, tx, t, w);
    double[] best = maximize(logLikelihood, new double[] {1, meanOf(t, w), 1, 1}, histories.size());
    BgNbd model = new BgNbd(best[0], best[1], best[2], best[3]);
    double total = 0;
    for (int k = 0; k < n; k++) {
      total += w[k] * model.logLikelihood(x[k], tx[k], t[k]);
    }
    return new Fit<>(model, total, histories.size());
  }

  /**
   * The BG/NBD log-likelihood of the histories (x, tx, T), each counted w times, at parameters
   * (r, alpha, a, b): BgNbd.logLikelihood's value (the reference) by a cheaper route.
   */
  static ToDoubleFunction<double[]> bgNbdLogLikelihood(int[] x, double[] tx, double[] t, double[] w) {
    int n = x.length;
    int maxX = 0;
    for (int k = 0; k < n; k++) {
      maxX = Math.max(maxX, x[k]);
    }
    int xs = maxX + 1;
    // Ages are whole days over seven: a store has a few hundred distinct T and tx for thousands of
    // histories, so log(alpha + T), log(alpha + tx) and log(b + x - 1) are taken once per distinct
    // value and evaluation, the same doubles as taken per history (a third of a refit's CPU once
    // Gamma-Gamma's logGammas were gone, bench/engine README thirteenth pass).
    double[] ts = distinct(t);
    double[] txs = distinct(tx);
    int[] tAt = positions(t, ts);
    int[] txAt = positions(tx, txs);
    // The gamma-function ratios of the likelihood depend on x only through integer steps:
    // Γ(r+x)/Γ(r) = Π_{k<x} (r+k), and B(a, b+x)/B(a, b) = Π_{k<x} (b+k)/(a+b+k). Computing them once
    // per distinct x, then per customer only logs, makes an evaluation several times cheaper
    // than logGamma per customer; BgNbd.logLikelihood stays the reference (same value).
    return p -> {
      double r = p[0];
      double alpha = p[1];
      double a = p[2];
      double b = p[3];
      double[] gammaRatio = new double[xs];
      double[] betaRatio = new double[xs];
      double[] logB = new double[xs];
      for (int k = 1; k < xs; k++) {
        logB[k] = Math.log(b + k - 1);
        gammaRatio[k] = gammaRatio[k - 1] + Math.log(r + k - 1);
        betaRatio[k] = betaRatio[k - 1] + logB[k] - Math.log(a + b + k - 1);
      }
      double[] logAlphaT = new double[ts.length];
      for (int j = 0; j < ts.length; j++) {
        logAlphaT[j] = Math.log(alpha + ts[j]);
      }
      double[] logAlphaTx = new double[txs.length];
      for (int j = 0; j < txs.length; j++) {
        logAlphaTx[j] = Math.log(alpha + txs[j]);
      }
      double rLogAlpha = r * Math.log(alpha);
      double logA = Math.log(a);
      double sum = 0;
      for (int k = 0; k < n; k++) {
        int xk = x[k];
        double a3 = -(r + xk) * logAlphaT[tAt[k]];
        double tail = a3;
        if (xk > 0) {
          double a4 = logA - logB[xk] - (r + xk) * logAlphaTx[txAt[k]];
          double max = Math.max(a3, a4);
          tail = max + Math.log(Math.exp(a3 - max) + Math.exp(a4 - max));
        }
        sum += w[k] * (gammaRatio[xk] + rLogAlpha + betaRatio[xk] + tail);
      }
      return sum;
    };
  }

  /** The distinct values of {@code v}, ascending. */
  private static double[] distinct(double[] v) {
    return java.util.Arrays.stream(v).distinct().sorted().toArray();
  }

  /** Where each value of {@code v} is in {@code values} (ascending, holding all of them). */
  private static int[] positions(double[] v, double[] values) {
    int[] at = new int[v.length];
    for (int k = 0; k < v.length; k++) {
      at[k] = java.util.Arrays.binarySearch(values, v[k]);
    }
    return at;
  }

  /** Gamma-Gamma on the histories with at least one repeat transaction of positive mean value. */
  public static Fit<GammaGamma> gammaGamma(List<RepeatHistory> histories) {
    int[] x = histories.stream().filter(MaximumLikelihood::spends).mapToInt(RepeatHistory::x).toArray();
    double[] z = histories.stream().filter(MaximumLikelihood::spends).mapToDouble(RepeatHistory::zbar).toArray();
    if (x.length == 0) {
      throw new IllegalArgumentException("no customers with a repeat purchase to fit spend on");
    }
    double[] ones = new double[z.length];
    java.util.Arrays.fill(ones, 1);
    ToDoubleFunction<double[]> logLikelihood = gammaGammaLogLikelihood(x, z);
    double[] best = maximize(logLikelihood, new double[] {1, 1, meanOf(z, ones)}, x.length);
    return new Fit<>(new GammaGamma(best[0], best[1], best[2]), logLikelihood.applyAsDouble(best), x.length);
  }

  /**
   * The Gamma-Gamma log-likelihood of the customers (x repeat transactions of mean value z) at
   * parameters (p, q, gamma): the sum of {@link GammaGamma#logLikelihood}, the same double.
   */
  static ToDoubleFunction<double[]> gammaGammaLogLikelihood(int[] x, double[] z) {
    int maxX = 0;
    for (int xk : x) {
      maxX = Math.max(maxX, xk);
    }
    // GammaGamma.logLikelihood term by term, in its order, so every sum is the same double: the
    // terms that do not depend on the parameters (log zbar, log x) once per customer, the gamma
    // functions of p·x once per distinct x and evaluation, leaving one log per customer and
    // evaluation instead of three logGammas and four logs (a refit at 30,000 customers spent
    // ~85 % of 1.4 s of CPU in them, bench/engine README thirteenth pass)
    double[] logZ = new double[x.length];
    for (int k = 0; k < x.length; k++) {
      logZ[k] = Math.log(z[k]);
    }
    double[] logX = new double[maxX + 1];
    for (int v = 1; v <= maxX; v++) {
      logX[v] = Math.log(v);
    }
    int xs = maxX + 1;
    return p -> {
      GammaGamma m = new GammaGamma(p[0], p[1], p[2]);
      double[] gammaRatio = new double[xs];
      for (int v = 1; v < xs; v++) {
        double pv = m.p() * v;
        gammaRatio[v] = logGamma(pv + m.q()) - logGamma(pv);
      }
      double logGammaQ = logGamma(m.q());
      double qLogGamma = m.q() * Math.log(m.gamma());
      double sum = 0;
      for (int k = 0; k < x.length; k++) {
        double px = m.p() * x[k];
        sum += gammaRatio[x[k]] - logGammaQ + qLogGamma + (px - 1) * logZ[k] + px * logX[x[k]]
            - (px + m.q()) * Math.log(m.gamma() + x[k] * z[k]);
      }
      return sum;
    };
  }

  /** Whether a history takes part in the spend model. */
  public static boolean spends(RepeatHistory h) {
    return h.x() > 0 && h.zbar() > 0;
  }

  private static double meanOf(double[] v, double[] w) {
    double s = 0;
    double n = 0;
    for (int i = 0; i < v.length; i++) {
      s += v[i] * w[i];
      n += w[i];
    }
    return Math.max(1e-3, s / n);
  }

  /** The parameters (all positive) that maximize the log-likelihood, searched over their logs. */
  private static double[] maximize(ToDoubleFunction<double[]> logLikelihood, double[] start, int customers) {
    int dim = start.length;
    ObjectiveFunction objective = new ObjectiveFunction(logs -> {
      double[] p = new double[dim];
      for (int k = 0; k < dim; k++) {
        if (Math.abs(logs[k]) > 30) {
          return Double.MAX_VALUE; // beyond e^±30 the model is degenerate; keep the simplex away
        }
        p[k] = Math.exp(logs[k]);
      }
      double ll = logLikelihood.applyAsDouble(p);
      return Double.isFinite(ll) ? -ll / customers : Double.MAX_VALUE;
    });
    double[] point = new double[dim];
    for (int k = 0; k < dim; k++) {
      point[k] = Math.log(start[k]);
    }
    double value = Double.MAX_VALUE;
    SimplexOptimizer optimizer = new SimplexOptimizer(new SimpleValueChecker(1e-13, 1e-13));
    for (int restart = 0; restart < MAX_RESTARTS; restart++) {
      PointValuePair found = optimizer.optimize(new MaxEval(MAX_EVALUATIONS), objective, GoalType.MINIMIZE,
          new InitialGuess(point), new NelderMeadSimplex(dim, restart == 0 ? 1.0 : 0.1));
      boolean improved = found.getValue() < value - 1e-12;
      if (found.getValue() < value) {
        point = found.getPoint();
        value = found.getValue();
      }
      if (!improved && restart > 0) {
        break;
      }
    }
    double[] p = new double[dim];
    for (int k = 0; k < dim; k++) {
      p[k] = Math.exp(point[k]);
    }
    return p;
  }
}
