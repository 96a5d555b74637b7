package io.shoal.privacy;

import io.shoal.customer.CustomerPersonalData;
import io.shoal.kernel.DomainException;
import io.shoal.http.ApiHandler;
import io.shoal.http.ApiOperation;
import io.shoal.http.ApiRequest;
import io.shoal.http.Caller;
import io.shoal.kernel.Cursor;
import io.shoal.kernel.Ids;
import io.shoal.kernel.ListPage;
import io.shoal.http.Reply;
import io.shoal.kernel.Wire;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;

/**
 * Data-protection requests (seed 001: {@code POST .../customers/{id}/removal-request}), their
 * list and audit log, export downloads by signed link, and the suppression list.
 */
public final class DataRequestApi {

  /**
   * What {@code estimated_completion} promises. Processing itself takes seconds; the margin
   * covers retries of a failing step (see DataRequestVerticle).
   */
  static final Duration PROMISED_WITHIN = Duration.ofHours(1);

  private final Vertx vertx;
  private final DataRequestStore store;
  private final Suppressions suppressions;
  private final CustomerPersonalData customers;
  private final ExportLinks links;

  public DataRequestApi(Vertx vertx, io.vertx.sqlclient.Pool pool, Suppressions suppressions,
                        CustomerPersonalData customers, ExportLinks links) {
    this.vertx = vertx;
    this.store = new DataRequestStore(pool);
    this.suppressions = suppressions;
    this.customers = customers;
    this.links = links;
  }

  public void mount(RouterBuilder rb) {
    ApiOperation.CREATE_REMOVAL_REQUEST.mount(rb, ApiHandler.route(this::create));
    ApiOperation.LIST_CUSTOMER_REMOVAL_REQUESTS.mount(rb, ApiHandler.route(this::listOfCustomer));
    ApiOperation.LIST_REMOVAL_REQUESTS.mount(rb, ApiHandler.route(this::list));
    ApiOperation.GET_REMOVAL_REQUEST.mount(rb, ApiHandler.route(this::get));
    ApiOperation.DOWNLOAD_DATA_EXPORT.mount(rb, ApiHandler.route(this::download));
    ApiOperation.LIST_DATA_REQUEST_AUDIT.mount(rb, ApiHandler.route(this::audit));
    ApiOperation.LIST_SUPPRESSIONS.mount(rb, ApiHandler.route(this::listSuppressions));
    ApiOperation.DELETE_SUPPRESSION.mount(rb, ApiHandler.route(this::liftById));
    ApiOperation.LIFT_SUPPRESSIONS.mount(rb, ApiHandler.route(this::liftByValue));
  }

  // --- requests ---------------------------------------------------------------------------------

  /**
   * Accepts a request (202). An open request of the same type for the customer answers that
   * one (200) rather than queueing the same work twice.
   */
  private Future<Reply> create(ApiRequest req) {
    String storeId = req.storeId();
    String customerId = req.path("id");
    JsonObject body = req.body();
    String type = body.getString("type");
    String format = body.getString("format");
    if ("erasure".equals(type) && format != null) {
      throw DomainException.invalidParam("format", "format applies to export requests only");
    }
    String actor = actor(req.caller());
    return customers.identity(storeId, customerId).compose(identity -> {
      if (identity == null) {
        throw DomainException.notFound("customer", customerId);
      }
      String id = Ids.newId("drr");
      OffsetDateTime estimated = OffsetDateTime.now(ZoneOffset.UTC).plus(PROMISED_WITHIN);
      return store.pool().withTransaction(conn -> store.openFor(conn, storeId, customerId, type).compose(open -> {
        if (open != null) {
          return Future.succeededFuture(new Reply(200, render(open, links)));
        }
        Tuple values = Tuple.tuple().addValue(storeId).addValue(id).addValue(customerId).addValue(type)
            .addValue("export".equals(type) ? (format == null ? "json" : format) : null)
            .addValue(body.getString("reason")).addValue(body.getBoolean("notify_customer", false))
            .addValue(actor).addValue(estimated);
        return store.insert(conn, values).compose(row -> store.audit(conn, storeId, id, "requested", actor,
                new JsonObject().put("type", type).put("customer_id", customerId))
            .map(v -> Reply.accepted(render(row, links))));
      }));
    }).onSuccess(r -> vertx.eventBus().publish(DataRequestVerticle.WAKE, storeId));
  }

  private Future<Reply> get(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    return store.get(storeId, id).map(row -> {
      if (row == null) {
        throw DomainException.notFound("removal request", id);
      }
      return Reply.ok(render(row, links));
    });
  }

  private Future<Reply> list(ApiRequest req) {
    return page(req, req.storeId(), req.query("customer_id"));
  }

  /** A customer's requests; answered also after an erasure, when the customer itself is gone. */
  /**
   * A customer of this store, or one erased from it (whose requests stay listed), has a list;
   * any other id is a 404, as on every other call about a customer.
   */
  private Future<Reply> listOfCustomer(ApiRequest req) {
    String storeId = req.storeId();
    String customerId = req.path("id");
    return customers.identity(storeId, customerId).compose(identity -> identity != null
        ? page(req, storeId, customerId)
        : store.list(storeId, customerId, null, null, null, null, 1).compose(any -> {
          if (any.isEmpty()) {
            throw DomainException.notFound("customer", customerId);
          }
          return page(req, storeId, customerId);
        }));
  }

  private Future<Reply> page(ApiRequest req, String storeId, String customerId) {
    int limit = req.queryInt("limit", 25);
    Cursor.TimeAndId after = Cursor.TimeAndId.decode(req.query("cursor"));
    return store.list(storeId, customerId, req.query("type"), req.query("status"), after.time(), after.id(), limit + 1)
        .map(rows -> Reply.ok(ListPage.of(rows, limit, r -> render(r, links), DataRequestApi::positionOf)));
  }

  /** A row's (created_at, id) keyset position in a newest-first list. */
  private static JsonObject positionOf(Row r) {
    return Cursor.TimeAndId.of(r.getOffsetDateTime("created_at"), r.getString("id"));
  }

  /**
   * The export document, for whoever holds a valid link (no API key: the link is the
   * credential, as a store forwards it to the person). Each download is audited.
   */
  private Future<Reply> download(ApiRequest req) {
    String storeId = req.path("store_id");
    String id = req.path("id");
    String signature = req.query("signature");
    long expires;
    try {
      expires = Long.parseLong(Objects.requireNonNull(req.query("expires")));
    } catch (RuntimeException e) {
      throw DomainException.invalidParam("expires", "expires must be the unix time of the download link");
    }
    if (!links.valid(storeId, id, expires, signature)) {
      throw new DomainException(403, "permission_error", "signature_invalid",
          "this download link is not valid; use the download_url of the removal request unchanged", "signature");
    }
    if (Instant.now().getEpochSecond() > expires) {
      throw linkExpired();
    }
    return store.exportDocument(storeId, id).compose(row -> {
      if (row == null || row.getOffsetDateTime("expires_at").toInstant().isBefore(Instant.now())) {
        throw linkExpired();
      }
      JsonObject document = row.getJsonObject("document");
      return store.audit(store.pool(), storeId, id, "export_downloaded", "download_link", new JsonObject())
          .map(v -> Reply.ok(document));
    });
  }

  private static DomainException linkExpired() {
    return new DomainException(410, "invalid_request_error", "link_expired",
        "this export is no longer available (its link expired, or the person's data was erased since);"
            + " submit a new export request", "expires");
  }

  private Future<Reply> audit(ApiRequest req) {
    String storeId = req.storeId();
    int limit = req.queryInt("limit", 25);
    long after = 0;
    if (req.query("cursor") != null) {
      Long seq = Cursor.decode(req.query("cursor")).getLong("seq");
      if (seq == null) {
        throw Cursor.invalid();
      }
      after = seq;
    }
    return store.auditLog(storeId, req.query("request_id"), after, limit + 1)
        .map(rows -> Reply.ok(ListPage.of(rows, limit, DataRequestApi::renderAudit,
            r -> new JsonObject().put("seq", r.getLong("seq")))));
  }

  // --- suppressions -----------------------------------------------------------------------------

  private Future<Reply> listSuppressions(ApiRequest req) {
    String storeId = req.storeId();
    int limit = req.queryInt("limit", 25);
    Cursor.TimeAndId after = Cursor.TimeAndId.decode(req.query("cursor"));
    return suppressions.list(storeId, after.time(), after.id(), limit + 1)
        .map(rows -> Reply.ok(ListPage.of(rows, limit, Suppressions::render, DataRequestApi::positionOf)));
  }

  private Future<Reply> liftById(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    String actor = actor(req.caller());
    return store.pool().withTransaction(conn -> suppressions.liftById(conn, storeId, id)
            .compose(rows -> lifted(conn, storeId, actor, rows)))
        .map(rows -> {
          if (rows.isEmpty()) {
            throw DomainException.notFound("suppression", id);
          }
          return Reply.ok(Suppressions.render(rows.get(0)).put("deleted", true));
        });
  }

  /** The person came back on their own: the store names their identifiers, Shoal hashes them and lifts. */
  private Future<Reply> liftByValue(ApiRequest req) {
    String storeId = req.storeId();
    JsonObject body = req.body();
    String email = body.getString("email");
    String phone = body.getString("phone");
    String external = body.getString("external_id");
    if (PrivacyKeys.normaliseEmail(email) == null && PrivacyKeys.normalisePhone(phone) == null
        && PrivacyKeys.normaliseExternalId(external) == null) {
      throw DomainException.invalid("identifier_required",
          "give the email, phone or external_id whose suppression to lift", "email");
    }
    String actor = actor(req.caller());
    return store.pool().withTransaction(conn -> suppressions.liftByValue(conn, storeId, email, phone, external)
            .compose(rows -> lifted(conn, storeId, actor, rows)))
        .map(rows -> {
          if (rows.isEmpty()) {
            throw new DomainException(404, "invalid_request_error", "resource_missing",
                "no suppression matches these identifiers", email != null ? "email" : phone != null ? "phone" : "external_id");
          }
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(Suppressions.render(r)));
          return Reply.ok(new JsonObject().put("object", "suppression_lift").put("lifted", out));
        });
  }

  private Future<List<Row>> lifted(io.vertx.sqlclient.SqlConnection conn, String storeId, String actor,
                                   List<Row> rows) {
    Future<Void> f = Future.succeededFuture();
    for (Row r : rows) {
      f = f.compose(v -> store.audit(conn, storeId, r.getString("request_id"), "suppression_lifted", actor,
          new JsonObject().put("suppression_id", r.getString("id")).put("kind", r.getString("kind"))));
    }
    return f.map(rows);
  }

  // --- rendering --------------------------------------------------------------------------------

  private static String actor(Caller caller) {
    return caller.isAdmin() ? "admin" : caller.keyId();
  }

  static JsonObject render(Row r, ExportLinks links) {
    String status = r.getString("status");
    JsonObject o = new JsonObject()
        .put("id", r.getString("id"))
        .put("object", "data_removal_request")
        .put("customer_id", r.getString("customer_id"))
        .put("type", r.getString("type"));
    if (r.getString("format") != null) {
      o.put("format", r.getString("format"));
    }
    o.put("status", status)
        .put("reason", r.getString("reason"))
        .put("notify_customer", r.getBoolean("notify_customer"))
        .put("requested_by", r.getString("requested_by"))
        .put("estimated_completion", Wire.time(r.getOffsetDateTime("estimated_completion")))
        .put("created_at", Wire.time(r.getOffsetDateTime("created_at")))
        .put("started_at", Wire.time(r.getOffsetDateTime("started_at")))
        .put("completed_at", Wire.time(r.getOffsetDateTime("completed_at")))
        .put("steps_done", new JsonArray(java.util.Arrays.stream(r.getArrayOfStrings("steps_done"))
            .filter(java.util.Objects::nonNull).toList()))
        .put("result", r.getValue("result") instanceof JsonObject result ? result : new JsonObject());
    if ("failed".equals(status)) {
      o.put("failure_reason", r.getString("last_error"));
    }
    OffsetDateTime expires = r.getOffsetDateTime("export_expires_at");
    if ("completed".equals(status) && "export".equals(r.getString("type"))) {
      boolean live = expires != null && expires.toInstant().isAfter(Instant.now());
      o.put("download_url", live ? links.link(r.getString("store_id"), r.getString("id"), expires.toInstant()) : null);
      o.put("download_expires_at", live ? Wire.time(expires) : null);
    }
    return o;
  }

  private static JsonObject renderAudit(Row r) {
    return new JsonObject()
        .put("id", "aud_" + r.getLong("seq"))
        .put("object", "data_request_audit_entry")
        .put("request_id", r.getString("request_id"))
        .put("action", r.getString("action"))
        .put("actor", r.getString("actor"))
        .put("detail", r.getJsonObject("detail"))
        .put("created_at", Wire.time(r.getOffsetDateTime("created_at")));
  }
}
