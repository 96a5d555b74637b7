package io.shoal.automation;

import io.shoal.customer.ProfileEdits;
import io.shoal.event.LoggedEvents;
import io.shoal.segment.SegmentRepository;
import io.shoal.kernel.Channel;
import io.shoal.delivery.MessageQueue;
import io.shoal.delivery.OutboundMessage;
import io.shoal.notify.DeliverySignature;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Executes one due step, in one transaction: claim it (skipping it if another node has it or
 * it is done), decide whether it still runs, do it, mark it. A decision to send is a row in
 * {@code messages} (deduplicated by run and action), and a change to the customer is written
 * with the same connection, so a crash at any point either loses the whole step (it is still
 * pending, and runs after the restart) or keeps all of it: never half, never twice.
 *
 * <pre>
 *   claim (FOR UPDATE SKIP LOCKED) -> rule gone? skipped: rule_deleted | paused? skipped: rule_paused
 *     -> delayed: conditions re-checked now (customer as stored now)   -> skipped: conditions_no_longer_hold
 *     -> wait_until: awaited event since the trigger?                  -> skipped: awaited_event_happened
 *     -> message: frequency caps (customer locked)                     -> skipped: frequency_cap
 *     -> do it -> mark done (or failed with why) -> commit -> wake the dispatcher / the segment engine
 * </pre>
 *
 * {@code call_webhook} is the exception: an HTTP call cannot join a transaction, so it is made
 * while the step is claimed and marked after; a crash in between calls again (at least once; the
 * {@code Shoal-Idempotency-Key} header lets the receiver drop the repeat).
 */
final class ActionRunner {

  private final Vertx vertx;
  private final Pool pool;
  private final WebClient web;
  private final int webhookTimeoutMs;
  private final ProfileEdits profiles;
  /** Runs on the scheduler's event loop only. */
  private final Map<String, Compiled> compiled = new java.util.HashMap<>();

  ActionRunner(Vertx vertx, Pool pool, WebClient web, int webhookTimeoutMs, ProfileEdits profiles) {
    this.vertx = vertx;
    this.pool = pool;
    this.web = web;
    this.webhookTimeoutMs = webhookTimeoutMs;
    this.profiles = profiles;
  }

  /** What happened to a step, and what to do after the commit. */
  private record Result(String status, String outcome, Runnable afterCommit) {
    static Result done(String outcome, Runnable after) {
      return new Result("done", outcome, after);
    }

    static Result skipped(String outcome) {
      return new Result("skipped", outcome, null);
    }

    static Result failed(String outcome) {
      return new Result("failed", outcome, null);
    }
  }

  /** The rule's checked definition, compiled once per version of the rule. */
  private AutomationRuleSpec spec(AutomationRule rule) {
    String key = rule.storeId() + "/" + rule.id();
    Compiled c = compiled.get(key);
    if (c == null || !c.updatedAt.equals(rule.updatedAt())) {
      if (compiled.size() > 10_000) {
        compiled.clear();
      }
      c = new Compiled(rule.updatedAt(), AutomationRuleSpec.of(rule.definition()));
      compiled.put(key, c);
    }
    return c.spec;
  }

  private record Compiled(java.time.OffsetDateTime updatedAt, AutomationRuleSpec spec) {}

  /** Runs the step; answers its status, or null when it was not (any more) pending. */
  Future<String> run(AutomationStore.DueStep due) {
    Runnable[] after = new Runnable[1];
    return pool.withTransaction(conn -> AutomationStore.claim(conn, due).compose(step -> {
      if (step == null) {
        return Future.succeededFuture((String) null);
      }
      return decide(conn, step).compose(result -> {
        after[0] = result.afterCommit;
        return AutomationStore.mark(conn, step, result.status, result.outcome).map(result.status);
      });
    })).onSuccess(status -> {
      if (after[0] != null) {
        after[0].run();
      }
    });
  }

  private Future<Result> decide(SqlConnection conn, AutomationStore.ClaimedStep step) {
    return AutomationStore.rule(conn, step.storeId(), step.ruleId()).compose(rule -> {
      if (rule == null) {
        return Future.succeededFuture(Result.skipped("rule_deleted"));
      }
      if (!rule.active()) {
        return Future.succeededFuture(Result.skipped("rule_paused"));
      }
      AutomationRuleSpec spec;
      AutomationRuleSpec.Action action;
      try {
        spec = spec(rule);
        action = AutomationRuleSpec.action(step.actionIndex(), step.action());
      } catch (RuntimeException e) {
        return Future.succeededFuture(Result.failed("rule_invalid: " + e.getMessage()));
      }
      boolean delayed = !action.dueAfter().isZero();
      return recheck(conn, step, spec, delayed).compose(holds -> {
        if (!holds) {
          return Future.succeededFuture(Result.skipped("conditions_no_longer_hold"));
        }
        return awaited(conn, step, action).compose(happened -> happened
            ? Future.succeededFuture(Result.skipped("awaited_event_happened"))
            : perform(conn, step, spec, action));
      });
    });
  }

  /**
   * A delayed action runs only if the rule's conditions (as the rule is now) still hold for the
   * triggering event and the customer as stored now; an immediate one was just checked.
   */
  private Future<Boolean> recheck(SqlConnection conn, AutomationStore.ClaimedStep step, AutomationRuleSpec spec,
                                  boolean delayed) {
    if (!delayed || spec.conditions() == null) {
      return Future.succeededFuture(true);
    }
    Future<Map<String, Object>> customer = spec.readsCustomer()
        ? AutomationStore.customer(conn, step.storeId(), step.customerId()) : Future.succeededFuture(null);
    return customer.map(c -> (c != null || !spec.readsCustomer())
        && spec.conditions().test(new TriggerFacts(step.trigger(), c), Instant.now()));
  }

  private Future<Boolean> awaited(SqlConnection conn, AutomationStore.ClaimedStep step,
                                  AutomationRuleSpec.Action action) {
    if (action.waitFor() == null) {
      return Future.succeededFuture(false);
    }
    Object keyValue = action.waitMatch() == null ? null
        : step.trigger().getJsonObject("data", new JsonObject()).getValue(action.waitMatch());
    Instant since = Instant.parse(step.trigger().getString("occurred_at"));
    return LoggedEvents.happenedSince(conn, step.storeId(), step.customerId(), action.waitFor(), since,
        step.trigger().getString("id"), keyValue == null ? null : action.waitMatch(),
        keyValue == null ? null : keyValue.toString());
  }

  private Future<Result> perform(SqlConnection conn, AutomationStore.ClaimedStep step, AutomationRuleSpec spec,
                                 AutomationRuleSpec.Action action) {
    JsonObject a = step.action();
    String storeId = step.storeId();
    String customerId = step.customerId();
    return switch (action.type()) {
      case "add_tag", "remove_tag" -> {
        boolean add = action.type().equals("add_tag");
        // The customer capability tells the evaluator after the commit.
        yield profiles.tag(conn, storeId, customerId, a.getString("tag"), add)
            .map(n -> Result.done(n == 0 ? (add ? "already_tagged" : "not_tagged") : null, null));
      }
      case "update_customer" -> profiles.update(conn, storeId, customerId, a.getJsonObject("fields"))
          .map(n -> n == 0 ? Result.skipped("customer_deleted") : Result.done(null, null));
      case "add_to_segment", "remove_from_segment" -> {
        String segmentId = a.getString("segment_id");
        yield SegmentRepository.type(conn, storeId, segmentId).compose(type -> {
          if (type == null) {
            return Future.succeededFuture(Result.failed("segment_deleted"));
          }
          if (!type.equals("static")) {
            return Future.succeededFuture(Result.failed("segment_not_static"));
          }
          return SegmentRepository.changeStaticMember(conn, storeId, segmentId, customerId,
                  action.type().equals("add_to_segment"))
              .map(n -> Result.done(n == 0 ? "unchanged" : null, null));
        });
      }
      case "call_webhook" -> callWebhook(step, a);
      default -> message(conn, step, spec, action);
    };
  }

  private Future<Result> message(SqlConnection conn, AutomationStore.ClaimedStep step, AutomationRuleSpec spec,
                                 AutomationRuleSpec.Action action) {
    String storeId = step.storeId();
    String customerId = step.customerId();
    List<FrequencyCap> caps = spec.caps().stream().filter(c -> c.channel().equals(action.channel())).toList();
    Future<Boolean> allowed = Future.succeededFuture(true);
    if (!caps.isEmpty()) {
      allowed = AutomationStore.lockCustomer(conn, storeId, customerId).map(true);
      for (FrequencyCap cap : caps) {
        allowed = allowed.compose(ok -> !Boolean.TRUE.equals(ok) ? Future.succeededFuture(false)
            : MessageQueue.queuedSince(conn, storeId, customerId, cap.channel(), OutboundMessage.Source.AUTOMATION,
                Instant.now().minus(cap.window())).map(cap::allows));
      }
    }
    return allowed.compose(ok -> {
      if (!Boolean.TRUE.equals(ok)) {
        return Future.succeededFuture(Result.skipped("frequency_cap"));
      }
      JsonObject variables = step.action().getJsonObject("variables", new JsonObject()).copy()
          .put("trigger", step.trigger()).put("automation_rule_id", step.ruleId()).put("automation_run_id", step.runId());
      OutboundMessage m = new OutboundMessage(storeId, customerId, Channel.fromWire(action.channel()),
          OutboundMessage.Source.AUTOMATION, step.ruleId(), step.runId() + ":" + step.actionIndex(),
          step.action().getString("template_id"), variables, null);
      return MessageQueue.enqueue(conn, List.of(m)).map(ids -> Result.done(
          ids.get(0) == null ? "already_queued" : "message " + ids.get(0), () -> MessageQueue.wake(vertx, storeId)));
    });
  }

  private Future<Result> callWebhook(AutomationStore.ClaimedStep step, JsonObject a) {
    byte[] body = new JsonObject().put("id", step.runId() + ":" + step.actionIndex()).put("object", "automation_action")
        .put("automation_rule_id", step.ruleId()).put("automation_run_id", step.runId())
        .put("customer_id", step.customerId()).put("trigger", step.trigger())
        .put("payload", a.getJsonObject("payload")).toBuffer().getBytes();
    long now = Instant.now().getEpochSecond();
    return web.postAbs(a.getString("url"))
        .timeout(webhookTimeoutMs)
        .putHeader("Content-Type", "application/json")
        .putHeader(DeliverySignature.HEADER, DeliverySignature.header(now, body, a.getString("secret"), null))
        .putHeader("Shoal-Idempotency-Key", step.runId() + ":" + step.actionIndex())
        .sendBuffer(Buffer.buffer(body))
        .map(resp -> resp.statusCode() / 100 == 2
            ? Result.done("http " + resp.statusCode(), null)
            : Result.failed("http " + resp.statusCode()))
        .otherwise(e -> Result.failed("call failed: " + e.getMessage()));
  }

}
