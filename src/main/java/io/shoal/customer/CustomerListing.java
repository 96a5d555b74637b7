package io.shoal.customer;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The SQL of a customer list page: search, filters, sort and keyset position. The answer is
 * always exactly the page that {@code WHERE <filters> ORDER BY <sort>, id LIMIT n} describes
 * (search: {@code search_text} contains the lower-cased term), but a million customers make the
 * way to it matter, and PostgreSQL's own choice between "walk the sort order and filter" and
 * "find every match, then sort" was measured to flip on estimates (86-853 ms for a few hundred
 * matches, bench/README.md). So the choice is made here, each path bounded:
 *
 * <pre>
 *   no narrowing filter (search, tags, metadata, segment) -> walk the sort index (plain)
 *   term that looks rare (digit, punctuation, 7+ chars)   -> every match by trigram, at most CAP
 *        more than CAP matches: the term is common        -> walk, stopping at n matches
 *   otherwise                                             -> walk at most WALK rows of the sort order
 *        fewer than n matches among them: the filter is rare -> every match (trigram / GIN / segment)
 * </pre>
 *
 * A walk that finds n matches has found the first n in sort order, so both paths give the same
 * page. Walks on the default sort read only the covering index {@code customers_by_created_search}.
 */
final class CustomerListing {

  /** ASCII punctuation folded to 'x' in the trigram index (V15): pg_trgm would split words there. */
  static final String FOLD_FROM = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
  private static final String FOLDED = "translate(search_text, '" + FOLD_FROM.replace("'", "''") + "', '"
      + "x".repeat(FOLD_FROM.length()) + "')";

  /** Counts up to this many are exact; above, the planner's estimate, marked as such. */
  static final int EXACT_COUNT_LIMIT = 1000;

  private final Pool pool;
  private final int walkRows;
  private final int walkRowsWithHeap;
  private final int matchCap;

  CustomerListing(Pool pool) {
    this(pool, 20_000, 2_000, 5_000);
  }

  /**
   * @param walkRows         rows a walk on the covering index reads before it gives up
   * @param walkRowsWithHeap the same for walks that read the table (other sorts, other filters)
   * @param matchCap         matches a rare-looking term may have before it is walked instead
   */
  CustomerListing(Pool pool, int walkRows, int walkRowsWithHeap, int matchCap) {
    this.pool = pool;
    this.walkRows = walkRows;
    this.walkRowsWithHeap = walkRowsWithHeap;
    this.matchCap = matchCap;
  }

  /** A count of the customers a list query describes (all pages). */
  record Count(long value, boolean estimated) {}

  Future<List<Row>> page(String storeId, CustomerQuery q) {
    String term = q.search() == null ? null : q.search().toLowerCase(Locale.ROOT);
    boolean narrowed = term != null || !q.tags().isEmpty() || !q.metadata().isEmpty() || q.segmentId() != null;
    if (!narrowed) {
      return rows(plain(storeId, q, term));
    }
    boolean trigrams = term != null && trigramUsable(fold(term));
    boolean onlySearch = q.tags().isEmpty() && q.metadata().isEmpty() && q.segmentId() == null;
    if (trigrams && looksRare(term)) {
      return run(byMatches(storeId, q, term, trigrams, matchCap)).compose(rs -> {
        List<Row> rows = all(rs);
        if (rows.isEmpty() || rows.get(0).getLong("match_count") <= matchCap) {
          return Future.succeededFuture(rows);
        }
        return onlySearch ? rows(plain(storeId, q, term)) : rows(byMatches(storeId, q, term, true, 0));
      });
    }
    boolean indexOnly = onlySearch && q.sort() == CustomerSort.CREATED_AT;
    return rows(walk(storeId, q, term, indexOnly ? walkRows : walkRowsWithHeap)).compose(rows -> {
      if (rows.size() >= q.limit()) {
        return Future.succeededFuture(rows);
      }
      if (term != null && !trigrams && onlySearch) {
        return rows(plain(storeId, q, term)); // too short for trigrams: walk on to the end
      }
      return rows(byMatches(storeId, q, term, trigrams, 0));
    });
  }

  /** Exact up to {@link #EXACT_COUNT_LIMIT}, else PostgreSQL's estimate for the same filter. */
  Future<Count> count(String storeId, CustomerQuery q) {
    String term = q.search() == null ? null : q.search().toLowerCase(Locale.ROOT);
    Sql sql = new Sql(storeId);
    StringBuilder where = new StringBuilder("store_id = $1");
    filters(sql, where, q, false);
    narrowing(sql, where, "", q, term, term != null && trigramUsable(fold(term)), storeId);
    String from = "SELECT 1 FROM customers WHERE " + where;
    sql.params.add(EXACT_COUNT_LIMIT + 1);
    String exact = "SELECT count(*) FROM (" + from + " LIMIT $" + sql.params.size() + ") s";
    Tuple exactArgs = Tuple.from(sql.params);
    Tuple estimateArgs = Tuple.from(sql.params.subList(0, sql.params.size() - 1));
    return pool.preparedQuery(exact).execute(exactArgs).compose(rs -> {
      long n = rs.iterator().next().getLong(0);
      if (n <= EXACT_COUNT_LIMIT) {
        return Future.succeededFuture(new Count(n, false));
      }
      return pool.preparedQuery("EXPLAIN (FORMAT JSON) " + from).execute(estimateArgs)
          .map(plan -> new Count(Math.max(EXACT_COUNT_LIMIT + 1, planRows(plan.iterator().next().getValue(0))), true));
    });
  }

  private static long planRows(Object explained) {
    JsonArray plans = explained instanceof JsonArray a ? a : new JsonArray(String.valueOf(explained));
    return Math.round(plans.getJsonObject(0).getJsonObject("Plan").getDouble("Plan Rows"));
  }

  // --- the three statements ------------------------------------------------------------------

  /** The plain query: PostgreSQL walks the sort index (no narrowing filter, or the last resort). */
  private Sql plain(String storeId, CustomerQuery q, String term) {
    Sql sql = new Sql(storeId);
    StringBuilder where = new StringBuilder("store_id = $1");
    filters(sql, where, q, true);
    if (term != null) {
      where.append(" AND strpos(search_text, ").append(sql.bind(term)).append(") > 0");
    }
    narrowing(sql, where, "", q, null, false, storeId);
    String expr = q.sort().expression;
    String dir = q.descending() ? "DESC" : "ASC";
    sql.text = "SELECT " + CustomerRepository.COLUMNS + ", (" + expr + ")::text AS sort_key FROM customers WHERE "
        + where + " ORDER BY " + expr + " " + dir + ", id " + dir + " LIMIT " + sql.bind(q.limit());
    return sql;
  }

  /** At most {@code bound} rows of the sort order, filtered; the page if they hold one. */
  private Sql walk(String storeId, CustomerQuery q, String term, int bound) {
    Sql sql = new Sql(storeId);
    StringBuilder where = new StringBuilder("store_id = $1");
    filters(sql, where, q, true);
    String expr = q.sort().expression;
    String dir = q.descending() ? "DESC" : "ASC";
    StringBuilder inner = new StringBuilder("SELECT id AS hid, (").append(expr).append(") AS hk");
    if (term != null) {
      inner.append(", search_text");
    }
    if (!q.tags().isEmpty()) {
      inner.append(", tags");
    }
    if (!q.metadata().isEmpty()) {
      inner.append(", metadata");
    }
    inner.append(" FROM customers WHERE ").append(where).append(" ORDER BY ").append(expr).append(' ').append(dir)
        .append(", id ").append(dir).append(" LIMIT ").append(sql.bind(bound));
    StringBuilder match = new StringBuilder("true");
    if (term != null) {
      match.append(" AND strpos(r.search_text, ").append(sql.bind(term)).append(") > 0");
    }
    narrowing(sql, match, "r.", q, null, false, storeId);
    sql.text = "SELECT " + CustomerRepository.COLUMNS + ", (" + expr + ")::text AS sort_key FROM"
        + " (SELECT hid, hk FROM (" + inner + ") r WHERE " + match + " ORDER BY hk " + dir + ", hid " + dir
        + " LIMIT " + sql.bind(q.limit()) + ") h"
        + " JOIN customers ON customers.store_id = $1 AND customers.id = h.hid"
        + " ORDER BY h.hk " + dir + ", h.hid " + dir;
    return sql;
  }

  /**
   * Every match (at most {@code cap + 1} when cap > 0) found through the filters' own indexes,
   * then the page; each row carries {@code match_count}. The CTE is materialized so that the
   * planner cannot turn it back into a walk of the sort order.
   */
  private Sql byMatches(String storeId, CustomerQuery q, String term, boolean trigrams, int cap) {
    Sql sql = new Sql(storeId);
    StringBuilder where = new StringBuilder("store_id = $1");
    filters(sql, where, q, true);
    narrowing(sql, where, "", q, term, trigrams, storeId);
    String expr = q.sort().expression;
    String dir = q.descending() ? "DESC" : "ASC";
    sql.text = "WITH hits AS MATERIALIZED (SELECT id AS hid, (" + expr + ") AS hk FROM customers WHERE " + where
        + (cap > 0 ? " LIMIT " + sql.bind(cap + 1) : "") + ")"
        + " SELECT " + CustomerRepository.COLUMNS + ", (" + expr + ")::text AS sort_key,"
        + " (SELECT count(*) FROM hits) AS match_count"
        + " FROM (SELECT hid, hk FROM hits ORDER BY hk " + dir + ", hid " + dir + " LIMIT " + sql.bind(q.limit()) + ") h"
        + " JOIN customers ON customers.store_id = $1 AND customers.id = h.hid"
        + " ORDER BY h.hk " + dir + ", h.hid " + dir;
    return sql;
  }

  // --- conditions ----------------------------------------------------------------------------

  /** Created-at range and, on a page after the first, the keyset position. */
  private static void filters(Sql sql, StringBuilder where, CustomerQuery q, boolean withPosition) {
    if (q.createdAfter() != null) {
      where.append(" AND created_at >= ").append(sql.bind(q.createdAfter().atOffset(ZoneOffset.UTC)));
    }
    if (q.createdBefore() != null) {
      where.append(" AND created_at < ").append(sql.bind(q.createdBefore().atOffset(ZoneOffset.UTC)));
    }
    if (withPosition && q.afterId() != null) {
      // The key comes from the cursor as text: bind it as text, let PostgreSQL read it back.
      String key = sql.bind(q.afterSortKey());
      String id = sql.bind(q.afterId());
      where.append(" AND (").append(q.sort().expression).append(", id) ").append(q.descending() ? "<" : ">")
          .append(" (").append(key).append("::text::").append(q.sort().sqlType).append(", ").append(id).append(")");
    }
  }

  /**
   * Tags, metadata, segment and (when {@code term} is given) the search, on the columns of
   * {@code prefix} ("" for the table, "r." for a walk's rows). {@code trigrams}: add the folded
   * LIKE that the trigram index answers, next to the exact test.
   */
  private static void narrowing(Sql sql, StringBuilder where, String prefix, CustomerQuery q, String term,
                                boolean trigrams, String storeId) {
    if (term != null) {
      if (trigrams) {
        where.append(" AND ").append(FOLDED.replace("search_text", prefix + "search_text"))
            .append(" LIKE ").append(sql.bind("%" + fold(term) + "%"));
      }
      where.append(" AND strpos(").append(prefix).append("search_text, ").append(sql.bind(term)).append(") > 0");
    }
    if (!q.tags().isEmpty()) {
      where.append(" AND ").append(prefix).append("tags @> ").append(sql.bind(q.tags().toArray(new String[0])))
          .append("::text[]");
    }
    if (!q.metadata().isEmpty()) {
      where.append(" AND ").append(prefix).append("metadata @> ").append(sql.bind(q.metadata())).append("::jsonb");
    }
    if (q.segmentId() != null) {
      // the segment capability's function, not its tables (docs/architecture.md, V26)
      where.append(" AND EXISTS (SELECT 1 FROM segment_member_ids($1, ")
          .append(sql.bind(q.segmentId())).append(") m WHERE m.customer_id = ")
          .append(prefix.isEmpty() ? "customers.id" : prefix + "hid").append(")");
    }
  }

  // --- terms ---------------------------------------------------------------------------------

  /** The term as the trigram index sees text: ASCII punctuation folded to 'x'. */
  static String fold(String term) {
    StringBuilder out = new StringBuilder(term.length());
    for (int i = 0; i < term.length(); i++) {
      char c = term.charAt(i);
      out.append(FOLD_FROM.indexOf(c) >= 0 ? 'x' : c);
    }
    return out.toString();
  }

  /** pg_trgm takes trigrams from a pattern's words; without a 3-character word it reads the whole index. */
  static boolean trigramUsable(String folded) {
    int run = 0;
    for (int i = 0; i < folded.length(); i++) {
      run = Character.isWhitespace(folded.charAt(i)) ? 0 : run + 1;
      if (run >= 3) {
        return true;
      }
    }
    return false;
  }

  /** What people type to find one customer: a phone's digits, an email's start, a long name. */
  static boolean looksRare(String term) {
    if (term.length() >= 7) {
      return true;
    }
    for (int i = 0; i < term.length(); i++) {
      char c = term.charAt(i);
      if (Character.isDigit(c) || FOLD_FROM.indexOf(c) >= 0) {
        return true;
      }
    }
    return false;
  }

  // --- plumbing ------------------------------------------------------------------------------

  private static final class Sql {
    final List<Object> params = new ArrayList<>();
    String text;

    Sql(String storeId) {
      params.add(storeId);
    }

    String bind(Object value) {
      params.add(value);
      return "$" + params.size();
    }
  }

  private Future<RowSet<Row>> run(Sql sql) {
    return pool.preparedQuery(sql.text).execute(Tuple.from(sql.params));
  }

  private Future<List<Row>> rows(Sql sql) {
    return run(sql).map(CustomerListing::all);
  }

  private static List<Row> all(RowSet<Row> rs) {
    List<Row> out = new ArrayList<>(rs.size());
    rs.forEach(out::add);
    return out;
  }
}
