package io.shoal.recommend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Item-to-item co-purchase recommendations with popularity as fallback, built from a store's
 * purchase histories. Plain Java: no Vert.x, no database.
 *
 * <pre>
 *   histories (customer -> products bought, any number of orders)
 *     -> N(i): customers who bought i          (popularity)
 *     -> C(i, j): customers who bought both    (co-purchase; each customer counts once)
 *     -> sim(i, j) = C(i, j) / sqrt(N(i) N(j)) (cosine over customers)
 *   for a customer who bought H:
 *     score(j) = sum over i in H of sim(i, j), for j not in H
 *     top N by score; slots left (no co-purchase evidence) filled by popularity
 * </pre>
 *
 * <p>Each item keeps only its {@link #NEIGHBOURS} most similar items, so memory is linear in
 * the catalogue; a customer with a very long history contributes at most
 * {@link #MAX_HISTORY_PAIRS} of its most recent products to the pair counts (cost is quadratic
 * in history length).
 */
public final class CoPurchaseModel {

  public static final int NEIGHBOURS = 50;
  static final int MAX_HISTORY_PAIRS = 100;

  /** One recommended product and why: {@code co_purchase} or {@code popular}. */
  public record Recommendation(String productId, double score, String reason) {}

  private final String[] products;            // index -> id
  private final Map<String, Integer> index;   // id -> index
  private final int[] buyers;                  // N(i)
  private final int[] byPopularity;            // indexes, most bought first (ties by id)
  private final int[][] neighbours;            // per item, most similar first
  private final float[][] similarity;          // aligned with neighbours

  private CoPurchaseModel(String[] products, Map<String, Integer> index, int[] buyers, int[] byPopularity,
                          int[][] neighbours, float[][] similarity) {
    this.products = products;
    this.index = index;
    this.buyers = buyers;
    this.byPopularity = byPopularity;
    this.neighbours = neighbours;
    this.similarity = similarity;
  }

  /** Builds the model from histories: each a customer's products, oldest first, repeats allowed. */
  public static CoPurchaseModel build(Iterable<List<String>> histories) {
    Map<String, Integer> index = new HashMap<>();
    List<String> names = new ArrayList<>();
    List<int[]> sets = new ArrayList<>();
    for (List<String> history : histories) {
      int[] set = distinct(history, index, names);
      if (set.length > 0) {
        sets.add(set);
      }
    }
    int n = names.size();
    int[] buyers = new int[n];
    // co-purchase counts per item as a small open map: item -> (other -> count)
    List<Map<Integer, Integer>> co = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      co.add(new HashMap<>());
    }
    for (int[] set : sets) {
      for (int i : set) {
        buyers[i]++;
      }
      int from = Math.max(0, set.length - MAX_HISTORY_PAIRS);
      for (int a = from; a < set.length; a++) {
        for (int b = a + 1; b < set.length; b++) {
          co.get(set[a]).merge(set[b], 1, Integer::sum);
          co.get(set[b]).merge(set[a], 1, Integer::sum);
        }
      }
    }
    int[][] neighbours = new int[n][];
    float[][] similarity = new float[n][];
    for (int i = 0; i < n; i++) {
      Map<Integer, Integer> row = co.get(i);
      int[] js = new int[row.size()];
      float[] sims = new float[row.size()];
      int k = 0;
      for (Map.Entry<Integer, Integer> e : row.entrySet()) {
        js[k] = e.getKey();
        sims[k] = (float) (e.getValue() / Math.sqrt((double) buyers[i] * buyers[e.getKey()]));
        k++;
      }
      Integer[] order = new Integer[k];
      for (int x = 0; x < k; x++) {
        order[x] = x;
      }
      String[] nm = names.toArray(new String[0]);
      Arrays.sort(order, (p, q) -> sims[p] != sims[q] ? Float.compare(sims[q], sims[p]) : nm[js[p]].compareTo(nm[js[q]]));
      int keep = Math.min(NEIGHBOURS, k);
      neighbours[i] = new int[keep];
      similarity[i] = new float[keep];
      for (int x = 0; x < keep; x++) {
        neighbours[i][x] = js[order[x]];
        similarity[i][x] = sims[order[x]];
      }
      co.set(i, null);
    }
    String[] products = names.toArray(new String[0]);
    Integer[] pop = new Integer[n];
    for (int i = 0; i < n; i++) {
      pop[i] = i;
    }
    Arrays.sort(pop, (p, q) -> buyers[p] != buyers[q] ? Integer.compare(buyers[q], buyers[p])
        : products[p].compareTo(products[q]));
    int[] byPopularity = new int[n];
    for (int i = 0; i < n; i++) {
      byPopularity[i] = pop[i];
    }
    return new CoPurchaseModel(products, Map.copyOf(index), buyers, byPopularity, neighbours, similarity);
  }

  private static int[] distinct(List<String> history, Map<String, Integer> index, List<String> names) {
    java.util.LinkedHashSet<Integer> set = new java.util.LinkedHashSet<>();
    for (String p : history) {
      if (p == null) {
        continue;
      }
      Integer i = index.get(p);
      if (i == null) {
        i = names.size();
        index.put(p, i);
        names.add(p);
      }
      set.remove(i); // most recent position wins
      set.add(i);
    }
    int[] out = new int[set.size()];
    int k = 0;
    for (int i : set) {
      out[k++] = i;
    }
    return out;
  }

  public int productCount() {
    return products.length;
  }

  /** The {@code n} products a customer who bought {@code history} most likely buys next, never one bought. */
  public List<Recommendation> recommend(List<String> history, int n) {
    java.util.Set<Integer> bought = new java.util.HashSet<>();
    for (String p : history) {
      Integer i = index.get(p);
      if (i != null) {
        bought.add(i);
      }
    }
    Map<Integer, Double> scores = new HashMap<>();
    for (int i : bought) {
      int[] js = neighbours[i];
      float[] sims = similarity[i];
      for (int x = 0; x < js.length; x++) {
        if (!bought.contains(js[x])) {
          scores.merge(js[x], (double) sims[x], Double::sum);
        }
      }
    }
    List<Map.Entry<Integer, Double>> ranked = new ArrayList<>(scores.entrySet());
    ranked.sort((p, q) -> !p.getValue().equals(q.getValue()) ? Double.compare(q.getValue(), p.getValue())
        : buyers[p.getKey()] != buyers[q.getKey()] ? Integer.compare(buyers[q.getKey()], buyers[p.getKey()])
        : products[p.getKey()].compareTo(products[q.getKey()]));
    List<Recommendation> out = new ArrayList<>(n);
    java.util.Set<Integer> taken = new java.util.HashSet<>();
    for (Map.Entry<Integer, Double> e : ranked) {
      if (out.size() == n) {
        break;
      }
      out.add(new Recommendation(products[e.getKey()], Math.round(e.getValue() * 10000) / 10000.0, "co_purchase"));
      taken.add(e.getKey());
    }
    fillPopular(out, bought, taken, n);
    return out;
  }

  /** The baseline: the {@code n} most bought products the customer has not bought. */
  public List<Recommendation> popular(List<String> history, int n) {
    java.util.Set<Integer> bought = new java.util.HashSet<>();
    for (String p : history) {
      Integer i = index.get(p);
      if (i != null) {
        bought.add(i);
      }
    }
    List<Recommendation> out = new ArrayList<>(n);
    fillPopular(out, bought, java.util.Set.of(), n);
    return out;
  }

  private void fillPopular(List<Recommendation> out, java.util.Set<Integer> bought, java.util.Set<Integer> taken,
                           int n) {
    for (int k = 0; k < byPopularity.length && out.size() < n; k++) {
      int i = byPopularity[k];
      if (!bought.contains(i) && !taken.contains(i)) {
        out.add(new Recommendation(products[i], buyers[i], "popular"));
      }
    }
  }
}
