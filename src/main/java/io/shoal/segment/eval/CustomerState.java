package io.shoal.segment.eval;

import io.shoal.event.LoggedEvent;
import io.shoal.metrics.CustomerMetrics;
import io.shoal.metrics.MetricsSettings;
import io.shoal.metrics.PurchaseLog;
import io.shoal.metrics.live.LiveMetrics;
import io.shoal.metrics.live.MetricsJson;
import io.shoal.segment.rule.CustomerFacts;
import io.shoal.segment.rule.EpochMillisTimes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything the evaluator keeps about one customer: the profile (a copy of the customers row),
 * the orders, the times of recent events by type, the open cart, and the segments it is in.
 *
 * <p>Aggregates are derived from the set of orders, never accumulated, so events applied in any
 * order give the same result: an order counts when its completion has been seen and it is not
 * cancelled; its value is its total less what was refunded; a refund or cancellation that
 * arrives before the order simply waits in the order's record.
 *
 * <p>A server holds one of these per customer, so it is kept small (bench/engine's seventh pass:
 * 3.5 KB a customer before, with maps per customer): small maps are arrays searched in order,
 * amounts are cents in a long unless a value needs more digits, the profile's low-cardinality
 * strings (names, tags, address and metadata keys and values) are one shared copy, and what
 * derives from the orders (purchase times by product and category) is derived when read.
 */
final class CustomerState implements CustomerFacts {

  /** Kept per event type and per purchased id: enough for any "at least K in N days" up to K = 256. */
  static final int MAX_TIMES = 256;
  private static final String[] NO_IDS = new String[0];
  private static final Order[] NO_ORDERS = new Order[0];
  private static final long[][] NO_TIMES = new long[0][];
  private static final long[] NO_BITS = new long[0];

  final String storeId;
  final String customerId;
  /** The customer's number (customers.num, V70), set with the profile; 0 before a row was read. */
  private int num;

  // profile: null fields until a customers row is read (every profile field then reads null)
  private String email;
  private String firstName;
  private String lastName;
  private String phone;
  private String externalId;
  private String timezone;
  /** Whether a profile was read, and its consents (null, false or true: two bits each, see {@link #consent}). */
  private byte profileFlags;
  private List<String> tags = List.of();
  /** The address and metadata objects as key, value, key, value...; null when absent or empty. */
  private Object[] address;
  private Object[] metadata;
  private long createdAt = Long.MIN_VALUE;
  /** updated_at of the profile last read, and of the profile the stored evaluation used. */
  private long profileAt;
  private long evaluatedProfileAt;

  // behaviour
  private Order[] orders = NO_ORDERS;
  /** Event types (interned) and the kept times of each, at the same index. */
  private String[] eventTypes = NO_IDS;
  private long[][] eventTimes = NO_TIMES;
  private long lastSeenAt = Long.MIN_VALUE;
  /** The last cart seen (updated or checked out), null before any. */
  private Cart cart;
  /**
   * The stored state as loaded at start, while its behaviour part (cart, orders, event times) is
   * not decoded into the fields above ({@link #pack}); null once it is ({@link #unpack}). A
   * customer untouched since start keeps one array instead of some fourteen objects that every
   * collection of a start copied (bench/engine, twenty-seventh pass).
   */
  private byte[] packed;
  /** Where the behaviour part starts in {@link #packed}. */
  private int packedFrom;

  // derived from orders (recomputed when they change)
  private long totalOrders;
  private BigDecimal totalSpent = ZERO_SPENT;
  /** {@link #totalSpent} in cents, or {@link #NO_TOTAL} when it is kept as a BigDecimal only. */
  private long totalSpentCents;
  private long firstOrderAt = Long.MIN_VALUE;
  private long lastOrderAt = Long.MIN_VALUE;

  /** Purchase times by product [0] and category [1], derived from the orders while the partition evaluates the customer; else null. */
  private PurchaseTimes[] purchases;

  /** Orders changed since the aggregates were last written to the customers row. */
  boolean aggregatesDirty;

  // metrics (see io.shoal.metrics): null store when metrics are off
  private final LiveMetrics.Store metricsStore;
  private final MetricsSettings metricsSettings;
  /** As of the last order or metrics recompute; null until first read (computed lazily after a load). */
  private CustomerMetrics metrics;

  // evaluation
  /**
   * The log position of the last event applied to this state, stored with it. The partition's
   * checkpoint may lag behind it (it stays below events still waiting for a customer to load),
   * so a replay after a crash can offer an event this state already holds: it is skipped.
   */
  long appliedSeq;
  /** The segments it is in, a bit per segment slot; as long as its highest slot needs, not doubled as a BitSet grows. */
  private long[] segmentBits = NO_BITS;
  /** The segments it is in changed since its state was last written (the write then carries them). */
  boolean membershipsDirty;
  /**
   * The numbers of the segments whose membership flipped since the memberships were last written,
   * [0] their count, or null: the write tells PostgreSQL where the list changed (MembershipEdits).
   */
  private int[] membershipEdits;
  /** The partition's batch that last took it as dirty (PartitionCore.markDirty). */
  long dirtyIn;
  /**
   * Its state row exists: it was loaded with a stored state, or a batch holding it committed. Only
   * then may a backfill's write of it be lean ({@link #fullWrite}): a lean write updates, never inserts.
   */
  boolean rowStored;
  /**
   * Its next write must carry the whole row (state, last seen, cart, the whole membership list):
   * set by every change but a backfill's (PartitionCore.markDirty). A customer dirty only by
   * backfills is written lean: the segment numbers it entered and left, and its state's bytes only
   * when {@link #checkMoved} (EvaluationStore.SQL_LEAN_STATES).
   */
  boolean fullWrite;
  /** A backfill moved its next time check (kept in its state's bytes) since it was last written. */
  boolean checkMoved;
  long nextCheckAt = Long.MAX_VALUE;
  /** Its place in its partition's heap of time checks, -1 when not in it (see PartitionCore). */
  int checkSlot = -1;
  /** Loaded since start and not yet evaluated against every segment. */
  boolean fresh;

  private static final BigDecimal ZERO_SPENT = BigDecimal.ZERO.setScale(2);
  /** No completion seen yet (an order known from its refund or cancellation only). */
  private static final long NO_TOTAL = Long.MIN_VALUE;

  static final class Order {
    final String id;
    long at = Long.MIN_VALUE;
    /** The total in cents, or {@link #NO_TOTAL}; when {@code exactTotal} is set, that is the total. */
    private long totalCents = NO_TOTAL;
    private BigDecimal exactTotal;
    /** What was refunded, null for nothing (refunds are rare). */
    private BigDecimal refunded;
    boolean cancelled;
    /** Product and category (null when none was sent) of each line, in turn: all a rule reads of an order's items. */
    String[] lines = NO_IDS;

    Order(String id) {
      this.id = id;
    }

    void items(JsonArray items) {
      int n = items == null ? 0 : items.size();
      String[] l = n == 0 ? NO_IDS : new String[2 * n];
      for (int i = 0; i < n; i++) {
        JsonObject item = items.getJsonObject(i);
        l[2 * i] = IdPool.SHARED.intern(String.valueOf(item.getString("product_id")));
        l[2 * i + 1] = IdPool.SHARED.intern(item.getString("category_id"));
      }
      lines = l;
    }

    int lineCount() {
      return lines.length / 2;
    }

    String product(int line) {
      return lines[2 * line];
    }

    String category(int line) {
      return lines[2 * line + 1];
    }

    /** The total, or null before the completion was seen. */
    BigDecimal total() {
      return exactTotal != null ? exactTotal : totalCents == NO_TOTAL ? null : BigDecimal.valueOf(totalCents, 2);
    }

    void total(BigDecimal total) {
      long cents = cents(total);
      totalCents = cents == NO_TOTAL ? 0 : cents;
      exactTotal = cents == NO_TOTAL ? total : null;
    }

    BigDecimal refunded() {
      return refunded == null ? BigDecimal.ZERO : refunded;
    }

    void refunded(BigDecimal amount) {
      refunded = amount.signum() == 0 && amount.scale() == 0 ? null : amount;
    }

    boolean counts() {
      return (totalCents != NO_TOTAL || exactTotal != null) && !cancelled;
    }

    /** The order's value in cents (total less refunds, at least zero), or {@link #NO_TOTAL} when it needs BigDecimal. */
    long valueCents() {
      return exactTotal == null && refunded == null ? Math.max(totalCents, 0) : NO_TOTAL;
    }

    BigDecimal value() {
      return total().subtract(refunded()).max(BigDecimal.ZERO);
    }

    /** The value as a double: the nearest one either way (cents below 10^15 and 100 are exact doubles). */
    double net() {
      long cents = valueCents();
      return cents != NO_TOTAL ? cents / 100.0 : value().doubleValue();
    }
  }

  /** An amount in cents when it is exactly that (at most 15 digits), else {@link #NO_TOTAL}. */
  static long cents(BigDecimal amount) {
    BigDecimal a = amount;
    if (a.scale() > 2) {
      a = a.stripTrailingZeros();
      if (a.scale() > 2) {
        return NO_TOTAL;
      }
    }
    a = a.setScale(2);
    return a.precision() > 15 ? NO_TOTAL : a.unscaledValue().longValue();
  }

  /** The open cart's record (the last cart event's). */
  private static final class Cart {
    String id;
    BigDecimal value;
    long items;
    long updatedAt;
  }

  CustomerState(String storeId, String customerId) {
    this(storeId, customerId, null);
  }

  CustomerState(String storeId, String customerId, LiveMetrics metrics) {
    this.storeId = storeId;
    this.customerId = customerId;
    boolean on = metrics != null && metrics.enabled();
    this.metricsStore = on ? metrics.store(storeId) : null;
    this.metricsSettings = on ? metrics.settings() : null;
  }

  // --- profile --------------------------------------------------------------------------

  private static final int PROFILE_READ = 1;
  private static final int EMAIL_CONSENT = 1;
  private static final int SMS_CONSENT = 3;
  private static final int PUSH_CONSENT = 5;

  /** The profile from a customer row of {@link EvaluationStore} (its columns read by position). */
  void setProfile(Row r) {
    setProfile(r.getInteger(EvaluationStore.NUM), r.getString(EvaluationStore.EMAIL),
        r.getString(EvaluationStore.FIRST_NAME), r.getString(EvaluationStore.LAST_NAME),
        r.getString(EvaluationStore.PHONE), r.getString(EvaluationStore.EXTERNAL_ID),
        r.getString(EvaluationStore.TIMEZONE), r.getBoolean(EvaluationStore.EMAIL_CONSENT),
        r.getBoolean(EvaluationStore.SMS_CONSENT), r.getBoolean(EvaluationStore.PUSH_CONSENT),
        r.getArrayOfStrings(EvaluationStore.TAGS), r.getString(EvaluationStore.ADDRESS),
        r.getString(EvaluationStore.METADATA), r.getOffsetDateTime(EvaluationStore.CREATED_AT),
        r.getOffsetDateTime(EvaluationStore.UPDATED_AT));
  }

  /**
   * The profile from the row a create through the API returned (the customers row's columns by
   * name, address and metadata as the text of their jsonb: see {@link ControlMessage.Created}).
   */
  void setCreatedProfile(Row r) {
    String[] tags = r.getArrayOfStrings("tags"); // the API's row: its array copied, not shared in place
    setProfile(r.getInteger("num"), r.getString("email"), r.getString("first_name"), r.getString("last_name"),
        r.getString("phone"), r.getString("external_id"), r.getString("timezone"), r.getBoolean("email_consent"),
        r.getBoolean("sms_consent"), r.getBoolean("push_consent"), tags == null ? null : tags.clone(),
        r.getString("address_text"), r.getString("metadata_text"), r.getOffsetDateTime("created_at"),
        r.getOffsetDateTime("updated_at"));
  }

  private void setProfile(int num, String email, String firstName, String lastName, String phone, String externalId,
                          String timezone, Boolean emailConsent, Boolean smsConsent, Boolean pushConsent, String[] t,
                          String address, String metadata, OffsetDateTime createdAt, OffsetDateTime updatedAt) {
    this.num = num;
    this.email = email;
    this.firstName = SharedValues.PROFILE.share(firstName);
    this.lastName = SharedValues.PROFILE.share(lastName);
    this.phone = phone;
    this.externalId = externalId;
    this.timezone = SharedValues.PROFILE.share(timezone);
    profileFlags = (byte) (PROFILE_READ | consentBits(emailConsent) << EMAIL_CONSENT
        | consentBits(smsConsent) << SMS_CONSENT | consentBits(pushConsent) << PUSH_CONSENT);
    if (t == null || t.length == 0) {
      tags = List.of();
    } else {
      for (int i = 0; i < t.length; i++) {
        t[i] = SharedValues.PROFILE.share(t[i]);
      }
      tags = SharedValues.PROFILE.shareList(t);
    }
    this.address = SharedValues.PROFILE.shareStrings(ProfileJson.flat(address));
    this.metadata = SharedValues.PROFILE.shareStrings(ProfileJson.flat(metadata));
    this.createdAt = createdAt.toInstant().toEpochMilli();
    profileAt = updatedAt.toInstant().toEpochMilli();
  }

  /** The customer's number (customers.num): unique in the database and never reused; 0 before its row was read. */
  int num() {
    return num;
  }

  private static int consentBits(Boolean consent) {
    return consent == null ? 0 : consent ? 2 : 1;
  }

  private Boolean consent(int shift) {
    int bits = (profileFlags >> shift) & 3;
    return bits == 0 ? null : bits == 2;
  }

  /** The value of the key that is {@code field} after its first {@code prefix} characters ("address.city": "city"). */
  private static Object flatValue(Object[] kv, String field, int prefix) {
    int length = field.length() - prefix;
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i] instanceof String key && key.length() == length && field.regionMatches(prefix, key, 0, length)) {
        return kv[i + 1];
      }
    }
    return null;
  }

  /** A field of the customers row, or null (every one before a row was read). */
  private Object profileValue(String field) {
    if ((profileFlags & PROFILE_READ) == 0) {
      return null;
    }
    return switch (field) {
      case "email" -> email;
      case "first_name" -> firstName;
      case "last_name" -> lastName;
      case "phone" -> phone;
      case "external_id" -> externalId;
      case "timezone" -> timezone;
      case "email_consent" -> consent(EMAIL_CONSENT);
      case "sms_consent" -> consent(SMS_CONSENT);
      case "push_consent" -> consent(PUSH_CONSENT);
      case "anonymous" -> email == null && externalId == null;
      default -> null;
    };
  }

  /** Whether its customers row was read ({@link #setProfile}). */
  boolean profileRead() {
    return (profileFlags & PROFILE_READ) != 0;
  }

  /** True when the stored evaluation predates the profile (it changed while Shoal was down). */
  boolean profileChangedSinceEvaluated() {
    return profileAt > evaluatedProfileAt;
  }

  // --- events ---------------------------------------------------------------------------

  /** Field names that any event changes; behaviour conditions read "events:<type>". */
  private static final Set<String> ORDER_FIELDS = Set.of("total_orders", "total_spent", "average_order_value",
      "first_order_at", "last_order_at", "products_bought", "categories_bought", "purchases",
      "cart.value", "cart.item_count", "cart.updated_at");
  private static final Set<String> CART_FIELDS = Set.of("cart.value", "cart.item_count", "cart.updated_at");

  private static final Set<String> ORDER_TYPES = Set.of("order.completed", "order.refunded", "order.cancelled");
  private static final Set<String> CART_TYPES = Set.of("cart.updated", "checkout.started");
  private static final Map<String, Set<String>> CHANGED_BY_TYPE = new ConcurrentHashMap<>();

  /**
   * The fields an event of this type may change (names as rules read them), known before it is
   * applied: what {@link #apply} answers. Order events change the metrics too.
   */
  static Set<String> fieldsChangedBy(String type) {
    return CHANGED_BY_TYPE.computeIfAbsent(type, t -> {
      Set<String> changed = new TreeSet<>();
      changed.add("last_seen_at");
      changed.add("events:" + t);
      if (ORDER_TYPES.contains(t)) {
        changed.addAll(ORDER_FIELDS);
        changed.addAll(LiveMetrics.FIELDS);
      } else if (CART_TYPES.contains(t)) {
        changed.addAll(CART_FIELDS);
      }
      return Set.copyOf(changed);
    });
  }

  /** Applies one event; answers the fields it may have changed ({@link #fieldsChangedBy} its type). */
  Set<String> apply(LoggedEvent e) {
    unpack();
    long at = e.occurredAt().toEpochMilli();
    boolean hadOrders = totalOrders > 0;
    lastSeenAt = Math.max(lastSeenAt, at);
    recordEventTime(IdPool.SHARED.intern(e.type()), at);
    JsonObject d = e.data();
    switch (e.type()) {
      case "order.completed" -> {
        Order o = order(d.getString("order_id"));
        o.total(new BigDecimal(d.getValue("total").toString()));
        o.at = at;
        o.items(d.getJsonArray("items"));
        ordersChanged();
      }
      case "order.refunded" -> {
        Order o = order(d.getString("order_id"));
        o.refunded(o.refunded().add(new BigDecimal(d.getValue("amount").toString())));
        ordersChanged();
      }
      case "order.cancelled" -> {
        order(d.getString("order_id")).cancelled = true;
        ordersChanged();
      }
      case "cart.updated", "checkout.started" -> {
        if (cart == null || at >= cart.updatedAt) {
          Cart c = cart == null ? new Cart() : cart;
          c.updatedAt = at;
          c.id = d.getString("cart_id");
          c.value = new BigDecimal(d.getValue("total").toString());
          long items = 0;
          for (Object i : d.getJsonArray("items", new JsonArray())) {
            items += ((JsonObject) i).getLong("quantity", 1L);
          }
          c.items = items;
          cart = c;
        }
      }
      default -> { }
    }
    if (metricsStore != null && ORDER_TYPES.contains(e.type())) {
      ordersChangedMetrics(hadOrders);
    }
    return fieldsChangedBy(e.type());
  }

  /** After an order change: the store's quintiles learn the new values, and the metrics follow. */
  private void ordersChangedMetrics(boolean hadOrders) {
    PurchaseLog log = purchaseLog();
    if (!log.isEmpty()) {
      addToStore(log, !hadOrders);
    } else if (hadOrders) {
      metricsStore.buyerRemoved(); // its last counted order was cancelled: a buyer again only at its next one
    }
    metrics = metricsAt(log, System.currentTimeMillis());
  }

  /** Counts a customer loaded with orders (at start, or first seen since) in the store's metrics. */
  void countInMetrics() {
    if (metricsStore != null && totalOrders > 0) {
      addToStore(purchaseLog(), true);
    }
  }

  /** Takes a customer counted by {@link #countInMetrics} (or since, by its first order) out of the store's buyers. */
  void uncountInMetrics() {
    if (metricsStore != null && totalOrders > 0) {
      metricsStore.buyerRemoved();
    }
  }

  private void addToStore(PurchaseLog purchaseLog, boolean newBuyer) {
    if (newBuyer) {
      metricsStore.buyerAdded();
    }
    metricsStore.quintiles().add(PurchaseLog.day(purchaseLog.lastAt()), purchaseLog.asOf(purchaseLog.lastAt()).x() + 1,
        purchaseLog.total());
  }

  /** Recomputes the metrics as of {@code nowMs} with the store's current model and quintiles. */
  void refreshMetrics(long nowMs) {
    metrics = metricsAt(nowMs);
  }

  /** The metrics as of {@code nowMs}, without keeping them; null when metrics are off. */
  CustomerMetrics metricsAt(long nowMs) {
    return metricsStore == null ? null : metricsAt(purchaseLog(), nowMs);
  }

  private CustomerMetrics metricsAt(PurchaseLog log, long nowMs) {
    return CustomerMetrics.compute(log, metricsStore.model(), metricsStore.quintiles().boundaries(), metricsSettings,
        nowMs);
  }

  private CustomerMetrics metrics() {
    if (metrics == null && metricsStore != null) {
      refreshMetrics(System.currentTimeMillis());
    }
    return metrics;
  }

  /**
   * The orders that count as the metrics read them (empty when metrics are off): derived from
   * the orders when asked (after an order, at a metrics recompute, for a model fit), not kept.
   */
  PurchaseLog purchaseLog() {
    if (metricsStore == null || totalOrders == 0) {
      return PurchaseLog.EMPTY;
    }
    long[] at = new long[(int) totalOrders];
    double[] net = new double[at.length];
    int n = 0;
    // a packed customer's orders decoded for this only: a metrics refit over every customer must not unpack them all
    for (Order o : packed == null ? orders : packedOrders()) {
      if (o.counts()) {
        at[n] = o.at;
        net[n] = o.net();
        n++;
      }
    }
    return PurchaseLog.of(at, net, n);
  }

  /** The order of that id, added when new. */
  private Order order(String id) {
    for (Order o : orders) {
      if (o.id.equals(id)) {
        return o;
      }
    }
    Order o = new Order(id);
    Order[] grown = Arrays.copyOf(orders, orders.length + 1);
    grown[orders.length] = o;
    orders = grown;
    return o;
  }

  private void recordEventTime(String type, long at) {
    for (int i = 0; i < eventTypes.length; i++) {
      if (eventTypes[i].equals(type)) {
        eventTimes[i] = withTime(eventTimes[i], at);
        return;
      }
    }
    addEventTimes(type, new long[] {at});
  }

  private void addEventTimes(String type, long[] times) {
    int n = eventTypes.length;
    eventTypes = Arrays.copyOf(eventTypes, n + 1);
    eventTimes = Arrays.copyOf(eventTimes, n + 1);
    eventTypes[n] = type;
    eventTimes[n] = times;
  }

  /** The kept times with one more (a new array: views handed out stay as they were), the oldest dropped past {@link #MAX_TIMES}. */
  private static long[] withTime(long[] times, long at) {
    int pos = Arrays.binarySearch(times, at);
    if (pos < 0) {
      pos = -pos - 1;
    }
    long[] grown;
    if (times.length < MAX_TIMES) {
      grown = new long[times.length + 1];
      System.arraycopy(times, 0, grown, 0, pos);
      grown[pos] = at;
      System.arraycopy(times, pos, grown, pos + 1, times.length - pos);
    } else {
      if (pos == 0) {
        return times; // older than everything kept
      }
      grown = new long[times.length];
      System.arraycopy(times, 1, grown, 0, pos - 1);
      grown[pos - 1] = at;
      System.arraycopy(times, pos, grown, pos, times.length - pos);
    }
    return grown;
  }

  private void ordersChanged() {
    purchases = null;
    int count = 0;
    long spentCents = 0;
    BigDecimal spentExact = null; // only when some value is not whole cents (or the sum would overflow)
    long first = Long.MIN_VALUE;
    long last = Long.MIN_VALUE;
    for (Order o : orders) {
      if (!o.counts()) {
        continue;
      }
      long cents = o.valueCents();
      BigDecimal exact = null;
      if (cents == NO_TOTAL) {
        exact = o.value();
        cents = cents(exact);
      }
      long sum = spentCents + cents;
      boolean overflows = ((spentCents ^ sum) & (cents ^ sum)) < 0;
      if (cents != NO_TOTAL && !overflows && spentExact == null) {
        spentCents = sum;
      } else {
        BigDecimal v = exact != null ? exact : BigDecimal.valueOf(cents, 2);
        spentExact = (spentExact == null ? BigDecimal.valueOf(spentCents, 2) : spentExact).add(v);
      }
      count++;
      first = first == Long.MIN_VALUE ? o.at : Math.min(first, o.at);
      last = Math.max(last, o.at);
    }
    BigDecimal newSpent = spentExact != null ? spentExact.setScale(2, RoundingMode.HALF_EVEN)
        : spentCents == 0 ? ZERO_SPENT : BigDecimal.valueOf(spentCents, 2);
    if (count != totalOrders || newSpent.compareTo(totalSpent) != 0 || first != firstOrderAt || last != lastOrderAt) {
      aggregatesDirty = true;
    }
    totalOrders = count;
    totalSpent = newSpent;
    totalSpentCents = spentExact != null ? NO_TOTAL : spentCents;
    firstOrderAt = first;
    lastOrderAt = last;
    if (metricsStore != null) {
      metrics = null;
    }
  }

  // --- segments -------------------------------------------------------------------------

  boolean inSegment(int slot) {
    int word = slot >>> 6;
    return word < segmentBits.length && (segmentBits[word] & (1L << slot)) != 0;
  }

  /** Joins the segments of {@code slots[0..n)}, the highest of them {@code highest}: one allocation at most. */
  void joinSegments(int[] slots, int n, int highest) {
    int words = (highest >>> 6) + 1;
    if (n > 0 && words > segmentBits.length) {
      segmentBits = Arrays.copyOf(segmentBits, words);
    }
    for (int i = 0; i < n; i++) {
      segmentBits[slots[i] >>> 6] |= 1L << slots[i];
    }
  }

  void segment(int slot, boolean in) {
    int word = slot >>> 6;
    if (word >= segmentBits.length) {
      if (!in) {
        return;
      }
      segmentBits = Arrays.copyOf(segmentBits, word + 1);
    }
    if (in) {
      segmentBits[word] |= 1L << slot;
    } else {
      segmentBits[word] &= ~(1L << slot);
    }
  }

  /** Notes that its membership of segment number {@code num} flipped (see {@link MembershipEdits}). */
  void membershipEdit(int num) {
    int[] e = membershipEdits;
    if (e == null) {
      e = membershipEdits = new int[5];
    } else if (e[0] + 1 == e.length) {
      e = membershipEdits = Arrays.copyOf(e, e.length * 2);
    }
    e[++e[0]] = num;
  }

  /** The flips noted since the last take ([0] their count), or null; none are noted after. */
  int[] takeMembershipEdits() {
    int[] e = membershipEdits;
    membershipEdits = null;
    return e;
  }

  /** Puts taken flips back before those noted since (their write failed and is retried). */
  void restoreMembershipEdits(int[] taken) {
    if (taken == null) {
      return;
    }
    int[] since = membershipEdits;
    membershipEdits = taken;
    if (since != null) {
      for (int i = 1; i <= since[0]; i++) {
        membershipEdit(since[i]);
      }
    }
  }

  /** The first slot at or after {@code from} that it is in, or -1. */
  int nextSegment(int from) {
    int word = from >>> 6;
    if (word >= segmentBits.length) {
      return -1;
    }
    long bits = segmentBits[word] & (-1L << from);
    while (true) {
      if (bits != 0) {
        return word * 64 + Long.numberOfTrailingZeros(bits);
      }
      if (++word == segmentBits.length) {
        return -1;
      }
      bits = segmentBits[word];
    }
  }

  int segmentCount() {
    int n = 0;
    for (long w : segmentBits) {
      n += Long.bitCount(w);
    }
    return n;
  }

  // --- CustomerFacts ----------------------------------------------------------------------

  @Override
  public Object value(String field) {
    switch (field) {
      case "tags":
        return tags;
      case "created_at":
        return instant(createdAt);
      case "total_orders":
        return totalOrders;
      case "total_spent":
        return totalSpent;
      case "average_order_value":
        return averageOrderValue();
      case "first_order_at":
        return instant(firstOrderAt);
      case "last_order_at":
        return instant(lastOrderAt);
      case "last_seen_at":
        return instant(lastSeenAt);
      case "cart.value":
        return cartOpen() ? cart.value : null;
      case "cart.item_count":
        return cartOpen() ? cart.items : null;
      case "cart.updated_at":
        return cartOpen() ? instant(cart.updatedAt) : null;
      case "products_bought":
        return boughtIds(0);
      case "categories_bought":
        return boughtIds(1);
      case "email", "first_name", "last_name", "phone", "external_id", "timezone", "email_consent", "sms_consent",
          "push_consent", "anonymous":
        // before the prefixes and the metrics' set: its look-up was a tenth of a backfill pass's time
        return profileValue(field);
      default:
        break;
    }
    // address and metadata first: rules read them far more often than metrics, and no metric
    // field starts with either prefix
    if (field.startsWith("address.")) {
      return address == null ? null : flatValue(address, field, 8);
    }
    if (field.startsWith("metadata.")) {
      return metadata == null ? null : flatValue(metadata, field, 9);
    }
    if (LiveMetrics.FIELDS.contains(field)) {
      return MetricsJson.field(metrics(), field);
    }
    return profileValue(field);
  }

  /**
   * The total spent over the orders, to the cent, halves to even. In cents when the total is (a
   * division of longs: the BigDecimal division per read was a tenth of a rule test's time, and
   * 121 of bench/engine's 1,000 segments read this field).
   */
  private BigDecimal averageOrderValue() {
    if (totalOrders == 0) {
      return ZERO_SPENT;
    }
    if (totalSpentCents == NO_TOTAL || totalSpentCents < 0) {
      return totalSpent.divide(BigDecimal.valueOf(totalOrders), 2, RoundingMode.HALF_EVEN);
    }
    long q = totalSpentCents / totalOrders;
    long twice = 2 * (totalSpentCents % totalOrders);
    if (twice > totalOrders || (twice == totalOrders && (q & 1) == 1)) {
      q++;
    }
    return BigDecimal.valueOf(q, 2);
  }

  private boolean cartOpen() {
    unpack();
    return cart != null && cart.updatedAt > lastOrderAt && cart.value != null;
  }

  /**
   * The distinct products ({@code side} 0) or categories (1) of the orders that count, sorted.
   * Derived when read rather than kept: a customer's few order lines are cheaper to scan than a
   * map per customer is to hold.
   */
  private List<String> boughtIds(int side) {
    if (totalOrders == 0) {
      return List.of();
    }
    unpack();
    List<String> ids = new ArrayList<>();
    for (Order o : orders) {
      if (o.counts()) {
        for (int i = side; i < o.lines.length; i += 2) {
          if (o.lines[i] != null) {
            ids.add(o.lines[i]);
          }
        }
      }
    }
    if (ids.isEmpty()) {
      return List.of();
    }
    Collections.sort(ids);
    int distinct = 1;
    for (int i = 1; i < ids.size(); i++) {
      if (!ids.get(i).equals(ids.get(distinct - 1))) {
        ids.set(distinct++, ids.get(i));
      }
    }
    return distinct == ids.size() ? ids : new ArrayList<>(ids.subList(0, distinct));
  }

  /**
   * The times the product or category was bought (one per order line naming it, of orders that
   * count), ascending, the newest {@link #MAX_TIMES}: derived from the orders when read, once
   * for all the conditions of an evaluation ({@link #purchases}).
   */
  @Override
  public List<Instant> purchaseTimes(String kind, String id) {
    int side = "product".equals(kind) ? 0 : "category".equals(kind) ? 1 : -1;
    if (side < 0 || totalOrders == 0 || id == null) {
      return List.of();
    }
    unpack();
    if (purchases == null) {
      purchases = new PurchaseTimes[2];
    }
    PurchaseTimes p = purchases[side];
    if (p == null) {
      p = purchases[side] = PurchaseTimes.of(orders, side);
    }
    return p.of(id);
  }

  /**
   * Drops what {@link #purchaseTimes} derived: the partition calls it when it is done with the
   * customer for now, so a state does not keep it in memory between its events. (Orders changing
   * drop it too: it is never stale.)
   */
  void forgetDerived() {
    purchases = null;
  }

  /**
   * The purchase times of one side (products or categories) of a customer's orders, by id:
   * every bought condition of an evaluation reads them here, where each used to scan the orders
   * and sort what it found (bench/engine, twelfth pass: the evaluator's top self frame).
   */
  private static final class PurchaseTimes {
    private static final PurchaseTimes NONE = new PurchaseTimes(NO_IDS, new int[0], new long[0]);

    /** Distinct ids, sorted; the times of {@code ids[i]} are {@code times[ends[i - 1]..ends[i])}, ascending. */
    private final String[] ids;
    private final int[] ends;
    private final long[] times;
    /**
     * A bit per id hash (mod 64): most ids a rule asks about were never bought by the customer,
     * and a clear bit answers so without searching.
     */
    private final long hashBits;

    private PurchaseTimes(String[] ids, int[] ends, long[] times) {
      this.ids = ids;
      this.ends = ends;
      this.times = times;
      long bits = 0;
      for (String id : ids) {
        bits |= 1L << id.hashCode();
      }
      this.hashBits = bits;
    }

    private record Line(String id, long at) {}

    static PurchaseTimes of(Order[] orders, int side) {
      int n = 0;
      for (Order o : orders) {
        if (o.counts()) {
          for (int i = side; i < o.lines.length; i += 2) {
            if (o.lines[i] != null) {
              n++;
            }
          }
        }
      }
      if (n == 0) {
        return NONE;
      }
      Line[] lines = new Line[n];
      n = 0;
      for (Order o : orders) {
        if (o.counts()) {
          for (int i = side; i < o.lines.length; i += 2) {
            if (o.lines[i] != null) {
              lines[n++] = new Line(o.lines[i], o.at);
            }
          }
        }
      }
      Arrays.sort(lines, (a, b) -> {
        int byId = a.id.compareTo(b.id);
        return byId != 0 ? byId : Long.compare(a.at, b.at);
      });
      String[] ids = new String[n];
      int[] ends = new int[n];
      long[] times = new long[n];
      int distinct = 0;
      for (int i = 0; i < n; i++) {
        if (distinct == 0 || !lines[i].id.equals(ids[distinct - 1])) {
          ids[distinct++] = lines[i].id;
        }
        times[i] = lines[i].at;
        ends[distinct - 1] = i + 1;
      }
      return new PurchaseTimes(Arrays.copyOf(ids, distinct), Arrays.copyOf(ends, distinct), times);
    }

    List<Instant> of(String id) {
      if ((hashBits & (1L << id.hashCode())) == 0) {
        return List.of();
      }
      int low = 0;
      int high = ids.length - 1;
      while (low <= high) {
        int mid = (low + high) >>> 1;
        int c = ids[mid].compareTo(id);
        if (c == 0) {
          int from = mid == 0 ? 0 : ends[mid - 1];
          return new EpochMillisTimes(times, Math.max(from, ends[mid] - MAX_TIMES), ends[mid]);
        }
        if (c < 0) {
          low = mid + 1;
        } else {
          high = mid - 1;
        }
      }
      return List.of();
    }
  }

  /**
   * A view of the kept times: rules binary-search them and read a few, so an instant is made
   * only for the elements read (copying up to 256 instants per rule test was the evaluator's
   * top allocation in bench/engine). The arrays are replaced, never changed, so the view stays
   * as it was made.
   */
  @Override
  public List<Instant> eventTimes(String type) {
    unpack();
    for (int i = 0; i < eventTypes.length; i++) {
      if (eventTypes[i].equals(type)) {
        return new EpochMillisTimes(eventTimes[i], 0, eventTimes[i].length);
      }
    }
    return List.of();
  }

  private static Instant instant(long ms) {
    return ms == Long.MIN_VALUE ? null : Instant.ofEpochMilli(ms);
  }

  // --- persistence ------------------------------------------------------------------------

  long totalOrders() {
    return totalOrders;
  }

  BigDecimal totalSpent() {
    return totalSpent;
  }

  Instant firstOrderAt() {
    return instant(firstOrderAt);
  }

  Instant lastOrderAt() {
    return instant(lastOrderAt);
  }

  Instant lastSeenAt() {
    return instant(lastSeenAt);
  }

  /**
   * The behaviour part, as stored in customer_eval_state.state_bin (see {@link StateBytes}):
   * about a fifth of the JSON it replaces, and no parsing at start.
   */
  byte[] toBytes() {
    StateBytes.Writer w = new StateBytes.Writer(256);
    w.u8(StateBytes.VERSION);
    w.varint(appliedSeq).zigzag(profileAt).zigzag(nextCheckAt).zigzag(lastSeenAt);
    if (packed != null) {
      // the behaviour part as it was stored: unchanged, since any change unpacks it first
      return w.bytes(packed, packedFrom, packed.length).toArray();
    }
    if (cart == null) {
      w.u8(0);
    } else {
      w.u8(1).string(cart.id).decimal(cart.value).zigzag(cart.items).zigzag(cart.updatedAt);
    }
    w.varint(orders.length);
    for (Order o : orders) {
      BigDecimal total = o.total();
      w.string(o.id).u8((total != null ? 1 : 0) | (o.cancelled ? 2 : 0)).decimal(o.refunded());
      if (total != null) {
        w.decimal(total).zigzag(o.at).varint(o.lineCount());
        for (String id : o.lines) {
          w.string(id);
        }
      }
    }
    w.varint(eventTypes.length);
    for (int i = 0; i < eventTypes.length; i++) {
      w.string(eventTypes[i]).times(eventTimes[i]);
    }
    return w.toArray();
  }

  void loadBytes(byte[] bytes) {
    StateBytes.Reader r = header(bytes);
    readBehaviour(r);
    ordersChanged();
    aggregatesDirty = false; // as loaded, they match the customers row
  }

  /** Reads the header of a stored state (see {@link #toBytes}); answers the reader at its behaviour part. */
  private StateBytes.Reader header(byte[] bytes) {
    packed = null;
    StateBytes.Reader r = new StateBytes.Reader(bytes);
    int version = r.u8();
    if (version != StateBytes.VERSION) {
      throw new IllegalStateException("customer state of format " + version + " (this Shoal reads " + StateBytes.VERSION
          + ")");
    }
    appliedSeq = r.varint();
    evaluatedProfileAt = r.zigzag();
    nextCheckAt = r.zigzag();
    lastSeenAt = r.zigzag();
    return r;
  }

  private void readBehaviour(StateBytes.Reader r) {
    cart = readCart(r);
    orders = readOrders(r);
    int types = (int) r.varint();
    eventTypes = types == 0 ? NO_IDS : new String[types];
    eventTimes = types == 0 ? NO_TIMES : new long[types][];
    for (int i = 0; i < types; i++) {
      eventTypes[i] = IdPool.SHARED.intern(r.string());
      eventTimes[i] = r.times();
    }
  }

  private static Cart readCart(StateBytes.Reader r) {
    if (r.u8() != 1) {
      return null;
    }
    Cart c = new Cart();
    c.id = r.string();
    c.value = r.decimal();
    c.items = r.zigzag();
    c.updatedAt = r.zigzag();
    return c;
  }

  private static Order[] readOrders(StateBytes.Reader r) {
    return readOrders(r, true);
  }

  /**
   * The orders of a stored state; without {@code ids}, only what the aggregates and the metrics
   * read of them (amounts, time, flags): no id and no line (each a string, made and interned)
   * is decoded, the reader just passes over them.
   */
  private static Order[] readOrders(StateBytes.Reader r, boolean ids) {
    int count = (int) r.varint();
    Order[] read = count == 0 ? NO_ORDERS : new Order[count];
    for (int k = 0; k < count; k++) {
      Order o;
      if (ids) {
        o = new Order(r.string());
      } else {
        r.skipString();
        o = new Order(null);
      }
      int flags = r.u8();
      o.refunded(r.decimal());
      o.cancelled = (flags & 2) != 0;
      if ((flags & 1) != 0) {
        o.total(r.decimal());
        o.at = r.zigzag();
        int lines = 2 * (int) r.varint();
        if (!ids) {
          for (int i = 0; i < lines; i++) {
            r.skipString();
          }
          read[k] = o;
          continue;
        }
        o.lines = lines == 0 ? NO_IDS : new String[lines];
        for (int i = 0; i < lines; i++) {
          o.lines[i] = IdPool.SHARED.intern(r.string());
        }
      }
      read[k] = o;
    }
    return read;
  }

  private static void skipCart(StateBytes.Reader r) {
    if (r.u8() == 1) {
      r.skipString();
      r.decimal();
      r.zigzag();
      r.zigzag();
    }
  }

  /**
   * A stored state loaded at start with its behaviour part {@linkplain #pack packed} from the
   * outset: of that part only the orders' amounts, times and flags are read, for the aggregates
   * (and the store's metrics: {@link #purchaseLog} reads the packed orders the same way); the
   * cart, the orders' ids and lines and the event times are not decoded. {@link #loadBytes}
   * then {@link #pack} decoded all of them to drop them at once: two fifths of a state row's
   * loading at 1,000,000 customers (bench/engine, twenty-eighth pass). The customer is then
   * exactly the one those two made.
   */
  void loadPacked(byte[] bytes) {
    StateBytes.Reader r = header(bytes);
    int from = r.position();
    skipCart(r);
    orders = readOrders(r, false);
    ordersChanged();
    aggregatesDirty = false; // as loaded, they match the customers row
    orders = NO_ORDERS;
    packed = bytes;
    packedFrom = from;
  }

  /**
   * Keeps the behaviour part of {@code bytes}, the state just {@linkplain #loadBytes loaded} from
   * them, packed: the decoded cart, orders and event times are dropped, and decoded again when
   * first read or changed ({@link #unpack}). What the start derived from them stays: the
   * aggregates, the check time, the store's metrics counts. The partition's start does this for
   * every customer it loads; most are not touched for a long while after.
   */
  void pack(byte[] bytes) {
    if (purchases != null) {
      throw new IllegalStateException("pack() after purchase times were derived");
    }
    StateBytes.Reader r = new StateBytes.Reader(bytes);
    r.u8();
    r.varint();
    r.zigzag();
    r.zigzag();
    r.zigzag();
    packedFrom = r.position();
    packed = bytes;
    cart = null;
    orders = NO_ORDERS;
    eventTypes = NO_IDS;
    eventTimes = NO_TIMES;
  }

  /** Whether the behaviour part is still {@linkplain #pack packed}. */
  boolean isPacked() {
    return packed != null;
  }

  /** Decodes a {@linkplain #pack packed} behaviour part into its fields, for good; nothing when there is none. */
  private void unpack() {
    byte[] p = packed;
    if (p != null) {
      packed = null;
      readBehaviour(new StateBytes.Reader(p, packedFrom));
    }
  }

  /** The orders of the packed behaviour part as the aggregates and metrics read them (no ids, no lines), not kept. */
  private Order[] packedOrders() {
    StateBytes.Reader r = new StateBytes.Reader(packed, packedFrom);
    skipCart(r);
    return readOrders(r, false);
  }

  void forEachOrder(java.util.function.Consumer<Order> f) {
    unpack();
    for (Order o : orders) {
      f.accept(o);
    }
  }

  void forEachEventTimes(java.util.function.BiConsumer<String, long[]> f) {
    unpack();
    for (int i = 0; i < eventTypes.length; i++) {
      f.accept(eventTypes[i], eventTimes[i]);
    }
  }

  /** Epoch milliseconds of the last event, or null before any. */
  Long lastSeenMillis() {
    return lastSeenAt == Long.MIN_VALUE ? null : lastSeenAt;
  }

  /** The open cart as the customer's profile shows it (customer_eval_state.cart), or null. */
  JsonObject cartJson() {
    // a packed customer's cart decoded for this only (the state write asks every written customer)
    Cart cart = packed == null ? this.cart : readCart(new StateBytes.Reader(packed, packedFrom));
    if (cart == null) {
      return null;
    }
    return new JsonObject().put("id", cart.id).put("v", cart.value == null ? null : cart.value.toPlainString())
        .put("n", cart.items).put("at", cart.updatedAt);
  }

  /** Reads a state stored as JSON (before V22 and by bench/engine's Seed); it is written back in binary. */
  void loadJson(JsonObject o) {
    if (o == null) {
      return;
    }
    packed = null;
    o.getJsonObject("orders", new JsonObject()).forEach(e -> {
      JsonObject j = (JsonObject) e.getValue();
      Order ord = order(e.getKey());
      ord.refunded(new BigDecimal(j.getString("r", "0")));
      if (j.getString("t") != null) {
        ord.total(new BigDecimal(j.getString("t")));
        ord.at = j.getLong("at");
        ord.items(j.getJsonArray("i"));
      }
      ord.cancelled = j.getBoolean("c", false);
    });
    o.getJsonObject("events", new JsonObject()).forEach(e -> {
      JsonArray a = (JsonArray) e.getValue();
      long[] times = new long[a.size()];
      for (int i = 0; i < times.length; i++) {
        times[i] = a.getLong(i);
      }
      addEventTimes(IdPool.SHARED.intern(e.getKey()), times);
    });
    lastSeenAt = o.getLong("seen", Long.MIN_VALUE);
    JsonObject c = o.getJsonObject("cart");
    if (c != null) {
      cart = new Cart();
      cart.id = c.getString("id");
      cart.value = c.getString("v") == null ? null : new BigDecimal(c.getString("v"));
      cart.items = c.getLong("n", 0L);
      cart.updatedAt = c.getLong("at");
    }
    nextCheckAt = o.getLong("next_check", Long.MAX_VALUE);
    evaluatedProfileAt = o.getLong("profile_at", 0L);
    appliedSeq = o.getLong("seq", 0L);
    ordersChanged();
    aggregatesDirty = false; // as loaded, they match the customers row
  }


  /** A readable view of the aggregates, for explain. */
  Map<String, Object> aggregates() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String f : List.of("total_orders", "total_spent", "average_order_value", "first_order_at", "last_order_at",
        "last_seen_at", "cart.value", "cart.item_count", "cart.updated_at", "products_bought", "categories_bought")) {
      m.put(f, value(f));
    }
    if (metricsStore != null) {
      new java.util.TreeSet<>(LiveMetrics.FIELDS).forEach(f -> m.put(f, value(f)));
    }
    return m;
  }
}
