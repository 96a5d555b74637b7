package io.shoal.customer;

import io.shoal.db.GroupCommit;
import io.shoal.kernel.DomainException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.shoal.outbox.Notification;
import io.shoal.outbox.NotificationLog;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of customer profiles, notes and the activity timeline. Every statement is scoped by
 * store id first: no query here can read or change another store's rows.
 */
public final class CustomerRepository {

  /** Profile fields a client may write, in column order. */
  static final List<String> WRITABLE = List.of(
      "email", "first_name", "last_name", "phone", "external_id", "timezone", "tags", "address",
      "metadata", "email_consent", "sms_consent", "push_consent");

  /** The customer row's own columns, without what the evaluation state adds. */
  private static final String OWN_COLUMNS = "id, email, first_name, last_name, phone, external_id, timezone, tags,"
      + " address, metadata, email_consent, sms_consent, push_consent, total_orders, total_spent,"
      + " first_order_at, last_order_at, created_at, updated_at,";
  static final String COLUMNS = OWN_COLUMNS
      + " (SELECT s.last_seen_at FROM customer_eval_state s"
      + "   WHERE s.store_id = customers.store_id AND s.customer_id = customers.id) AS last_seen_at,"
      + " (SELECT s.cart FROM customer_eval_state s"
      + "   WHERE s.store_id = customers.store_id AND s.customer_id = customers.id) AS cart";
  /**
   * {@link #COLUMNS} for a statement that joins {@link #WITH_STATE} to its customers rows: the
   * evaluation state is probed once per row instead of once for each of its two columns (a list
   * page of 25 made 52 probes, 260 of its ~400 buffer reads at a million customers).
   */
  static final String JOINED_COLUMNS = OWN_COLUMNS + " state.last_seen_at, state.cart";
  /** The join that {@link #JOINED_COLUMNS} reads from: at most one state row per customer (its key). */
  static final String WITH_STATE = " LEFT JOIN LATERAL (SELECT s.last_seen_at, s.cart FROM customer_eval_state s"
      + " WHERE s.store_id = customers.store_id AND s.customer_id = customers.id) state ON true";
  /**
   * {@link #COLUMNS} of a customer inserted by this statement: it has no evaluation state yet (the
   * state's foreign key needs the customer committed), so last_seen_at and cart are null without the
   * two lookups, which were 4 % of the PostgreSQL samples of creates at a million customers. With
   * what the segment evaluator reads of a customer besides (its number, address and metadata as
   * their jsonb's text): it is told of a new customer with this row instead of reading it back
   * (ProfileListener#created).
   */
  private static final String COLUMNS_OF_NEW = OWN_COLUMNS + " NULL::timestamptz AS last_seen_at, NULL::jsonb AS cart,"
      + " num, address::text AS address_text, metadata::text AS metadata_text";

  /**
   * The customers of a batch of creates and their created activity in one statement (one row per
   * array element, in order): per-statement costs, the facets trigger (V46) above all, are paid once
   * per batch. Tags come as the JSON text of a string array, address, metadata and the activity's
   * data as JSON text (null for none). Only a customer this statement inserted gets its activity row
   * (the join with {@code added}); one whose email or external id exists gets none, as before. The
   * activity's foreign key is checked at the end of the statement, when the customers are there.
   */
  private static final String SQL_INSERT_ALL =
      "WITH u AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],"
          + " $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bool[], $13::bool[], $14::bool[],"
          + " $15::text[], $16::text[], $17::text[], $18::text[], $19::timestamptz[])"
          + " WITH ORDINALITY AS u(s, i, e, f, l, p, x, z, t, a, m, ec, sc, pc, ai, at, ah, ad, ao, n)),"
          + " added AS (INSERT INTO customers (store_id, id, email, first_name, last_name, phone, external_id, timezone,"
          + " tags, address, metadata, email_consent, sms_consent, push_consent)"
          + " SELECT u.s, u.i, u.e, u.f, u.l, u.p, u.x, u.z,"
          + " ARRAY(SELECT jsonb_array_elements_text(u.t::jsonb)), u.a::jsonb, u.m::jsonb, u.ec, u.sc, u.pc"
          + " FROM u ORDER BY u.n"
          + " ON CONFLICT DO NOTHING RETURNING " + COLUMNS_OF_NEW + "),"
          + " activity AS (INSERT INTO customer_activity (store_id, id, customer_id, type, title, data, occurred_at)"
          + " SELECT u.s, u.ai, u.i, u.at, u.ah, u.ad::jsonb, u.ao FROM added JOIN u ON u.i = added.id)"
          + " SELECT * FROM added";
  private static final String SQL_FIND_EXISTING =
      "SELECT " + COLUMNS + " FROM customers WHERE store_id = $1"
          + " AND ((email IS NOT NULL AND lower(email) = lower($2)) OR external_id = $3)"
          + " ORDER BY (email IS NOT NULL AND lower(email) = lower($2)) DESC LIMIT 1";
  private static final String SQL_GET_FOR_UPDATE =
      "SELECT " + COLUMNS + " FROM customers WHERE store_id = $1 AND id = $2 FOR UPDATE";
  /** The same columns as {@link #COLUMNS}, with the evaluation state read once (one join, not two subqueries). */
  private static final String SQL_GET =
      "SELECT c.id, c.email, c.first_name, c.last_name, c.phone, c.external_id, c.timezone, c.tags, c.address,"
          + " c.metadata, c.email_consent, c.sms_consent, c.push_consent, c.total_orders, c.total_spent,"
          + " c.first_order_at, c.last_order_at, c.created_at, c.updated_at, s.last_seen_at, s.cart AS cart"
          + " FROM customers c LEFT JOIN customer_eval_state s ON s.store_id = c.store_id AND s.customer_id = c.id"
          + " WHERE c.store_id = $1 AND c.id = $2";
  private static final String SQL_UPDATE =
      "UPDATE customers SET email = $3, first_name = $4, last_name = $5, phone = $6, external_id = $7,"
          + " timezone = $8, tags = $9, address = $10, metadata = $11, email_consent = $12,"
          + " sms_consent = $13, push_consent = $14, updated_at = clock_timestamp()"
          + " WHERE store_id = $1 AND id = $2 RETURNING " + COLUMNS;
  private static final String SQL_DELETE =
      "DELETE FROM customers WHERE store_id = $1 AND id = $2";
  private static final String SQL_EXISTS =
      "SELECT 1 FROM customers WHERE store_id = $1 AND id = $2";
  private static final String SQL_INSERT_NOTE =
      "INSERT INTO customer_notes (store_id, id, customer_id, body, author) VALUES ($1, $2, $3, $4, $5)"
          + " RETURNING id, customer_id, body, author, created_at";
  private static final String SQL_LIST_NOTES =
      "SELECT id, customer_id, body, author, created_at FROM customer_notes"
          + " WHERE store_id = $1 AND customer_id = $2"
          + " AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4))"
          + " ORDER BY created_at DESC, id DESC LIMIT $5";
  private static final String SQL_INSERT_ACTIVITY =
      "INSERT INTO customer_activity (store_id, id, customer_id, type, title, data, occurred_at)"
          + " VALUES ($1, $2, $3, $4, $5, $6, $7)";
  private static final String SQL_LIST_ACTIVITY =
      "SELECT id, type, title, data, occurred_at FROM customer_activity"
          + " WHERE store_id = $1 AND customer_id = $2"
          + " AND ($3::text[] IS NULL OR type = ANY($3))"
          + " AND ($4::timestamptz IS NULL OR occurred_at >= $4)"
          + " AND ($5::timestamptz IS NULL OR occurred_at < $5)"
          + " AND ($6::timestamptz IS NULL OR (occurred_at, id) < ($6, $7))"
          + " ORDER BY occurred_at DESC, id DESC LIMIT $8";

  /**
   * The outcome of a create: the customer, whether it was new, and a new one's customer object as its
   * customer.created notification holds it (null for an existing one; read-only: the notification shares it).
   */
  public record Created(Row customer, boolean isNew, JsonObject rendered) {

    /** The customer object as the API answers it (rendered once for a new customer). */
    public JsonObject object() {
      return rendered != null ? rendered : CustomerApi.render(customer);
    }
  }

  private final Pool pool;
  private final NotificationLog notifications;
  private final ErasedIdentities erased;
  private final CustomerListing listing;
  private final GroupCommit<NewCustomer, Outcome> creates;
  private final ProfileCache cache;

  public CustomerRepository(Pool pool, NotificationLog notifications) {
    this(pool, notifications, ErasedIdentities.NONE, ProfileCache.DISABLED);
  }

  public CustomerRepository(Pool pool, NotificationLog notifications, ErasedIdentities erased, ProfileCache cache) {
    this.pool = pool;
    this.notifications = notifications;
    this.erased = erased;
    this.cache = cache;
    this.listing = new CustomerListing(pool);
    // Creates share commits (group commit), one batch at a time: the creates that arrive while a batch is
    // written all go into the next one. 2 lanes, not 4 (issue 17, twenty-fifth pass), made a batch at 64
    // connections ~16 creates instead of ~9; 1 lane makes it ~32 (thirty-second pass), and what PostgreSQL
    // and the JVM spend per batch (its statements, its commit, the evaluator's and the log readers' turn
    // after it) is shared by twice as many again. One connection of the pool; the rest is left to reads.
    this.creates = new GroupCommit<>(pool, 128, 1, this::createAll);
  }

  /**
   * Refuses, with 409 customer_suppressed, an email or phone of a person erased on request. The
   * answer names the suppression, never the value, and says how the store lifts it.
   */
  Future<Void> notErased(SqlConnection conn, String storeId, String email, String phone, String externalId) {
    if (email == null && phone == null && externalId == null) {
      return Future.succeededFuture();
    }
    return erased.suppressed(conn, storeId, email, phone, externalId).compose(suppression -> suppression == null
        ? Future.succeededFuture()
        : Future.failedFuture(suppressedConflict(storeId, suppression, email, phone)));
  }

  private static DomainException suppressedConflict(String storeId, String suppression, String email, String phone) {
    return DomainException.conflict("customer_suppressed",
        "this person's data was erased at their request (suppression " + suppression + "), so Shoal does not"
            + " create them again; if they came back on their own, lift it with"
            + " POST /v1/stores/" + storeId + "/suppressions/lift",
        email != null ? "email" : phone != null ? "phone" : "external_id");
  }

  /**
   * The suppression check of a batch of creates, one question for all of them: fails with the first
   * suppressed one's 409 (its batch is then rolled back and each create re-run alone, so only that
   * one is refused).
   */
  private Future<Void> noneErased(SqlConnection conn, List<NewCustomer> units) {
    List<ErasedIdentities.Identity> identities = new ArrayList<>(units.size());
    for (NewCustomer u : units) {
      JsonObject f = u.fields();
      identities.add(new ErasedIdentities.Identity(u.storeId(), f.getString("email"), f.getString("phone"),
          f.getString("external_id")));
    }
    return erased.suppressedEach(conn, identities).compose(found -> {
      for (int i = 0; i < found.size(); i++) {
        if (found.get(i) != null) {
          ErasedIdentities.Identity id = identities.get(i);
          return Future.failedFuture(suppressedConflict(id.storeId(), found.get(i), id.email(), id.phone()));
        }
      }
      return Future.succeededFuture();
    });
  }

  /**
   * Inserts a customer unless one with the same email (case-insensitive) or external id exists,
   * in which case that one is answered unchanged.
   */
  public Future<Created> create(String storeId, String id, JsonObject fields, Activity created) {
    return creates.submit(new NewCustomer(storeId, id, fields, created))
        .onSuccess(o -> notifications.wake(o.announced()))
        .map(Outcome::created)
        .recover(CustomerRepository::uniqueViolationAsConflict);
  }

  /** A create waiting for its batch. */
  private record NewCustomer(String storeId, String id, JsonObject fields, Activity created) {}

  /** A create's answer and the notifications to announce once it is committed. */
  private record Outcome(Created created, List<Notification> announced) {}

  /**
   * A batch of creates on one connection, in its transaction: the suppression check (one statement),
   * one INSERT for every customer, then for each inserted one its activity (one INSERT) and its
   * customer.created notification (one record call); a customer not inserted because its email or
   * external id exists (also from earlier in the same batch, as one after another would find)
   * answers that customer. The same outcome as each create alone in batch order.
   */
  private Future<List<Outcome>> createAll(SqlConnection conn, List<NewCustomer> units) {
    return noneErased(conn, units)
        .compose(v -> conn.preparedQuery(SQL_INSERT_ALL).execute(insertTuple(units)))
        .compose(rows -> {
          java.util.Map<String, Row> inserted = new java.util.HashMap<>(rows.size() * 2);
          rows.forEach(r -> inserted.put(r.getString("id"), r));
          List<Notification> notes = new ArrayList<>(inserted.size());
          List<Future<Outcome>> outcomes = new ArrayList<>(units.size());
          for (NewCustomer u : units) {
            Row row = inserted.get(u.id());
            if (row != null) {
              JsonObject rendered = CustomerApi.render(row);
              Notification note = Notification.of(u.storeId(), "customer.created", u.id(),
                  new JsonObject().put("customer", rendered));
              notes.add(note);
              outcomes.add(Future.succeededFuture(new Outcome(new Created(row, true, rendered), List.of(note))));
            } else {
              outcomes.add(conn.preparedQuery(SQL_FIND_EXISTING)
                  .execute(Tuple.of(u.storeId(), u.fields().getString("email"), u.fields().getString("external_id")))
                  .map(existing -> new Outcome(new Created(existing.iterator().next(), false, null), List.of())));
            }
          }
          return notifications.record(conn, notes)
              .compose(v -> Future.all(outcomes))
              .map(done -> done.<Outcome>list());
        });
  }

  private static Tuple insertTuple(List<NewCustomer> units) {
    int n = units.size();
    String[][] text = new String[11][n];
    Boolean[][] consent = new Boolean[3][n];
    String[][] activity = new String[4][n];
    OffsetDateTime[] at = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      NewCustomer u = units.get(i);
      JsonObject f = u.fields();
      JsonArray tags = new JsonArray();
      f.getJsonArray("tags", new JsonArray()).forEach(t -> tags.add(String.valueOf(t)));
      JsonObject address = f.getJsonObject("address");
      String[] row = {u.storeId(), u.id(), f.getString("email"), f.getString("first_name"), f.getString("last_name"),
          f.getString("phone"), f.getString("external_id"), f.getString("timezone"), tags.encode(),
          address == null ? null : address.encode(), f.getJsonObject("metadata", new JsonObject()).encode()};
      for (int c = 0; c < row.length; c++) {
        text[c][i] = row[c];
      }
      consent[0][i] = f.getBoolean("email_consent", false);
      consent[1][i] = f.getBoolean("sms_consent", false);
      consent[2][i] = f.getBoolean("push_consent", false);
      Activity a = u.created();
      activity[0][i] = a.id();
      activity[1][i] = a.type();
      activity[2][i] = a.title();
      activity[3][i] = a.data() == null ? null : a.data().encode();
      at[i] = a.occurredAt();
    }
    Tuple t = Tuple.tuple();
    for (String[] column : text) {
      t.addValue(column);
    }
    for (Boolean[] column : consent) {
      t.addValue(column);
    }
    for (String[] column : activity) {
      t.addValue(column);
    }
    return t.addValue(at);
  }

  /**
   * The profiles (the customer object, as GET answers it) of these customers, by id; ids not
   * found are absent. For member details and exports.
   */
  public Future<java.util.Map<String, io.vertx.core.json.JsonObject>> profiles(String storeId, List<String> ids) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM customers WHERE store_id = $1 AND id = ANY($2)")
        .execute(Tuple.tuple().addValue(storeId).addValue(ids.toArray(new String[0])))
        .map(rows -> {
          java.util.Map<String, io.vertx.core.json.JsonObject> out = new java.util.HashMap<>();
          rows.forEach(r -> out.put(r.getString("id"), CustomerApi.render(r)));
          return out;
        });
  }

  public Future<Row> get(String storeId, String id) {
    return pool.preparedQuery(SQL_GET).execute(Tuple.of(storeId, id)).map(CustomerRepository::firstOrNull);
  }

  /** The customer object as GET answers it, encoded (from the profile cache when kept there); null when there is none. */
  Future<Buffer> encoded(String storeId, String id) {
    return cache.get(storeId, id, () -> get(storeId, id).map(row -> row == null ? null : CustomerApi.render(row).toBuffer()));
  }

  /** The cache of encoded customers, which this package's writers tell of their changes. */
  ProfileCache cache() {
    return cache;
  }

  /**
   * Applies {@code change} to the current profile under a row lock and records the activity it
   * describes, all in one transaction. Answers null if there is no such customer.
   */
  public Future<Row> update(String storeId, String id, java.util.function.Function<Row, Update> change) {
    List<Notification> announced = new ArrayList<>();
    return pool.withTransaction(conn -> conn.preparedQuery(SQL_GET_FOR_UPDATE).execute(Tuple.of(storeId, id))
        .compose(rows -> {
          Row current = firstOrNull(rows);
          if (current == null) {
            return Future.succeededFuture(null);
          }
          Update update = change.apply(current);
          if (update.activity() == null) {
            return Future.succeededFuture(current);
          }
          String newEmail = update.fields().getString("email");
          String newPhone = update.fields().getString("phone");
          String newExternal = update.fields().getString("external_id");
          // only a value the customer did not have already can bring an erased person back
          return notErased(conn, storeId,
                  java.util.Objects.equals(newEmail, current.getString("email")) ? null : newEmail,
                  java.util.Objects.equals(newPhone, current.getString("phone")) ? null : newPhone,
                  java.util.Objects.equals(newExternal, current.getString("external_id")) ? null : newExternal)
              .compose(v -> conn.preparedQuery(SQL_UPDATE).execute(writeTuple(storeId, id, update.fields())))
              .andThen(ar -> cache.changing(conn, storeId, id))
              .compose(updated -> {
                Row row = updated.iterator().next();
                JsonObject data = new JsonObject().put("customer", CustomerApi.render(row))
                    .put("changes", update.activity().data().getJsonObject("changes"));
                return insertActivity(conn, storeId, id, update.activity())
                    .compose(v -> announce(conn, Notification.of(storeId, "customer.updated", id, data), announced))
                    .map(row);
              });
        }))
        .onSuccess(r -> notifications.wake(announced))
        .recover(CustomerRepository::uniqueViolationAsConflict);
  }

  /** The new writable fields, and the activity entry describing the change (null: nothing changed). */
  public record Update(JsonObject fields, Activity activity) {}

  public Future<Boolean> delete(String storeId, String id) {
    List<Notification> announced = new ArrayList<>();
    return pool.withTransaction(conn -> conn.preparedQuery(SQL_DELETE).execute(Tuple.of(storeId, id))
        .andThen(ar -> cache.changing(conn, storeId, id))
        .compose(r -> r.rowCount() == 0 ? Future.succeededFuture(false)
            : announce(conn, Notification.of(storeId, "customer.deleted", id,
                new JsonObject().put("customer_id", id)), announced).map(true)))
        .onSuccess(d -> notifications.wake(announced));
  }

  /** Records the notification in this transaction and keeps it to announce after the commit. */
  private Future<Void> announce(SqlConnection conn, Notification n, List<Notification> announced) {
    announced.add(n);
    return notifications.record(conn, List.of(n));
  }

  /** A customer of a list page: its cursor position and the customer object as GET answers it, encoded. */
  record Listed(String id, String sortKey, Buffer object) {}

  /**
   * The customers of a page read by key, in no order: the page's statements answer ids only, and
   * those the profile cache does not keep are read here (the page's keys as an array: one plan for
   * any page; {@code = ANY($2)} with a visible array was planned at every call, twenty-fourth pass).
   */
  private static final String SQL_LISTED = "SELECT " + JOINED_COLUMNS
      + " FROM unnest((SELECT $2::text[])) k(kid) JOIN customers ON customers.store_id = $1 AND customers.id = k.kid"
      + WITH_STATE;

  /**
   * One page of a list (search, filters, sort, position; see {@link CustomerListing}), each
   * customer encoded as GET answers it: from the profile cache where it is kept, else read by key
   * (and kept). One connection for all of the page's statements. A customer deleted between the
   * page's statement and its read is left out; its row still counts for has_more and the cursor.
   */
  Future<List<Listed>> list(String storeId, CustomerQuery q) {
    return pool.withConnection(conn -> listing.on(conn).page(storeId, q).compose(keys -> {
      List<Listed> page = new ArrayList<>(keys.size());
      java.util.Map<String, Integer> missing = new java.util.HashMap<>();
      List<Long> stamps = new ArrayList<>();
      for (Row key : keys) {
        String id = key.getString("id");
        Buffer kept = cache.kept(storeId, id);
        if (kept == null && !missing.containsKey(id)) {
          missing.put(id, stamps.size());
          stamps.add(cache.stamp(storeId, id));
        }
        page.add(new Listed(id, key.getString("sort_key"), kept));
      }
      if (missing.isEmpty()) {
        return Future.succeededFuture(page);
      }
      String[] ids = missing.keySet().toArray(new String[0]);
      return conn.preparedQuery(SQL_LISTED).execute(Tuple.tuple().addValue(storeId).addValue(ids)).map(rows -> {
        java.util.Map<String, Buffer> read = new java.util.HashMap<>();
        for (Row row : rows) {
          String id = row.getString("id");
          Buffer object = CustomerApi.render(row).toBuffer();
          read.put(id, object);
          cache.keep(storeId, id, stamps.get(missing.get(id)), object);
        }
        List<Listed> out = new ArrayList<>(page.size());
        for (Listed listed : page) {
          out.add(listed.object() != null ? listed : new Listed(listed.id(), listed.sortKey(), read.get(listed.id())));
        }
        return out;
      });
    }));
  }

  /** How many customers a list describes over all its pages: exact when small, else an estimate. */
  Future<CustomerListing.Count> count(String storeId, CustomerQuery q) {
    return listing.count(storeId, q);
  }

  public Future<Boolean> exists(String storeId, String id) {
    return pool.preparedQuery(SQL_EXISTS).execute(Tuple.of(storeId, id)).map(r -> r.size() == 1);
  }

  private static final String SQL_ADD_ACTIVITY =
      "INSERT INTO customer_activity (store_id, id, customer_id, type, title, data, occurred_at)"
          + " SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM customers WHERE store_id = $1 AND id = $3)";

  /** Adds an entry to the customer's timeline (a support conversation); false if there is no such customer. */
  public Future<Boolean> addActivity(String storeId, String customerId, Activity a) {
    return pool.preparedQuery(SQL_ADD_ACTIVITY)
        .execute(Tuple.tuple().addValue(storeId).addValue(a.id()).addValue(customerId).addValue(a.type())
            .addValue(a.title()).addValue(a.data()).addValue(a.occurredAt()))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Adds a note and its activity entry; answers null if there is no such customer. */
  public Future<Row> addNote(String storeId, String customerId, String noteId, String body, String author,
                             Activity activity) {
    return pool.withTransaction(conn -> conn.preparedQuery(SQL_GET_FOR_UPDATE).execute(Tuple.of(storeId, customerId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(null);
          }
          return conn.preparedQuery(SQL_INSERT_NOTE).execute(Tuple.of(storeId, noteId, customerId, body, author))
              .compose(note -> insertActivity(conn, storeId, customerId, activity).map(note.iterator().next()));
        }));
  }

  public Future<List<Row>> listNotes(String storeId, String customerId, OffsetDateTime afterTime, String afterId,
                                     int limit) {
    return pool.preparedQuery(SQL_LIST_NOTES)
        .execute(Tuple.of(storeId, customerId, afterTime, afterId, limit))
        .map(CustomerRepository::all);
  }

  /** The timeline entries written by this package (creation, profile changes, notes). */
  public Future<List<ActivitySource.Entry>> listActivity(String storeId, String customerId, ActivitySource.Query q) {
    Object typeArray = q.types() == null || q.types().isEmpty() ? null : q.types().toArray(new String[0]);
    return pool.preparedQuery(SQL_LIST_ACTIVITY)
        .execute(Tuple.tuple().addValue(storeId).addValue(customerId).addValue(typeArray).addValue(q.from())
            .addValue(q.until()).addValue(q.afterTime()).addValue(q.afterId()).addValue(q.limit()))
        .map(rows -> {
          List<ActivitySource.Entry> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(new ActivitySource.Entry(r.getString("id"), r.getString("type"),
              r.getString("title"), r.getJsonObject("data"), r.getOffsetDateTime("occurred_at"))));
          return out;
        });
  }

  /** One entry of the activity timeline, written together with the change it describes. */
  public record Activity(String id, String type, String title, JsonObject data, OffsetDateTime occurredAt) {}

  private static Future<Void> insertActivity(SqlConnection conn, String storeId, String customerId, Activity a) {
    return conn.preparedQuery(SQL_INSERT_ACTIVITY)
        .execute(Tuple.tuple().addValue(storeId).addValue(a.id()).addValue(customerId).addValue(a.type())
            .addValue(a.title()).addValue(a.data()).addValue(a.occurredAt()))
        .mapEmpty();
  }

  private static Tuple writeTuple(String storeId, String id, JsonObject f) {
    JsonArray tags = f.getJsonArray("tags", new JsonArray());
    return Tuple.tuple()
        .addValue(storeId).addValue(id)
        .addValue(f.getString("email")).addValue(f.getString("first_name")).addValue(f.getString("last_name"))
        .addValue(f.getString("phone")).addValue(f.getString("external_id")).addValue(f.getString("timezone"))
        .addValue(tags.stream().map(String::valueOf).toArray(String[]::new))
        .addValue(f.getJsonObject("address"))
        .addValue(f.getJsonObject("metadata", new JsonObject()))
        .addValue(f.getBoolean("email_consent", false))
        .addValue(f.getBoolean("sms_consent", false))
        .addValue(f.getBoolean("push_consent", false));
  }

  private static <T> Future<T> uniqueViolationAsConflict(Throwable t) {
    if (t instanceof PgException pg && "23505".equals(pg.getSqlState())) {
      String constraint = pg.getConstraint() == null ? "" : pg.getConstraint();
      if (constraint.contains("external_id")) {
        return Future.failedFuture(DomainException.conflict("external_id_taken",
            "another customer of this store already has this external_id", "external_id"));
      }
      return Future.failedFuture(DomainException.conflict("email_taken",
          "another customer of this store already has this email", "email"));
    }
    return Future.failedFuture(t);
  }

  private static Row firstOrNull(RowSet<Row> rows) {
    return rows.size() == 0 ? null : rows.iterator().next();
  }

  private static List<Row> all(RowSet<Row> rows) {
    List<Row> out = new ArrayList<>(rows.size());
    rows.forEach(out::add);
    return out;
  }
}
