package io.shoal.customer;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
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
 * How often each trigram of {@code search_folded} occurs, from a sample of customers, so that a
 * search asks the trigram index only for the term's rarer trigrams (issue 17).
 *
 * <p>A trigram LIKE makes the GIN index intersect the posting lists of every trigram of the term.
 * For a typed email start such as {@code john.smith2} most of them ({@code joh}, {@code smi},
 * {@code ith}) are in 5-15 % of all customers, and at 1,000,000 customers decoding their lists was
 * ~60 % of the statement's time, while the rarer ones ({@code hnx}, {@code xsm}, {@code th2}) alone
 * find nearly the same candidates. So the statement asks for those only: each pattern is a
 * substring of the folded term, so every true match is still a candidate, and the exact test
 * ({@code strpos} on {@code search_text}) decides as before. The answer never depends on these
 * figures; a stale or empty sample only makes a statement slower (an empty one: the whole term, as
 * before).
 */
final class TrigramStats {

  private static final Logger LOG = LoggerFactory.getLogger(TrigramStats.class);

  /** A trigram in more than this share of the sampled customers is left out when others remain. */
  static final double COMMON_SHARE = 0.03;
  /** At least this many trigrams are asked for (the rarest ones), however common. */
  static final int MIN_TRIGRAMS = 3;
  /** Customers to sample (SYSTEM sampling of pages; all of them in a smaller table). */
  static final int SAMPLE_ROWS = 20_000;
  static final long REFRESH_NANOS = TimeUnit.MINUTES.toNanos(10);

  private final Pool pool;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile Sample sample = new Sample(Map.of(), 0, 0, Long.MIN_VALUE);

  /**
   * Counts per trigram among {@code rows} sampled customers of {@code tableRows} (PostgreSQL's
   * estimate of the whole table, all stores: the trigram index's own extent), taken at
   * {@code takenAt} (nanoTime).
   */
  record Sample(Map<String, Integer> counts, long rows, long tableRows, long takenAt) {}

  TrigramStats(Pool pool) {
    this.pool = pool;
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
          sample = new Sample(old.counts(), old.rows(), old.tableRows(), System.nanoTime());
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
          double percent = tableRows <= SAMPLE_ROWS ? 100.0 : Math.max(0.01, 100.0 * SAMPLE_ROWS / tableRows);
          return pool.query("WITH s AS MATERIALIZED (SELECT search_folded FROM customers TABLESAMPLE SYSTEM ("
                  + String.format(Locale.ROOT, "%.4f", percent) + "))"
                  + " SELECT t, count(*)::int AS n, (SELECT count(*) FROM s) AS rows"
                  + " FROM s, unnest(show_trgm(s.search_folded)) t GROUP BY t")
              .execute()
              .map(trigrams -> {
                Map<String, Integer> counts = new HashMap<>(trigrams.size() * 2);
                long rows = 0;
                for (Row r : trigrams) {
                  counts.put(r.getString("t"), r.getInteger("n"));
                  rows = r.getLong("rows");
                }
                // a table never analyzed has no estimate; a whole-table sample is its own count
                Sample sampled = new Sample(Map.copyOf(counts), rows, Math.max(tableRows, rows), System.nanoTime());
                sample = sampled;
                return sampled;
              });
        });
  }

  /**
   * At most how many customers (of the whole table, as the sample sees it) hold every trigram of
   * 3 ASCII letters or digits of the folded term: those of its rarest one, which every match holds.
   * The trigram index's candidates for the term are no more. {@link Long#MAX_VALUE} when the sample
   * is empty or the term has no such trigram. An estimate: a sample of 20,000 sees a trigram of
   * 1 in 1,000 customers 20 times, give or take 4.5.
   */
  static long candidates(String folded, Sample s) {
    if (s.rows() <= 0) {
      return Long.MAX_VALUE;
    }
    long fewest = Long.MAX_VALUE;
    for (int i : windows(folded)) {
      fewest = Math.min(fewest, count(s, folded, i));
    }
    return fewest == Long.MAX_VALUE ? fewest : Math.round((double) fewest * s.tableRows() / s.rows());
  }

  /**
   * The LIKE patterns to ask the trigram index for a folded term: its rarer trigrams (those of
   * 3 ASCII letters or digits, where pg_trgm takes exactly that trigram from {@code %abc%}),
   * adjacent ones joined into one substring. The whole term when the sample is empty, or when
   * nothing would be left out.
   */
  static List<String> patterns(String folded, Sample s) {
    List<Integer> windows = windows(folded);
    if (s.rows() <= 0 || windows.size() <= MIN_TRIGRAMS) {
      return List.of("%" + folded + "%");
    }
    Comparator<Integer> rarestFirst = Comparator.comparingInt((Integer i) -> count(s, folded, i)).thenComparing(i -> i);
    List<Integer> sorted = new ArrayList<>(windows);
    sorted.sort(rarestFirst);
    List<Integer> chosen = new ArrayList<>();
    for (int i : sorted) {
      if (chosen.size() < MIN_TRIGRAMS || count(s, folded, i) <= COMMON_SHARE * s.rows()) {
        chosen.add(i);
      }
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

  private static int count(Sample s, String folded, int i) {
    return s.counts().getOrDefault(folded.substring(i, i + 3), 0);
  }

  private static boolean plain(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }
}
