package io.shoal.customer;

import io.shoal.customer.CustomerRepository.Activity;
import io.shoal.customer.CustomerRepository.Update;
import io.shoal.kernel.DomainException;
import io.shoal.http.ApiHandler;
import io.shoal.http.ApiOperation;
import io.shoal.http.ApiRequest;
import io.shoal.kernel.Cursor;
import io.shoal.kernel.Ids;
import io.shoal.kernel.ListPage;
import io.shoal.http.Reply;
import io.shoal.kernel.Wire;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/** The Customers API of seed 001: profiles, search, notes and the activity timeline. */
public final class CustomerApi {

  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+$");
  /** SQLSTATEs of a sort key that does not read back: datetime format/overflow, text representation, numeric range. */
  private static final Set<String> UNREADABLE_KEY = Set.of("22007", "22008", "22P02", "22003");

  /** Told of every profile created, changed or deleted here, so segments can follow. */
  public interface ProfileListener {
    void changed(String storeId, String customerId);

    /**
     * A customer created through the API, {@code row} as its create's statement returned it (the
     * customers row's columns by name, with num, address_text and metadata_text).
     */
    default void created(String storeId, String customerId, io.vertx.sqlclient.Row row) {
      changed(storeId, customerId);
    }
  }

  private final CustomerRepository repository;
  private final ProfileListener listener;
  private final CustomerDirectory directory;
  private final List<ActivitySource> activitySources;

  public CustomerApi(CustomerRepository repository, CustomerDirectory directory, ProfileListener listener,
                     List<ActivitySource> activitySources) {
    this.repository = repository;
    this.directory = directory;
    this.listener = listener;
    this.activitySources = activitySources;
  }

  /**
   * What {@code GET /customers/{id}} would answer for a kept customer, at once; null when it is not
   * kept (then the get reads it). For answering before the router (ApiVerticle's cached gets).
   */
  public Buffer kept(String storeId, String id) {
    return repository.cache().peek(storeId, id);
  }

  public void mount(RouterBuilder rb) {
    ApiOperation.LIST_CUSTOMERS.mount(rb, ApiHandler.route(this::list));
    ApiOperation.CREATE_CUSTOMER.mount(rb, ApiHandler.route(this::create));
    ApiOperation.GET_CUSTOMER.mount(rb, ApiHandler.route(this::get));
    ApiOperation.UPDATE_CUSTOMER.mount(rb, ApiHandler.route(this::update));
    ApiOperation.DELETE_CUSTOMER.mount(rb, ApiHandler.route(this::delete));
    ApiOperation.CREATE_CUSTOMER_NOTE.mount(rb, ApiHandler.route(this::addNote));
    ApiOperation.LIST_CUSTOMER_NOTES.mount(rb, ApiHandler.route(this::listNotes));
    ApiOperation.LIST_CUSTOMER_ACTIVITY.mount(rb, ApiHandler.route(this::listActivity));
    ApiOperation.CREATE_CUSTOMER_ACTIVITY.mount(rb, ApiHandler.route(this::addActivity));
  }

  // --- profiles ---------------------------------------------------------------------------

  private Future<Reply> create(ApiRequest req) {
    String storeId = req.storeId();
    JsonObject fields = normalized(req.body());
    // null is "none" on a new customer, as the contract allows: no tags, no custom fields
    for (String none : new String[] {"tags", "metadata", "address"}) {
      if (fields.containsKey(none) && fields.getValue(none) == null) {
        fields.remove(none);
      }
    }
    if (fields.getString("email") == null && fields.getString("phone") == null
        && fields.getString("external_id") == null) {
      throw DomainException.invalid("identifier_required",
          "a customer needs at least one of email, phone or external_id", "email");
    }
    String id = Ids.newCustomerId();
    Activity created = activity("profile", "Customer created", new JsonObject());
    return repository.create(storeId, id, fields, created).map(c -> {
      if (c.isNew()) {
        listener.created(storeId, id, c.customer());
      }
      return new Reply(c.isNew() ? 201 : 200, c.object());
    });
  }

  private Future<Reply> get(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    return repository.encoded(storeId, id).map(customer -> {
      if (customer == null) {
        throw DomainException.notFound("customer", id);
      }
      return Reply.ok(customer);
    });
  }

  private Future<Reply> update(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    JsonObject patch = normalized(req.body());
    return repository.update(storeId, id, current -> applyPatch(current, patch)).map(row -> {
      listener.changed(storeId, id);
      return Reply.ok(render(found(row, id)));
    });
  }

  private Future<Reply> delete(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    return repository.delete(storeId, id).map(deleted -> {
      if (!deleted) {
        throw DomainException.notFound("customer", id);
      }
      directory.forget(storeId, id);
      listener.changed(storeId, id);
      return Reply.ok(new JsonObject().put("id", id).put("object", "customer").put("deleted", true));
    });
  }

  private Future<Reply> list(ApiRequest req) {
    String storeId = req.storeId();
    CustomerQuery query = customerQuery(req);
    Future<List<CustomerRepository.Listed>> page = repository.list(storeId, query)
        .recover(failure -> Future.failedFuture(query.afterId() != null && isDataException(failure)
            ? Cursor.invalid() : failure));
    if (!"true".equals(req.query("count"))) {
      return page.map(rows -> Reply.ok(encodePage(rows, query, null)));
    }
    Future<CustomerListing.Count> count = repository.count(storeId, query);
    return Future.all(page, count).map(both -> Reply.ok(encodePage(page.result(), query, count.result())));
  }

  /**
   * The page with each customer's encoded bytes as they are (GET's answer, from the profile cache
   * or rendered once), then {@code count, count_estimated} when asked. The page's statement asks
   * for one row more than the limit (see ListPage).
   */
  static Buffer encodePage(List<CustomerRepository.Listed> rows, CustomerQuery query, CustomerListing.Count count) {
    return ListPage.encoded(rows, query.limit() - 1, CustomerRepository.Listed::object,
        last -> new JsonObject()
            .put("s", query.sort().param)
            .put("o", query.descending() ? "desc" : "asc")
            .put("k", last.sortKey())
            .put("id", last.id()),
        count == null ? null
            : new JsonObject().put("count", count.value()).put("count_estimated", count.estimated()));
  }

  /** A value PostgreSQL cannot read back as a sort key: in a list query, only a tampered cursor's key. */
  private static boolean isDataException(Throwable failure) {
    return failure instanceof PgException pg && pg.getSqlState() != null && UNREADABLE_KEY.contains(pg.getSqlState());
  }

  /** Parses list parameters; the page query asks for one row more than the limit (see ListPage). */
  private static CustomerQuery customerQuery(ApiRequest req) {
    CustomerSort sort = CustomerSort.fromParam(req.query("sort"));
    String order = req.query("order") == null ? "desc" : req.query("order");
    boolean descending = order.equals("desc");
    String afterKey = null;
    String afterId = null;
    String cursor = req.query("cursor");
    if (cursor != null) {
      JsonObject pos = Cursor.decode(cursor);
      afterKey = pos.getString("k");
      afterId = pos.getString("id");
      if (afterKey == null || afterId == null || !readsAs(sort, afterKey)) {
        throw Cursor.invalid();
      }
      if (!sort.param.equals(pos.getString("s")) || !order.equals(pos.getString("o"))) {
        throw DomainException.invalid("cursor_invalid",
            "this cursor belongs to a list sorted by " + pos.getString("s") + " " + pos.getString("o")
                + "; pass the same sort and order as the first page", "cursor");
      }
    }
    String search = req.query("search");
    if (search != null && search.isBlank()) {
      search = null;
    }
    return new CustomerQuery(
        search,
        tags(req),
        req.query("created_after") == null ? null : Wire.parseInstant(req.query("created_after"), "created_after"),
        req.query("created_before") == null ? null : Wire.parseInstant(req.query("created_before"), "created_before"),
        metadataFilter(req),
        req.query("segment_id"),
        sort,
        descending,
        afterKey,
        afterId,
        req.queryInt("limit", 25) + 1);
  }

  /** PostgreSQL's text form of a timestamptz, as cursors carry it: 2026-11-23 01:30:12.562584+00. */
  private static final java.time.format.DateTimeFormatter PG_TIME = new java.time.format.DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd HH:mm:ss")
      .optionalStart().appendFraction(java.time.temporal.ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
      .appendOffset("+HH:mm", "+00")
      .toFormatter();

  /**
   * Whether a cursor's sort key reads as its column's type. An edited cursor whose key does not
   * would otherwise reach PostgreSQL and come back as a bad-format error rather than a bad cursor.
   */
  private static boolean readsAs(CustomerSort sort, String key) {
    try {
      switch (sort.sqlType) {
        case "numeric" -> new java.math.BigDecimal(key);
        case "int" -> Integer.parseInt(key);
        default -> {
          if (!key.equals("-infinity")) {
            PG_TIME.parse(key);
          }
        }
      }
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** {@code tags=vip&tags=wholesale} or {@code tags=vip,wholesale}: customers having all of them. */
  private static List<String> tags(ApiRequest req) {
    List<String> tags = new ArrayList<>();
    for (String v : req.rawQuery().getAll("tags")) {
      for (String t : v.split(",")) {
        if (!t.isBlank()) {
          tags.add(t.trim());
        }
      }
    }
    return tags;
  }

  /** {@code metadata[source]=trade_show}: customers whose metadata has all of these pairs. */
  private static JsonObject metadataFilter(ApiRequest req) {
    JsonObject filter = new JsonObject();
    for (Map.Entry<String, String> e : req.rawQuery()) {
      String name = e.getKey();
      if (name.startsWith("metadata[") && name.endsWith("]") && name.length() > 10) {
        filter.put(name.substring(9, name.length() - 1), e.getValue());
      } else if (name.startsWith("metadata")) {
        throw DomainException.invalidParam(name, "filter custom fields as metadata[key]=value");
      }
    }
    return filter;
  }

  // --- notes and activity -------------------------------------------------------------------

  private Future<Reply> addNote(ApiRequest req) {
    String storeId = req.storeId();
    String customerId = req.path("id");
    JsonObject body = req.body();
    String text = body.getString("body").trim();
    if (text.isEmpty()) {
      throw DomainException.invalidParam("body", "body must not be blank");
    }
    String noteId = Ids.newId("note");
    Activity added = activity("note", "Note added",
        new JsonObject().put("note_id", noteId).put("body", text).put("author", body.getString("author")));
    return repository.addNote(storeId, customerId, noteId, text, body.getString("author"), added)
        .map(row -> Reply.created(renderNote(found(row, customerId))));
  }

  private Future<Reply> listNotes(ApiRequest req) {
    String storeId = req.storeId();
    String customerId = req.path("id");
    int limit = req.queryInt("limit", 25);
    Cursor.TimeAndId after = Cursor.TimeAndId.decode(req.query("cursor"));
    return repository.exists(storeId, customerId).compose(exists -> {
      if (!exists) {
        throw DomainException.notFound("customer", customerId);
      }
      return repository.listNotes(storeId, customerId, after.time(), after.id(), limit + 1);
    }).map(rows -> Reply.ok(ListPage.of(rows, limit, CustomerApi::renderNote,
        r -> Cursor.TimeAndId.of(r.getOffsetDateTime("created_at"), r.getString("id")))));
  }

  /**
   * Adds a {@code support} entry (seed 001: "Chat: Sizing question", with its {@code agent}) from
   * the store's help desk. {@code occurred_at} defaults to now and may not be in the future
   * (a minute of clock skew allowed): the timeline is what happened.
   */
  private Future<Reply> addActivity(ApiRequest req) {
    String storeId = req.storeId();
    String customerId = req.path("id");
    JsonObject body = req.body();
    String title = body.getString("title").trim();
    if (title.isEmpty()) {
      throw DomainException.invalidParam("title", "title must not be blank");
    }
    String agent = body.getString("agent").trim();
    if (agent.isEmpty()) {
      throw DomainException.invalidParam("agent", "agent must not be blank");
    }
    OffsetDateTime occurred = OffsetDateTime.now(ZoneOffset.UTC);
    if (body.getString("occurred_at") != null) {
      java.time.Instant at = Wire.parseInstant(body.getString("occurred_at"), "occurred_at");
      if (at.isAfter(java.time.Instant.now().plusSeconds(60))) {
        throw DomainException.invalidParam("occurred_at", "occurred_at must not be in the future");
      }
      occurred = at.atOffset(ZoneOffset.UTC);
    }
    JsonObject data = new JsonObject().put("agent", agent);
    for (String optional : List.of("channel", "summary", "conversation_id")) {
      if (body.getString(optional) != null) {
        data.put(optional, body.getString(optional));
      }
    }
    Activity entry = new Activity(Ids.newId("act"), body.getString("type"), title, data, occurred);
    return repository.addActivity(storeId, customerId, entry).map(added -> {
      if (!added) {
        throw DomainException.notFound("customer", customerId);
      }
      return Reply.created(renderActivity(new ActivitySource.Entry(entry.id(), entry.type(), entry.title(),
          entry.data(), entry.occurredAt())));
    });
  }

  private Future<Reply> listActivity(ApiRequest req) {
    String storeId = req.storeId();
    String customerId = req.path("id");
    int limit = req.queryInt("limit", 25);
    Cursor.TimeAndId after = Cursor.TimeAndId.decode(req.query("cursor"));
    List<String> types = new ArrayList<>();
    for (String v : req.rawQuery().getAll("types")) {
      for (String t : v.split(",")) {
        if (!t.isBlank()) {
          types.add(t.trim());
        }
      }
    }
    OffsetDateTime from = req.query("after") == null ? null
        : Wire.parseInstant(req.query("after"), "after").atOffset(ZoneOffset.UTC);
    OffsetDateTime until = req.query("before") == null ? null
        : Wire.parseInstant(req.query("before"), "before").atOffset(ZoneOffset.UTC);
    ActivitySource.Query query = new ActivitySource.Query(types, from, until, after.time(), after.id(), limit + 1);
    return repository.exists(storeId, customerId).compose(exists -> {
      if (!exists) {
        throw DomainException.notFound("customer", customerId);
      }
      List<Future<List<ActivitySource.Entry>>> parts = new ArrayList<>();
      parts.add(repository.listActivity(storeId, customerId, query));
      activitySources.forEach(source -> parts.add(source.entries(storeId, customerId, query)));
      return Future.all(parts).map(all -> {
        List<ActivitySource.Entry> merged = new ArrayList<>();
        parts.forEach(p -> merged.addAll(p.result()));
        merged.sort(NEWEST_FIRST);
        return merged.size() > limit + 1 ? merged.subList(0, limit + 1) : merged;
      });
    }).map(rows -> Reply.ok(ListPage.of(rows, limit, CustomerApi::renderActivity,
        e -> Cursor.TimeAndId.of(e.occurredAt(), e.id()))));
  }

  private static final java.util.Comparator<ActivitySource.Entry> NEWEST_FIRST =
      java.util.Comparator.comparing(ActivitySource.Entry::occurredAt)
          .thenComparing(ActivitySource.Entry::id).reversed();

  // --- the profile rules --------------------------------------------------------------------

  /** Trims strings and checks the values JSON Schema cannot: email shape and time zone. */
  static JsonObject normalized(JsonObject body) {
    JsonObject out = body.copy();
    for (String f : List.of("email", "first_name", "last_name", "phone", "external_id", "timezone")) {
      if (out.getValue(f) instanceof String s) {
        String t = s.trim();
        out.put(f, t.isEmpty() ? null : t);
      }
    }
    String email = out.getString("email");
    if (email != null && !EMAIL.matcher(email).matches()) {
      throw DomainException.invalidParam("email", "email must look like name@example.com, got '" + email + "'");
    }
    String tz = out.getString("timezone");
    if (tz != null) {
      try {
        ZoneId.of(tz);
      } catch (DateTimeException e) {
        throw DomainException.invalidParam("timezone", "timezone must be an IANA zone such as Europe/Paris, got '" + tz + "'");
      }
    }
    return out;
  }

  /**
   * The profile after a PATCH: given fields replace the old ones, {@code null} clears them, and
   * {@code metadata} merges key by key ({@code null} removes a key). The activity entry lists
   * each field that really changed, with its old and new value.
   */
  public static Update applyPatch(Row current, JsonObject patch) {
    JsonObject before = writable(render(current));
    JsonObject after = before.copy();
    for (String field : patch.fieldNames()) {
      Object value = patch.getValue(field);
      switch (field) {
        case "metadata" -> {
          JsonObject merged = before.getJsonObject("metadata", new JsonObject()).copy();
          if (value instanceof JsonObject m) {
            m.forEach(e -> {
              if (e.getValue() == null) {
                merged.remove(e.getKey());
              } else {
                merged.put(e.getKey(), e.getValue());
              }
            });
          } else {
            merged.clear();
          }
          after.put("metadata", merged);
        }
        case "tags" -> after.put("tags", value == null ? new JsonArray() : value);
        case "email_consent", "sms_consent", "push_consent" -> after.put(field, value != null && (Boolean) value);
        default -> after.put(field, value);
      }
    }
    if (after.getValue("email") == null && after.getValue("phone") == null && after.getValue("external_id") == null) {
      throw DomainException.invalid("identifier_required",
          "a customer keeps at least one of email, phone or external_id; this change would clear the last one",
          patch.containsKey("email") ? "email" : patch.containsKey("phone") ? "phone" : "external_id");
    }
    JsonObject changes = new JsonObject();
    for (String field : CustomerRepository.WRITABLE) {
      if (!Objects.equals(before.getValue(field), after.getValue(field))) {
        changes.put(field, new JsonObject().put("from", before.getValue(field)).put("to", after.getValue(field)));
      }
    }
    if (changes.isEmpty()) {
      return new Update(after, null);
    }
    String title = "Profile updated: " + String.join(", ", changes.fieldNames());
    return new Update(after, activity("profile", title, new JsonObject().put("changes", changes)));
  }

  private static JsonObject writable(JsonObject customer) {
    JsonObject out = new JsonObject();
    for (String f : CustomerRepository.WRITABLE) {
      out.put(f, customer.getValue(f));
    }
    return out;
  }

  static Activity activity(String type, String title, JsonObject data) {
    return new Activity(Ids.newRecordId("act"), type, title, data, OffsetDateTime.now(ZoneOffset.UTC));
  }

  private static Row found(Row row, String id) {
    if (row == null) {
      throw DomainException.notFound("customer", id);
    }
    return row;
  }

  // --- rendering ----------------------------------------------------------------------------

  static JsonObject render(Row r) {
    int orders = r.getInteger("total_orders");
    BigDecimal spent = r.getBigDecimal("total_spent");
    BigDecimal aov = orders == 0 ? BigDecimal.ZERO : spent.divide(BigDecimal.valueOf(orders), 2, RoundingMode.HALF_EVEN);
    String[] tags = r.getArrayOfStrings("tags");
    return new JsonObject()
        .put("id", r.getString("id"))
        .put("object", "customer")
        .put("email", r.getString("email"))
        .put("first_name", r.getString("first_name"))
        .put("last_name", r.getString("last_name"))
        .put("phone", r.getString("phone"))
        .put("external_id", r.getString("external_id"))
        .put("timezone", r.getString("timezone"))
        .put("tags", new JsonArray(tags == null ? List.of() : List.of(tags)))
        .put("address", r.getJsonObject("address"))
        .put("metadata", r.getJsonObject("metadata"))
        .put("email_consent", r.getBoolean("email_consent"))
        .put("sms_consent", r.getBoolean("sms_consent"))
        .put("push_consent", r.getBoolean("push_consent"))
        .put("total_orders", orders)
        .put("total_spent", Wire.money(spent))
        .put("average_order_value", Wire.money(aov))
        .put("first_order_at", Wire.time(r.getOffsetDateTime("first_order_at")))
        .put("last_order_at", Wire.time(r.getOffsetDateTime("last_order_at")))
        .put("last_seen_at", Wire.time(r.getOffsetDateTime("last_seen_at")))
        .put("cart", openCart(r))
        .put("created_at", Wire.time(r.getOffsetDateTime("created_at")))
        .put("updated_at", Wire.time(r.getOffsetDateTime("updated_at")));
  }

  /** The open cart: the latest cart update, unless an order was placed at or after it. */
  private static JsonObject openCart(Row r) {
    Object raw = r.getValue("cart");
    if (!(raw instanceof JsonObject cart) || cart.getString("v") == null) {
      return null;
    }
    long at = cart.getLong("at");
    OffsetDateTime lastOrder = r.getOffsetDateTime("last_order_at");
    if (lastOrder != null && lastOrder.toInstant().toEpochMilli() >= at) {
      return null;
    }
    return new JsonObject()
        .put("cart_id", cart.getString("id"))
        .put("value", Wire.money(new BigDecimal(cart.getString("v"))))
        .put("item_count", cart.getLong("n"))
        .put("updated_at", Wire.time(java.time.Instant.ofEpochMilli(at)));
  }

  private static JsonObject renderNote(Row r) {
    return new JsonObject()
        .put("id", r.getString("id"))
        .put("object", "customer_note")
        .put("customer_id", r.getString("customer_id"))
        .put("body", r.getString("body"))
        .put("author", r.getString("author"))
        .put("created_at", Wire.time(r.getOffsetDateTime("created_at")));
  }

  private static JsonObject renderActivity(ActivitySource.Entry e) {
    JsonObject entry = new JsonObject()
        .put("id", e.id())
        .put("object", "activity")
        .put("type", e.type())
        .put("title", e.title());
    if (e.data() != null) {
      entry.mergeIn(e.data());
    }
    return entry.put("occurred_at", Wire.time(e.occurredAt()));
  }
}
