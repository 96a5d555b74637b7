package io.shoal.customer;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
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
 *   tags or metadata, no search, newest or oldest first   -> the rarest facet's entries in that order,
 *        the other facets and the segment probed per entry   (at most WALK rows, else:)
 *   term that looks rare (digit, punctuation, 7+ chars),  -> every match by trigram, at most CAP
 *   or only a search whose trigrams the sample finds
 *   together in at most WALK / 11 customers
 *        more than CAP matches: the term is common        -> walk, stopping at n matches
 *   only a static segment, newest or oldest first         -> its members in that order (V56), the
 *                                                             page's n, each customer by key
 *   segment with at most MEMBERS members                  -> its members, each customer by key
 *   otherwise                                             -> walk at most WALK rows of the sort order
 *        n/2 to n matches among them                      -> walk on, at most 2 x WALK rows more
 *        fewer (or still short): the filter is rare       -> every match (trigram / GIN / members)
 *        only a segment, at most SET members               -> walk the sort order against a hash of
 *                                                             its members, to the nth member
 * </pre>
 *
 * A walk that finds n matches has found the first n in sort order, so both paths give the same
 * page. Every search reads {@code customer_search} (V72), the only table with a trigram index since
 * V73. A search alone in the default order: its walks only that table's key, its trigram path that
 * table's trigram index, first within a recent period (its BRIN of created_at) when the sample
 * expects several pages of matches. Beside tags or metadata in the default order, the walk is that
 * key's too, each text match's customer probed by key for the filter; every match comes from the
 * rarer side ({@link #viaTrigrams}). Other sorts walk their own index on customers and test the text
 * there.
 * Each row of a page is a customer's {@code id} and {@code sort_key} (the cursor's position), not
 * the customer: {@link CustomerRepository#list} adds the customers.
 */
final class CustomerListing {

  /**
   * ASCII punctuation folded to 'x' in {@code search_folded}, the column the trigram index is built
   * on (V15, V44): pg_trgm would split words there. A stored column, not an expression index: the
   * recheck of each trigram candidate then reads it instead of running translate() (~25 us a row).
   */
  static final String FOLD_FROM = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

  /**
   * What a page's statement answers of each customer: its id and sort key, not the customer. The
   * customers are then taken from the profile cache, or read by key for the ones it does not hold
   * ({@link CustomerRepository#list}): a page's statement no longer joins 26 customers rows and
   * their evaluation state, and the JVM no longer decodes and renders customers it keeps encoded
   * (bench/README.md, twenty-sixth pass, reads26).
   */
  private static final String KEYS = "id";
  /** {@link #KEYS} of a statement whose page is {@code h(hid, hk)}: the sort key is hk's text, as (expr)::text. */
  private static final String PAGE_KEYS = "h.hid AS id, (h.hk)::text AS sort_key";

  /** Counts up to this many are exact; above, the planner's estimate, marked as such. */
  static final int EXACT_COUNT_LIMIT = 1000;

  /** Where the statements go: the pool, or one connection for all of a page's statements ({@link #on}). */
  private final SqlClient client;
  private final int walkRows;
  private final int walkRowsWithHeap;
  private final int matchCap;
  private final int memberCap;
  private final int memberSetCap;
  private final int fewCandidates;
  private final boolean memberOrder;
  private final TrigramStats trigramStats;
  private final FacetStats facetStats;

  CustomerListing(Pool pool) {
    this(pool, 20_000, 2_000, 5_000, 5_000, MEMBER_SET_CAP);
  }

  CustomerListing(Pool pool, int walkRows, int walkRowsWithHeap, int matchCap) {
    this(pool, walkRows, walkRowsWithHeap, matchCap, matchCap);
  }

  CustomerListing(Pool pool, int walkRows, int walkRowsWithHeap, int matchCap, int memberCap) {
    this(pool, walkRows, walkRowsWithHeap, matchCap, memberCap, MEMBER_SET_CAP);
  }

  /**
   * Members a segment may have for its list to walk the sort order against a hash of them. PostgreSQL
   * hashes an IN sub-select only when its estimated rows fit in hash_mem (work_mem x
   * hash_mem_multiplier: 4 MB by default on PostgreSQL 14, 8 MB from 15): 120,001 hashes count 32
   * bytes each in its estimate, 3.8 MB. Above it the statement would scan the member list once
   * per row, so larger segments are read from their members instead.
   */
  static final int MEMBER_SET_CAP = 120_000;

  /**
   * A search alone goes to the trigram index first when the sample finds its trigrams together in
   * at most the walk's bound / 11 customers (1,818 in production). Measured at 1,000,000 customers,
   * one term at a time (bench/README.md, twenty-third pass): reading every match cost 4.8-6.2 us a
   * match (a heap row and the exact test; 882-1,334 matches in 4.2-8.7 ms), a walk 0.6-0.8 us a row
   * of the covering index, and a page of 26 takes a walk of ~26 / (matches / customers) rows
   * (18,756 for "olson", 1,321 matches: 12.7 ms walked). The two meet near 1,800 matches. A
   * wrong estimate costs at most CAP candidates before the walk, as for any term that only
   * looked rare. (Until the twenty-fourth pass: the rarest trigram's customers, at most / 16.)
   */
  static final int FEW_CANDIDATES_PER_WALK = 11;

  /**
   * @param walkRows         rows a walk on the covering index reads before it gives up
   * @param walkRowsWithHeap the same for walks that read the table (other sorts, other filters)
   * @param matchCap         matches a rare-looking term may have before it is walked instead
   * @param memberCap        members a segment filter may have to be read from its members first
   * @param memberSetCap     members a segment may have to be walked against a hash of them when a
   *                         walk gave up
   */
  CustomerListing(Pool pool, int walkRows, int walkRowsWithHeap, int matchCap, int memberCap, int memberSetCap) {
    this(pool, walkRows, walkRowsWithHeap, matchCap, memberCap, memberSetCap, true);
  }

  /**
   * @param memberOrder whether a static segment's list is read in its members' order; without it
   *                    (tests), every segment takes the paths of an evaluated one
   */
  CustomerListing(Pool pool, int walkRows, int walkRowsWithHeap, int matchCap, int memberCap, int memberSetCap,
                  boolean memberOrder) {
    this.client = pool;
    this.memberOrder = memberOrder;
    this.walkRows = walkRows;
    this.walkRowsWithHeap = walkRowsWithHeap;
    this.matchCap = matchCap;
    this.memberCap = memberCap;
    this.memberSetCap = memberSetCap;
    this.fewCandidates = walkRows / FEW_CANDIDATES_PER_WALK;
    this.trigramStats = new TrigramStats(pool);
    this.facetStats = new FacetStats(pool);
  }

  /** The same listing sending its statements to {@code client} (one connection for all of a page's statements). */
  CustomerListing on(SqlClient client) {
    return new CustomerListing(this, client);
  }

  private CustomerListing(CustomerListing of, SqlClient client) {
    this.client = client;
    this.memberOrder = of.memberOrder;
    this.walkRows = of.walkRows;
    this.walkRowsWithHeap = of.walkRowsWithHeap;
    this.matchCap = of.matchCap;
    this.memberCap = of.memberCap;
    this.memberSetCap = of.memberSetCap;
    this.fewCandidates = of.fewCandidates;
    this.trigramStats = of.trigramStats;
    this.facetStats = of.facetStats;
  }

  /** Samples the trigram frequencies now (otherwise the first search starts it, and later ones every 10 minutes). */
  Future<TrigramStats.Sample> sampleTrigrams() {
    return trigramStats.refresh();
  }

  /** A count of the customers a list query describes (all pages). */
  record Count(long value, boolean estimated) {}

  Future<List<Row>> page(String storeId, CustomerQuery q) {
    return pageAndPath(storeId, q).map(Page::rows);
  }

  /** A page and the path that found it (tests check that each path is really taken). */
  record Page(List<Row> rows, Path path) {}

  enum Path { PLAIN, WALK, WALK_ON, BY_MATCHES, BY_PERIOD, BY_MEMBERS, BY_MEMBER_SET, BY_MEMBER_ORDER, BY_FACETS }

  Future<Page> pageAndPath(String storeId, CustomerQuery q) {
    String term = q.search() == null ? null : q.search().toLowerCase(Locale.ROOT);
    boolean narrowed = term != null || !q.tags().isEmpty() || !q.metadata().isEmpty() || q.segmentId() != null;
    if (!narrowed) {
      return rows(plain(storeId, q, term), Path.PLAIN);
    }
    String folded = term == null ? null : fold(term);
    boolean trigrams = term != null && trigramUsable(folded);
    boolean onlySearch = q.tags().isEmpty() && q.metadata().isEmpty() && q.segmentId() == null;
    if (term == null && facetsAnswer(q)) {
      int facets = new HashSet<>(q.tags()).size() + q.metadata().size();
      boolean probes = facets > 1 || q.segmentId() != null;
      Future<FacetStats.Shares> shares = facets > 1 ? facetStats.current(client) : Future.succeededFuture(NO_SHARES);
      return shares.compose(known -> rows(byFacets(storeId, q, known, probes ? walkRowsWithHeap : q.limit()),
          Path.BY_FACETS)).compose(page -> {
        // Without probes every entry is a match: fewer than a page means there are no more.
        if (page.rows().size() >= q.limit() || !probes) {
          return Future.succeededFuture(page);
        }
        return everyMatch(storeId, q, null, false);
      });
    }
    long candidates = trigrams ? TrigramStats.candidates(folded, trigramStats.current()) : Long.MAX_VALUE;
    // Beside other filters or in another order a term that only looks rare is walked first (V73: its
    // matches are no longer ANDed with the filter's in one bitmap, nor read from a covering index; each
    // is joined to its customer by key, ~6 buffers: a common 8-letter surname by total_spent 10x the
    // buffers of the walk). Only a search alone in the default order reads them from customer_search.
    boolean searchAlone = SEARCH_TABLE.equals(searchTable(q, term));
    if (trigrams && (searchAlone && looksRare(term) || candidates <= fewCandidates)) {
      return viaTrigrams(storeId, q, term, true).compose(via -> run(byMatches(storeId, q, term, via, matchCap,
          period(q, candidates))).compose(rs -> {
        List<Row> rows = all(rs);
        if (rows.isEmpty() || rows.get(0).getLong("match_count") <= matchCap) {
          boolean inPeriod = !rows.isEmpty() && rows.get(0).getColumnIndex("period_count") >= 0
              && rows.get(0).getLong("period_count") >= q.limit();
          return Future.succeededFuture(new Page(rows, inPeriod ? Path.BY_PERIOD : Path.BY_MATCHES));
        }
        return onlySearch ? rows(plain(storeId, q, term), Path.PLAIN)
            : rows(byMatches(storeId, q, term, via, 0), Path.BY_MATCHES);
      }));
    }
    if (q.segmentId() != null) {
      boolean onlySegment = term == null && q.tags().isEmpty() && q.metadata().isEmpty();
      Future<Page> inOrder = memberOrder && onlySegment && q.sort() == CustomerSort.CREATED_AT
          ? byMemberOrder(storeId, q) : Future.succeededFuture();
      return inOrder.compose(page -> page != null ? Future.succeededFuture(page)
          : bySegmentMembers(storeId, q, term, trigrams, onlySearch));
    }
    return walkThenMatches(storeId, q, term, trigrams, onlySearch);
  }

  /** A segment that its members' order cannot answer: the small ones from their members, the others walked. */
  private Future<Page> bySegmentMembers(String storeId, CustomerQuery q, String term, boolean trigrams,
                                        boolean onlySearch) {
    // A small segment: its members, each looked up by primary key, are fewer rows than any walk.
    return run(byMembers(storeId, q, term, memberCap, false)).compose(rs -> {
      List<Row> rows = all(rs);
      if (rows.get(0).getLong("member_count") <= memberCap) {
        return Future.succeededFuture(new Page(withoutCountRow(rows), Path.BY_MEMBERS));
      }
      return walkThenMatches(storeId, q, term, trigrams, onlySearch);
    });
  }

  /**
   * The page of a static segment in the default order, read from the segment's members in that
   * order (V56: keyed by segment, created_at, customer): the next n entries from the cursor, whatever
   * the segment's size and wherever its members are among all customers. Null when the segment is
   * not static (an evaluated segment's members are in the evaluation state, in no order), then the
   * other paths answer.
   *
   * <p>The members' own created_at and ids are the page, no customer is read: a member row exists
   * only while its customer does (deleting a customer deletes its memberships in the same
   * transaction, V26_1; writers lock the customer row they add), and carries its customer's
   * created_at (V56's triggers, same transaction). Until the thirtieth pass each member's customer
   * was joined by key (130 of the page's 189 buffers at 1M), and the check that the segment is static
   * was the scalar function {@code segment_is_static}, which PostgreSQL runs (its body planned) at
   * every call: ~0.4 ms and ~50 buffers. V76's {@code segment_static} is the same check as a
   * set-returning function, which PostgreSQL inlines: a probe of the segment's key.
   */
  private Future<Page> byMemberOrder(String storeId, CustomerQuery q) {
    Sql sql = new Sql(storeId);
    String dir = q.descending() ? "DESC" : "ASC";
    String segment = sql.bind(q.segmentId());
    // No NULLs for the function: the widest bounds instead, so each stays a bound of its index scan.
    String afterAt = sql.bind(q.afterId() != null ? q.afterSortKey() : q.descending() ? "infinity" : "-infinity");
    String afterId = sql.bind(q.afterId() != null ? q.afterId() : "");
    String from = sql.bind(q.createdAfter() == null ? null : q.createdAfter().atOffset(ZoneOffset.UTC));
    String before = sql.bind(q.createdBefore() == null ? null : q.createdBefore().atOffset(ZoneOffset.UTC));
    sql.text = "SELECT page.*, s.is_static FROM segment_static($1, " + segment + ") s"
        + " LEFT JOIN LATERAL (SELECT o.mid AS id, (o.mat)::text AS sort_key, o.mat AS page_key, o.mid AS page_id"
        + " FROM segment_members_by_created($1, " + segment + ", " + sql.bind(q.descending()) + ", "
        + afterAt + "::text::timestamptz, " + afterId + ", coalesce(" + from + "::timestamptz, '-infinity'), coalesce("
        + before + "::timestamptz, 'infinity'), " + sql.bind((long) q.limit()) + ") o(mid, mat)"
        + " WHERE s.is_static) page ON true"
        + " ORDER BY page.page_key " + dir + ", page.page_id " + dir;
    return run(sql).map(rs -> {
      List<Row> rows = all(rs);
      return rows.get(0).getBoolean("is_static") ? new Page(withoutCountRow(rows), Path.BY_MEMBER_ORDER) : null;
    });
  }

  private Future<Page> walkThenMatches(String storeId, CustomerQuery q, String term, boolean trigrams,
                                       boolean onlySearch) {
    boolean indexOnly = onlySearch && q.sort() == CustomerSort.CREATED_AT;
    int bound = indexOnly ? walkRows : walkRowsWithHeap;
    return rows(walk(storeId, q, term, bound), Path.WALK).compose(page -> {
      List<Row> found = page.rows();
      if (found.size() >= q.limit()) {
        return Future.succeededFuture(page);
      }
      if (term != null && !trigrams && onlySearch) {
        return rows(plain(storeId, q, term), Path.PLAIN); // too short for trigrams: walk on to the end
      }
      if (found.size() * 2 < q.limit()) {
        return everyMatch(storeId, q, term, trigrams);
      }
      // Half a page or more within the bound: the rest is expected within about one bound more,
      // fewer rows than reading every match (a term in 1 of 1,000 customers has ~1,000 matches, each
      // a heap page, against 26,000 rows of the covering index). Walk on from the last match.
      Row last = found.get(found.size() - 1);
      CustomerQuery rest = new CustomerQuery(q.search(), q.tags(), q.createdAfter(), q.createdBefore(), q.metadata(),
          q.segmentId(), q.sort(), q.descending(), last.getString("sort_key"), last.getString("id"),
          q.limit() - found.size());
      return rows(walk(storeId, rest, term, 2 * bound), Path.WALK_ON).compose(more -> {
        if (more.rows().size() < rest.limit()) {
          return everyMatch(storeId, q, term, trigrams);
        }
        List<Row> both = new ArrayList<>(found);
        both.addAll(more.rows());
        return Future.succeededFuture(new Page(both, Path.WALK_ON));
      });
    });
  }

  /** Every match through the filters' indexes, then the page: what a walk that gave up falls back to. */
  private Future<Page> everyMatch(String storeId, CustomerQuery q, String term, boolean trigrams) {
    if (q.segmentId() != null && term == null && q.tags().isEmpty() && q.metadata().isEmpty()) {
      // Only the segment narrows, and its members are not where the walk looked (a "churned" segment of
      // the oldest customers, newest first): the sort order against a hash of its members finds the
      // page at ~0.5 us a row instead of ~5 us a probe; reading each member by key (below) cost
      // 0.85-1.1 s of CPU (5-9 s cold) for 95,000-100,000 members at 1M customers.
      return run(byMembers(storeId, q, null, memberSetCap, true)).compose(rs -> {
        List<Row> rows = all(rs);
        if (rows.get(0).getLong("member_count") <= memberSetCap) {
          return Future.succeededFuture(new Page(withoutCountRow(rows), Path.BY_MEMBER_SET));
        }
        return run(byMembers(storeId, q, null, 0, false)).map(each -> new Page(withoutCountRow(all(each)), Path.BY_MEMBERS));
      });
    }
    return viaTrigrams(storeId, q, term, trigrams)
        .compose(via -> rows(byMatches(storeId, q, term, via, 0), Path.BY_MATCHES));
  }

  /**
   * Probes of customers a match found in {@code customer_search} costs against a heap row of a
   * match found by another filter's index (measured at 1M: ~6 buffers a match joined by key, one
   * a customer read by a bitmap; bench/README.md, twenty-ninth pass).
   */
  static final int PROBE_COST = 5;

  /**
   * How a search beside other filters finds every match: by {@code customer_search}'s trigram
   * index, each match then joined to its customer by key (true), or by the other filters' own
   * indexes on {@code customers} with the exact test on each customer's text (false). Since V73
   * no index has both (before, PostgreSQL ANDed customers' trigram bitmap with the filter's), so
   * the one with fewer rows drives: the term's candidates as the trigram sample counts them (few:
   * the trigram index, without asking), against the planner's estimate of the filters' rows
   * ({@link #PROBE_COST} to one). A search alone, or beside a segment only, always takes the trigram
   * index. {@code trigrams} false (a term without trigrams): false.
   */
  Future<Boolean> viaTrigrams(String storeId, CustomerQuery q, String term, boolean trigrams) {
    boolean indexed = !q.tags().isEmpty() || !q.metadata().isEmpty() || q.createdAfter() != null
        || q.createdBefore() != null;
    if (!trigrams || term == null || !indexed || SEARCH_TABLE.equals(searchTable(q, term))) {
      return Future.succeededFuture(trigrams);
    }
    long candidates = TrigramStats.candidates(fold(term), trigramStats.current());
    if (candidates <= fewCandidates) {
      return Future.succeededFuture(true);
    }
    Sql sql = new Sql(storeId);
    StringBuilder where = new StringBuilder("store_id = $1");
    filters(sql, where, q, false);
    narrowing(sql, where, "", "customers.id", q, null, false, storeId);
    return client.preparedQuery("EXPLAIN (FORMAT JSON) SELECT 1 FROM customers WHERE " + where)
        .execute(Tuple.from(sql.params))
        .map(plan -> planRows(plan.iterator().next().getValue(0)) >= (double) PROBE_COST * candidates);
  }

  /** Exact up to {@link #EXACT_COUNT_LIMIT}, else PostgreSQL's estimate for the same filter. */
  Future<Count> count(String storeId, CustomerQuery q) {
    String term = q.search() == null ? null : q.search().toLowerCase(Locale.ROOT);
    boolean trigrams = term != null && trigramUsable(fold(term));
    boolean onlySearch = term != null && q.tags().isEmpty() && q.metadata().isEmpty() && q.segmentId() == null;
    if (trigrams && !onlySearch && (!q.tags().isEmpty() || !q.metadata().isEmpty())) {
      // Beside a tag or metadata filter a count stops at the 1,001st match: the filter's index and the
      // exact test on each customer's text reach it sooner than probing every trigram match of a term
      // the sample finds often (1M, "garcia" among "vip": 10,716 against 40,153 buffers); a rare
      // term's matches are probed (1,185 of "black" among "vip": 7,097 against 54,277).
      trigrams = TrigramStats.candidates(fold(term), trigramStats.current()) <= fewCandidates;
    }
    Sql sql = new Sql(storeId);
    StringBuilder where = new StringBuilder("store_id = $1");
    filters(sql, where, q, false);
    String table = onlySearch ? SEARCH_TABLE : "customers";
    if (trigrams && !onlySearch) {
      narrowing(sql, where, "", "customers.id", q, null, false, storeId);
      searchIn(sql, where, term);
    } else {
      // A search alone is counted on customer_search (its trigram index, or its key's included text).
      narrowing(sql, where, "", "customers.id", q, term, trigrams, storeId);
    }
    String from = "SELECT 1 FROM " + table + " WHERE " + where;
    sql.params.add(EXACT_COUNT_LIMIT + 1);
    String exact = "SELECT count(*) FROM (" + from + " LIMIT $" + sql.params.size() + ") s";
    Tuple exactArgs = Tuple.from(sql.params);
    Tuple estimateArgs = Tuple.from(sql.params.subList(0, sql.params.size() - 1));
    return client.preparedQuery(exact).execute(exactArgs).compose(rs -> {
      long n = rs.iterator().next().getLong(0);
      if (n <= EXACT_COUNT_LIMIT) {
        return Future.succeededFuture(new Count(n, false));
      }
      return client.preparedQuery("EXPLAIN (FORMAT JSON) " + from).execute(estimateArgs)
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
    Sql sql = Sql.planOnce(storeId);
    StringBuilder where = new StringBuilder("store_id = ").append(sql.store());
    filters(sql, where, q, true);
    if (term != null) {
      where.append(" AND strpos(search_text, ").append(sql.bind(term)).append(") > 0");
    }
    narrowing(sql, where, "", "customers.id", q, null, false, storeId);
    String expr = q.sort().expression;
    String dir = q.descending() ? "DESC" : "ASC";
    sql.text = "SELECT " + KEYS + ", (" + expr + ")::text AS sort_key FROM " + searchTable(q, term) + " WHERE " + where
        + " ORDER BY " + expr + " " + dir + ", id " + dir + " LIMIT " + sql.limit(q.limit());
    return sql;
  }

  /**
   * At most {@code bound} rows of the sort order, filtered; the page if they hold one. Planned once
   * ({@link Sql#planOnce}): its plan is the sort order's index whatever the values, and planning
   * it at every call cost ~10 % of a surname search at 1,000,000 customers (0.66 ms against 6.7 ms
   * of execution, bench/README.md twenty-third pass). With a segment the membership probe is the
   * segment capability's statement part: left as it was.
   */
  private Sql walk(String storeId, CustomerQuery q, String term, int bound) {
    Sql sql = q.segmentId() == null ? Sql.planOnce(storeId) : new Sql(storeId);
    StringBuilder where = new StringBuilder("store_id = ").append(sql.store());
    filters(sql, where, q, true);
    String expr = q.sort().expression;
    String dir = q.descending() ? "DESC" : "ASC";
    // A search in the default order walks customer_search's key (V72: index-only, the search text
    // included), also beside other filters: then only the rows whose text matches read their
    // customer by key for its tags or metadata (V73 dropped customers' covering index).
    boolean searchKey = term != null && q.sort() == CustomerSort.CREATED_AT;
    boolean joined = searchKey && (!q.tags().isEmpty() || !q.metadata().isEmpty());
    StringBuilder inner = new StringBuilder("SELECT id AS hid, (").append(expr).append(") AS hk");
    if (term != null) {
      inner.append(", search_text");
    }
    if (!q.tags().isEmpty() && !joined) {
      inner.append(", tags");
    }
    if (!q.metadata().isEmpty() && !joined) {
      inner.append(", metadata");
    }
    // Joined: at most bound customers read by key (the rows whose text matches), as a walk of customers
    // reads at most bound heap rows, within at most walkRows / walkRowsWithHeap times as many key entries.
    int rows = joined
        ? (int) Math.min(Integer.MAX_VALUE, Math.max(bound, (long) bound * walkRows / Math.max(1, walkRowsWithHeap)))
        : bound;
    inner.append(" FROM ").append(searchKey ? SEARCH_TABLE : "customers").append(" WHERE ").append(where)
        .append(" ORDER BY ").append(expr).append(' ').append(dir)
        .append(", id ").append(dir).append(" LIMIT ").append(sql.limit(rows));
    StringBuilder match = new StringBuilder("true");
    String texts = "(" + inner + ") r";
    if (joined) {
      // Each text match's customer probed by key (OFFSET 0 keeps it a probe: as a join, the generic
      // plan guessed 0.5 % of customers for any tag and hashed them all, 207,631 for "vip" at 1M).
      texts = "(SELECT hid, hk FROM " + texts + " WHERE strpos(r.search_text, " + sql.bind(term) + ") > 0"
          + " ORDER BY hk " + dir + ", hid " + dir + " LIMIT " + sql.limit(bound) + ") r";
      StringBuilder probe = new StringBuilder("c.store_id = ").append(sql.store()).append(" AND c.id = r.hid");
      narrowing(sql, probe, "c.", "c.id", q, null, false, storeId);
      match.append(" AND EXISTS (SELECT 1 FROM customers c WHERE ").append(probe).append(" OFFSET 0)");
    } else {
      if (term != null) {
        match.append(" AND strpos(r.search_text, ").append(sql.bind(term)).append(") > 0");
      }
      narrowing(sql, match, "r.", "r.hid", q, null, false, storeId);
    }
    sql.text = "SELECT " + PAGE_KEYS + " FROM"
        + " (SELECT hid, hk FROM " + texts + " WHERE " + match + " ORDER BY hk " + dir + ", hid " + dir
        + " LIMIT " + sql.limit(q.limit()) + ") h"
        + " ORDER BY h.hk " + dir + ", h.hid " + dir;
    return sql;
  }

  /**
   * Every match (at most {@code cap + 1} when cap > 0) found through the filters' own indexes,
   * then the page; each row carries {@code match_count}. The CTE is materialized so that the
   * planner cannot turn it back into a walk of the sort order.
   */
  private Sql byMatches(String storeId, CustomerQuery q, String term, boolean trigrams, int cap) {
    return byMatches(storeId, q, term, trigrams, cap, 0);
  }

  /**
   * {@code period} > 0 (a search alone in the default order, with a cap): first only the matches in
   * the newest (oldest, ascending) {@code period} of the store's span of created_at from the page's
   * position, which the trigram index and the BRIN of {@code customer_search} (V72) find together
   * in a few dozen heap pages; all of them when that holds fewer than a page. A period holding a
   * page holds the page: every match outside it is older (newer) than all of the period's.
   */
  private Sql byMatches(String storeId, CustomerQuery q, String term, boolean trigrams, int cap, double period) {
    Sql sql = new Sql(storeId);
    StringBuilder where = new StringBuilder("store_id = $1");
    filters(sql, where, q, true);
    String table = searchTable(q, term);
    if (trigrams && !table.equals(SEARCH_TABLE)) {
      // Other filters or another sort: the matches come from customer_search's trigram index (the only
      // one since V73), the filters and the sort key from their customers.
      narrowing(sql, where, "", "customers.id", q, null, false, storeId);
      searchIn(sql, where, term);
    } else {
      narrowing(sql, where, "", "customers.id", q, term, trigrams, storeId);
    }
    String expr = q.sort().expression;
    String dir = q.descending() ? "DESC" : "ASC";
    String limit = cap > 0 ? " LIMIT " + sql.bind(cap + 1) : "";
    String hits;
    String periodCount = "";
    if (period > 0 && cap > 0 && table.equals(SEARCH_TABLE)) {
      String page = sql.bind((long) q.limit());
      String from = sql.bind(q.afterId() != null ? q.afterSortKey() : null) + "::text::timestamptz";
      String bound = q.descending()
          ? "created_at >= (SELECT coalesce(" + from + ", hi) - (hi - lo) * " + sql.bind(period) + " FROM span)"
          : "created_at <= (SELECT coalesce(" + from + ", lo) + (hi - lo) * " + sql.bind(period) + " FROM span)";
      hits = "span AS MATERIALIZED (SELECT max(created_at) AS hi, min(created_at) AS lo FROM " + SEARCH_TABLE
          + " WHERE store_id = $1),"
          + " near AS MATERIALIZED (SELECT id AS hid, created_at AS hk FROM " + SEARCH_TABLE + " WHERE " + where
          + " AND " + bound + limit + "),"
          + " hits AS MATERIALIZED (SELECT hid, hk FROM near WHERE (SELECT count(*) FROM near) >= " + page
          + " UNION ALL (SELECT id, created_at FROM " + SEARCH_TABLE + " WHERE " + where
          + " AND (SELECT count(*) FROM near) < " + page + limit + "))";
      periodCount = ", (SELECT count(*) FROM near) AS period_count";
    } else {
      hits = "hits AS MATERIALIZED (SELECT id AS hid, (" + expr + ") AS hk FROM " + table + " WHERE " + where
          + limit + ")";
    }
    sql.text = "WITH " + hits
        + " SELECT " + PAGE_KEYS + ", (SELECT count(*) FROM hits) AS match_count" + periodCount
        + " FROM (SELECT hid, hk FROM hits ORDER BY hk " + dir + ", hid " + dir + " LIMIT " + sql.bind(q.limit()) + ") h"
        + " ORDER BY h.hk " + dir + ", h.hid " + dir;
    return sql;
  }

  /**
   * The tag and metadata filters read from {@code customer_facets} (V46), whose key is each facet
   * followed by the list's default order: the entries of one facet from the page's position on,
   * each of the other facets and the segment probed by key, at most {@code bound} entries, then
   * the page's customers by primary key. With several facets the one ANALYZE found least frequent
   * ({@link FacetStats}, kept in the JVM) is read, the others probed rarest first (tag and pair
   * frequencies differ by 1,000x); a wrong guess costs at most the bound, then every match is read
   * through the GIN indexes. Each entry carries the hashes of its customer's facets (V78), so only
   * the entries whose customer has every other facet's hash are probed: 26 of
   * {@code source=import&referrer=campaign_3}'s 285 at 1,000,000 customers (bench/README.md,
   * thirty-second pass). Each facet's text is written in the statement as V46's
   * {@code customer_facets_of} makes it ({@code 't' || tag}, {@code 'm' || jsonb_build_object(key,
   * value)::text}), not by calling that function: a call is planned at every execution, ~0.1-0.2 ms
   * of a page whose index range costs ~0.02 ms (bench/README.md, thirtieth pass).
   */
  private Sql byFacets(String storeId, CustomerQuery q, FacetStats.Shares shares, int bound) {
    // With a segment the membership probe is the segment capability's statement part: left as it was.
    Sql sql = q.segmentId() == null ? Sql.planOnce(storeId) : new Sql(storeId);
    List<Facet> facets = new ArrayList<>();
    for (String tag : new java.util.LinkedHashSet<>(q.tags())) {
      facets.add(new Facet(tag, null, FacetStats.tag(tag)));
    }
    for (String key : q.metadata().fieldNames()) {
      String value = (String) q.metadata().getValue(key);
      facets.add(new Facet(key, value, FacetStats.pair(key, value)));
    }
    facets.sort(java.util.Comparator.<Facet>comparingDouble(f -> shares.share(f.text())).thenComparing(Facet::text));
    String dir = q.descending() ? "DESC" : "ASC";
    StringBuilder where = new StringBuilder("d.store_id = ").append(sql.store()).append(" AND d.facet = ")
        .append(facets.get(0).sql(sql));
    if (q.createdAfter() != null) {
      where.append(" AND d.created_at >= ").append(sql.bind(q.createdAfter().atOffset(ZoneOffset.UTC)));
    }
    if (q.createdBefore() != null) {
      where.append(" AND d.created_at < ").append(sql.bind(q.createdBefore().atOffset(ZoneOffset.UTC)));
    }
    if (q.afterId() != null) {
      where.append(" AND (d.created_at, d.customer_id) ").append(q.descending() ? "<" : ">")
          .append(" (").append(sql.bind(q.afterSortKey())).append("::text::timestamptz, ")
          .append(sql.bind(q.afterId())).append(")");
    }
    StringBuilder match = new StringBuilder("true");
    List<Facet> others = facets.subList(1, facets.size());
    StringBuilder hashes = new StringBuilder();
    StringBuilder probes = new StringBuilder();
    for (Facet other : others) {
      String text = other.sql(sql);
      hashes.append(hashes.isEmpty() ? "" : ", ").append("hashtextextended(").append(text).append(", 0)");
      // OFFSET 0 keeps it a probe by key (not a semi-join over the other facet's every entry).
      probes.append(" AND EXISTS (SELECT 1 FROM customer_facets g WHERE g.store_id = ").append(sql.store())
          .append(" AND g.facet = ").append(text).append(" AND g.created_at = e.hk AND g.customer_id = e.hid OFFSET 0)");
    }
    if (!others.isEmpty()) {
      // V78: an entry whose customer's facet hashes lack another facet's is no match; only the others
      // are probed (the cheap test first: PostgreSQL orders a filter's conditions by their cost).
      match.append(" AND e.hs @> (SELECT ARRAY[").append(hashes).append("])");
    }
    match.append(probes);
    if (q.segmentId() != null) {
      match.append(" AND ").append(isMember(sql, q.segmentId(), "e.hid"));
    }
    sql.text = "SELECT " + PAGE_KEYS + " FROM"
        + " (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk"
        + (others.isEmpty() ? "" : ", d.facet_set AS hs") + " FROM customer_facets d WHERE " + where
        + " ORDER BY d.created_at " + dir + ", d.customer_id " + dir + " LIMIT " + sql.limit(bound) + ") e"
        + " WHERE " + match + " ORDER BY hk " + dir + ", hid " + dir + " LIMIT " + sql.limit(q.limit()) + ") h"
        + " ORDER BY h.hk " + dir + ", h.hid " + dir;
    return sql;
  }

  private static final FacetStats.Shares NO_SHARES = new FacetStats.Shares(java.util.Map.of(), Long.MIN_VALUE);

  /**
   * A tag ({@code value} null) or a metadata pair of a list's filter, and its facet text as
   * {@link FacetStats} knows it.
   */
  private record Facet(String key, String value, String text) {
    /** The facet as V46 writes it, computed once for the statement (an init plan). */
    String sql(Sql sql) {
      return value == null ? "(SELECT 't' || " + sql.param(key) + ")"
          : "(SELECT 'm' || jsonb_build_object(" + sql.param(key) + ", " + sql.param(value) + ")::text)";
    }
  }

  /**
   * A segment's customers read from its members (the segment capability's
   * {@code segment_member_ids}, whose index is the membership key), each customer by primary
   * key, filtered, then the page. With {@code cap > 0} the members are read only when there are at
   * most {@code cap} of them; either way the answer has one row more or less: it always carries
   * {@code member_count} (capped at cap + 1), and when no customer matches (or the segment has more
   * than cap members) it is one row of nulls with only that count.
   *
   * <p>{@code hashed}: instead of looking up every member, walk the sort order (from the keyset
   * position, index-only where the sort's index covers it) and keep the rows whose id is in a hash
   * of the members, to the page's last row. {@code IS TRUE} keeps the IN a hashed sub-select, which
   * filters the walk in its order; as a semi-join PostgreSQL would join every customer, then sort.
   */
  private Sql byMembers(String storeId, CustomerQuery q, String term, int cap, boolean hashed) {
    Sql sql = new Sql(storeId);
    // Any cap + 1 members tell that there are more than cap: no ORDER BY, which the function's
    // UNION ALL (V34) cannot take from an index (it sorted all 95,000 members of a 10 % segment
    // at 1M customers: 300 ms cold); without it PostgreSQL stops at the (cap + 1)th member it reads.
    // Hashed: 64-bit hashes of the ids (8 bytes a member in the planner's estimate, not ~26), and the
    // limit written out so that also a generic plan estimates at most cap + 1 of them (with a
    // parameter it guesses a share of the function's rows) and keeps the hash.
    String segment = sql.bind(q.segmentId());
    String members = hashed
        ? "SELECT hashtextextended(customer_id, 0) AS h FROM segment_member_ids($1, " + segment + ") LIMIT " + (cap + 1)
        : "SELECT customer_id FROM segment_member_ids($1, " + segment + ")" + (cap > 0 ? " LIMIT " + sql.bind(cap + 1) : "");
    StringBuilder where = new StringBuilder("customers.store_id = $1");
    if (cap > 0) {
      where.append(" AND (SELECT count(*) FROM members) <= ").append(sql.bind(cap));
    }
    filters(sql, where, q, true);
    CustomerQuery others = new CustomerQuery(q.search(), q.tags(), q.createdAfter(), q.createdBefore(), q.metadata(),
        null, q.sort(), q.descending(), q.afterSortKey(), q.afterId(), q.limit());
    narrowing(sql, where, "", "customers.id", others, term, false, storeId);
    String expr = q.sort().expression;
    String dir = q.descending() ? "DESC" : "ASC";
    // A hash that matches is confirmed by the membership probe (one per row of the page).
    String hits = hashed
        ? "SELECT id AS hid, (" + expr + ") AS hk FROM customers WHERE " + where
            + " AND (hashtextextended(customers.id, 0) IN (SELECT h FROM members)) IS TRUE"
            + " AND " + isMember(sql, q.segmentId(), "customers.id")
            + " ORDER BY " + expr + " " + dir + ", id " + dir + " LIMIT " + sql.bind(q.limit())
        : "SELECT id AS hid, (" + expr + ") AS hk FROM members"
            + " JOIN customers ON customers.store_id = $1 AND customers.id = members.customer_id WHERE " + where;
    sql.text = "WITH members AS MATERIALIZED (" + members + "),"
        + " hits AS MATERIALIZED (" + hits + ")"
        + " SELECT page.*, n.member_count FROM (SELECT count(*) AS member_count FROM members) n"
        + " LEFT JOIN LATERAL (SELECT " + PAGE_KEYS + ", h.hk AS page_key, h.hid AS page_id"
        + " FROM (SELECT hid, hk FROM hits ORDER BY hk " + dir + ", hid " + dir + " LIMIT " + sql.bind(q.limit()) + ") h"
        + ") page ON true"
        + " ORDER BY page.page_key " + dir + ", page.page_id " + dir;
    return sql;
  }

  /**
   * {@code customer_search} (V72) for a search alone in the default order, {@code customers}
   * otherwise: the narrow table has the store, created_at, id and search text of every customer,
   * keyed in that order, and nothing else.
   */
  static final String SEARCH_TABLE = "customer_search";

  private static String searchTable(CustomerQuery q, String term) {
    boolean onlySearch = q.tags().isEmpty() && q.metadata().isEmpty() && q.segmentId() == null;
    return term != null && onlySearch && q.sort() == CustomerSort.CREATED_AT ? SEARCH_TABLE : "customers";
  }

  /**
   * Matches a search's first try expects in its period: 3 pages (the sample's estimate is the
   * whole term's candidates, and customers are not spread evenly over time).
   */
  static final int PERIOD_PAGES = 3;

  /**
   * The share of the store's span of created_at that should hold {@link #PERIOD_PAGES} pages of a
   * term's {@code candidates}, or 0 (no period: every match) when it is half the span or more,
   * or the sample has no estimate.
   */
  private static double period(CustomerQuery q, long candidates) {
    if (q.sort() != CustomerSort.CREATED_AT || candidates <= 0 || candidates == Long.MAX_VALUE) {
      return 0;
    }
    double share = (double) PERIOD_PAGES * q.limit() / candidates;
    return share < 0.5 ? share : 0;
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
   * {@code prefix} ("" for the table, "r." for a walk's rows); the segment's probe takes the
   * customer's id from {@code id}. {@code trigrams}: add the folded LIKEs that the trigram index
   * answers (the term's rarer trigrams, {@link TrigramStats}), next to the exact test; only
   * {@code customer_search} has that index (V73).
   */
  private void narrowing(Sql sql, StringBuilder where, String prefix, String id, CustomerQuery q, String term,
                         boolean trigrams, String storeId) {
    if (term != null) {
      searchTerm(sql, where, prefix, term, trigrams);
    }
    if (!q.tags().isEmpty()) {
      where.append(" AND ").append(prefix).append("tags @> ").append(sql.bind(q.tags().toArray(new String[0])))
          .append("::text[]");
    }
    if (!q.metadata().isEmpty()) {
      where.append(" AND ").append(prefix).append("metadata @> ").append(sql.bind(q.metadata())).append("::jsonb");
    }
    if (q.segmentId() != null) {
      where.append(" AND ").append(isMember(sql, q.segmentId(), id));
    }
  }

  /** The search's folded LIKEs (when {@code trigrams}) and its exact test on the columns of {@code prefix}. */
  private void searchTerm(Sql sql, StringBuilder where, String prefix, String term, boolean trigrams) {
    if (trigrams) {
      for (String pattern : TrigramStats.patterns(fold(term), trigramStats.current())) {
        where.append(" AND ").append(prefix).append("search_folded LIKE ").append(sql.bind(pattern));
      }
    }
    where.append(" AND strpos(").append(prefix).append("search_text, ").append(sql.bind(term)).append(") > 0");
  }

  /**
   * The search of a statement on {@code customers} (other filters, another sort), its matches found
   * by {@code customer_search}'s trigram index (the only one since V73) and joined by key: PostgreSQL
   * reads them by key, or hashes them against another filter's index when that one is rarer.
   */
  private void searchIn(Sql sql, StringBuilder where, String term) {
    StringBuilder in = new StringBuilder("s.store_id = $1");
    searchTerm(sql, in, "s.", term, true);
    where.append(" AND id IN (SELECT s.id FROM ").append(SEARCH_TABLE).append(" s WHERE ").append(in).append(")");
  }

  /**
   * Whether the customer {@code id} is in the segment: one probe of the membership key per row.
   * Through the segment capability's function, not its tables (docs/architecture.md, V26). OFFSET 0
   * keeps it a probe: since the function is a UNION ALL (V34), PostgreSQL otherwise made the EXISTS
   * a hash join over every member (95,000 for a 10 % segment at 1M customers: 184 ms, spilling to
   * disk, for a walk of 2,000 rows that needed 190 probes).
   */
  private static String isMember(Sql sql, String segmentId, String id) {
    return "EXISTS (SELECT 1 FROM segment_member_ids($1, " + sql.bind(segmentId) + ") m WHERE m.customer_id = " + id
        + " OFFSET 0)";
  }

  // --- facets --------------------------------------------------------------------------------

  /**
   * Whether {@code customer_facets} answers the query's tags and metadata exactly: the default
   * sort, string values (what metadata[key]=value filters on), and every facet far below the
   * 1,000 bytes above which V46 keeps none (a metadata pair's JSON text escapes a byte into at
   * most 6).
   */
  static boolean facetsAnswer(CustomerQuery q) {
    if (q.sort() != CustomerSort.CREATED_AT || (q.tags().isEmpty() && q.metadata().isEmpty())) {
      return false;
    }
    for (String tag : q.tags()) {
      if (tag == null || utf8Length(tag) > 900) {
        return false;
      }
    }
    for (String key : q.metadata().fieldNames()) {
      if (!(q.metadata().getValue(key) instanceof String value) || utf8Length(key) + utf8Length(value) > 150) {
        return false;
      }
    }
    return true;
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
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

  /**
   * A statement's text and values. {@link #planOnce} statements show the planner none of their
   * values: each is an init plan's output, {@code (SELECT $n::type)}, and their limits are written
   * into the text. A custom plan then sees what the generic plan sees and costs the same plus its
   * planning, so PostgreSQL keeps the generic plan from a prepared statement's sixth execution on,
   * in any store and whatever its statistics (with a value it can see, the custom plan won at every
   * call: a limit as a parameter is costed as a tenth of the rows, and the store's own frequency
   * made custom plans cheaper in a database of many stores; bench/README.md, twenty-second and
   * twenty-third passes). Only for statements whose plan this class has already chosen by their
   * shape (an index in the page's order, a page's rows by key), never for a search's trigram path,
   * whose plan needs its patterns.
   */
  private static final class Sql {
    final List<Object> params = new ArrayList<>();
    final boolean planOnce;
    String text;

    Sql(String storeId) {
      this(storeId, false);
    }

    private Sql(String storeId, boolean planOnce) {
      this.planOnce = planOnce;
      params.add(storeId);
    }

    static Sql planOnce(String storeId) {
      return new Sql(storeId, true);
    }

    /** The store's id, $1. */
    String store() {
      return planOnce ? "(SELECT $1::text)" : "$1";
    }

    /** A value as {@code $n::type}, for an expression the caller makes an init plan of itself. */
    String param(Object value) {
      params.add(value);
      return "$" + params.size() + "::" + sqlType(value);
    }

    String bind(Object value) {
      params.add(value);
      String param = "$" + params.size();
      return planOnce ? "(SELECT " + param + "::" + sqlType(value) + ")" : param;
    }

    /** A limit: written into the text of a planOnce statement (its plan is made for it), else bound. */
    String limit(int rows) {
      return planOnce ? Integer.toString(rows) : bind(rows);
    }

    private static String sqlType(Object value) {
      if (value == null || value instanceof String) {
        return "text";
      }
      if (value instanceof OffsetDateTime) {
        return "timestamptz";
      }
      if (value instanceof String[]) {
        return "text[]";
      }
      if (value instanceof JsonObject) {
        return "jsonb";
      }
      if (value instanceof Integer || value instanceof Long) {
        return "int8";
      }
      if (value instanceof Boolean) {
        return "bool";
      }
      throw new IllegalArgumentException("no SQL type for " + value.getClass());
    }
  }

  private Future<RowSet<Row>> run(Sql sql) {
    return client.preparedQuery(sql.text).execute(Tuple.from(sql.params));
  }

  private Future<Page> rows(Sql sql, Path path) {
    return run(sql).map(rs -> new Page(all(rs), path));
  }

  /** The page of {@link #byMembers} without the row that only carries the member count. */
  private static List<Row> withoutCountRow(List<Row> rows) {
    return rows.size() == 1 && rows.get(0).getString("id") == null ? List.of() : rows;
  }

  private static List<Row> all(RowSet<Row> rs) {
    List<Row> out = new ArrayList<>(rs.size());
    rs.forEach(out::add);
    return out;
  }
}
