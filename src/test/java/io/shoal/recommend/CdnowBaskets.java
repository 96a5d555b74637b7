package io.shoal.recommend;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The order data set with products that the recommendation tests and bench run on, made
 * offline and deterministically ("cdnow-baskets").
 *
 * <p><b>What is real and what is not.</b> The customers, their order days and how many CDs
 * each order held are CDNOW's real purchases ({@code src/test/resources/cdnow/CDNOW_master.txt},
 * 23,570 customers, 69,659 purchase lines; several lines of one customer on one day make one
 * order, at most {@value #MAX_ITEMS_PER_ORDER} CDs kept per order). CDNOW published no product
 * ids, so <b>the products are synthetic</b>: a catalogue of {@value #PRODUCTS} products in
 * {@value #GENRES} genres (genre sizes equal, genre popularity Zipf s = 0.8, product popularity
 * within a genre Zipf s = 1.0); each customer gets a main and a second genre (drawn by genre
 * popularity) and each CD comes from the main genre with probability 0.6, the second 0.2, and
 * the whole catalogue by popularity 0.2; nobody buys the same product twice. Everything is
 * drawn from {@code SplittableRandom(19)} in file order, so every run makes the same data.
 *
 * <p>What a hit rate on it measures: how well a method recovers customers' (synthetic) genre
 * tastes from co-purchases versus recommending what is popular; not how it would do on a real
 * store's catalogue.
 */
public final class CdnowBaskets {

  public static final int PRODUCTS = 1_000;
  public static final int GENRES = 25;
  public static final int MAX_ITEMS_PER_ORDER = 10;

  private CdnowBaskets() {}

  /** Every CDNOW customer's orders with generated products, in file order. */
  public static List<HoldoutEvaluation.CustomerOrders> load() {
    Map<String, List<Integer>> cdsPerOrder = new LinkedHashMap<>();
    Map<String, String> lastDay = new LinkedHashMap<>();
    try (InputStream in = CdnowBaskets.class.getResourceAsStream("/cdnow/CDNOW_master.txt");
         BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
      String line = r.readLine(); // header
      while ((line = r.readLine()) != null) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 4) {
          continue;
        }
        String customer = f[0];
        List<Integer> orders = cdsPerOrder.computeIfAbsent(customer, c -> new ArrayList<>());
        int cds = Integer.parseInt(f[2]);
        if (f[1].equals(lastDay.get(customer))) {
          orders.set(orders.size() - 1, orders.get(orders.size() - 1) + cds);
        } else {
          orders.add(cds);
          lastDay.put(customer, f[1]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    double[] genreWeights = zipf(GENRES, 0.8);
    int perGenre = PRODUCTS / GENRES;
    double[] productWeights = zipf(perGenre, 1.0);
    double[] catalogueWeights = new double[PRODUCTS];
    for (int g = 0; g < GENRES; g++) {
      for (int p = 0; p < perGenre; p++) {
        catalogueWeights[g * perGenre + p] = genreWeights[g] * productWeights[p];
      }
    }
    SplittableRandom random = new SplittableRandom(19);
    List<HoldoutEvaluation.CustomerOrders> out = new ArrayList<>(cdsPerOrder.size());
    for (Map.Entry<String, List<Integer>> c : cdsPerOrder.entrySet()) {
      int main = draw(genreWeights, random);
      int second = main;
      while (second == main) {
        second = draw(genreWeights, random);
      }
      Set<Integer> bought = new HashSet<>();
      List<List<String>> orders = new ArrayList<>();
      for (int cds : c.getValue()) {
        List<String> items = new ArrayList<>();
        int n = Math.max(1, Math.min(MAX_ITEMS_PER_ORDER, cds));
        for (int i = 0; i < n; i++) {
          for (int attempt = 0; attempt < 20; attempt++) {
            double u = random.nextDouble();
            int product = u < 0.6 ? main * perGenre + draw(productWeights, random)
                : u < 0.8 ? second * perGenre + draw(productWeights, random)
                : draw(catalogueWeights, random);
            if (bought.add(product)) {
              items.add(String.format("prod_%04d", product));
              break;
            }
          }
        }
        if (!items.isEmpty()) {
          orders.add(items);
        }
      }
      out.add(new HoldoutEvaluation.CustomerOrders("cdnow_" + c.getKey(), orders));
    }
    return out;
  }

  /** Normalised cumulative Zipf weights 1/rank^s. */
  private static double[] zipf(int n, double s) {
    double[] cumulative = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += 1.0 / Math.pow(i + 1, s);
      cumulative[i] = sum;
    }
    for (int i = 0; i < n; i++) {
      cumulative[i] /= sum;
    }
    return cumulative;
  }

  private static int draw(double[] cumulative, SplittableRandom random) {
    double u = random.nextDouble();
    int low = 0;
    int high = cumulative.length - 1;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (cumulative[mid] < u) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  /** The bench: prints the leave-last-order-out hit rate at 10 against the popularity baseline. */
  public static void main(String[] args) {
    long start = System.nanoTime();
    List<HoldoutEvaluation.CustomerOrders> data = load();
    long loaded = System.nanoTime();
    int k = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    HoldoutEvaluation.Result r = HoldoutEvaluation.run(data, k);
    long done = System.nanoTime();
    System.out.printf("data: cdnow-baskets (CDNOW orders, synthetic products), %d customers, %d products%n",
        r.customers(), r.products());
    System.out.printf("evaluated (>= 2 orders, something new in the last): %d customers%n", r.evaluated());
    System.out.printf("hit rate@%d co-purchase: %.4f   popularity baseline: %.4f   ratio: %.2f%n",
        k, r.hitRate(), r.popularityHitRate(), r.lift());
    System.out.printf("load %.2f s, build + evaluate %.2f s%n", (loaded - start) / 1e9, (done - loaded) / 1e9);
  }
}
