package io.shoal.automation;

import io.shoal.kernel.DomainException;
import io.shoal.http.ApiHandler;
import io.shoal.http.ApiOperation;
import io.shoal.http.ApiRequest;
import io.shoal.kernel.Cursor;
import io.shoal.kernel.Ids;
import io.shoal.kernel.ListPage;
import io.shoal.http.Reply;
import io.shoal.segment.SegmentDefinition;
import io.shoal.segment.SegmentRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@code /automation-rules}: create, list, get, update (including {@code is_active} to pause
 * and resume), delete, and each rule's run log. Every change is announced on
 * {@link AutomationVerticle#RULES_CHANGED} so the trigger verticle reloads the rule.
 */
public final class AutomationApi {

  private static final Set<String> NULLABLE = Set.of("segment_id", "date_property", "conditions", "re_entry",
      "frequency_caps");

  private final Vertx vertx;
  private final AutomationStore store;
  private final SegmentRepository segments;
  private final TemplateChannels templates;

  public AutomationApi(Vertx vertx, Pool pool, SegmentRepository segments, TemplateChannels templates) {
    this.vertx = vertx;
    this.store = new AutomationStore(pool);
    this.segments = segments;
    this.templates = templates;
  }

  public void mount(RouterBuilder rb) {
    ApiOperation.CREATE_AUTOMATION_RULE.mount(rb, ApiHandler.route(this::create));
    ApiOperation.LIST_AUTOMATION_RULES.mount(rb, ApiHandler.route(this::list));
    ApiOperation.GET_AUTOMATION_RULE.mount(rb, ApiHandler.route(this::get));
    ApiOperation.UPDATE_AUTOMATION_RULE.mount(rb, ApiHandler.route(this::update));
    ApiOperation.DELETE_AUTOMATION_RULE.mount(rb, ApiHandler.route(this::delete));
    ApiOperation.LIST_AUTOMATION_RUNS.mount(rb, ApiHandler.route(this::runs));
  }

  private Future<Reply> create(ApiRequest req) {
    String storeId = req.storeId();
    JsonObject def = normalized(req.body());
    // null is "none" for the optional parts, as on update (the contract declares them nullable)
    NULLABLE.forEach(key -> {
      if (def.containsKey(key) && def.getValue(key) == null) {
        def.remove(key);
      }
    });
    AutomationRuleSpec spec = checked(def);
    return segmentsExist(storeId, spec).compose(v -> templatesExist(storeId, spec))
        .compose(v -> store.createRule(storeId, Ids.newId("rule"), def))
        .map(rule -> {
          changed(rule.storeId(), rule.id());
          return Reply.created(rule.toJson());
        });
  }

  private Future<Reply> get(ApiRequest req) {
    return found(req.storeId(), req.path("id")).map(r -> Reply.ok(r.toJson()));
  }

  private Future<Reply> list(ApiRequest req) {
    String storeId = req.storeId();
    int limit = req.queryInt("limit", 25);
    Cursor.TimeAndId after = Cursor.TimeAndId.decode(req.query("cursor"));
    return store.rules(storeId, after.time(), after.id(), limit + 1)
        .map(rows -> Reply.ok(ListPage.of(rows, limit, AutomationRule::toJson,
            r -> Cursor.TimeAndId.of(r.createdAt(), r.id()))));
  }

  /** Fields given replace the stored ones; {@code null} clears an optional one. The result is checked whole. */
  private Future<Reply> update(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    JsonObject patch = req.body();
    return found(storeId, id).compose(current -> {
      JsonObject def = current.definition();
      for (String key : patch.fieldNames()) {
        Object v = patch.getValue(key);
        if (v == null && !NULLABLE.contains(key)) {
          throw DomainException.invalidParam(key, key + " cannot be null");
        }
        if (v == null) {
          def.remove(key);
        } else {
          def.put(key, v);
        }
      }
      // a call_webhook action edited without its secret keeps the stored one (the API never shows it)
      if (patch.getValue("actions") != null) {
        keepSecrets(current, def);
      }
      JsonObject normalized = normalized(def);
      AutomationRuleSpec spec = checked(normalized);
      return segmentsExist(storeId, spec).compose(v -> templatesExist(storeId, spec))
          .compose(v -> store.updateRule(storeId, id, normalized));
    }).map(rule -> {
      if (rule == null) {
        throw DomainException.notFound("automation rule", id);
      }
      changed(storeId, id);
      return Reply.ok(rule.toJson());
    });
  }

  private Future<Reply> delete(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    return store.deleteRule(storeId, id).map(deleted -> {
      if (!deleted) {
        throw DomainException.notFound("automation rule", id);
      }
      changed(storeId, id);
      return Reply.ok(new JsonObject().put("object", "automation_rule").put("id", id).put("deleted", true));
    });
  }

  private Future<Reply> runs(ApiRequest req) {
    String storeId = req.storeId();
    String id = req.path("id");
    int limit = req.queryInt("limit", 25);
    Cursor.TimeAndId before = Cursor.TimeAndId.decode(req.query("cursor"));
    return found(storeId, id)
        .compose(r -> store.runs(storeId, id, before.time(), before.id(), limit + 1))
        .map(rows -> Reply.ok(ListPage.of(rows, limit, run -> run,
            run -> new JsonObject().put("t", run.getString("created_at")).put("id", run.getString("id")))));
  }

  // --- helpers ---------------------------------------------------------------------------------

  private Future<AutomationRule> found(String storeId, String id) {
    return store.rule(storeId, id).map(r -> {
      if (r == null) {
        throw DomainException.notFound("automation rule", id);
      }
      return r;
    });
  }

  /** The definition as stored: name checked, defaults filled in. */
  private static JsonObject normalized(JsonObject body) {
    JsonObject d = body.copy();
    if (!(d.getValue("name") instanceof String name) || name.isBlank() || name.length() > 200) {
      throw DomainException.invalid("parameter_missing", "name is required: 1 to 200 characters", "name");
    }
    if (d.getValue("is_active") != null && !(d.getValue("is_active") instanceof Boolean)) {
      throw DomainException.invalidParam("is_active", "is_active must be true or false");
    }
    if (d.getValue("re_entry") == null) {
      d.put("re_entry", new JsonObject().put("policy", "every_time"));
    }
    return d;
  }

  private static AutomationRuleSpec checked(JsonObject def) {
    return AutomationRuleSpec.of(def);
  }

  private static void keepSecrets(AutomationRule current, JsonObject def) {
    var actions = def.getJsonArray("actions");
    for (int i = 0; i < actions.size(); i++) {
      if (actions.getValue(i) instanceof JsonObject a && "call_webhook".equals(a.getString("type"))
          && a.getValue("secret") == null) {
        for (Object o : current.actions()) {
          JsonObject old = (JsonObject) o;
          if ("call_webhook".equals(old.getString("type")) && Objects.equals(old.getString("url"), a.getString("url"))) {
            a.put("secret", old.getString("secret"));
            break;
          }
        }
      }
    }
  }

  /**
   * A send action's template must exist in the store, for the action's channel: found now, it
   * is a 400 the rule's author can fix; found at send time, it is a failed message per customer.
   */
  private Future<Void> templatesExist(String storeId, AutomationRuleSpec spec) {
    List<Future<Void>> checks = new ArrayList<>();
    for (AutomationRuleSpec.Action a : spec.actions()) {
      String templateId = a.json().getString("template_id");
      if (a.channel() == null || templateId == null) {
        continue;
      }
      String param = "actions[" + a.index() + "].template_id";
      checks.add(templates.channelOf(storeId, templateId).map(channel -> {
        if (channel == null) {
          throw DomainException.invalidParam(param, "template '" + templateId + "' does not exist in this store");
        }
        if (!channel.equals(a.channel())) {
          throw DomainException.invalidParam(param, "template '" + templateId + "' is for " + channel + ", not "
              + a.channel());
        }
        return null;
      }));
    }
    return Future.all(checks).mapEmpty();
  }

  /** The trigger's segment must exist; segments that actions add to or remove from must be static. */
  private Future<Void> segmentsExist(String storeId, AutomationRuleSpec spec) {
    List<Future<SegmentDefinition>> lookups = new ArrayList<>();
    List<String> ids = spec.segmentIds();
    ids.forEach(id -> lookups.add(segments.get(storeId, id)));
    return Future.all(lookups).map(all -> {
      for (int i = 0; i < ids.size(); i++) {
        SegmentDefinition def = lookups.get(i).result();
        boolean trigger = i == 0 && spec.segmentId() != null;
        String param = trigger ? "segment_id" : "actions";
        if (def == null) {
          throw DomainException.invalidParam(param, "segment '" + ids.get(i) + "' does not exist in this store");
        }
        if (!trigger && def.isEvaluated()) {
          throw DomainException.invalidParam(param, "segment '" + ids.get(i) + "' is " + def.type()
              + "; actions add to and remove from static segments only (a rule-based segment's members follow its rules)");
        }
      }
      return null;
    });
  }

  private void changed(String storeId, String id) {
    vertx.eventBus().publish(AutomationVerticle.RULES_CHANGED, new JsonObject().put("store_id", storeId).put("id", id));
  }
}
