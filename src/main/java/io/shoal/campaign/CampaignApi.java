package io.shoal.campaign;

import io.shoal.kernel.DomainException;
import io.shoal.http.ApiHandler;
import io.shoal.http.ApiOperation;
import io.shoal.http.ApiRequest;
import io.shoal.kernel.Cursor;
import io.shoal.kernel.Ids;
import io.shoal.kernel.ListPage;
import io.shoal.http.Reply;
import io.shoal.kernel.Wire;
import io.shoal.segment.SegmentDefinition;
import io.shoal.segment.SegmentRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code /campaigns} (seed 000): create, list, get, update while draft or scheduled, cancel,
 * analytics. Every change of a schedule tells the {@link CampaignSchedulerVerticle}
 * ({@link #SCHEDULE_CHANGED}); a {@code scheduled_at} now or past starts the campaign at once.
 */
public final class CampaignApi {

  /** Published (locally) when a campaign's schedule may have changed; the body is the store id. */
  public static final String SCHEDULE_CHANGED = "shoal.campaign.schedule-changed";

  private static final int MAX_WINDOW_DAYS = 365;

  private final Vertx vertx;
  private final CampaignStore store;
  private final SegmentRepository segments;
  private final TemplateChannels templates;

  public CampaignApi(Vertx vertx, CampaignStore store, SegmentRepository segments, TemplateChannels templates) {
    this.vertx = vertx;
    this.store = store;
    this.segments = segments;
    this.templates = templates;
  }

  public void mount(RouterBuilder rb) {
    ApiOperation.CREATE_CAMPAIGN.mount(rb, ApiHandler.route(this::create));
    ApiOperation.LIST_CAMPAIGNS.mount(rb, ApiHandler.route(this::list));
    ApiOperation.GET_CAMPAIGN.mount(rb, ApiHandler.route(this::get));
    ApiOperation.UPDATE_CAMPAIGN.mount(rb, ApiHandler.route(this::update));
    ApiOperation.CANCEL_CAMPAIGN.mount(rb, ApiHandler.route(this::cancel));
    ApiOperation.GET_CAMPAIGN_ANALYTICS.mount(rb, ApiHandler.route(this::analytics));
  }

  private Future<Reply> create(ApiRequest req) {
    String storeId = req.storeId();
    JsonObject body = req.body();
    String name = name(body.getString("name"));
    String type = body.getString("type");
    String segmentId = body.getString("segment_id");
    String templateId = body.getString("template_id");
    OffsetDateTime scheduledAt = scheduledAt(body.getString("scheduled_at"));
    JsonObject sendOptions = sendOptions(body.getJsonObject("send_options"));
    Integer window = window(body.getValue("attribution_window_days"));
    JsonObject metadata = body.getJsonObject("metadata", new JsonObject());
    return checkReferences(storeId, type, segmentId, templateId)
        .compose(live -> store.create(storeId, Ids.newId("cmp"), name, type,
                scheduledAt == null ? Campaign.DRAFT : Campaign.SCHEDULED, segmentId, templateId, metadata,
                sendOptions, window, scheduledAt)
            .map(c -> {
              if (scheduledAt != null) {
                scheduleChanged(storeId);
              }
              return Reply.created(c.toJson(live));
            }));
  }

  private Future<Reply> get(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    return found(storeId, id).compose(c -> render(c)).map(Reply::ok);
  }

  private Future<Reply> list(ApiRequest req) {
    String storeId = req.storeId();
    int limit = req.queryInt("limit", 25);
    String status = req.query("status");
    String type = req.query("type");
    Cursor.TimeAndId before = Cursor.TimeAndId.decode(req.query("cursor"));
    return store.list(storeId, status, type, before.time(), before.id(), limit + 1).compose(rows -> {
      List<Campaign> page = rows.size() > limit ? rows.subList(0, limit) : rows;
      List<Future<JsonObject>> rendered = new ArrayList<>();
      page.forEach(c -> rendered.add(render(c)));
      return Future.all(rendered).map(all -> {
        List<JsonObject> data = new ArrayList<>();
        rendered.forEach(f -> data.add(f.result()));
        Campaign last = page.isEmpty() ? null : page.get(page.size() - 1);
        JsonObject next = rows.size() > limit
            ? Cursor.TimeAndId.of(last.createdAt(), last.id()) : null;
        return Reply.ok(ListPage.rendered(data, next));
      });
    });
  }

  /**
   * Changes name, type, segment, template, metadata, send options, attribution window or
   * schedule, while the campaign is a draft or scheduled (409 naming its status otherwise).
   * {@code scheduled_at: null} makes a scheduled campaign a draft again.
   */
  private Future<Reply> update(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    JsonObject body = req.body();
    String name = body.containsKey("name") ? name(body.getString("name")) : null;
    OffsetDateTime scheduledAt = scheduledAt(body.getString("scheduled_at"));
    JsonObject sendOptions = body.containsKey("send_options") ? sendOptions(body.getJsonObject("send_options")) : null;
    Integer window = window(body.getValue("attribution_window_days"));
    Long[] live = new Long[1];
    return store.update(storeId, id, current -> {
      if (!current.editable()) {
        throw DomainException.conflict("campaign_not_editable", "the campaign is " + current.status()
            + "; only a draft or scheduled campaign can be changed", "status");
      }
      String type = body.getString("type", current.type());
      String segmentId = body.getString("segment_id", current.segmentId());
      String templateId = body.getString("template_id", current.templateId());
      OffsetDateTime at = body.containsKey("scheduled_at") ? scheduledAt : current.scheduledAt();
      return checkReferences(storeId, type, segmentId, templateId).map(count -> {
        live[0] = count;
        return new Campaign(storeId, id, name != null ? name : current.name(), type,
            at == null ? Campaign.DRAFT : Campaign.SCHEDULED, segmentId, templateId,
            body.containsKey("metadata") ? body.getJsonObject("metadata", new JsonObject()) : current.metadata(),
            sendOptions != null ? sendOptions : current.sendOptions(),
            body.containsKey("attribution_window_days") ? window : current.attributionWindowDays(),
            at, null, null, null, 0, 0, null, null, null, null, null, null);
      });
    }).map(c -> {
      if (c == null) {
        throw DomainException.notFound("campaign", id);
      }
      scheduleChanged(storeId);
      return Reply.ok(c.toJson(live[0]));
    });
  }

  private Future<Reply> cancel(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    return store.cancel(storeId, id).compose(c -> {
      if (c == null) {
        throw DomainException.notFound("campaign", id);
      }
      scheduleChanged(storeId);
      return render(c);
    }).map(Reply::ok);
  }

  /**
   * Seed 000's analytics, computed when asked from the campaign's messages and conversions, so
   * they are live while it sends. Rates are of delivered messages, to three decimals.
   */
  private Future<Reply> analytics(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    return found(storeId, id).compose(c -> store.counts(storeId, id).map(n -> {
      long delivered = n.delivered();
      return Reply.ok(new JsonObject()
          .put("object", "campaign_analytics")
          .put("campaign_id", id)
          .put("status", c.status())
          .put("recipient_count", c.recipientCount())
          .put("queued", n.of("queued", "sending"))
          .put("sent", n.sent())
          .put("delivered", delivered)
          .put("opened", n.opened())
          .put("clicked", n.clicked())
          .put("conversions", n.conversions())
          .put("revenue", Wire.money(n.revenue()))
          .put("open_rate", rate(n.opened(), delivered))
          .put("click_rate", rate(n.clicked(), delivered))
          .put("conversion_rate", rate(n.conversions(), delivered))
          .put("unsubscribed", n.unsubscribed())
          .put("bounced", n.of("bounced"))
          .put("failed", n.of("failed"))
          .put("suppressed", n.of("suppressed"))
          .put("started_at", Wire.time(c.startedAt()))
          .put("completed_at", Wire.time(c.completedAt())));
    }));
  }

  static BigDecimal rate(long part, long whole) {
    return whole == 0 ? BigDecimal.ZERO.setScale(3)
        : BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), 3, RoundingMode.HALF_EVEN);
  }

  // --- checks ------------------------------------------------------------------------------------

  /**
   * The segment and template must be the store's, and the template made for the campaign's
   * channel. Answers the segment's current member count (the recipient count until it starts).
   */
  private Future<Long> checkReferences(String storeId, String type, String segmentId, String templateId) {
    Future<Long> members = segments.get(storeId, segmentId).compose(s -> {
      if (s == null) {
        throw missing("segment_id", "segment", segmentId);
      }
      return liveCount(s);
    });
    Future<String> channel = templates.channelOf(storeId, templateId).map(ch -> {
      if (ch == null) {
        throw missing("template_id", "template", templateId);
      }
      if (!ch.equals(type)) {
        throw DomainException.invalidParam("template_id", "template '" + templateId + "' is a " + ch
            + " template; a " + type + " campaign needs a " + type + " template");
      }
      return ch;
    });
    return Future.all(members, channel).map(v -> members.result());
  }

  private Future<Long> liveCount(SegmentDefinition s) {
    return s.isEvaluated() ? Future.succeededFuture(s.memberCount()) : segments.countMembers(s.storeId(), s.id());
  }

  private Future<JsonObject> render(Campaign c) {
    if (c.started()) {
      return Future.succeededFuture(c.toJson(null));
    }
    return segments.get(c.storeId(), c.segmentId())
        .compose(s -> s == null ? Future.succeededFuture(0L) : liveCount(s))
        .map(c::toJson);
  }

  private Future<Campaign> found(String storeId, String id) {
    return store.get(storeId, id).map(c -> {
      if (c == null) {
        throw DomainException.notFound("campaign", id);
      }
      return c;
    });
  }

  private void scheduleChanged(String storeId) {
    vertx.eventBus().publish(SCHEDULE_CHANGED, storeId);
  }

  private static DomainException missing(String param, String resource, String id) {
    return new DomainException(400, "invalid_request_error", "resource_missing",
        param + ": this store has no " + resource + " '" + id + "'", param);
  }

  private static String name(String raw) {
    if (raw == null || raw.isBlank()) {
      throw DomainException.invalid("parameter_missing", "name must not be blank", "name");
    }
    return raw.trim();
  }

  private static OffsetDateTime scheduledAt(String raw) {
    return raw == null ? null : Wire.parseInstant(raw, "scheduled_at").atOffset(ZoneOffset.UTC);
  }

  private static Integer window(Object raw) {
    if (raw == null) {
      return null;
    }
    if (!(raw instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
        || n.longValue() < 1 || n.longValue() > MAX_WINDOW_DAYS) {
      throw DomainException.invalidParam("attribution_window_days",
          "attribution_window_days must be a whole number of days from 1 to " + MAX_WINDOW_DAYS);
    }
    return n.intValue();
  }

  /** Validates send options (400 naming the field) and answers them as stored. */
  static JsonObject sendOptions(JsonObject raw) {
    if (raw == null) {
      return new JsonObject();
    }
    try {
      plan(raw);
    } catch (IllegalArgumentException e) {
      // the message starts with the option it is about (default_timezone, quiet_hours.start, ...)
      String first = e.getMessage() == null ? "" : e.getMessage().split("[ :']", 2)[0];
      String param = first.matches("[a-z_]+(\\.[a-z_]+)?") && raw.containsKey(first.split("\\.")[0])
          ? "send_options." + first : "send_options";
      throw DomainException.invalidParam(param, "send_options: " + e.getMessage());
    }
    return raw;
  }

  /** The send-time plan of stored (validated) send options. */
  static SendTimePlan plan(JsonObject options) {
    if (options == null || options.isEmpty()) {
      return SendTimePlan.IMMEDIATE;
    }
    JsonObject quiet = options.getJsonObject("quiet_hours");
    LocalTime start = quiet == null ? null : time(quiet.getString("start"), "quiet_hours.start");
    LocalTime end = quiet == null ? null : time(quiet.getString("end"), "quiet_hours.end");
    ZoneId zone = ZoneOffset.UTC;
    String tz = options.getString("default_timezone");
    if (tz != null) {
      try {
        zone = ZoneId.of(tz);
      } catch (DateTimeException e) {
        throw new IllegalArgumentException("default_timezone '" + tz + "' is not an IANA time zone such as Europe/Paris");
      }
    }
    try {
      return new SendTimePlan(options.getInteger("throttle_per_minute"), options.getInteger("local_hour"),
          start, end, zone);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage().replace("throttlePerMinute", "throttle_per_minute")
          .replace("localHour", "local_hour").replace("quiet hours", "quiet_hours"));
    }
  }

  private static LocalTime time(String raw, String field) {
    try {
      return LocalTime.parse(Objects.requireNonNull(raw, field));
    } catch (DateTimeParseException | NullPointerException e) {
      throw new IllegalArgumentException(field + " must be a local time HH:MM, got '" + raw + "'");
    }
  }
}
