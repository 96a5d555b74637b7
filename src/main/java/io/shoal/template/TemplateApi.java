package io.shoal.template;

import io.shoal.kernel.Channel;
import io.shoal.kernel.DomainException;
import io.shoal.http.ApiHandler;
import io.shoal.http.ApiOperation;
import io.shoal.http.ApiRequest;
import io.shoal.kernel.Cursor;
import io.shoal.kernel.Ids;
import io.shoal.kernel.ListPage;
import io.shoal.http.Reply;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code /templates}: create, list, get, update, delete, and preview for a customer. A template
 * that does not compile is refused with a 400 naming the part, the line and the reason.
 */
public final class TemplateApi {

  /** The content parts each channel uses, in the order they are shown. */
  static final Map<Channel, List<String>> PARTS = Map.of(
      Channel.EMAIL, List.of("subject", "html", "text"),
      Channel.SMS, List.of("text"),
      Channel.PUSH, List.of("title", "text"),
      Channel.DIRECT_MAIL, List.of("html"));
  private static final List<String> ALL_PARTS = List.of("subject", "html", "text", "title");

  /** Where preview shows the unsubscribe link that each real message gets. */
  static final String PREVIEW_UNSUBSCRIBE_URL = "https://unsubscribe.example/preview";

  private final Pool pool;
  private final TemplateRepository templates;

  public TemplateApi(Pool pool, TemplateRepository templates) {
    this.pool = pool;
    this.templates = templates;
  }

  public void mount(RouterBuilder rb) {
    ApiOperation.CREATE_TEMPLATE.mount(rb, ApiHandler.route(this::create));
    ApiOperation.LIST_TEMPLATES.mount(rb, ApiHandler.route(this::list));
    ApiOperation.GET_TEMPLATE.mount(rb, ApiHandler.route(this::get));
    ApiOperation.UPDATE_TEMPLATE.mount(rb, ApiHandler.route(this::update));
    ApiOperation.DELETE_TEMPLATE.mount(rb, ApiHandler.route(this::delete));
    ApiOperation.PREVIEW_TEMPLATE.mount(rb, ApiHandler.route(this::preview));
  }

  private Future<Reply> create(ApiRequest req) {
    String storeId = req.storeId();
    JsonObject body = req.body();
    Channel channel = channel(body.getString("channel"));
    TemplateContent content = checked(channel, body, null);
    return templates.create(storeId, Ids.newId("tmpl"), name(body.getString("name")), content)
        .map(t -> Reply.created(t.toJson()));
  }

  private Future<Reply> list(ApiRequest req) {
    String storeId = req.storeId();
    int limit = req.queryInt("limit", 25);
    OffsetDateTime afterCreated = null;
    String afterId = null;
    if (req.query("cursor") != null) {
      JsonObject pos = Cursor.decode(req.query("cursor"));
      try {
        afterCreated = OffsetDateTime.parse(pos.getString("t"));
        afterId = Objects.requireNonNull(pos.getString("id"));
      } catch (RuntimeException e) {
        throw Cursor.invalid();
      }
    }
    return templates.list(storeId, req.query("channel"), afterCreated, afterId, limit + 1)
        .map(rows -> Reply.ok(ListPage.of(rows, limit, Template::toJson,
            t -> new JsonObject().put("t", t.createdAt().toString()).put("id", t.id()))));
  }

  private Future<Reply> get(ApiRequest req) {
    String storeId = req.storeId();
    return found(storeId, req.path("id")).map(t -> Reply.ok(t.toJson()));
  }

  /** Given parts replace, {@code null} removes; the result must still be a whole, valid template. */
  private Future<Reply> update(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    JsonObject body = req.body();
    return found(storeId, id).compose(current -> {
      TemplateContent content = checked(current.content().channel(), body, current.content());
      String name = body.containsKey("name") ? name(body.getString("name")) : current.name();
      return templates.update(storeId, id, name, content);
    }).map(t -> {
      if (t == null) {
        throw DomainException.notFound("template", id);
      }
      return Reply.ok(t.toJson());
    });
  }

  private Future<Reply> delete(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    return templates.delete(storeId, id).map(deleted -> {
      if (!deleted) {
        throw DomainException.notFound("template", id);
      }
      return Reply.ok(new JsonObject().put("object", "template").put("id", id).put("deleted", true));
    });
  }

  /** Renders the template for a customer of the store, with optional {@code variables}. */
  private Future<Reply> preview(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    JsonObject body = req.body();
    String customerId = body.getString("customer_id");
    JsonObject vars = body.getJsonObject("variables", new JsonObject());
    return found(storeId, id).compose(t -> Recipient.load(pool, storeId, customerId).map(recipient -> {
      if (recipient == null) {
        throw new DomainException(404, "invalid_request_error", "resource_missing",
            "No such customer: '" + customerId + "'", "customer_id");
      }
      TemplateRenderer.Rendered r = TemplateRenderer.compile(t.content())
          .render(TemplateRenderer.context(recipient.profile(), recipient.metrics(), vars, PREVIEW_UNSUBSCRIBE_URL));
      JsonObject out = new JsonObject()
          .put("object", "template_preview")
          .put("template_id", t.id())
          .put("customer_id", customerId)
          .put("channel", t.content().channel().wire());
      for (String part : PARTS.get(t.content().channel())) {
        out.put(part, part(new TemplateContent(t.content().channel(), r.subject(), r.html(), r.text(), r.title()),
            part));
      }
      return Reply.ok(out);
    }));
  }

  // --- helpers ---------------------------------------------------------------------------------

  private Future<Template> found(String storeId, String id) {
    return templates.get(storeId, id).map(t -> {
      if (t == null) {
        throw DomainException.notFound("template", id);
      }
      return t;
    });
  }

  private static Channel channel(String raw) {
    try {
      return Channel.fromWire(raw);
    } catch (IllegalArgumentException e) {
      throw DomainException.invalidParam("channel", "channel must be one of email, sms, push, direct_mail; got '"
          + raw + "'");
    }
  }

  private static String name(String raw) {
    if (raw == null || raw.isBlank()) {
      throw DomainException.invalid("parameter_missing", "name is required", "name");
    }
    return raw.trim();
  }

  /**
   * The content for {@code channel} from {@code body} (over {@code current} for an update):
   * parts the channel does not use are refused, the parts it needs must be there, and every
   * part must compile.
   */
  static TemplateContent checked(Channel channel, JsonObject body, TemplateContent current) {
    List<String> allowed = PARTS.get(channel);
    for (String part : ALL_PARTS) {
      if (body.containsKey(part) && body.getValue(part) != null && !allowed.contains(part)) {
        throw DomainException.invalidParam(part, part + " is not part of a " + channel.wire() + " template; a "
            + channel.wire() + " template has " + allowed);
      }
    }
    String subject = merged(body, current, "subject");
    String html = merged(body, current, "html");
    String text = merged(body, current, "text");
    String title = merged(body, current, "title");
    switch (channel) {
      case EMAIL -> {
        required(subject, "subject", "an email template needs a subject");
        if (html == null && text == null) {
          throw DomainException.invalid("parameter_missing", "an email template needs html, text, or both", "html");
        }
      }
      case SMS, PUSH -> required(text, "text", "a " + channel.wire() + " template needs text");
      case DIRECT_MAIL -> required(html, "html", "a direct_mail template needs html (the letter)");
    }
    TemplateContent content = new TemplateContent(channel, subject, html, text, title);
    try {
      TemplateRenderer.compile(content);
    } catch (TemplateException e) {
      throw new DomainException(400, "invalid_request_error", "template_invalid",
          e.part() + (e.line() > 0 ? " line " + e.line() : "") + ": " + e.reason(), e.part());
    }
    return content;
  }

  private static String merged(JsonObject body, TemplateContent current, String part) {
    if (body.containsKey(part)) {
      String v = body.getString(part);
      return v == null || v.isEmpty() ? null : v;
    }
    return current == null ? null : part(current, part);
  }

  private static void required(String value, String part, String message) {
    if (value == null) {
      throw DomainException.invalid("parameter_missing", message, part);
    }
  }

  static String part(TemplateContent c, String part) {
    return switch (part) {
      case "subject" -> c.subject();
      case "html" -> c.html();
      case "text" -> c.text();
      case "title" -> c.title();
      default -> throw new IllegalArgumentException(part);
    };
  }
}
