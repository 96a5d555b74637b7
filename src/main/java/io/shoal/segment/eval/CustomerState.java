package io.shoal.segment.eval;

import io.shoal.event.LoggedEvent;
import io.shoal.metrics.CustomerMetrics;
import io.shoal.metrics.MetricsSettings;
import io.shoal.metrics.PurchaseLog;
import io.shoal.metrics.live.LiveMetrics;
import io.shoal.metrics.live.MetricsJson;
import io.shoal.segment.rule.CustomerFacts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
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
 */
final class CustomerState implements CustomerFacts {

  /** Kept per event type and per purchased id: enough for any "at least K in N days" up to K = 256. */
  static final int MAX_TIMES = 256;
  private static final String[] NO_IDS = new String[0];

  final String storeId;
  final String customerId;

  // profile
  private Map<String, Object> profile = Map.of();
  private List<String> tags = List.of();
  private JsonObject address;
  private JsonObject metadata;
  private Instant createdAt;
  /** updated_at of the profile last read, and of the profile the stored evaluation used. */
  private long profileAt;
  private long evaluatedProfileAt;

  // behaviour
  private final Map<String, Order> orders = new HashMap<>(4);
  private final Map<String, long[]> eventTimes = new HashMap<>(4);
  private long lastSeenAt = Long.MIN_VALUE;
  private String cartId;
  private BigDecimal cartValue;
  private long cartItems;
  private long cartUpdatedAt = Long.MIN_VALUE;

  // derived from orders (recomputed when they change)
  private long totalOrders;
  private BigDecimal totalSpent = BigDecimal.ZERO.setScale(2);
  private long firstOrderAt = Long.MIN_VALUE;
  private long lastOrderAt = Long.MIN_VALUE;
  /** Purchase times by product id and by category id (keys as the store sent them). */
  private Map<String, long[]> products = Map.of();
  private Map<String, long[]> categories = Map.of();

  /** Orders changed since the aggregates were last written to the customers row. */
  boolean aggregatesDirty;

  // metrics (see io.shoal.metrics): null store when metrics are off
  private final LiveMetrics.Store metricsStore;
  private final MetricsSettings metricsSettings;
  private PurchaseLog purchaseLog = PurchaseLog.EMPTY;
  /** As of the last order or metrics recompute; null until first read (computed lazily after a load). */
  private CustomerMetrics metrics;

  // evaluation
  /**
   * The log position of the last event applied to this state, stored with it. The partition's
   * checkpoint may lag behind it (it stays below events still waiting for a customer to load),
   * so a replay after a crash can offer an event this state already holds: it is skipped.
   */
  long appliedSeq;
  final BitSet segments = new BitSet();
  /** The segments it is in changed since its state was last written (the write then carries them). */
  boolean membershipsDirty;
  long nextCheckAt = Long.MAX_VALUE;
  /** Loaded since start and not yet evaluated against every segment. */
  boolean fresh;

  static final class Order {
    BigDecimal total;
    BigDecimal refunded = BigDecimal.ZERO;
    boolean cancelled;
    long at = Long.MIN_VALUE;
    /** Product and category (null when none was sent) of each line: all a rule reads of an order's items. */
    String[] products = NO_IDS;
    String[] categories = NO_IDS;

    void items(JsonArray items) {
      int n = items == null ? 0 : items.size();
      products = n == 0 ? NO_IDS : new String[n];
      categories = n == 0 ? NO_IDS : new String[n];
      for (int i = 0; i < n; i++) {
        JsonObject item = items.getJsonObject(i);
        products[i] = IdPool.SHARED.intern(String.valueOf(item.getString("product_id")));
        categories[i] = IdPool.SHARED.intern(item.getString("category_id"));
      }
    }

    boolean counts() {
      return total != null && !cancelled;
    }
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

  private static final List<String> PROFILE_STRINGS =
      List.of("email", "first_name", "last_name", "phone", "external_id", "timezone");

  void setProfile(Row r) {
    Map<String, Object> p = new HashMap<>(12);
    for (String f : PROFILE_STRINGS) {
      String v = r.getString(f);
      if (v != null) {
        p.put(f, v);
      }
    }
    p.put("email_consent", r.getBoolean("email_consent"));
    p.put("sms_consent", r.getBoolean("sms_consent"));
    p.put("push_consent", r.getBoolean("push_consent"));
    p.put("anonymous", !p.containsKey("email") && !p.containsKey("external_id"));
    profile = p;
    String[] t = r.getArrayOfStrings("tags");
    tags = t == null || t.length == 0 ? List.of() : List.of(t);
    address = r.getJsonObject("address");
    JsonObject m = r.getJsonObject("metadata");
    metadata = m == null || m.isEmpty() ? null : m;
    createdAt = r.getOffsetDateTime("created_at").toInstant();
    profileAt = r.getOffsetDateTime("updated_at").toInstant().toEpochMilli();
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
    long at = e.occurredAt().toEpochMilli();
    boolean hadOrders = !purchaseLog.isEmpty();
    lastSeenAt = Math.max(lastSeenAt, at);
    recordTime(eventTimes, IdPool.SHARED.intern(e.type()), at);
    JsonObject d = e.data();
    switch (e.type()) {
      case "order.completed" -> {
        Order o = orders.computeIfAbsent(d.getString("order_id"), k -> new Order());
        o.total = new BigDecimal(d.getValue("total").toString());
        o.at = at;
        o.items(d.getJsonArray("items"));
        ordersChanged();
      }
      case "order.refunded" -> {
        Order o = orders.computeIfAbsent(d.getString("order_id"), k -> new Order());
        o.refunded = o.refunded.add(new BigDecimal(d.getValue("amount").toString()));
        ordersChanged();
      }
      case "order.cancelled" -> {
        orders.computeIfAbsent(d.getString("order_id"), k -> new Order()).cancelled = true;
        ordersChanged();
      }
      case "cart.updated", "checkout.started" -> {
        if (at >= cartUpdatedAt) {
          cartUpdatedAt = at;
          cartId = d.getString("cart_id");
          cartValue = new BigDecimal(d.getValue("total").toString());
          long items = 0;
          for (Object i : d.getJsonArray("items", new JsonArray())) {
            items += ((JsonObject) i).getLong("quantity", 1L);
          }
          cartItems = items;
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
    if (!purchaseLog.isEmpty()) {
      addToStore(!hadOrders);
    }
    refreshMetrics(System.currentTimeMillis());
  }

  /** Counts a customer loaded with orders (at start, or first seen since) in the store's metrics. */
  void countInMetrics() {
    if (metricsStore != null && !purchaseLog.isEmpty()) {
      addToStore(true);
    }
  }

  private void addToStore(boolean newBuyer) {
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
    if (metricsStore == null) {
      return null;
    }
    return CustomerMetrics.compute(purchaseLog, metricsStore.model(), metricsStore.quintiles().boundaries(),
        metricsSettings, nowMs);
  }

  private CustomerMetrics metrics() {
    if (metrics == null && metricsStore != null) {
      refreshMetrics(System.currentTimeMillis());
    }
    return metrics;
  }

  PurchaseLog purchaseLog() {
    return purchaseLog;
  }

  private static void recordTime(Map<String, long[]> into, String key, long at) {
    long[] times = into.get(key);
    if (times == null) {
      into.put(key, new long[] {at});
      return;
    }
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
        return; // older than everything kept
      }
      grown = new long[times.length];
      System.arraycopy(times, 1, grown, 0, pos - 1);
      grown[pos - 1] = at;
      System.arraycopy(times, pos, grown, pos, times.length - pos);
    }
    into.put(key, grown);
  }

  private void ordersChanged() {
    long count = 0;
    BigDecimal spent = BigDecimal.ZERO;
    long[] at = new long[orders.size()];
    double[] net = new double[orders.size()];
    long first = Long.MIN_VALUE;
    long last = Long.MIN_VALUE;
    Map<String, long[]> boughtProducts = new HashMap<>();
    Map<String, long[]> boughtCategories = new HashMap<>();
    for (Order o : orders.values()) {
      if (!o.counts()) {
        continue;
      }
      BigDecimal value = o.total.subtract(o.refunded).max(BigDecimal.ZERO);
      at[(int) count] = o.at;
      net[(int) count] = value.doubleValue();
      count++;
      spent = spent.add(value);
      first = first == Long.MIN_VALUE ? o.at : Math.min(first, o.at);
      last = Math.max(last, o.at);
      for (int i = 0; i < o.products.length; i++) {
        recordTime(boughtProducts, o.products[i], o.at);
        if (o.categories[i] != null) {
          recordTime(boughtCategories, o.categories[i], o.at);
        }
      }
    }
    BigDecimal newSpent = spent.setScale(2, RoundingMode.HALF_EVEN);
    if (count != totalOrders || newSpent.compareTo(totalSpent) != 0 || first != firstOrderAt || last != lastOrderAt) {
      aggregatesDirty = true;
    }
    totalOrders = count;
    totalSpent = newSpent;
    firstOrderAt = first;
    lastOrderAt = last;
    products = boughtProducts.isEmpty() ? Map.of() : boughtProducts;
    categories = boughtCategories.isEmpty() ? Map.of() : boughtCategories;
    if (metricsStore != null) {
      purchaseLog = PurchaseLog.of(at, net, (int) count);
      metrics = null;
    }
  }

  // --- CustomerFacts ----------------------------------------------------------------------

  @Override
  public Object value(String field) {
    switch (field) {
      case "tags":
        return tags;
      case "created_at":
        return createdAt;
      case "total_orders":
        return totalOrders;
      case "total_spent":
        return totalSpent;
      case "average_order_value":
        return totalOrders == 0 ? BigDecimal.ZERO.setScale(2)
            : totalSpent.divide(BigDecimal.valueOf(totalOrders), 2, RoundingMode.HALF_EVEN);
      case "first_order_at":
        return instant(firstOrderAt);
      case "last_order_at":
        return instant(lastOrderAt);
      case "last_seen_at":
        return instant(lastSeenAt);
      case "cart.value":
        return cartOpen() ? cartValue : null;
      case "cart.item_count":
        return cartOpen() ? cartItems : null;
      case "cart.updated_at":
        return cartOpen() ? instant(cartUpdatedAt) : null;
      case "products_bought":
        return boughtIds(products);
      case "categories_bought":
        return boughtIds(categories);
      default:
        break;
    }
    if (LiveMetrics.FIELDS.contains(field)) {
      return MetricsJson.field(metrics(), field);
    }
    if (field.startsWith("address.")) {
      return address == null ? null : address.getValue(subKey(field, 8));
    }
    if (field.startsWith("metadata.")) {
      return metadata == null ? null : metadata.getValue(subKey(field, 9));
    }
    return profile.get(field);
  }

  /** "address.city" -> "city", once per field name: a new substring per test made hashing it the top cost of rule tests. */
  private static final java.util.concurrent.ConcurrentHashMap<String, String> SUB_KEYS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static String subKey(String field, int prefix) {
    String key = SUB_KEYS.get(field);
    if (key == null) {
      key = field.substring(prefix);
      if (SUB_KEYS.size() < 10_000) {
        SUB_KEYS.putIfAbsent(field, key);
      }
    }
    return key;
  }

  private boolean cartOpen() {
    return cartUpdatedAt != Long.MIN_VALUE && cartUpdatedAt > lastOrderAt && cartValue != null;
  }

  private static List<String> boughtIds(Map<String, long[]> bought) {
    if (bought.isEmpty()) {
      return List.of();
    }
    List<String> ids = new ArrayList<>(bought.keySet());
    Collections.sort(ids);
    return ids;
  }

  @Override
  public List<Instant> purchaseTimes(String kind, String id) {
    return instants(("product".equals(kind) ? products : "category".equals(kind) ? categories : Map.<String, long[]>of())
        .get(id));
  }

  @Override
  public List<Instant> eventTimes(String type) {
    return instants(eventTimes.get(type));
  }

  /**
   * A view of the kept times: rules binary-search them and read a few, so an instant is made
   * only for the elements read (copying up to 256 instants per rule test was the evaluator's
   * top allocation in bench/engine). The arrays are replaced, never changed, so the view stays
   * as it was made.
   */
  private static List<Instant> instants(long[] times) {
    return times == null ? List.of() : new TimesView(times);
  }

  private static final class TimesView extends java.util.AbstractList<Instant> implements java.util.RandomAccess {
    private final long[] times;

    TimesView(long[] times) {
      this.times = times;
    }

    @Override
    public Instant get(int index) {
      return Instant.ofEpochMilli(times[index]);
    }

    @Override
    public int size() {
      return times.length;
    }
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
    if (cartUpdatedAt == Long.MIN_VALUE) {
      w.u8(0);
    } else {
      w.u8(1).string(cartId).decimal(cartValue).zigzag(cartItems).zigzag(cartUpdatedAt);
    }
    w.varint(orders.size());
    orders.forEach((id, o) -> {
      w.string(id).u8((o.total != null ? 1 : 0) | (o.cancelled ? 2 : 0)).decimal(o.refunded);
      if (o.total != null) {
        w.decimal(o.total).zigzag(o.at).varint(o.products.length);
        for (int i = 0; i < o.products.length; i++) {
          w.string(o.products[i]).string(o.categories[i]);
        }
      }
    });
    w.varint(eventTimes.size());
    eventTimes.forEach((type, times) -> w.string(type).times(times));
    return w.toArray();
  }

  void loadBytes(byte[] bytes) {
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
    if (r.u8() == 1) {
      cartId = r.string();
      cartValue = r.decimal();
      cartItems = r.zigzag();
      cartUpdatedAt = r.zigzag();
    }
    for (int n = (int) r.varint(); n > 0; n--) {
      String id = r.string();
      int flags = r.u8();
      Order o = new Order();
      o.refunded = r.decimal();
      o.cancelled = (flags & 2) != 0;
      if ((flags & 1) != 0) {
        o.total = r.decimal();
        o.at = r.zigzag();
        int lines = (int) r.varint();
        o.products = lines == 0 ? NO_IDS : new String[lines];
        o.categories = lines == 0 ? NO_IDS : new String[lines];
        for (int i = 0; i < lines; i++) {
          o.products[i] = IdPool.SHARED.intern(r.string());
          o.categories[i] = IdPool.SHARED.intern(r.string());
        }
      }
      orders.put(id, o);
    }
    for (int n = (int) r.varint(); n > 0; n--) {
      eventTimes.put(IdPool.SHARED.intern(r.string()), r.times());
    }
    ordersChanged();
    aggregatesDirty = false; // as loaded, they match the customers row
  }

  void forEachOrder(java.util.function.BiConsumer<String, Order> f) {
    orders.forEach(f);
  }

  void forEachEventTimes(java.util.function.BiConsumer<String, long[]> f) {
    eventTimes.forEach(f);
  }

  /** Epoch milliseconds of the last event, or null before any. */
  Long lastSeenMillis() {
    return lastSeenAt == Long.MIN_VALUE ? null : lastSeenAt;
  }

  /** The open cart as the customer's profile shows it (customer_eval_state.cart), or null. */
  JsonObject cartJson() {
    if (cartUpdatedAt == Long.MIN_VALUE) {
      return null;
    }
    return new JsonObject().put("id", cartId).put("v", cartValue == null ? null : cartValue.toPlainString())
        .put("n", cartItems).put("at", cartUpdatedAt);
  }

  /** Reads a state stored as JSON (before V22 and by bench/engine's Seed); it is written back in binary. */
  void loadJson(JsonObject o) {
    if (o == null) {
      return;
    }
    o.getJsonObject("orders", new JsonObject()).forEach(e -> {
      JsonObject j = (JsonObject) e.getValue();
      Order ord = new Order();
      ord.refunded = new BigDecimal(j.getString("r", "0"));
      if (j.getString("t") != null) {
        ord.total = new BigDecimal(j.getString("t"));
        ord.at = j.getLong("at");
        ord.items(j.getJsonArray("i"));
      }
      ord.cancelled = j.getBoolean("c", false);
      orders.put(e.getKey(), ord);
    });
    o.getJsonObject("events", new JsonObject()).forEach(e -> {
      JsonArray a = (JsonArray) e.getValue();
      long[] times = new long[a.size()];
      for (int i = 0; i < times.length; i++) {
        times[i] = a.getLong(i);
      }
      eventTimes.put(e.getKey(), times);
    });
    lastSeenAt = o.getLong("seen", Long.MIN_VALUE);
    JsonObject cart = o.getJsonObject("cart");
    if (cart != null) {
      cartId = cart.getString("id");
      cartValue = cart.getString("v") == null ? null : new BigDecimal(cart.getString("v"));
      cartItems = cart.getLong("n", 0L);
      cartUpdatedAt = cart.getLong("at");
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
