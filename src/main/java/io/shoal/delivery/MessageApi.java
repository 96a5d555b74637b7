package io.shoal.delivery;

import io.shoal.kernel.DomainException;
import io.shoal.http.ApiHandler;
import io.shoal.http.ApiOperation;
import io.shoal.http.ApiRequest;
import io.shoal.kernel.Cursor;
import io.shoal.kernel.ListPage;
import io.shoal.http.Reply;
import io.shoal.kernel.Wire;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.List;

/**
 * {@code /messages}: what was sent to whom and what happened to it (list by source, status or
 * customer; get with its events), and {@code /bounces}, the bounce and complaint webhook for an
 * email provider or relay that reports them.
 */
public final class MessageApi {

  private static final List<String> STATUSES = List.of("queued", "sending", "sent", "delivered", "bounced", "failed",
      "suppressed");

  private final MessageStore store;
  private final TrackingApi tracking;

  public MessageApi(Pool pool, TrackingApi tracking) {
    this.store = new MessageStore(pool);
    this.tracking = tracking;
  }

  public void mount(RouterBuilder rb) {
    ApiOperation.LIST_MESSAGES.mount(rb, ApiHandler.route(this::list));
    ApiOperation.GET_MESSAGE.mount(rb, ApiHandler.route(this::get));
    ApiOperation.REPORT_BOUNCE.mount(rb, ApiHandler.route(this::bounce));
  }

  private Future<Reply> list(ApiRequest req) {
    String storeId = req.storeId();
    int limit = req.queryInt("limit", 25);
    String status = req.query("status");
    if (status != null && !STATUSES.contains(status)) {
      throw DomainException.invalidParam("status", "status must be one of " + STATUSES);
    }
    Cursor.TimeAndId after = Cursor.TimeAndId.decode(req.query("cursor"));
    return store.list(storeId, req.query("source_id"), status, req.query("customer_id"), after.time(), after.id(),
            limit + 1)
        .map(rows -> Reply.ok(ListPage.of(rows, limit, MessageApi::render,
            r -> Cursor.TimeAndId.of(r.getOffsetDateTime("created_at"), r.getString("id")))));
  }

  private Future<Reply> get(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    return store.get(storeId, id).compose(row -> {
      if (row == null) {
        throw DomainException.notFound("message", id);
      }
      return store.events(storeId, id).map(events -> {
        JsonArray list = new JsonArray();
        events.forEach(e -> list.add(new JsonObject().put("type", e.getString("type")).put("url", e.getString("url"))
            .put("detail", e.getString("detail")).put("occurred_at", Wire.time(e.getOffsetDateTime("occurred_at")))));
        return Reply.ok(render(row).put("events", list));
      });
    });
  }

  /**
   * A provider's bounce or complaint for a message, named by our {@code message_id} or the
   * provider's {@code provider_message_id} (for email, the Message-ID we sent). {@code hard}:
   * the message is bounced; {@code soft}: recorded only (the provider retries); {@code complaint}:
   * the customer marked it as spam, which unsubscribes them from the channel.
   */
  private Future<Reply> bounce(ApiRequest req) {
    String storeId = req.storeId();
    JsonObject body = req.body();
    String messageId = body.getString("message_id");
    String providerId = body.getString("provider_message_id");
    if (messageId == null && providerId == null) {
      throw DomainException.invalid("parameter_missing", "name the message by message_id or provider_message_id (one)",
          "message_id");
    }
    if (messageId != null && providerId != null) {
      throw DomainException.invalidParam("provider_message_id",
          "name the message by message_id or provider_message_id, not both");
    }
    String type = body.getString("type");
    String reason = body.getString("reason");
    MessageStore.Event event = switch (type) {
      case "hard" -> MessageStore.Event.BOUNCED;
      case "soft" -> MessageStore.Event.SOFT_BOUNCED;
      case "complaint" -> MessageStore.Event.COMPLAINED;
      default -> throw DomainException.invalidParam("type", "type must be hard, soft or complaint");
    };
    Future<String> id = messageId != null ? Future.succeededFuture(messageId) : store.byProviderId(storeId, providerId);
    return id.compose(found -> {
      if (found == null) {
        throw DomainException.notFound("message", providerId);
      }
      String detail = type + " bounce" + (reason == null ? "" : ": " + reason);
      return store.record(storeId, found, event, null, type.equals("complaint") ? "complaint" : detail)
          .compose(recorded -> {
            if (recorded == null) {
              throw DomainException.notFound("message", found);
            }
            return event == MessageStore.Event.COMPLAINED
                ? tracking.consentOff(storeId, recorded).map(found) : Future.succeededFuture(found);
          });
    }).compose(found -> store.get(storeId, found)).map(row -> Reply.ok(render(row)));
  }

  static JsonObject render(Row r) {
    return new JsonObject()
        .put("id", r.getString("id"))
        .put("object", "message")
        .put("customer_id", r.getString("customer_id"))
        .put("channel", r.getString("channel"))
        .put("source", r.getString("source"))
        .put("source_id", r.getString("source_id"))
        .put("template_id", r.getString("template_id"))
        .put("variables", r.getJsonObject("variables"))
        .put("status", r.getString("status"))
        .put("attempts", r.getInteger("attempts"))
        .put("last_error", r.getString("last_error"))
        .put("provider_message_id", r.getString("provider_message_id"))
        .put("not_before", Wire.time(r.getOffsetDateTime("not_before")))
        .put("created_at", Wire.time(r.getOffsetDateTime("created_at")))
        .put("sent_at", Wire.time(r.getOffsetDateTime("sent_at")))
        .put("delivered_at", Wire.time(r.getOffsetDateTime("delivered_at")))
        .put("opened_at", Wire.time(r.getOffsetDateTime("opened_at")))
        .put("clicked_at", Wire.time(r.getOffsetDateTime("clicked_at")))
        .put("bounced_at", Wire.time(r.getOffsetDateTime("bounced_at")))
        .put("unsubscribed_at", Wire.time(r.getOffsetDateTime("unsubscribed_at")));
  }
}
