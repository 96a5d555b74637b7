package io.shoal.customer;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which sampled customers hold each trigram of {@code search_folded}, so that a search asks the
 * trigram index only for the trigrams of the term that pay for themselves (issue 17).
 *
 * <p>A trigram LIKE makes the GIN index intersect the posting lists of every trigram of the term.
 * For a typed email start such as {@code john.smith2} most of them ({@code joh}, {@code smi},
 * {@code ith}) are in 5-15 % of all customers, and at 1,000,000 customers decoding their lists was
 * ~60 % of the statement's time, while a few rarer ones ({@code hnx}, {@code th2}) alone find
 * nearly the same candidates. Each pattern asked is a substring of the folded term, so every true
 * match is still a candidate, and the exact test ({@code strpos} on {@code search_text}) decides as
 * before. The answer never depends on these figures; a stale or empty sample only makes a statement
 * slower (an empty one: the whole term, as before).
 *
 * <p>Which trigrams: each costs its posting list (entries decoded), each candidate left costs a
 * heap row checked, and the candidates left are counted on the sample itself (the sampled customers
 * holding every trigram chosen so far), not assumed independent: the trigrams of one word come
 * together ({@code gon}, {@code nza}, {@code lez} of "gonzalez" add nothing to one another, while
 * {@code hnx} of "john." does). Measured on the 1,000,000-customer seed of bench/run.sh (EXPLAIN
 * ANALYZE of the search statement, best of 3, the strategies interleaved): email starts 0.45x and
 * phone digits 0.72x of the PostgreSQL time of the rule before ("every trigram under 3 % of
 * customers, at least the rarest three"), surnames and common terms the same; through the API
 * (bench/search-1m.sh) email starts 2.1x the searches a second at 8 connections.
 */
final class TrigramStats {

  private static final Logger LOG = LoggerFactory.getLogger(TrigramStats.class);

  /**
   * What a candidate row costs PostgreSQL against one posting list entry of the trigram index: a
   * candidate is a heap row fetched and rechecked (~8-10 us at 1,000,000 customers), an entry is
   * decoded and intersected (~0.05-0.4 us). bench/README.md's twenty-first pass measured 80, 200
   * and 500: nearly the same trigrams and times.
   */
  static final int CANDIDATE_COST = 200;
  /** Customers to sample (SYSTEM sampling of pages; all of them in a smaller table). */
  static final int SAMPLE_ROWS = 20_000;
  static final long REFRESH_NANOS = TimeUnit.MINUTES.toNanos(10);
  /**
   * The seed of the sample's pages: the same table gives the same pages at every start and every
   * refresh, and a table that grew keeps them and adds some (SYSTEM with REPEATABLE draws each page
   * by its number and the seed against the share). A new draw at each start sent the terms near
   * {@link CustomerListing}'s threshold along a different path from one start to the next: at
   * 1,000,000 customers 8 of bench/run.sh's 50 surnames changed path between 8 draws
   * (bench/README.md, thirty-fourth pass).
   */
  static final int SAMPLE_SEED = 34;

  private final Pool pool;
  private final int sampleRows;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile Sample sample = new Sample(Map.of(), 0, 0, Long.MIN_VALUE);

  /**
   * For each trigram of 3 ASCII letters or digits, the sampled customers holding it (their numbers
   * in the sample, ascending), among {@code rows} sampled customers of {@code tableRows}
   * (PostgreSQL's estimate of the whole table, all stores: the trigram index's own extent), taken at
   * {@code takenAt} (nanoTime). ~30 trigrams a customer: ~600,000 numbers for 20,000 customers.
   */
  record Sample(Map<String, int[]> holders, long rows, long tableRows, long takenAt) {}

  TrigramStats(Pool pool) {
    this(pool, SAMPLE_ROWS);
  }

  /** With another sample size (tests: a sample smaller than the table). */
  TrigramStats(Pool pool, int sampleRows) {
    this.pool = pool;
    this.sampleRows = sampleRows;
  }

  /** The current sample; when it is older than {@link #REFRESH_NANOS}, a new one is started (not awaited). */
  Sample current() {
    Sample s = sample;
    if ((s.takenAt() == Long.MIN_VALUE || System.nanoTime() - s.takenAt() > REFRESH_NANOS)
        && refreshing.compareAndSet(false, true)) {
      refresh().onComplete(done -> {
        if (done.failed()) { // keep what there is; try again after the same interval, not on every search
          LOG.warn("Sampling search trigrams failed; searches ask for every trigram until it works", done.cause());
          Sample old = sample;
          sample = new Sample(old.holders(), old.rows(), old.tableRows(), System.nanoTime());
        }
        refreshing.set(false);
      });
    }
    return s;
  }

  /** Samples the customers now. */
  Future<Sample> refresh() {
    return pool.query("SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'customers'::regclass").execute()
        .compose(rs -> {
          long tableRows = rs.iterator().next().getLong(0);
          double percent = tableRows <= sampleRows ? 100.0 : Math.max(0.01, 100.0 * sampleRows / tableRows);
          return pool.query("WITH s AS MATERIALIZED (SELECT (row_number() OVER () - 1)::int AS r, search_folded"
                  + " FROM customers TABLESAMPLE SYSTEM (" + String.format(Locale.ROOT, "%.4f", percent) + ")"
                  + " REPEATABLE (" + SAMPLE_SEED + "))"
                  + " SELECT t, array_agg(r ORDER BY r) AS holders, (SELECT count(*) FROM s) AS rows"
                  + " FROM s, unnest(show_trgm(s.search_folded)) t WHERE t ~ '^[a-z0-9]{3}$' GROUP BY t")
              .execute()
              .map(trigrams -> {
                Map<String, int[]> holders = new HashMap<>(trigrams.size() * 2);
                long rows = 0;
                for (Row r : trigrams) {
                  Integer[] numbers = r.getArrayOfIntegers("holders");
                  int[] sorted = new int[numbers.length];
                  for (int i = 0; i < sorted.length; i++) {
                    sorted[i] = numbers[i];
                  }
                  holders.put(r.getString("t"), sorted);
                  rows = r.getLong("rows");
                }
                // a table never analyzed has no estimate; a whole-table sample is its own count
                Sample sampled = new Sample(Map.copyOf(holders), rows, Math.max(tableRows, rows), System.nanoTime());
                sample = sampled;
                return sampled;
              });
        });
  }

  /**
   * About how many customers (of the whole table, as the sample sees them) hold every trigram of
   * 3 ASCII letters or digits of the folded term: the sampled customers holding all of them, scaled
   * to the table. Every match is among them, and the trigram index's candidates for the whole term
   * are these. {@link Long#MAX_VALUE} when the sample is empty or the term has no such trigram.
   * An estimate: a sample of 20,000 sees 1 customer in 1,000 20 times, give or take 4.5. Counted
   * on every trigram, not only the rarest one: a surname's rarest trigram is also part of other
   * names ({@code cke} of "becker" in "dickerson", "hackett"), which put the rarest surnames of
   * the 1M benchmark (~1,000 matches) at the threshold of {@link CustomerListing}, where the
   * sample's draw sent them along the walk or to the index (bench/README.md, twenty-third pass).
   */
  static long candidates(String folded, Sample s) {
    if (s.rows() <= 0) {
      return Long.MAX_VALUE;
    }
    List<Integer> windows = windows(folded);
    if (windows.isEmpty()) {
      return Long.MAX_VALUE;
    }
    // the rarest first, so that each intersection looks up the fewest numbers
    windows.sort(Comparator.comparingInt((Integer i) -> holders(s, folded, i).length));
    int[] all = holders(s, folded, windows.get(0));
    for (int k = 1; k < windows.size() && all.length > 0; k++) {
      all = intersect(all, holders(s, folded, windows.get(k)));
    }
    return Math.round((double) all.length * s.tableRows() / s.rows());
  }

  /**
   * The LIKE patterns to ask the trigram index for a folded term: from its trigrams of 3 ASCII
   * letters or digits (where pg_trgm takes exactly that trigram from {@code %abc%}), the rarest,
   * then, one at a time, the one that lowers the statement's cost most (its posting list against the
   * candidates it removes, counted on the sample), while one does; adjacent ones joined into one
   * substring. The whole term when the sample is empty, or when every trigram is chosen.
   */
  static List<String> patterns(String folded, Sample s) {
    List<Integer> windows = windows(folded);
    if (s.rows() <= 0 || windows.size() <= 1) {
      return List.of("%" + folded + "%");
    }
    Map<Integer, int[]> lists = new HashMap<>();
    windows.forEach(i -> lists.put(i, holders(s, folded, i)));
    List<Integer> left = new ArrayList<>(windows);
    left.sort(Comparator.comparingInt((Integer i) -> lists.get(i).length).thenComparing(i -> i));
    List<Integer> chosen = new ArrayList<>();
    int first = left.remove(0);
    chosen.add(first);
    int[] candidates = lists.get(first);
    long entries = candidates.length;
    long cost = cost(entries, candidates.length);
    while (!left.isEmpty()) {
      int best = -1;
      int[] bestCandidates = null;
      long bestCost = cost;
      for (int k = 0; k < left.size(); k++) {
        int[] list = lists.get(left.get(k));
        int[] narrowed = intersect(candidates, list);
        long c = cost(entries + list.length, narrowed.length);
        if (c < bestCost) {
          best = k;
          bestCandidates = narrowed;
          bestCost = c;
        }
      }
      if (best < 0) {
        break;
      }
      int i = left.remove(best);
      chosen.add(i);
      entries += lists.get(i).length;
      candidates = bestCandidates;
      cost = bestCost;
    }
    if (chosen.size() == windows.size()) {
      return List.of("%" + folded + "%");
    }
    chosen.sort(Comparator.naturalOrder());
    List<String> out = new ArrayList<>();
    int start = chosen.get(0);
    int end = start + 3;
    for (int i : chosen.subList(1, chosen.size())) {
      if (i <= end - 2) { // overlaps or touches the run so far: one substring
        end = i + 3;
      } else {
        out.add("%" + folded.substring(start, end) + "%");
        start = i;
        end = i + 3;
      }
    }
    out.add("%" + folded.substring(start, end) + "%");
    return out;
  }

  /**
   * A statement's cost in posting list entries: the entries decoded, and each candidate left as
   * {@link #CANDIDATE_COST} of them. In sampled customers, so both sides scale to the table alike;
   * no sampled candidate left still counts as half of one (the table may hold a few).
   */
  private static long cost(long entries, int candidates) {
    return 2 * entries + (long) CANDIDATE_COST * Math.max(2 * candidates, 1);
  }

  /** The numbers in both ascending arrays: each of the shorter looked up in the longer. */
  static int[] intersect(int[] a, int[] b) {
    int[] small = a.length <= b.length ? a : b;
    int[] large = small == a ? b : a;
    int[] out = new int[small.length];
    int n = 0;
    int from = 0;
    for (int x : small) {
      int at = Arrays.binarySearch(large, from, large.length, x);
      if (at >= 0) {
        out[n++] = x;
        from = at + 1;
      } else {
        from = -at - 1;
      }
      if (from >= large.length) {
        break;
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /** Where the folded term has a trigram of 3 ASCII letters or digits (pg_trgm takes exactly those from a LIKE). */
  private static List<Integer> windows(String folded) {
    List<Integer> windows = new ArrayList<>();
    for (int i = 0; i + 3 <= folded.length(); i++) {
      if (plain(folded.charAt(i)) && plain(folded.charAt(i + 1)) && plain(folded.charAt(i + 2))) {
        windows.add(i);
      }
    }
    return windows;
  }

  private static final int[] NONE = new int[0];

  private static int[] holders(Sample s, String folded, int i) {
    return s.holders().getOrDefault(folded.substring(i, i + 3), NONE);
  }

  private static boolean plain(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }
}
