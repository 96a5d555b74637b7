package io.shoal.coupon;

import io.shoal.event.EventLog;
import io.shoal.event.LoggedEvent;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a coupon redemption for every order that arrives carrying a code, however it arrived
 * (the event API, or a Shopify/WooCommerce order webhook: both are {@code order.completed} events
 * in the log, with {@code data.coupon_codes}).
 *
 * <pre>
 *   log append (-> wake-up on ORDERS_LOGGED, or the poll timer)
 *     -> read the orders after the saved position, in log order (no other event is read)
 *     -> order.completed with codes -> Coupons.redeem, one order at a time (once per order:
 *        a replay finds the (coupon, order) row and records nothing)
 *     -> save the position after the page
 * </pre>
 *
 * A crash between a redemption and the saved position replays that page: the unique (coupon,
 * order) row makes it harmless. A failure stops the page and is retried on the next wake-up.
 */
public final class CouponOrderFeedVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(CouponOrderFeedVerticle.class);

  /** Published (locally) after an order is logged (the event capability routes it here). */
  public static final String ORDERS_LOGGED = io.shoal.event.LoggedEventRouter.ORDERS_LOGGED;

  static final int PAGE = 500;
  static final long POLL_MS = 1000;

  private final EventLog log;
  private final Coupons coupons;
  private long position;
  private boolean reading;
  private boolean again;
  private long timer = -1;
  private MessageConsumer<Object> consumer;

  public CouponOrderFeedVerticle(EventLog log, Coupons coupons) {
    this.log = log;
    this.coupons = coupons;
  }

  @Override
  public Future<?> start() {
    return coupons.store().feedPosition().map(p -> {
      position = p;
      consumer = vertx.eventBus().localConsumer(ORDERS_LOGGED, m -> read());
      timer = vertx.setPeriodic(POLL_MS, id -> read());
      read();
      return null;
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  private void read() {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    again = false;
    log.ordersAfter(position, PAGE)
        .compose(events -> apply(events, 0).compose(v -> {
          if (events.isEmpty()) {
            return Future.succeededFuture(false);
          }
          long last = events.get(events.size() - 1).seq();
          return coupons.store().saveFeedPosition(last).map(x -> {
            position = last;
            return events.size() == PAGE;
          });
        }))
        .onComplete(ar -> {
          reading = false;
          if (ar.failed()) {
            LOG.warn("Coupon order feed stopped at log position {}; retrying: {}", position, ar.cause().toString());
          } else if (ar.result() || again) {
            read();
          }
        });
  }

  private Future<Void> apply(List<LoggedEvent> events, int from) {
    for (int i = from; i < events.size(); i++) {
      LoggedEvent e = events.get(i);
      if (!"order.completed".equals(e.type())) {
        continue;
      }
      Set<String> codes = codes(e.data());
      if (codes.isEmpty()) {
        continue;
      }
      int next = i + 1;
      return redeemAll(e, new ArrayList<>(codes), 0).compose(v -> apply(events, next));
    }
    return Future.succeededFuture();
  }

  private Future<Void> redeemAll(LoggedEvent e, List<String> codes, int i) {
    if (i == codes.size()) {
      return Future.succeededFuture();
    }
    CouponTerms.Cart cart = cart(e);
    return coupons.redeem(e.storeId(), codes.get(i), cart, e.data().getString("order_id"), e.id(), e.occurredAt())
        .compose(rec -> redeemAll(e, codes, i + 1));
  }

  /** {@code coupon_codes} (strings, or objects with {@code code}) and/or {@code coupon_code}. */
  static Set<String> codes(JsonObject data) {
    Set<String> out = new LinkedHashSet<>();
    Object one = data.getValue("coupon_code");
    if (one instanceof String s && !s.isBlank()) {
      out.add(Coupons.normalize(s));
    }
    if (data.getValue("coupon_codes") instanceof JsonArray many) {
      for (Object o : many) {
        String code = o instanceof String s ? s : o instanceof JsonObject j ? j.getString("code") : null;
        if (code != null && !code.isBlank()) {
          out.add(Coupons.normalize(code));
        }
      }
    }
    return out;
  }

  private static CouponTerms.Cart cart(LoggedEvent e) {
    JsonObject d = e.data();
    List<CouponTerms.CartItem> items = new ArrayList<>();
    JsonArray lines = d.getJsonArray("items", new JsonArray());
    for (Object o : lines) {
      if (o instanceof JsonObject line) {
        Object q = line.getValue("quantity", 1);
        Object price = line.getValue("price");
        items.add(new CouponTerms.CartItem(line.getString("product_id"), line.getString("category_id"),
            q instanceof Number n ? n.intValue() : 1,
            price == null ? BigDecimal.ZERO : new BigDecimal(String.valueOf(price))));
      }
    }
    Object total = d.getValue("total");
    return new CouponTerms.Cart(e.customerId(), total == null ? null : new BigDecimal(String.valueOf(total)),
        d.getString("currency"), items);
  }
}
