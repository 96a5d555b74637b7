package io.shoal.segment;

import io.shoal.kernel.DomainException;
import io.shoal.http.ApiHandler;
import io.shoal.http.ApiOperation;
import io.shoal.http.ApiRequest;
import io.shoal.kernel.Cursor;
import io.shoal.kernel.Ids;
import io.shoal.kernel.ListPage;
import io.shoal.kernel.LocalizedText;
import io.shoal.http.Reply;
import io.shoal.kernel.Wire;
import io.shoal.segment.eval.SegmentEngine;
import io.shoal.segment.rule.AttributeTypes;
import io.shoal.segment.rule.RuleCompiler;
import io.shoal.segment.rule.RuleException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Segments, served under two paths that are one resource: {@code /segments} in seed 000's shape
 * ({@code is_dynamic}, {@code customer_count}) and {@code /customer-segments} in seed 001's
 * ({@code type}, {@code member_count}). Types: {@code dynamic} (kept current, announces enter
 * and leave), {@code passive} (kept current, silent) and {@code static} (explicit members).
 */
public final class SegmentApi {

  /** The two wire shapes of a segment. */
  enum Shape { SEGMENT, CUSTOMER_SEGMENT }

  public static final int MAX_MEMBER_IDS = 10_000;

  /** How long creating or editing a segment waits for its backfill before answering. */
  static final long SYNC_WAIT_MS = 2_000;
  /**
   * Up to this many customers (as of the store's last sync) a create or edit waits for its sync
   * (up to {@link #SYNC_WAIT_MS}) and answers the real count; a larger store answers at once,
   * {@code sync_status: in_progress}, so creating many segments is not paced by their backfills.
   */
  private final long waitCustomers;
  /** How many entered and left customer ids a refresh lists (all are recorded as transitions). */
  static final int REFRESH_LISTED = 100;

  private final Vertx vertx;
  private final SegmentRepository repository;
  private final SegmentEngine engine;

  /** The store's declared custom attribute types (key -> number, date, text), owned by the customer package. */
  private final Function<String, Future<Map<String, String>>> attributeTypes;

  public SegmentApi(Vertx vertx, SegmentRepository repository, SegmentEngine engine,
                    Function<String, Future<Map<String, String>>> attributeTypes, long waitCustomers) {
    this.vertx = vertx;
    this.repository = repository;
    this.engine = engine;
    this.attributeTypes = attributeTypes;
    this.waitCustomers = waitCustomers;
  }

  public void mount(RouterBuilder rb) {
    ApiOperation.LIST_SEGMENTS.mount(rb, ApiHandler.route(r -> list(r, Shape.SEGMENT)));
    ApiOperation.CREATE_SEGMENT.mount(rb, ApiHandler.route(r -> create(r, Shape.SEGMENT)));
    ApiOperation.GET_SEGMENT.mount(rb, ApiHandler.route(r -> get(r, Shape.SEGMENT)));
    ApiOperation.UPDATE_SEGMENT.mount(rb, ApiHandler.route(r -> update(r, Shape.SEGMENT)));
    ApiOperation.DELETE_SEGMENT.mount(rb, ApiHandler.route(r -> delete(r, Shape.SEGMENT)));
    ApiOperation.LIST_CUSTOMER_SEGMENTS.mount(rb, ApiHandler.route(r -> list(r, Shape.CUSTOMER_SEGMENT)));
    ApiOperation.CREATE_CUSTOMER_SEGMENT.mount(rb, ApiHandler.route(r -> create(r, Shape.CUSTOMER_SEGMENT)));
    ApiOperation.GET_CUSTOMER_SEGMENT.mount(rb, ApiHandler.route(r -> get(r, Shape.CUSTOMER_SEGMENT)));
    ApiOperation.UPDATE_CUSTOMER_SEGMENT.mount(rb, ApiHandler.route(r -> update(r, Shape.CUSTOMER_SEGMENT)));
    ApiOperation.DELETE_CUSTOMER_SEGMENT.mount(rb, ApiHandler.route(r -> delete(r, Shape.CUSTOMER_SEGMENT)));
    ApiOperation.LIST_SEGMENT_MEMBERS.mount(rb, ApiHandler.route(this::members));
    ApiOperation.ADD_SEGMENT_MEMBERS.mount(rb, ApiHandler.route(r -> changeMembers(r, true)));
    ApiOperation.REMOVE_SEGMENT_MEMBERS.mount(rb, ApiHandler.route(r -> changeMembers(r, false)));
    ApiOperation.EXPLAIN_SEGMENT.mount(rb, ApiHandler.route(this::explain));
    ApiOperation.PREVIEW_SEGMENT.mount(rb, ApiHandler.route(this::preview));
    ApiOperation.LIST_SEGMENT_TRANSITIONS.mount(rb, ApiHandler.route(this::transitions));
    ApiOperation.REFRESH_SEGMENT.mount(rb, ApiHandler.route(this::refresh));
    ApiOperation.SEARCH_SEGMENTS.mount(rb, ApiHandler.route(this::search));
  }

  // --- CRUD ----------------------------------------------------------------------------------

  private Future<Reply> create(ApiRequest req, Shape shape) {
    return attributeTypes.apply(req.storeId()).compose(types -> create(req, shape, types));
  }

  private Future<Reply> create(ApiRequest req, Shape shape, Map<String, String> types) {
    String storeId = req.storeId();
    JsonObject body = req.body();
    String type = typeOf(body, shape, null);
    String lifecycle = body.getString("lifecycle", SegmentDefinition.CREATED);
    boolean draft = SegmentDefinition.DRAFT.equals(lifecycle);
    JsonArray rules = typed(body.getJsonArray("rules", new JsonArray()), types);
    List<String> members = ids(body.getJsonArray("customer_ids"), "customer_ids");
    if (draft && !members.isEmpty()) {
      throw DomainException.invalidParam("customer_ids", "a draft has no members; add them once it is published"
          + " (lifecycle: created)");
    }
    if (SegmentDefinition.STATIC.equals(type)) {
      if (!rules.isEmpty() && !members.isEmpty()) {
        throw DomainException.invalidParam("rules", "a static segment takes either rules (its members are fixed"
            + " from them at creation) or explicit customer_ids, not both");
      }
      if (!rules.isEmpty()) {
        compile(rules);
      }
    } else {
      if (!members.isEmpty()) {
        throw DomainException.invalidParam("customer_ids", "only a static segment takes customer_ids");
      }
      if (!draft || !rules.isEmpty()) {
        compile(rules);
      }
    }
    JsonArray finalRules = rules;
    LocalizedText localizedName = LocalizedText.read(body.getValue("name"), req.header("Content-Language"), null,
        "name");
    String name = name(localizedName.text());
    StorefrontFields sf = storefront(body, null, localizedName, req.header("Content-Language"));
    JsonObject metadata = body.getJsonObject("metadata", new JsonObject());
    return checkCustomers(storeId, members)
        .compose(v -> repository.create(storeId, Ids.newId("seg"), name, type, finalRules, metadata, members,
            lifecycle, body.getString("author"), body.getBoolean("locked", false), sf))
        .compose(def -> calculated(def, false, false))
        .compose(def -> render(def, shape, language(req)))
        .map(Reply::created);
  }

  /**
   * Runs the calculation a saved segment needs and answers it as stored afterwards. A draft
   * needs none. A static segment built from rules is fixed to who passes them now (with
   * {@code recordChanges}, each entry and exit is recorded as a transition). An evaluated
   * segment is (re)synced; in a store of up to {@link #waitCustomers} customers the
   * answer waits for the sync up to {@link #SYNC_WAIT_MS}, so a small store's new segment
   * answers its real count; otherwise it says {@code sync_status: in_progress}. The funnel is
   * stored once the calculation is done.
   */
  private Future<SegmentDefinition> calculated(SegmentDefinition def, boolean edited, boolean recordChanges) {
    if (def.isDraft()) {
      return Future.succeededFuture(def);
    }
    if (def.isStaticFromRules()) {
      return refreshStatic(def, recordChanges).compose(r -> repository.get(def.storeId(), def.id()));
    }
    if (!def.isEvaluated()) {
      return Future.succeededFuture(def);
    }
    // a store known to be large is not waited for: its sync takes longer than an answer should
    boolean quick = engine.lastKnownCustomers(def.storeId()) <= waitCustomers;
    Future<Void> synced = engine.segmentChanged(def, edited)
        // the sync's own pass counted the funnel; a pass cut short by a newer edit did not
        .compose(counts -> counts != null ? Future.succeededFuture(counts) : engine.preview(def.storeId(), def.rules()))
        .compose(counts -> repository.saveFunnel(def.storeId(), def.id(), funnel(def.rules(), counts)));
    if (!quick) {
      return Future.succeededFuture(def); // as saved: in_progress
    }
    Promise<Void> waited = Promise.promise();
    long timer = vertx.setTimer(SYNC_WAIT_MS, t -> waited.tryComplete());
    synced.onComplete(ar -> {
      vertx.cancelTimer(timer);
      waited.tryComplete();
    });
    return waited.future().compose(v -> repository.get(def.storeId(), def.id()))
        .map(now -> now == null ? def : now);
  }

  private Future<SegmentRepository.Refresh> refreshStatic(SegmentDefinition def, boolean recordChanges) {
    return engine.calculate(def.storeId(), def.rules()).compose(calc -> repository.replaceStaticMembers(
        def.storeId(), def.id(), calc.members(), funnel(def.rules(), calc.counts()), recordChanges));
  }

  /** Recalculates a segment now: a static one built from rules gets its new members; any stores its funnel. */
  private Future<Reply> refresh(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    return found(storeId, id).compose(def -> {
      if (def.isDraft()) {
        throw new DomainException(409, "invalid_request_error", "segment_draft",
            "a draft is not calculated; publish it first (PATCH lifecycle: created)", "id");
      }
      if (def.rules().isEmpty()) {
        throw new DomainException(409, "invalid_request_error", "segment_not_refreshable",
            "this static segment has explicit members and no rules to recalculate them from", "id");
      }
      Future<SegmentRepository.Refresh> changes = def.isStaticFromRules() ? refreshStatic(def, true)
          : engine.preview(storeId, def.rules())
              .compose(counts -> repository.saveFunnel(storeId, id, funnel(def.rules(), counts)))
              .map(v -> new SegmentRepository.Refresh(List.of(), List.of()));
      return changes.compose(r -> repository.get(storeId, id).compose(now -> render(now, Shape.SEGMENT)).map(seg ->
          Reply.ok(new JsonObject()
              .put("object", "segment_refresh")
              .put("segment_id", id)
              .put("entered_count", r.entered().size())
              .put("left_count", r.left().size())
              .put("entered", new JsonArray(r.entered().subList(0, Math.min(REFRESH_LISTED, r.entered().size()))))
              .put("left", new JsonArray(r.left().subList(0, Math.min(REFRESH_LISTED, r.left().size()))))
              .put("segment", seg))));
    });
  }

  /** The per-rule funnel of a calculation: for each top-level rule, who passed before it and with it. */
  static JsonArray funnel(JsonArray rules, long[] counts) {
    JsonArray funnel = new JsonArray();
    for (int i = 0; i < rules.size(); i++) {
      long before = counts[i];
      long now = counts[i + 1];
      funnel.add(new JsonObject()
          .put("rule", rules.getValue(i))
          .put("count_before", before)
          .put("count_now", now)
          .put("filtered_percentage", before == 0 ? 0.0 : Math.round(10000.0 * (before - now) / before) / 100.0));
    }
    return funnel;
  }

  private Future<Reply> get(ApiRequest req, Shape shape) {
    String storeId = req.storeId();
    String id = req.path("id");
    return found(storeId, id).compose(def -> render(def, shape, language(req))).map(Reply::ok);
  }

  private Future<Reply> update(ApiRequest req, Shape shape) {
    String storeId = req.storeId();
    String id = req.path("id");
    JsonObject body = req.body();
    Future<Map<String, String>> types = body.containsKey("rules") ? attributeTypes.apply(storeId)
        : Future.succeededFuture(Map.of());
    return types.compose(declared -> found(storeId, id).map(current -> java.util.Map.entry(current, declared)))
        .compose(found -> {
      SegmentDefinition current = found.getKey();
      Map<String, String> declared = found.getValue();
      if (current.locked() && !current.isDraft() && !(body.size() == 1 && body.containsKey("locked"))) {
        throw locked(id);
      }
      String lifecycle = body.getString("lifecycle");
      if (SegmentDefinition.DRAFT.equals(lifecycle) && !current.isDraft()) {
        throw new DomainException(409, "invalid_request_error", "segment_published",
            "a published segment cannot go back to draft; create a new draft instead", "lifecycle");
      }
      boolean publishing = current.isDraft() && SegmentDefinition.CREATED.equals(lifecycle);
      boolean draft = current.isDraft() && !publishing;
      String type = typeOf(body, shape, current.type());
      boolean typeChanged = !type.equals(current.type());
      JsonArray rules;
      if (body.containsKey("rules")) {
        rules = typed(body.getJsonArray("rules", new JsonArray()), declared);
      } else if (typeChanged && SegmentDefinition.STATIC.equals(type)) {
        rules = new JsonArray(); // to static without new rules: an explicit member list, starting empty
      } else {
        rules = current.rules();
      }
      if (!SegmentDefinition.STATIC.equals(type) && !(draft && rules.isEmpty())) {
        compile(rules);
      } else if (!rules.isEmpty()) {
        compile(rules);
      }
      boolean resync = publishing || typeChanged || !rules.equals(current.rules());
      String contentLanguage = req.header("Content-Language");
      LocalizedText localizedName = body.containsKey("name")
          ? LocalizedText.read(body.getValue("name"), contentLanguage, currentName(current), "name")
          : currentName(current);
      String name = body.containsKey("name") ? name(localizedName.text()) : current.name();
      StorefrontFields sf = storefront(body, current.storefront(), localizedName, contentLanguage);
      boolean liveChanged = !sf.equals(current.storefront());
      JsonObject metadata = body.containsKey("metadata") ? body.getJsonObject("metadata", new JsonObject())
          : current.metadata();
      return repository.update(storeId, id, name, type, rules, metadata, resync, lifecycle, body.getString("author"),
          body.getBoolean("locked"), sf).compose(def -> {
        if (def == null) {
          throw DomainException.notFound("segment", id);
        }
        if (!resync) {
          if (liveChanged && def.isEvaluated()) {
            // a new validity or status reaches the evaluators with the definition (no member changes)
            engine.segmentChanged(def, true);
          }
          return Future.succeededFuture(def);
        }
        if (!def.isEvaluated() && current.isEvaluated()) {
          engine.segmentChanged(def, true); // uninstalls it
        }
        if (def.isStaticFromRules() || def.isEvaluated()) {
          // publishing is a creation: nothing was announced before, so nothing is announced as changed
          return calculated(def, current.isEvaluated(), !publishing && !typeChanged);
        }
        return Future.succeededFuture(def);
      }).compose(def -> render(def, shape, language(req)));
    }).map(Reply::ok);
  }

  private static DomainException locked(String id) {
    return new DomainException(409, "invalid_request_error", "segment_locked",
        "segment '" + id + "' is locked: it can only be edited as a draft; unlock it with {\"locked\": false}", "id");
  }

  private Future<Reply> delete(ApiRequest req, Shape shape) {
    String storeId = req.storeId();
    String id = req.path("id");
    return repository.delete(storeId, id).map(deleted -> {
      if (!deleted) {
        throw DomainException.notFound("segment", id);
      }
      engine.segmentDeleted(storeId, id);
      return Reply.ok(new JsonObject().put("id", id)
          .put("object", shape == Shape.SEGMENT ? "segment" : "customer_segment").put("deleted", true));
    });
  }

  private Future<Reply> list(ApiRequest req, Shape shape) {
    String storeId = req.storeId();
    int limit = req.queryInt("limit", 25);
    List<String> types = null;
    if (req.query("type") != null) {
      types = List.of(req.query("type"));
    }
    if (req.query("is_dynamic") != null) {
      boolean dynamic = Boolean.parseBoolean(req.query("is_dynamic"));
      types = dynamic ? List.of(SegmentDefinition.DYNAMIC, SegmentDefinition.PASSIVE) : List.of(SegmentDefinition.STATIC);
    }
    String cursor = req.query("cursor");
    Cursor.TimeAndId after = Cursor.TimeAndId.decode(cursor);
    return repository.list(storeId, types, after.time(), after.id(), limit + 1).compose(defs -> {
      List<SegmentDefinition> page = defs.size() > limit ? defs.subList(0, limit) : defs;
      List<Future<JsonObject>> rendered = new ArrayList<>();
      page.forEach(d -> rendered.add(render(d, shape, language(req))));
      return Future.all(rendered).map(all -> {
        List<JsonObject> objects = new ArrayList<>();
        rendered.forEach(f -> objects.add(f.result()));
        SegmentDefinition last = page.isEmpty() ? null : page.get(page.size() - 1);
        JsonObject next = defs.size() > limit
            ? Cursor.TimeAndId.of(last.createdAt(), last.id()) : null;
        return ListPage.rendered(objects, next);
      });
    }).map(Reply::ok);
  }

  // --- members --------------------------------------------------------------------------------

  private Future<Reply> members(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    int limit = req.queryInt("limit", 25);
    String after = null;
    if (req.query("cursor") != null) {
      after = Cursor.decode(req.query("cursor")).getString("id");
      if (after == null) {
        throw Cursor.invalid();
      }
    }
    String afterId = after;
    return found(storeId, id)
        .compose(def -> repository.members(storeId, id, afterId, limit + 1))
        .map(rows -> Reply.ok(ListPage.of(rows, limit, SegmentApi::renderMember,
            r -> new JsonObject().put("id", r.getString("customer_id")))));
  }

  private Future<Reply> changeMembers(ApiRequest req, boolean add) {
    String storeId = req.storeId();
    String id = req.path("id");
    List<String> ids = ids(req.body().getJsonArray("customer_ids"), "customer_ids");
    if (ids.isEmpty()) {
      throw DomainException.invalidParam("customer_ids", "give 1 to " + MAX_MEMBER_IDS + " customer ids");
    }
    return found(storeId, id).compose(def -> {
      if (def.locked() && !def.isDraft()) {
        throw locked(id);
      }
      if (def.isDraft()) {
        throw new DomainException(409, "invalid_request_error", "segment_draft",
            "a draft has no members; publish it first (PATCH lifecycle: created)", "id");
      }
      if (def.isEvaluated()) {
        throw DomainException.invalid("segment_not_static",
            "members of a " + def.type() + " segment follow its rules; only static segments take explicit members", "id");
      }
      Future<Integer> changed = add
          ? checkCustomers(storeId, ids).compose(v -> repository.addMembers(storeId, id, ids))
          : repository.removeMembers(storeId, id, ids);
      return changed.compose(n -> repository.countMembers(storeId, id).map(count -> Reply.ok(new JsonObject()
          .put("object", "segment_members_change")
          .put("segment_id", id)
          .put(add ? "added" : "removed", n)
          .put("member_count", count))));
    });
  }

  // --- explain, preview, transitions ----------------------------------------------------------

  private Future<Reply> explain(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    String customerId = req.query("customer_id");
    return found(storeId, id).compose(def -> {
      if (!def.isEvaluated()) {
        throw DomainException.invalid("segment_not_evaluated", "a static segment has no rules to explain", "id");
      }
      return engine.explain(def, customerId).map(answer -> {
        if (answer == null) {
          throw new DomainException(404, "invalid_request_error", "resource_missing",
              "No such customer: '" + customerId + "'", "customer_id");
        }
        JsonObject explanation = answer.getJsonObject("explanation");
        return Reply.ok(new JsonObject()
            .put("object", "segment_explanation")
            .put("segment_id", id)
            .put("customer_id", customerId)
            .put("member", answer.getBoolean("member"))
            .put("matches", explanation.getValue("matches"))
            .put("rules", explanation.getValue("rules"))
            .put("aggregates", answer.getJsonObject("aggregates")));
      });
    });
  }

  private Future<Reply> preview(ApiRequest req) {
    String storeId = req.storeId();
    return attributeTypes.apply(storeId).compose(types -> {
      JsonArray rules = typed(req.body().getJsonArray("rules"), types);
      compile(rules);
      return preview(storeId, rules);
    });
  }

  private Future<Reply> preview(String storeId, JsonArray rules) {
    return engine.preview(storeId, rules).map(counts -> Reply.ok(new JsonObject()
        .put("object", "segment_preview")
        .put("total_customers", counts[0])
        .put("member_count", counts[rules.size()])
        .put("rules", funnel(rules, counts))));
  }

  private Future<Reply> transitions(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    int limit = req.queryInt("limit", 25);
    long after = 0;
    if (req.query("cursor") != null) {
      Long seq = Cursor.decode(req.query("cursor")).getLong("seq");
      if (seq == null) {
        throw Cursor.invalid();
      }
      after = seq;
    }
    long afterSeq = after;
    return found(storeId, id)
        .compose(def -> repository.transitions(storeId, id, req.query("customer_id"), afterSeq, limit + 1))
        .map(rows -> Reply.ok(ListPage.of(rows, limit, SegmentApi::renderTransition,
            r -> new JsonObject().put("seq", r.getLong("seq")))));
  }

  // --- helpers --------------------------------------------------------------------------------

  private Future<SegmentDefinition> found(String storeId, String id) {
    return repository.get(storeId, id).map(def -> {
      if (def == null) {
        throw DomainException.notFound("segment", id);
      }
      return def;
    });
  }

  private Future<Void> checkCustomers(String storeId, List<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return repository.unknownCustomers(storeId, ids).map(unknown -> {
      if (!unknown.isEmpty()) {
        throw DomainException.invalid("customer_unknown", "these customer_ids are not customers of this store: "
            + String.join(", ", unknown), "customer_ids");
      }
      return null;
    });
  }

  /** The rules with the store's declared attribute types written into their conditions. */
  private static JsonArray typed(JsonArray rules, Map<String, String> declared) {
    try {
      return AttributeTypes.annotate(rules, declared);
    } catch (RuleException e) {
      throw DomainException.invalid("rule_invalid", e.getMessage(), e.path());
    }
  }

  private static void compile(JsonArray rules) {
    if (rules == null || rules.isEmpty()) {
      throw DomainException.invalid("parameter_missing", "a dynamic or passive segment needs at least one rule", "rules");
    }
    try {
      RuleCompiler.compile(rules);
    } catch (RuleException e) {
      throw DomainException.invalid("rule_invalid", e.getMessage(), e.path());
    }
  }

  private static String typeOf(JsonObject body, Shape shape, String current) {
    String type = body.getString("type");
    Boolean dynamic = body.getBoolean("is_dynamic");
    if (type != null && dynamic != null && (dynamic != !SegmentDefinition.STATIC.equals(type))) {
      throw DomainException.invalidParam("is_dynamic", "is_dynamic contradicts type '" + type + "'");
    }
    if (type != null) {
      return type;
    }
    if (dynamic != null) {
      if (dynamic) {
        return current != null && !SegmentDefinition.STATIC.equals(current) ? current : SegmentDefinition.DYNAMIC;
      }
      return SegmentDefinition.STATIC;
    }
    return current != null ? current : SegmentDefinition.DYNAMIC;
  }

  private static String name(String name) {
    if (name == null || name.isBlank()) {
      throw DomainException.invalidParam("name", "name must not be blank");
    }
    return name.trim();
  }

  private static List<String> ids(JsonArray array, String param) {
    if (array == null) {
      return List.of();
    }
    if (array.size() > MAX_MEMBER_IDS) {
      throw DomainException.invalidParam(param, "at most " + MAX_MEMBER_IDS + " ids per request; add more with"
          + " POST .../segments/{id}/members");
    }
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (Object o : array) {
      out.add((String) o);
    }
    return new ArrayList<>(out);
  }

  private Future<JsonObject> render(SegmentDefinition d, Shape shape) {
    return render(d, shape, null);
  }

  private Future<JsonObject> render(SegmentDefinition d, Shape shape, String acceptLanguage) {
    Future<Long> count = d.isEvaluated() || d.isDraft() ? Future.succeededFuture(d.isDraft() ? 0L : d.memberCount())
        : repository.countMembers(d.storeId(), d.id());
    Future<Double> progress = "in_progress".equals(d.syncStatus()) ? engine.syncProgressOf(d)
        : Future.succeededFuture();
    return Future.all(count, progress).map(both -> {
      long n = count.result();
      JsonObject o = new JsonObject().put("id", d.id());
      if (shape == Shape.SEGMENT) {
        o.put("object", "segment").put("name", d.name()).put("rules", d.rules())
            .put("is_dynamic", d.isEvaluated()).put("type", d.type()).put("customer_count", n);
      } else {
        o.put("object", "customer_segment").put("name", d.name()).put("type", d.type())
            .put("rules", d.rules()).put("member_count", n);
      }
      o.put("metadata", d.metadata()).put("sync_status", d.syncStatus());
      o.put("lifecycle", d.lifecycle()).put("author", d.author()).put("locked", d.locked())
          .put("funnel", d.funnel()).put("calculated_at", d.calculatedAt() == null ? null : Wire.time(d.calculatedAt()));
      if (progress.result() != null) {
        o.put("sync_progress", progress.result());
      }
      renderStorefront(o, d, acceptLanguage);
      return o.put("created_at", Wire.time(d.createdAt())).put("updated_at", Wire.time(d.updatedAt()));
    });
  }

  // --- storefront fields (seed 004) -----------------------------------------------------------

  /** The Accept-Language of a request; the Content-Language of the answer is the language picked. */
  private static String language(ApiRequest req) {
    return req.header("Accept-Language");
  }

  private static LocalizedText currentName(SegmentDefinition d) {
    StorefrontFields sf = d.storefront();
    return new LocalizedText(d.name(), sf.localizedName(), sf.defaultLanguage());
  }

  /** The storefront fields of a create (current null) or an update, each kept when absent. */
  static StorefrontFields storefront(JsonObject body, StorefrontFields current, LocalizedText name,
                                     String contentLanguage) {
    StorefrontFields base = current == null ? StorefrontFields.NONE : current;
    JsonObject descriptions = base.localizedDescription();
    if (body.containsKey("description")) {
      if (body.getValue("description") == null) {
        descriptions = new JsonObject();
      } else {
        String descriptionDefault = name.defaultLanguage();
        LocalizedText currentDescription = new LocalizedText(descriptionDefault == null ? null
            : descriptions.getString(descriptionDefault), descriptions, descriptionDefault);
        LocalizedText d = LocalizedText.read(body.getValue("description"), contentLanguage, currentDescription,
            "description");
        descriptions = d.translations().isEmpty() ? new JsonObject().put(fallbackLanguage(name), d.text())
            : d.translations();
      }
    }
    Instant from = base.validFrom();
    Instant to = base.validTo();
    if (body.containsKey("validity")) {
      JsonObject validity = body.getJsonObject("validity");
      from = validity == null || validity.getString("from") == null ? null
          : Wire.parseInstant(validity.getString("from"), "validity.from");
      to = validity == null || validity.getString("to") == null ? null
          : Wire.parseInstant(validity.getString("to"), "validity.to");
      if (from != null && to != null && !from.isBefore(to)) {
        throw DomainException.invalidParam("validity.to", "validity.to must be after validity.from");
      }
    }
    String status = base.status();
    if (body.containsKey("status")) {
      status = body.getString("status", StorefrontFields.ACTIVE).toLowerCase(java.util.Locale.ROOT);
      if (!status.equals(StorefrontFields.ACTIVE) && !status.equals(StorefrontFields.INACTIVE)) {
        throw DomainException.invalidParam("status", "status is active or inactive");
      }
    }
    String siteCode = body.containsKey("site_code") ? body.getString("site_code") : base.siteCode();
    return new StorefrontFields(name.translations(), descriptions, name.defaultLanguage(), from, to, status, siteCode);
  }

  /** A description given as a plain string with no language known is kept under the key "default". */
  private static String fallbackLanguage(LocalizedText name) {
    return name.defaultLanguage() != null ? name.defaultLanguage() : "default";
  }

  private static void renderStorefront(JsonObject o, SegmentDefinition d, String acceptLanguage) {
    StorefrontFields sf = d.storefront();
    LocalizedText name = new LocalizedText(d.name(), sf.localizedName(), sf.defaultLanguage());
    if (acceptLanguage != null) {
      o.put("name", name.pick(acceptLanguage));
    }
    JsonObject descriptions = sf.localizedDescription();
    String description = null;
    if (!descriptions.isEmpty()) {
      String lang = name.pickLanguage(acceptLanguage);
      description = lang != null && descriptions.containsKey(lang) ? descriptions.getString(lang)
          : sf.defaultLanguage() != null && descriptions.containsKey(sf.defaultLanguage())
              ? descriptions.getString(sf.defaultLanguage()) : descriptions.getString(descriptions.fieldNames().iterator().next());
    }
    o.put("description", description)
        .put("localized_name", sf.localizedName())
        .put("localized_description", descriptions)
        .put("language", name.pickLanguage(acceptLanguage))
        .put("validity", new JsonObject().put("from", Wire.time(sf.validFrom())).put("to", Wire.time(sf.validTo())))
        .put("status", sf.status())
        .put("site_code", sf.siteCode())
        .put("active", d.liveAt(Instant.now()));
  }

  /**
   * {@code POST /segments/search}: seed 004's search. {@code q} in the body; pages by cursor
   * ({@code limit}, {@code cursor}) or by number ({@code page_size}, {@code page_number}, from 1);
   * {@code X-Total-Count: true} adds the number of matches (header and {@code total_count}).
   */
  private Future<Reply> search(ApiRequest req) {
    String storeId = req.storeId();
    SegmentQuery q = SegmentQuery.parse(req.body().getString("q"));
    Integer pageSize = req.query("page_size") == null ? null : req.queryInt("page_size", 25);
    int limit = pageSize != null ? pageSize : req.queryInt("limit", 25);
    int pageNumber = req.queryInt("page_number", 1);
    if (req.query("page_number") != null && pageSize == null) {
      throw DomainException.invalidParam("page_size", "page_number needs page_size");
    }
    String cursor = req.query("cursor");
    if (cursor != null && req.query("page_number") != null) {
      throw DomainException.invalidParam("cursor", "page either by cursor or by page_number, not both");
    }
    Cursor.TimeAndId after = Cursor.TimeAndId.decode(cursor);
    int offset = cursor == null ? (pageNumber - 1) * limit : 0;
    boolean wantTotal = "true".equalsIgnoreCase(req.header("X-Total-Count"));
    Future<Long> total = wantTotal ? repository.count(storeId, q) : Future.succeededFuture(null);
    String acceptLanguage = language(req);
    return total.compose(n -> repository.search(storeId, q, after.time(), after.id(), offset, limit + 1).compose(defs -> {
      List<SegmentDefinition> page = defs.size() > limit ? defs.subList(0, limit) : defs;
      List<Future<JsonObject>> rendered = new ArrayList<>();
      page.forEach(d -> rendered.add(render(d, Shape.SEGMENT, acceptLanguage)));
      return Future.all(rendered).map(all -> {
        List<JsonObject> objects = new ArrayList<>();
        rendered.forEach(f -> objects.add(f.result()));
        SegmentDefinition last = page.isEmpty() ? null : page.get(page.size() - 1);
        JsonObject next = defs.size() > limit
            ? Cursor.TimeAndId.of(last.createdAt(), last.id()) : null;
        JsonObject list = ListPage.rendered(objects, next);
        if (n != null) {
          list.put("total_count", n);
          req.response().putHeader("X-Total-Count", String.valueOf(n));
        }
        if (pageSize != null && cursor == null) {
          list.put("page_number", pageNumber).put("page_size", pageSize);
        }
        return Reply.ok(list);
      });
    }));
  }


  private static JsonObject renderMember(Row r) {
    JsonObject member = new JsonObject().put("object", "segment_member").put("customer_id", r.getString("customer_id"))
        .put("since", Wire.time(r.getOffsetDateTime("since")));
    if (r.getString("legal_entity_id") != null) {
      member.put("legal_entity_id", r.getString("legal_entity_id"));
    }
    if (r.getJsonObject("attributes") != null) {
      member.put("attributes", r.getJsonObject("attributes"));
    }
    return member;
  }

  private static JsonObject renderTransition(Row r) {
    return new JsonObject()
        .put("object", "segment_transition")
        .put("id", r.getString("id"))
        .put("type", "entered".equals(r.getString("kind")) ? "customer.segment.entered" : "customer.segment.left")
        .put("segment_id", r.getString("segment_id"))
        .put("customer_id", r.getString("customer_id"))
        .put("cause", r.getString("cause"))
        .put("event_id", r.getString("event_id"))
        .put("occurred_at", Wire.time(r.getOffsetDateTime("occurred_at")))
        .put("recorded_at", Wire.time(r.getOffsetDateTime("recorded_at")));
  }
}
