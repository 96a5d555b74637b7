package io.shoal.segment.eval;

import io.shoal.customer.CustomerAggregates;
import io.shoal.customer.ProfileCache;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Cursor;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import io.shoal.outbox.Notification;
import io.shoal.outbox.NotificationLog;
import io.shoal.outbox.SegmentNoticeData;

/**
 * The evaluator's SQL: loading customer states (with their memberships) at start, and writing
 * one batch of results. A batch (aggregates, state and memberships of the customers it touched,
 * transitions, member counts and the log checkpoint) commits in one transaction, so
 * after a crash the evaluator resumes exactly where its last batch ended.
 */
final class EvaluationStore {

  /*
   * A customer row as the evaluator reads it, read by position (the constants below, in the
   * list's order): a lookup by name hashed the name for every column of every row, a few percent
   * of a start over a million customers. address and metadata come as text and are decoded by
   * ProfileJson: the driver decodes jsonb into a JsonObject through Jackson databind, 12 % of that
   * start's samples, all on the one loop that reads the cursor.
   */
  static final String PROFILE_COLUMNS = "c.store_id, c.id, c.email, c.first_name, c.last_name, c.phone,"
      + " c.external_id, c.timezone, c.tags, c.address::text, c.metadata::text, c.email_consent, c.sms_consent,"
      + " c.push_consent, c.created_at, c.updated_at, c.num";
  /**
   * The columns of a stored state, after the customer's store and id: the state's bytes, its JSON,
   * its memberships packed (V74), and as {@code array_send} only where they are not packed.
   */
  private static final String STATE_COLUMNS = "s.state_bin, CASE WHEN s.state_bin IS NULL THEN s.state END,"
      + " s.segment_nums_packed, CASE WHEN s.segment_nums_packed IS NULL THEN array_send(s.segment_nums) END";
  static final String CUSTOMER_COLUMNS = PROFILE_COLUMNS + ", " + STATE_COLUMNS;
  static final int STORE_ID = 0;
  static final int ID = 1;
  static final int EMAIL = 2;
  static final int FIRST_NAME = 3;
  static final int LAST_NAME = 4;
  static final int PHONE = 5;
  static final int EXTERNAL_ID = 6;
  static final int TIMEZONE = 7;
  static final int TAGS = 8;
  static final int ADDRESS = 9;
  static final int METADATA = 10;
  static final int EMAIL_CONSENT = 11;
  static final int SMS_CONSENT = 12;
  static final int PUSH_CONSENT = 13;
  static final int CREATED_AT = 14;
  static final int UPDATED_AT = 15;
  /** The customer's number (V70): unique in the database, never reused. */
  static final int NUM = 16;
  /**
   * Where a row of {@link #CUSTOMER_COLUMNS} has its stored state ({@link #storedState(Row, int)}):
   * the bytes, then the JSON (written before V22, or by bench/engine's Seed) only when there are
   * no bytes, then the segment numbers of the stored memberships (V60) packed (V74,
   * {@link #segmentNumsPacked}), then as {@code array_send} only when they are not packed.
   */
  static final int STATE = 17;
  /** The same in a row of the start's scan of the state rows ({@link #scanCustomerPages}): after store and id. */
  static final int STATE_ROW_STATE = 2;
  private static final String CUSTOMER_FROM = " FROM customers c LEFT JOIN customer_eval_state s"
      + " ON s.store_id = c.store_id AND s.customer_id = c.id";
  /** The start's first scan: every state row, with its store and customer id at {@link #STORE_ID} and {@link #ID}. */
  private static final String SQL_SCAN_STATES = "SELECT s.store_id, s.customer_id, " + STATE_COLUMNS
      + " FROM customer_eval_state s";
  /** The start's second scan: every customer's profile, columns as in {@link #CUSTOMER_COLUMNS}, no state. */
  private static final String SQL_SCAN_PROFILES = "SELECT " + PROFILE_COLUMNS + " FROM customers c";

  /** Rows a page of the start's scans. */
  static final int FETCH = 2_500;
  /** Pages of the start's scans handed over and not yet taken, at most, while the next one is read ({@link #readPages}). */
  static final int PAGES_AHEAD = 3;

  private final Pool pool;
  private final NotificationLog notifications;
  /** Told of every customer a batch writes (aggregates, last seen, cart: what a get of the customer shows). */
  private final ProfileCache profiles;

  EvaluationStore(Pool pool, NotificationLog notifications) {
    this(pool, notifications, ProfileCache.DISABLED);
  }

  EvaluationStore(Pool pool, NotificationLog notifications, ProfileCache profiles) {
    this.pool = pool;
    this.notifications = notifications;
    this.profiles = profiles;
  }

  /**
   * Streams every state row, then every customer's profile (for the caller to keep its
   * partition's), in pages: see {@link #scanCustomerPages}.
   */
  Future<Void> scanCustomers(Consumer<Row> states, Consumer<Row> profiles) {
    return scanCustomerPages((rows, taken) -> {
      rows.forEach(states);
      taken.run();
    }, (rows, taken) -> {
      rows.forEach(profiles);
      taken.run();
    });
  }

  /**
   * The start's read of every customer: first every state row ({@link #STORE_ID}, {@link #ID},
   * then the state at {@link #STATE_ROW_STATE}) to {@code states}, then every customer's profile
   * (the columns of {@link #CUSTOMER_COLUMNS} up to {@link #NUM}) to {@code profiles}, both in
   * pages, each page handed over as it is read: {@code page} calls its {@code Runnable} once it
   * is done with the page (from any thread). The next page is read meanwhile, while at most
   * {@link #PAGES_AHEAD} pages handed over are not taken yet: at most that many and one more are
   * in memory ({@link SharedCustomerScan} hands a page's rows to other loops, in order, and waits
   * for them). The profiles are read once every state row was taken. Both scans read one snapshot
   * (a repeatable-read transaction), so every state row's customer is among the profiles.
   *
   * <p>Two plain scans instead of one join: PostgreSQL hashed one table for the join (in batches
   * spilled to disk beyond work_mem) before it sent the first row, alone on one core while the
   * evaluators waited, and paid the join's hashing and spilling for every row (bench/engine,
   * twenty-fifth pass).
   */
  Future<Void> scanCustomerPages(java.util.function.BiConsumer<List<Row>, Runnable> states,
                                 java.util.function.BiConsumer<List<Row>, Runnable> profiles) {
    return pool.withTransaction(conn -> conn.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute()
        .compose(v -> readAll(conn, SQL_SCAN_STATES, states))
        .compose(v -> readAll(conn, SQL_SCAN_PROFILES, profiles)));
  }

  private static Future<Void> readAll(SqlConnection conn, String sql, java.util.function.BiConsumer<List<Row>, Runnable> page) {
    return conn.prepare(sql).compose(ps -> {
      io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
      Cursor cursor = ps.cursor();
      io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
      readPages(context, cursor, page, new java.util.ArrayDeque<>(), done);
      return done.future().eventually(cursor::close).eventually(ps::close);
    });
  }

  /**
   * Reads page after page. Each page is requested from the previous one's callback and one
   * promise completes at the end: a chain of composed futures, one per page, would unwind
   * recursively at the end and overflow the stack for millions of rows (seen in bench/engine:
   * 12 million memberships at start).
   *
   * <p>A page is handed over as soon as it is read, and the next one is read while at most
   * {@link #PAGES_AHEAD} pages handed over are not yet taken: PostgreSQL and the driver keep
   * reading while the partitions load. Waiting for each page to be taken before handing over the
   * next left both cores partly idle in a start at 1,000,000 customers, each page's slowest
   * partition holding up the read (bench/engine, twenty-eighth pass). The scan completes once
   * every page was taken.
   */
  private static void readPages(io.vertx.core.Context context, Cursor cursor,
                                java.util.function.BiConsumer<List<Row>, Runnable> page,
                                java.util.ArrayDeque<Future<Void>> handed, io.vertx.core.Promise<Void> done) {
    cursor.read(FETCH).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
        return;
      }
      List<Row> rows = all(ar.result());
      boolean more = cursor.hasMore();
      io.vertx.core.Promise<Void> taken = io.vertx.core.Promise.promise();
      page.accept(rows, () -> context.runOnContext(x -> taken.complete()));
      handed.add(taken.future());
      while (!handed.isEmpty() && handed.peek().isComplete()) {
        handed.poll();
      }
      if (!more) {
        Future.all(List.copyOf(handed)).onComplete(x -> done.complete());
      } else if (handed.size() < PAGES_AHEAD) {
        readPages(context, cursor, page, handed, done);
      } else {
        handed.peek().onComplete(x -> readPages(context, cursor, page, handed, done));
      }
    });
  }

  /**
   * The segment numbers stored with a customer's state, in PostgreSQL's binary array form
   * ({@code array_send}: read by {@link PartitionCore#loadMemberships}), or null for none; the
   * state's columns start at {@code at} ({@link #STATE} or {@link #STATE_ROW_STATE}). Sent as
   * bytes: turning ~120 numbers a row into text ({@code array_to_string}) cost PostgreSQL 2.8-2.9 s
   * per 200,000 state rows at start, {@code array_send} 1.9-2.0 s (EXPLAIN ANALYZE, bench/engine's
   * sixteenth pass).
   */
  static byte[] segmentNums(Row r, int at) {
    io.vertx.core.buffer.Buffer b = r.getBuffer(at + 3);
    return b == null ? null : bytes(b);
  }

  /**
   * The segment numbers stored with a customer's state, packed ({@link #packNums}: V74's
   * segment_nums_packed), or null when they are not packed: then {@link #segmentNums(Row, int)}
   * has them. The start read them as {@code array_send} only: PostgreSQL's int4send for each of
   * ~120 numbers a row (5-9 us a row) and ~1 kB a row for the driver to copy (bench/engine,
   * twenty-ninth pass).
   */
  static byte[] segmentNumsPacked(Row r, int at) {
    io.vertx.core.buffer.Buffer b = r.getBuffer(at + 2);
    return b == null ? null : bytes(b);
  }

  /** {@link #segmentNumsPacked(Row, int)} of a row of {@link #CUSTOMER_COLUMNS}. */
  static byte[] segmentNumsPacked(Row r) {
    return segmentNumsPacked(r, STATE);
  }

  /**
   * Segment numbers ({@code nums}, any order) packed as V74's segment_nums_packed (the SQL function
   * segment_nums_pack does the same): the distinct numbers ascending, each as its gap from the one
   * before (from 0 for the first) in 32 bits unsigned, as a varint: 7 bits a byte, low bits first,
   * the high bit set on every byte but a number's last. ~1 byte a number at 1,000 segments.
   */
  static byte[] packNums(int[] nums) {
    int[] sorted = nums;
    for (int i = 1; i < nums.length; i++) {
      if (nums[i] <= nums[i - 1]) {
        sorted = nums.clone();
        Arrays.sort(sorted);
        break;
      }
    }
    byte[] out = new byte[sorted.length * 5];
    int n = 0;
    long prev = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (i > 0 && sorted[i] == sorted[i - 1]) {
        continue;
      }
      long d = (sorted[i] - prev) & 0xFFFF_FFFFL;
      prev = sorted[i];
      while (d >= 0x80) {
        out[n++] = (byte) (d | 0x80);
        d >>>= 7;
      }
      out[n++] = (byte) d;
    }
    return Arrays.copyOf(out, n);
  }

  /**
   * The gaps between ascending, distinct numbers ({@code nums}, at least one) packed as in
   * {@link #packNums(int[])}, without the first number's: a lean write's entered numbers, appended
   * to a stored packed list after the first one's gap from that list's last number (SQL_LEAN_STATES).
   */
  static byte[] packGaps(int[] nums) {
    byte[] out = new byte[(nums.length - 1) * 5];
    int n = 0;
    for (int i = 1; i < nums.length; i++) {
      long d = ((long) nums[i] - nums[i - 1]) & 0xFFFF_FFFFL;
      while (d >= 0x80) {
        out[n++] = (byte) (d | 0x80);
        d >>>= 7;
      }
      out[n++] = (byte) d;
    }
    return Arrays.copyOf(out, n);
  }

  /** {@link #packNums(int[])} of numbers joined by commas ("" for none). */
  static byte[] packNums(String joined) {
    return packNums(parseNums(joined));
  }

  /** Numbers joined by commas ("" for none), parsed. */
  static int[] parseNums(String joined) {
    if (joined.isEmpty()) {
      return new int[0];
    }
    int count = 1;
    for (int i = 0; i < joined.length(); i++) {
      if (joined.charAt(i) == ',') {
        count++;
      }
    }
    int[] nums = new int[count];
    int k = 0;
    int from = 0;
    for (int i = 0; i <= joined.length(); i++) {
      if (i == joined.length() || joined.charAt(i) == ',') {
        nums[k++] = Integer.parseInt(joined, from, i, 10);
        from = i + 1;
      }
    }
    return nums;
  }

  /**
   * The bytes of a bytea value as the driver decoded it: its own array when the value fills it
   * exactly (the driver copies each value into a heap buffer of its own size, which only its row
   * holds), else a copy. A start reads ~1.3 KB of state and memberships a customer: a second
   * copy of each was a fifth of the rows' loading (bench/engine, twenty-fourth pass).
   */
  static byte[] bytes(io.vertx.core.buffer.Buffer b) {
    if (b instanceof io.vertx.core.internal.buffer.BufferInternal internal) {
      io.netty.buffer.ByteBuf buf = internal.getByteBuf();
      if (buf.hasArray() && buf.arrayOffset() == 0 && buf.readerIndex() == 0
          && buf.readableBytes() == buf.array().length) {
        return buf.array();
      }
    }
    return b.getBytes();
  }

  /** {@link #segmentNums(Row, int)} of a row of {@link #CUSTOMER_COLUMNS}. */
  static byte[] segmentNums(Row r) {
    return segmentNums(r, STATE);
  }

  /**
   * The stored evaluation state whose columns start at {@code at} ({@link #STATE} or
   * {@link #STATE_ROW_STATE}): bytes, JSON (written before V22, or by bench/engine's Seed), or null.
   */
  static Object storedState(Row r, int at) {
    io.vertx.core.buffer.Buffer bin = r.getBuffer(at);
    if (bin != null) {
      return bytes(bin);
    }
    Object json = r.getValue(at + 1);
    return json instanceof JsonObject o ? o : null;
  }

  /** {@link #storedState(Row, int)} of a row of {@link #CUSTOMER_COLUMNS}. */
  static Object storedState(Row r) {
    return storedState(r, STATE);
  }

  static final String SQL_CUSTOMER_SET = "SELECT " + CUSTOMER_COLUMNS + " FROM unnest((SELECT $2::text[])) AS u(id)"
      + " JOIN customers c ON c.store_id = $1 AND c.id = u.id"
      + " LEFT JOIN customer_eval_state s ON s.store_id = c.store_id AND s.customer_id = c.id";

  /**
   * Several customers of a store in one query (customer id -> row; ids not found are absent):
   * what {@link #loadCustomer} reads for one, for reads of a whole page such as an export's and
   * for the new customers of a batch of creates. The ids are joined from unnest() of a sub-select
   * so that no plan knows their number: with {@code = ANY($2)} (or unnest($2)) each custom plan
   * counted the array's ids, found itself cheaper than the generic plan's guess of 10, and the
   * statement was planned anew at every call (0.44 ms a call at a million customers, issue 17's
   * twenty-fourth pass); now it runs its generic plan (index scans per id) after five calls.
   */
  Future<Map<String, Row>> loadCustomers(String storeId, List<String> customerIds) {
    return pool.preparedQuery(SQL_CUSTOMER_SET)
        .execute(Tuple.tuple().addValue(storeId).addValue(customerIds.toArray(new String[0])))
        .map(rows -> {
          Map<String, Row> out = new java.util.HashMap<>(rows.size() * 2);
          rows.forEach(r -> out.put(r.getString(ID), r));
          return out;
        });
  }

  Future<Row> loadCustomer(String storeId, String customerId) {
    return pool.preparedQuery("SELECT " + CUSTOMER_COLUMNS + CUSTOMER_FROM + " WHERE c.store_id = $1 AND c.id = $2")
        .execute(Tuple.of(storeId, customerId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  /** Where a partition's new owner starts: the log checkpoint, and the epoch its batches must name. */
  record Ownership(long checkpoint, long epoch) {}

  /** A batch of an owner that another has since taken the partition from: refused, never retried. */
  static final class Fenced extends RuntimeException {
    Fenced(int partition, long epoch) {
      super("evaluator partition " + partition + " was taken over by another owner (our epoch " + epoch + ")", null,
          false, false);
    }
  }

  /**
   * Takes the partition over for {@code owner}: raises its epoch, so every later batch of the
   * previous owner is refused ({@link Fenced}). The row lock waits for that owner's batch in
   * flight, so what it committed is read after this. Answers the checkpoint to replay from.
   */
  Future<Ownership> takeOver(int partition, String owner) {
    return pool.preparedQuery("INSERT INTO evaluator_checkpoints (partition, last_seq, epoch, owner) VALUES ($1, 0, 1, $2)"
            + " ON CONFLICT (partition) DO UPDATE SET epoch = evaluator_checkpoints.epoch + 1, owner = EXCLUDED.owner"
            + " RETURNING last_seq, epoch")
        .execute(Tuple.of(partition, owner))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new Ownership(r.getLong(0), r.getLong(1));
        });
  }

  // --- one batch ------------------------------------------------------------------------------

  /**
   * A customer's new state; {@code aggregatesChanged} says whether its customers row must be
   * written too, {@code memberships} (segment numbers in ascending order joined by commas) is null
   * when they did not change; {@code membershipRuns} ({@link MembershipEdits#runs} joined by commas,
   * or null) says how they are made of the stored ones; {@code packedMemberships} are the same
   * numbers packed ({@link #packNums}; null when they did not change), built where the numbers are
   * (PartitionCore.written), not parsed back from the joined text.
   */
  record CustomerWrite(String storeId, String customerId, boolean aggregatesChanged, long totalOrders,
                       BigDecimal totalSpent, Instant firstOrderAt, Instant lastOrderAt, Instant lastSeenAt,
                       byte[] state, JsonObject cart, String memberships, String membershipRuns,
                       byte[] packedMemberships) {

    CustomerWrite(String storeId, String customerId, boolean aggregatesChanged, long totalOrders,
                  BigDecimal totalSpent, Instant firstOrderAt, Instant lastOrderAt, Instant lastSeenAt,
                  byte[] state, JsonObject cart, String memberships, String membershipRuns) {
      this(storeId, customerId, aggregatesChanged, totalOrders, totalSpent, firstOrderAt, lastOrderAt, lastSeenAt,
          state, cart, memberships, membershipRuns, memberships == null ? null : packNums(memberships));
    }

    CustomerWrite(String storeId, String customerId, boolean aggregatesChanged, long totalOrders,
                  BigDecimal totalSpent, Instant firstOrderAt, Instant lastOrderAt, Instant lastSeenAt,
                  byte[] state, JsonObject cart, String memberships) {
      this(storeId, customerId, aggregatesChanged, totalOrders, totalSpent, firstOrderAt, lastOrderAt, lastSeenAt,
          state, cart, memberships, null);
    }
  }

  record Transition(String storeId, String id, String segmentId, String customerId, boolean entered,
                    boolean record, String cause, String eventId, Instant at, String segmentName,
                    JsonObject customer) {}

  /**
   * A batch's member count changes: {@code countDeltas} (store, segment, delta) added to the
   * partition's rows; {@code recount}, when not null, first replaces the partition's rows.
   */
  record Batch(int partition, long epoch, long checkpoint, List<CustomerWrite> customers,
               List<Transition> transitions, List<Tuple> countDeltas, Recount recount, List<LeanWrite> lean) {

    Batch(int partition, long epoch, long checkpoint, List<CustomerWrite> customers, List<Transition> transitions,
          List<Tuple> countDeltas) {
      this(partition, epoch, checkpoint, customers, transitions, countDeltas, null);
    }

    Batch(int partition, long epoch, long checkpoint, List<CustomerWrite> customers, List<Transition> transitions,
          List<Tuple> countDeltas, Recount recount) {
      this(partition, epoch, checkpoint, customers, transitions, countDeltas, recount, List.of());
    }
  }

  /**
   * A lean write of a customer whose state row exists and changed only by backfills since it was
   * last written: the segment numbers it {@code entered} and {@code left} (ascending, joined by
   * commas, or null for none), and its state's bytes only when a backfill moved its next time
   * check ({@code state}, else null: the stored bytes stay). See {@link #SQL_LEAN_STATES}.
   */
  record LeanWrite(String storeId, String customerId, byte[] state, String entered, String left,
                   byte[] enteredGaps) {

    /**
     * {@code enteredGaps}: the packed gaps between the entered numbers ({@link #packGaps}), which an
     * append writes after the packed list's bytes and the first entered number's gap from the stored
     * last one (that gap PostgreSQL packs: it has the stored list).
     */
    LeanWrite(String storeId, String customerId, byte[] state, String entered, String left) {
      this(storeId, customerId, state, entered, left, entered == null ? null : packGaps(parseNums(entered)));
    }
  }

  /**
   * A partition's member counts recounted from the memberships it loaded at start: (store,
   * segment, members) for each segment with members, of {@code partitions} partitions in all.
   */
  record Recount(int partitions, List<Tuple> members) {}

  /**
   * From how many customers a batch has its statements planned for its own arrays. The evaluators'
   * connections keep their statements prepared (parsed once: {@code Database.EVALUATOR_STATEMENT_CACHE_LIMIT}),
   * and after five runs PostgreSQL may plan a kept statement once for any arrays, as if they held a few
   * rows: right for live batches, 1.3x slower for a backfill's batches of up to {@link #CHUNK} customers
   * (syncing 1,000 segments at 100k customers, bench/README.md eighteenth pass). Planning every batch
   * for its arrays instead cost more than it saved (PostgreSQL per create at 1M 1.2-1.3x, nineteenth pass).
   */
  static final int OWN_PLANS_FROM = 1_000;

  /**
   * Writes the batch in one transaction; answers the notifications it recorded, to announce after.
   *
   * <p>The statements are pipelined: they go out together, in the order below (the driver sends
   * them once its BEGIN is answered), and the transaction commits once all have answered (rolls
   * back if any failed, or if the checkpoint names an epoch no longer ours). Three exchanges with
   * PostgreSQL (BEGIN, the statements, COMMIT) where there were one per statement: each answer
   * waited for the partition's event loop, busy evaluating the next events meanwhile, before the
   * next statement could leave (bench/engine's eighteenth pass). A statement's slices
   * ({@link #CHUNK} rows each) still follow one another. A large batch first sets its plans to be
   * made for its own arrays ({@link #OWN_PLANS_FROM}).
   */
  Future<List<Notification>> persist(Batch b) {
    List<Notification> announced = announcements(b.transitions());
    return pool.getConnection().compose(conn -> {
      Future<Void> written;
      try {
        Future<io.vertx.sqlclient.Transaction> began = conn.begin();
        Future<Void> planning = b.customers().size() < OWN_PLANS_FROM ? Future.succeededFuture()
            : conn.query("SET LOCAL plan_cache_mode = force_custom_plan").execute().mapEmpty();
        List<Future<Void>> statements = List.of(
            planning,
            customers(conn, b.customers(), profiles),
            leanCustomers(conn, b.lean(), profiles),
            flips(conn, b.transitions(), announced),
            counts(conn, b.partition(), b.recount(), b.countDeltas()),
            checkpoint(conn, b));
        written = began.compose(tx -> Future.join(statements).transform(ar -> {
          Throwable failed = firstFailure(statements);
          return failed == null ? tx.commit() : tx.rollback().transform(x -> Future.<Void>failedFuture(failed));
        }));
      } catch (RuntimeException e) { // a statement that could not even be built: the connection goes back all the same
        written = Future.failedFuture(e);
      }
      return written.eventually(conn::close);
    }).map(announced);
  }

  /** The first failure in statement order: after it, the others failed because the transaction was aborted. */
  private static Throwable firstFailure(List<Future<Void>> statements) {
    for (Future<Void> f : statements) {
      if (f.failed()) {
        return f.cause();
      }
    }
    return null;
  }

  /** Moves the partition's checkpoint, only while its epoch is this owner's (else {@link Fenced}). */
  private static Future<Void> checkpoint(SqlConnection conn, Batch b) {
    return conn.preparedQuery("UPDATE evaluator_checkpoints SET last_seq = greatest(last_seq, $2)"
            + " WHERE partition = $1 AND epoch = $3")
        .execute(Tuple.of(b.partition(), b.checkpoint(), b.epoch()))
        .compose(rows -> rows.rowCount() == 1 ? Future.<Void>succeededFuture()
            : Future.<Void>failedFuture(new Fenced(b.partition(), b.epoch())));
  }

  /**
   * customer.segment.entered / left for each recorded transition; the transition id is the event
   * id. The flips of one customer's event share their customer, cause and instant: held once
   * ({@link SegmentNoticeData.Shared}, the instant formatted once: a formatter run per flip was
   * ~3 % of the evaluator's samples in bench/engine), and each flip's data is a small map over
   * them instead of a JsonObject of its own.
   */
  static List<Notification> announcements(List<Transition> transitions) {
    List<Notification> out = new ArrayList<>(transitions.size());
    Transition sharedBy = null;
    SegmentNoticeData.Shared shared = null;
    for (Transition t : transitions) {
      if (!t.record()) {
        continue;
      }
      if (sharedBy == null || t.customer() != sharedBy.customer() || !t.at().equals(sharedBy.at())
          || !causeOf(t).equals(causeOf(sharedBy))) {
        String formatted = sharedBy != null && t.at().equals(sharedBy.at()) ? shared.occurredAt()
            : io.shoal.kernel.Wire.time(t.at());
        shared = new SegmentNoticeData.Shared(t.customer(), causeOf(t), formatted);
        sharedBy = t;
      }
      JsonObject data = SegmentNoticeData.of(t.segmentId(), t.segmentName(), t.customerId(), shared);
      String type = t.entered() ? "customer.segment.entered" : "customer.segment.left";
      out.add(new Notification(t.storeId(), "evt_".concat(t.id().substring(4)), type, t.customerId(), data, t.at()));
    }
    return out;
  }

  /** A notification's cause: the event's id, else the transition's cause (time, metrics, backfill...). */
  private static String causeOf(Transition t) {
    return t.eventId() != null ? t.eventId() : t.cause();
  }

  /*
   * Every write of a batch is one statement per table over arrays (unnest), in slices of
   * CHUNK rows: PostgreSQL plans and executes it once, where executeBatch costs a bind and an
   * execution per row.
   */

  /*
   * The state row carries the customer's memberships (V34), by segment number (V60, small enough
   * that the row is not TOASTed), in ascending order (issue 14): u.segs is null when they did not
   * change (the stored arrays stay as they are, not rewritten), else the whole list. Each
   * membership keeps the time it began: the stored one when it was there before, now otherwise.
   * The same list is written packed (u.p, packNums: V74's segment_nums_packed, what the start reads).
   *
   * Rows that exist are updated (kept); the rest are inserted, a customer deleted meanwhile
   * skipped instead of failing the batch. The rows to insert are those of u not in kept, found by
   * NOT IN, which PostgreSQL plans as a hashed subplan (kept hashed once, a probe per row of u):
   * as NOT EXISTS it was an anti-join, and in the generic plan (unnest estimated at 10 rows, kept
   * at 1) a nested loop that read all of kept for every row of u, n^2 / 2 comparisons a statement
   * (88,000 at a batch of 420 customers at 1,000 events/s, a quarter of that statement's time:
   * batches grow after any hiccup, and grew slower; issue 14, twenty-sixth and thirty-first
   * passes). The customers probe runs only for the rows left, usually none. The update builds the
   * since-times from the slices u.h (MembershipEdits.runs: runs of the stored list, kept, between
   * runs of the new list, begun) when the same slices of the stored numbers give exactly the new
   * list and none of the begun numbers was stored (then every kept number has its own time and
   * every begun one is new, whatever the evaluator believed was stored); else, and on the insert's
   * conflict, by joining the stored numbers and times with the new list (as before the slices: a
   * subquery of ~120 rows a customer at 1,000 segments, a third of the statement's time).
   */
  private static final String SINCE_BY_NUMBER = "ARRAY(SELECT coalesce(o.t, now()) FROM unnest(%1$s) WITH ORDINALITY"
      + " AS n(id, k) LEFT JOIN unnest(%2$s.segment_nums, %2$s.segment_since) AS o(id, t) ON o.id = n.id ORDER BY n.k)";
  static final String SQL_STATES = statesSql();

  private static String statesSql() {
    StringBuilder nums = new StringBuilder();
    StringBuilder since = new StringBuilder();
    StringBuilder begun = new StringBuilder();
    for (int p = 0; p < MembershipEdits.PAIRS; p++) {
      int h = p * 4 + 1;
      String stored = "[u.h[" + h + "]:u.h[" + (h + 1) + "]]";
      String began = "[u.h[" + (h + 2) + "]:u.h[" + (h + 3) + "]]";
      nums.append(p == 0 ? "" : " || ").append("e.segment_nums").append(stored).append(" || u.nums").append(began);
      begun.append(p == 0 ? "" : " || ").append("u.nums").append(began);
      since.append(p == 0 ? "" : " || ").append("e.segment_since").append(stored)
          .append(" || array_fill(now(), ARRAY[u.h[").append(h + 3).append("] - u.h[").append(h + 2).append("] + 1])");
    }
    return "WITH u AS (SELECT u.s, u.c, u.seen, u.st, u.cart, string_to_array(u.segs, ',')::integer[] AS nums,"
        + " string_to_array(u.runs, ',')::integer[] AS h, u.p"
        + " FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::bytea[], $5::text[], $6::text[], $7::text[],"
        + " $8::bytea[]) AS u(s, c, seen, st, cart, segs, runs, p)),"
        + " kept AS (UPDATE customer_eval_state e SET last_seen_at = u.seen, state_bin = u.st, cart = u.cart::jsonb,"
        + " state = NULL, segment_nums = CASE WHEN u.nums IS NULL THEN e.segment_nums ELSE u.nums END,"
        + " segment_nums_packed = CASE WHEN u.nums IS NULL THEN e.segment_nums_packed ELSE u.p END,"
        + " segment_since = CASE WHEN u.nums IS NULL THEN e.segment_since"
        + " WHEN cardinality(e.segment_nums) = u.h[" + MembershipEdits.LENGTH + "] AND " + nums + " = u.nums"
        + " AND NOT e.segment_nums && (" + begun + ") THEN " + since
        + " ELSE " + String.format(SINCE_BY_NUMBER, "u.nums", "e") + " END"
        + " FROM u WHERE e.store_id = u.s AND e.customer_id = u.c RETURNING e.store_id, e.customer_id)"
        + " INSERT INTO customer_eval_state (store_id, customer_id, last_seen_at, state_bin, cart, segment_nums,"
        + " segment_since, segment_nums_packed)"
        + " SELECT u.s, u.c, u.seen, u.st, u.cart::jsonb, u.nums,"
        + " CASE WHEN u.nums IS NOT NULL THEN array_fill(now(), ARRAY[cardinality(u.nums)]) END, u.p FROM u"
        + " WHERE (u.s, u.c) NOT IN (SELECT k.store_id, k.customer_id FROM kept k)"
        + " AND EXISTS (SELECT 1 FROM customers WHERE store_id = u.s AND id = u.c)"
        + " ON CONFLICT (store_id, customer_id) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at,"
        + " state_bin = EXCLUDED.state_bin, cart = EXCLUDED.cart, state = NULL,"
        + " segment_nums = CASE WHEN EXCLUDED.segment_nums IS NULL THEN customer_eval_state.segment_nums"
        + "   ELSE EXCLUDED.segment_nums END,"
        + " segment_nums_packed = CASE WHEN EXCLUDED.segment_nums IS NULL THEN customer_eval_state.segment_nums_packed"
        + "   ELSE EXCLUDED.segment_nums_packed END,"
        + " segment_since = CASE WHEN EXCLUDED.segment_nums IS NULL THEN customer_eval_state.segment_since"
        + "   ELSE " + String.format(SINCE_BY_NUMBER, "EXCLUDED.segment_nums", "customer_eval_state") + " END";
  }

  /*
   * A lean write (LeanWrite): a backfill's changes to a state row that exists, without its state,
   * cart or last seen (unchanged) and without the whole membership list. A new segment has the
   * largest number there is (segments.num is a sequence), so its members' lists grow at their end:
   * the number and now() are appended (u.a after the stored list's last number, nothing left). Any
   * other change (a number already stored, after a crash in the middle of a sync; an edit; a
   * segment left) rebuilds the list by number: the stored numbers without those left, with those
   * entered, ascending and distinct, each keeping its stored since-time, now() for the new ones.
   * The state's bytes are written only when given (a time-dependent segment moved the next check).
   * A row that is gone (its customer deleted meanwhile) is not written.
   *
   * The packed list (V74's segment_nums_packed, what the start reads) is kept packed: an append
   * writes after its bytes the first entered number's gap from the stored last number (LEAN_GAP,
   * packed here: PostgreSQL has the stored list) and the gaps between the entered numbers (u.g,
   * LeanWrite.enteredGaps); an empty list's packed bytes are empty whatever was stored, a list
   * stored unpacked (NULL) stays so. A rebuild packs the new list with segment_nums_pack (~0.1 ms a
   * row; rare in a first sync, which appends). Either way the statement writes the packed column,
   * so V74's trigger does not unpack the row.
   */
  private static final String LEAN_NUMS = "ARRAY(SELECT DISTINCT n FROM unnest(coalesce(e.segment_nums, '{}') || u.a) AS n"
      + " WHERE u.l IS NULL OR NOT n = ANY(u.l) ORDER BY n)";
  private static final String LEAN_APPEND = "u.l IS NULL AND coalesce(e.segment_nums[cardinality(e.segment_nums)],"
      + " -2147483648) < u.a[1] AND cardinality(e.segment_nums) IS NOT DISTINCT FROM cardinality(e.segment_since)";
  /** The first entered number's gap from the stored last one (from 0 for an empty list), 32 bits unsigned. */
  private static final String LEAN_GAP = "((u.a[1]::bigint - coalesce(e.segment_nums[cardinality(e.segment_nums)], 0))"
      + " & 4294967295)";
  static final String SQL_LEAN_STATES = "WITH u AS (SELECT u.s, u.c, u.st, string_to_array(u.a, ',')::integer[] AS a,"
      + " string_to_array(u.l, ',')::integer[] AS l, u.g"
      + " FROM unnest($1::text[], $2::text[], $3::bytea[], $4::text[], $5::text[], $6::bytea[]) AS u(s, c, st, a, l, g))"
      + " UPDATE customer_eval_state e SET state_bin = CASE WHEN u.st IS NULL THEN e.state_bin ELSE u.st END,"
      + " state = CASE WHEN u.st IS NULL THEN e.state END,"
      + " segment_nums = CASE WHEN u.a IS NULL AND u.l IS NULL THEN e.segment_nums"
      + "   WHEN " + LEAN_APPEND + " THEN coalesce(e.segment_nums, '{}') || u.a ELSE " + LEAN_NUMS + " END,"
      + " segment_since = CASE WHEN u.a IS NULL AND u.l IS NULL THEN e.segment_since"
      + "   WHEN " + LEAN_APPEND + " THEN coalesce(e.segment_since, '{}') || array_fill(now(), ARRAY[cardinality(u.a)])"
      + "   ELSE " + String.format(SINCE_BY_NUMBER, LEAN_NUMS, "e") + " END,"
      + " segment_nums_packed = CASE WHEN u.a IS NULL AND u.l IS NULL THEN e.segment_nums_packed"
      + "   WHEN " + LEAN_APPEND + " THEN CASE WHEN coalesce(cardinality(e.segment_nums), 0) = 0 THEN '\\x'::bytea"
      + "     ELSE e.segment_nums_packed END || " + varintSql(LEAN_GAP) + " || coalesce(u.g, '\\x'::bytea)"
      + "   ELSE segment_nums_pack(" + LEAN_NUMS + ") END"
      + " FROM u WHERE e.store_id = u.s AND e.customer_id = u.c";

  /**
   * SQL for the varint of {@code d} (a bigint expression, 0 to 2^32 - 1) as {@link #packNums} writes
   * it: 7 bits a byte, low bits first, the high bit set on every byte but the last.
   */
  static String varintSql(String d) {
    StringBuilder sql = new StringBuilder("CASE");
    for (int len = 1; len <= 5; len++) {
      String bytes = "'\\x" + "00".repeat(len) + "'::bytea";
      for (int k = 0; k < len; k++) {
        String part = k == 0 ? d : "(" + d + " >> " + (7 * k) + ")";
        String value = k == len - 1 ? part : "((" + part + " & 127) | 128)";
        bytes = "set_byte(" + bytes + ", " + k + ", (" + value + ")::integer)";
      }
      sql.append(len < 5 ? " WHEN " + d + " < " + (1L << (7 * len)) + " THEN " : " ELSE ").append(bytes);
    }
    return sql.append(" END").toString();
  }

  private static Future<Void> leanCustomers(SqlConnection conn, List<LeanWrite> writes, ProfileCache profiles) {
    if (writes.isEmpty()) {
      return Future.succeededFuture();
    }
    // the profile shows the customer's segments: forgotten when this transaction ends
    writes.forEach(w -> profiles.changing(conn, w.storeId(), w.customerId()));
    return inSlices(writes, slice -> {
      int n = slice.size();
      String[] stores = new String[n];
      String[] ids = new String[n];
      io.vertx.core.buffer.Buffer[] states = new io.vertx.core.buffer.Buffer[n];
      String[] entered = new String[n];
      String[] left = new String[n];
      io.vertx.core.buffer.Buffer[] gaps = new io.vertx.core.buffer.Buffer[n];
      for (int i = 0; i < n; i++) {
        LeanWrite w = slice.get(i);
        stores[i] = w.storeId();
        ids[i] = w.customerId();
        states[i] = w.state() == null ? null : io.vertx.core.buffer.Buffer.buffer(w.state());
        entered[i] = w.entered();
        left[i] = w.left();
        gaps[i] = w.enteredGaps() == null ? null : io.vertx.core.buffer.Buffer.buffer(w.enteredGaps());
      }
      return conn.preparedQuery(SQL_LEAN_STATES).execute(Tuple.tuple().addValue(stores).addValue(ids)
          .addValue(states).addValue(entered).addValue(left).addValue(gaps)).mapEmpty();
    });
  }

  /*
   * The recorded flips of one customer's event (a run of transitions with the same customer,
   * cause, event, instant and customer summary) are one segment_flips row (V57), which is also the
   * set of their announcements (V80): its segments joined by commas, its directions as one
   * character each ('t' entered, 'f' left), split by PostgreSQL, and the set's segment names and
   * shared data (NotificationLog.SetText). No ids are stored: the k-th flip's seq is the row's + k -
   * 1, its id segment_flip_id(seq) ('trn_u' and the seq), its notification's
   * notification_set_id(seq) ('evt_u' and the seq). The seq comes from the notifications' sequence,
   * in the batch's order (ORDER BY u.n), after the transaction has taken its id (x, as
   * NotificationLog's statements: readers that wait for running transactions must not see a seq
   * before its transaction is in their snapshot); RETURNING gives the rows back in that order
   * (NotificationLog.recordedSets checks it).
   */
  private static final String SQL_TRANSITIONS = "INSERT INTO segment_flips (store_id, customer_id, cause, event_id,"
      + " occurred_at, segment_ids, entered, segment_names, shared)"
      + " SELECT u.s, u.c, u.cause, u.e, u.at, string_to_array(u.segs, ','), string_to_array(u.kinds, NULL)::boolean[],"
      + " ARRAY(SELECT a.t FROM jsonb_array_elements_text(u.names::jsonb) WITH ORDINALITY AS a(t, i) ORDER BY a.i),"
      + " u.sh::jsonb FROM (SELECT pg_current_xact_id()) AS x,"
      + " unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[],"
      + " $8::text[], $9::text[]) WITH ORDINALITY AS u(s, c, cause, e, at, segs, kinds, names, sh, n) ORDER BY u.n"
      + " RETURNING seq, store_id, customer_id";
  /*
   * Member counts (V63): the partition adds its deltas to its own row of each segment (writer =
   * partition), never to a row another partition writes, so no partition waits for another's
   * commit here; members is in no index, so the update is HOT. A segment deleted meanwhile gets
   * no row.
   */
  private static final String SQL_COUNTS = "INSERT INTO segment_member_counts AS k (store_id, segment_id, writer, members)"
      + " SELECT u.s, u.g, $4, u.d FROM unnest($1::text[], $2::text[], $3::bigint[]) AS u(s, g, d)"
      + " WHERE EXISTS (SELECT 1 FROM segments WHERE store_id = u.s AND id = u.g)"
      + " ON CONFLICT (store_id, segment_id, writer) DO UPDATE SET members = k.members + EXCLUDED.members";

  private static Future<Void> customers(SqlConnection conn, List<CustomerWrite> writes, ProfileCache profiles) {
    if (writes.isEmpty()) {
      return Future.succeededFuture();
    }
    // one row per customer (ON CONFLICT DO UPDATE may not touch a row twice): the last write wins
    Map<String, CustomerWrite> byKey = new LinkedHashMap<>();
    for (CustomerWrite w : writes) {
      byKey.put(w.storeId() + '\u0000' + w.customerId(), w);
    }
    List<CustomerWrite> unique = new ArrayList<>(byKey.values());
    // forgotten when this transaction ends, whatever statement below fails
    unique.forEach(w -> profiles.changing(conn, w.storeId(), w.customerId()));
    List<CustomerWrite> aggregated = unique.stream().filter(CustomerWrite::aggregatesChanged).toList();
    Future<Void> f = inSlices(unique, slice -> {
      int n = slice.size();
      String[] stores = new String[n];
      String[] ids = new String[n];
      OffsetDateTime[] seen = new OffsetDateTime[n];
      io.vertx.core.buffer.Buffer[] states = new io.vertx.core.buffer.Buffer[n];
      String[] carts = new String[n];
      String[] memberships = new String[n];
      String[] runs = new String[n];
      io.vertx.core.buffer.Buffer[] packed = new io.vertx.core.buffer.Buffer[n];
      for (int i = 0; i < n; i++) {
        CustomerWrite w = slice.get(i);
        stores[i] = w.storeId();
        ids[i] = w.customerId();
        seen[i] = odt(w.lastSeenAt());
        states[i] = io.vertx.core.buffer.Buffer.buffer(w.state());
        carts[i] = w.cart() == null ? null : w.cart().encode();
        memberships[i] = w.memberships();
        runs[i] = w.membershipRuns();
        packed[i] = w.packedMemberships() == null ? null : io.vertx.core.buffer.Buffer.buffer(w.packedMemberships());
      }
      return conn.preparedQuery(SQL_STATES).execute(Tuple.tuple().addValue(stores).addValue(ids).addValue(seen)
          .addValue(states).addValue(carts).addValue(memberships).addValue(runs).addValue(packed)).mapEmpty();
    });
    if (!aggregated.isEmpty()) {
      List<Tuple> aggregates = new ArrayList<>(aggregated.size());
      for (CustomerWrite w : aggregated) {
        aggregates.add(Tuple.tuple().addValue(w.storeId()).addValue(w.customerId()).addValue((int) w.totalOrders())
            .addValue(w.totalSpent()).addValue(odt(w.firstOrderAt())).addValue(odt(w.lastOrderAt())));
      }
      // the customer capability's statement, sent with the others (pipelined), not after the state rows' answer
      f = Future.join(f, CustomerAggregates.write(conn, aggregates)).mapEmpty();
    }
    return f;
  }

  /**
   * The recorded flips in rows ({@link #flipRows}), each with its announcements ({@code announced},
   * one per recorded flip, in order: {@link #announcements}); the fan-out is told of them as
   * stored (NotificationLog.told).
   */
  private Future<Void> flips(SqlConnection conn, List<Transition> transitions, List<Notification> announced) {
    List<FlipRow> rows = flipRows(transitions);
    if (rows.isEmpty()) {
      return Future.succeededFuture();
    }
    List<NotificationLog.Recorded> recorded = new ArrayList<>(announced.size());
    Future<Void> f = Future.succeededFuture();
    int from = 0;
    for (List<FlipRow> slice : flipSlices(rows)) {
      List<List<Notification>> sets = new ArrayList<>(slice.size());
      for (FlipRow r : slice) {
        sets.add(announced.subList(from, from + r.flips().size()));
        from += r.flips().size();
      }
      f = f.compose(v -> insertFlips(conn, slice, sets, recorded));
    }
    if (from != announced.size()) {
      return Future.failedFuture(new IllegalStateException(announced.size() + " announcements for " + from + " flips"));
    }
    return f.compose(v -> notifications.told(conn, recorded));
  }

  /** The rows in slices of about {@link #CHUNK} flips (a slice ends at the row that reaches it). */
  private static List<List<FlipRow>> flipSlices(List<FlipRow> rows) {
    List<List<FlipRow>> slices = new ArrayList<>();
    int from = 0;
    int flips = 0;
    for (int i = 0; i < rows.size(); i++) {
      flips += rows.get(i).flips().size();
      if (flips >= CHUNK || i == rows.size() - 1) {
        slices.add(rows.subList(from, i + 1));
        from = i + 1;
        flips = 0;
      }
    }
    return slices;
  }

  private static Future<Void> insertFlips(SqlConnection conn, List<FlipRow> slice, List<List<Notification>> sets,
                                          List<NotificationLog.Recorded> recorded) {
    int n = slice.size();
    String[] stores = new String[n];
    String[] customers = new String[n];
    String[] causes = new String[n];
    String[] events = new String[n];
    OffsetDateTime[] at = new OffsetDateTime[n];
    String[] segments = new String[n];
    String[] kinds = new String[n];
    String[] names = new String[n];
    String[] shared = new String[n];
    NotificationLog.SetText text = new NotificationLog.SetText();
    for (int i = 0; i < n; i++) {
      Transition t = slice.get(i).flips().get(0);
      stores[i] = t.storeId();
      customers[i] = t.customerId();
      causes[i] = t.cause();
      events[i] = t.eventId();
      at[i] = odt(t.at());
      // the announcements' segments and directions are the flips' (announcements: one per flip, in order)
      text.of(sets.get(i));
      segments[i] = text.segments;
      kinds[i] = text.kinds;
      names[i] = text.names;
      shared[i] = text.shared;
    }
    return conn.preparedQuery(SQL_TRANSITIONS)
        .execute(Tuple.tuple().addValue(stores).addValue(customers).addValue(causes).addValue(events)
            .addValue(at).addValue(segments).addValue(kinds).addValue(names).addValue(shared))
        .map(rows -> {
          NotificationLog.recordedSets(rows, stores, customers, sets, recorded);
          return null;
        });
  }

  /** The recorded flips of one segment_flips row: same store, customer, cause, event, instant and summary. */
  record FlipRow(List<Transition> flips) {}

  /** The most flips a segment_flips row holds: the step of its sequence (V57; the notifications' since V80). */
  static final int FLIPS_PER_ROW = io.shoal.segment.SegmentRepository.FLIPS_PER_ROW;

  /**
   * The recorded transitions in rows: each run of consecutive ones of one customer's event (same
   * store, customer, cause, event, instant and customer summary), at most {@link #FLIPS_PER_ROW} a row, in order.
   */
  static List<FlipRow> flipRows(List<Transition> transitions) {
    List<FlipRow> rows = new ArrayList<>();
    List<Transition> current = null;
    for (Transition t : transitions) {
      if (!t.record()) {
        continue;
      }
      if (current == null || current.size() == FLIPS_PER_ROW || !sameEvent(current.get(0), t)) {
        current = new ArrayList<>();
        rows.add(new FlipRow(current));
      }
      current.add(t);
    }
    return rows;
  }

  /** One event's flips, announced with one customer summary (one row is one set of announcements). */
  private static boolean sameEvent(Transition a, Transition b) {
    return java.util.Objects.equals(a.customer(), b.customer()) && a.customerId().equals(b.customerId())
        && a.storeId().equals(b.storeId()) && a.at().equals(b.at())
        && a.cause().equals(b.cause()) && java.util.Objects.equals(a.eventId(), b.eventId());
  }

  /*
   * A partition's recount at start: its rows are replaced by the members it loaded. Partition 0
   * also drops the rows of writers that are no partition (-1: the counts V63 moved from segments;
   * partitions beyond the configured number), whose customers every partition's recount now holds.
   */
  private static final String SQL_RECOUNT_CLEAR = "DELETE FROM segment_member_counts"
      + " WHERE writer = $1 OR ($1 = 0 AND (writer < 0 OR writer >= $2))";
  private static final String SQL_RECOUNT = "INSERT INTO segment_member_counts (store_id, segment_id, writer, members)"
      + " SELECT u.s, u.g, $4, u.d FROM unnest($1::text[], $2::text[], $3::bigint[]) AS u(s, g, d)"
      + " WHERE EXISTS (SELECT 1 FROM segments WHERE store_id = u.s AND id = u.g)";

  /**
   * Member count changes of {@code partition}'s batch: its recount at start, if any, then the
   * deltas (store, segment, delta), applied in key order (the only other writer of these rows is
   * a fenced owner of the same partition).
   */
  private static Future<Void> counts(SqlConnection conn, int partition, Recount recount, List<Tuple> deltas) {
    Future<Void> recounted = recount == null ? Future.succeededFuture()
        : conn.preparedQuery(SQL_RECOUNT_CLEAR).execute(Tuple.of(partition, recount.partitions()))
            .compose(r -> inSlices(recount.members(), slice -> conn.preparedQuery(SQL_RECOUNT)
                .execute(arrays(slice, partition)).mapEmpty()));
    return deltas.isEmpty() ? recounted : recounted.compose(v -> counts(conn, partition, deltas));
  }

  /** (store, segment, n) tuples as the three arrays and the writer of SQL_COUNTS and SQL_RECOUNT. */
  private static Tuple arrays(List<Tuple> slice, int partition) {
    int n = slice.size();
    String[] stores = new String[n];
    String[] segments = new String[n];
    Long[] d = new Long[n];
    for (int i = 0; i < n; i++) {
      stores[i] = slice.get(i).getString(0);
      segments[i] = slice.get(i).getString(1);
      d[i] = slice.get(i).getLong(2);
    }
    return Tuple.of(stores, segments, d, partition);
  }

  private static Future<Void> counts(SqlConnection conn, int partition, List<Tuple> deltas) {
    List<Tuple> sorted = new ArrayList<>(deltas);
    sorted.sort(java.util.Comparator.<Tuple, String>comparing(t -> t.getString(0)).thenComparing(t -> t.getString(1)));
    return inSlices(sorted, slice -> conn.preparedQuery(SQL_COUNTS).execute(arrays(slice, partition)).mapEmpty());
  }

  /**
   * One statement per slice of {@link #CHUNK} rows, one after the other, in the same
   * transaction, so no single statement is unbounded: a backfill or the first start over a
   * million customers makes a batch of a million rows.
   */
  private static <T> Future<Void> inSlices(List<T> rows, java.util.function.Function<List<T>, Future<Void>> write) {
    Future<Void> f = Future.succeededFuture();
    for (int from = 0; from < rows.size(); from += CHUNK) {
      List<T> slice = rows.subList(from, Math.min(rows.size(), from + CHUNK));
      f = f.compose(v -> write.apply(slice));
    }
    return f;
  }

  private static final int CHUNK = 10_000;

  private static OffsetDateTime odt(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }

  static List<Row> all(RowSet<Row> rows) {
    List<Row> out = new ArrayList<>(rows.size());
    rows.forEach(out::add);
    return out;
  }
}
