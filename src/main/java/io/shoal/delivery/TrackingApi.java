package io.shoal.delivery;

import io.shoal.customer.CustomerApi;
import io.shoal.customer.CustomerRepository;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.util.Base64;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public tracking endpoints that recipients' mail clients and providers call, outside
 * {@code /v1} (no API key; every link is signed, see {@link TrackingLinks}):
 *
 * <pre>
 *   GET  /t/o/{token}          open pixel: opened_at, a 1x1 GIF
 *   GET  /t/c/{token}?u=&amp;s=    click: clicked_at (and opened_at), 302 to the signed URL
 *   GET  /t/u/{token}          unsubscribe page with a confirm button (GET never unsubscribes:
 *                              mail scanners follow links)
 *   POST /t/u/{token}          unsubscribe: the button, or RFC 8058 one-click from the mail client
 *   POST /t/s/{token}          Twilio status callback: delivered, or undelivered/failed = bounced
 * </pre>
 *
 * Unsubscribing records it on the message, in {@code channel_unsubscribes}, and turns the
 * channel's consent off on the customer through the customer repository (so it is on the
 * customer's timeline, announced as {@code customer.updated}, and segments see it).
 */
public final class TrackingApi {

  private static final Logger LOG = LoggerFactory.getLogger(TrackingApi.class);
  private static final Buffer PIXEL = Buffer.buffer(Base64.getDecoder()
      .decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"));

  private final TrackingLinks links;
  private final MessageStore store;
  private final CustomerRepository customers;
  private final BiConsumer<String, String> profileChanged;

  public TrackingApi(TrackingLinks links, Pool pool, CustomerRepository customers,
                     BiConsumer<String, String> profileChanged) {
    this.links = links;
    this.store = new MessageStore(pool);
    this.customers = customers;
    this.profileChanged = profileChanged;
  }

  public void mount(Router root) {
    root.get("/t/o/:token").handler(this::open);
    root.get("/t/c/:token").handler(this::click);
    root.get("/t/u/:token").handler(this::unsubscribePage);
    root.post("/t/u/:token").handler(BodyHandler.create(false).setBodyLimit(16_384)).handler(this::unsubscribe);
    root.post("/t/s/:token").handler(BodyHandler.create(false).setBodyLimit(65_536)).handler(this::status);
  }

  private void open(RoutingContext ctx) {
    TrackingLinks.MessageRef ref = links.verify(ctx.pathParam("token"));
    // the pixel is answered either way: a mail client shows nothing, whatever happened
    if (ref != null) {
      store.record(ref.storeId(), ref.messageId(), MessageStore.Event.OPENED, null, null)
          .onFailure(e -> LOG.warn("Could not record an open of {}", ref.messageId(), e));
    }
    ctx.response().putHeader("Content-Type", "image/gif").putHeader("Cache-Control", "no-store, max-age=0")
        .end(PIXEL);
  }

  private void click(RoutingContext ctx) {
    String token = ctx.pathParam("token");
    String url = ctx.queryParams().get("u");
    TrackingLinks.MessageRef ref = links.verify(token);
    if (ref == null || !links.verifyClick(token, url, ctx.queryParams().get("s"))) {
      page(ctx, 400, "Invalid link", "This link is not valid.");
      return;
    }
    store.record(ref.storeId(), ref.messageId(), MessageStore.Event.CLICKED, url, null).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("Could not record a click of {}", ref.messageId(), ar.cause());
      }
      // the recipient gets where they were going even if recording failed
      ctx.response().setStatusCode(302).putHeader("Location", url).putHeader("Cache-Control", "no-store").end();
    });
  }

  private void unsubscribePage(RoutingContext ctx) {
    if (links.verify(ctx.pathParam("token")) == null) {
      page(ctx, 404, "Invalid link", "This unsubscribe link is not valid.");
      return;
    }
    page(ctx, 200, "Unsubscribe", "<form method=\"post\"><p>Stop receiving these messages?</p>"
        + "<button type=\"submit\">Unsubscribe</button></form>");
  }

  private void unsubscribe(RoutingContext ctx) {
    TrackingLinks.MessageRef ref = links.verify(ctx.pathParam("token"));
    if (ref == null) {
      page(ctx, 404, "Invalid link", "This unsubscribe link is not valid.");
      return;
    }
    String how = "One-Click".equals(ctx.request().getFormAttribute("List-Unsubscribe")) ? "one-click" : "page";
    store.record(ref.storeId(), ref.messageId(), MessageStore.Event.UNSUBSCRIBED, null, how)
        .compose(recorded -> recorded == null ? Future.succeededFuture() : consentOff(ref.storeId(), recorded))
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.warn("Could not unsubscribe for message {}", ref.messageId(), ar.cause());
            page(ctx, 503, "Please try again", "We could not record your choice just now; please try again.");
          } else {
            page(ctx, 200, "Unsubscribed", "You will not receive these messages any more.");
          }
        });
  }

  /** Turns the channel's consent off on the customer (direct mail has none: the unsubscribe row is it). */
  Future<Void> consentOff(String storeId, MessageStore.Recorded recorded) {
    String consent = switch (recorded.channel()) {
      case "email" -> "email_consent";
      case "sms" -> "sms_consent";
      case "push" -> "push_consent";
      default -> null;
    };
    if (consent == null) {
      return Future.succeededFuture();
    }
    return customers.update(storeId, recorded.customerId(),
            current -> CustomerApi.applyPatch(current, new JsonObject().put(consent, false)))
        .map(row -> {
          if (row != null) {
            profileChanged.accept(storeId, recorded.customerId());
          }
          return null;
        });
  }

  /** Twilio's StatusCallback: form fields MessageSid, MessageStatus, ErrorCode. */
  private void status(RoutingContext ctx) {
    TrackingLinks.MessageRef ref = links.verify(ctx.pathParam("token"));
    if (ref == null) {
      ctx.response().setStatusCode(404).end();
      return;
    }
    String status = ctx.request().getFormAttribute("MessageStatus");
    String error = ctx.request().getFormAttribute("ErrorCode");
    MessageStore.Event event = switch (status == null ? "" : status) {
      case "delivered", "read" -> MessageStore.Event.DELIVERED;
      case "undelivered", "failed" -> MessageStore.Event.BOUNCED;
      default -> null;
    };
    if (event == null) {
      ctx.response().setStatusCode(204).end();
      return;
    }
    String detail = "twilio " + status + (error == null || error.isBlank() ? "" : " (error " + error + ")");
    store.record(ref.storeId(), ref.messageId(), event, null, detail).onComplete(ar -> {
      // a 5xx makes Twilio retry the callback
      ctx.response().setStatusCode(ar.succeeded() ? 204 : 503).end();
    });
  }

  private static void page(RoutingContext ctx, int status, String title, String body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + title + "</title></head><body><h1>"
            + title + "</h1>" + body + "</body></html>");
  }
}
