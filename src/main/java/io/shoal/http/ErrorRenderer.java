package io.shoal.http;

import io.shoal.kernel.DomainException;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.pgclient.PgException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place failures become HTTP answers, all in one shape:
 * {@code {"error":{"type","code","message","param"}}}. Client mistakes (contract violations,
 * malformed JSON, oversize bodies, unknown paths) are 4xx naming the problem; only a fault of
 * ours is a 500, and then the log has the stack trace and the client a request id.
 */
public final class ErrorRenderer implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorRenderer.class);

  @Override
  public void handle(RoutingContext ctx) {
    render(ctx, toDomainException(ctx, ctx.statusCode()));
  }

  /** For {@code Router.errorHandler(status, ...)}, where the context does not carry the status. */
  public Handler<RoutingContext> forStatus(int status) {
    return ctx -> render(ctx, toDomainException(ctx, status));
  }

  private void render(RoutingContext ctx, DomainException error) {
    if (error.status() == 503) {
      LOG.warn("{} {} answered 503: {}", ctx.request().method(), ctx.request().path(),
          ctx.failure() == null ? error.getMessage() : String.valueOf(ctx.failure()));
    } else if (error.status() >= 500) {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
    }
    if (error.status() == 503 && ctx.response().headers().get("Retry-After") == null) {
      ctx.response().putHeader("Retry-After", Integer.toString(error.retryAfterSeconds() > 0
          ? error.retryAfterSeconds() : io.shoal.db.DatabaseUnavailable.RETRY_AFTER_SECONDS));
    }
    if (error.status() == 405) {
      ctx.response().putHeader("Allow", "GET, POST, PATCH, DELETE");
    }
    ApiHandler.send(ctx, new Reply(error.status(), body(error)));
  }

  public static JsonObject body(DomainException e) {
    return new JsonObject().put("error", e.toJson());
  }

  private static DomainException toDomainException(RoutingContext ctx, int contextStatus) {
    Throwable failure = ctx.failure();
    if (failure instanceof DomainException api) {
      return api;
    }
    if (failure != null && io.shoal.db.DatabaseUnavailable.is(failure)) {
      return io.shoal.db.DatabaseUnavailable.answer();
    }
    if (failure instanceof HttpException http && http.getCause() instanceof ValidatorException v) {
      return fromValidation(v);
    }
    if (failure instanceof ValidatorException v) {
      return fromValidation(v);
    }
    if (failure instanceof DecodeException || (failure != null && failure.getCause() instanceof DecodeException)) {
      return DomainException.invalid("body_invalid_json", "the request body is not valid JSON", null);
    }
    // Class 22 is a value PostgreSQL cannot take, e.g. text with a NUL character: the client's.
    if (failure instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("22")) {
      return DomainException.invalid("parameter_invalid", "a value has the wrong format: " + pg.getErrorMessage(), null);
    }
    int status = failure instanceof HttpException http ? http.getStatusCode() : contextStatus;
    return switch (status) {
      case 400 -> DomainException.invalid("request_invalid",
          failure == null || failure.getMessage() == null ? "the request is malformed" : failure.getMessage(), null);
      case 401 -> DomainException.unauthorized("send your API key as 'Authorization: Bearer wk_live_...'");
      case 404 -> new DomainException(404, "invalid_request_error", "route_not_found",
          "no such route: " + ctx.request().method() + " " + ctx.request().path(), null);
      case 405 -> new DomainException(405, "invalid_request_error", "method_not_allowed",
          ctx.request().method() + " is not allowed on " + ctx.request().path(), null);
      case 413 -> new DomainException(413, "invalid_request_error", "body_too_large",
          "the request body is larger than this server accepts (SHOAL_BODY_LIMIT_BYTES)", null);
      case 415 -> new DomainException(415, "invalid_request_error", "unsupported_media_type",
          "send the body as Content-Type: application/json", null);
      case 503 -> new DomainException(503, "api_error", "unavailable",
          "this operation is not available yet", null);
      default -> new DomainException(500, "api_error", "internal_error",
          "something went wrong on our side; the request was not applied", null);
    };
  }

  private static final Pattern PARAMETER = Pattern.compile("parameter (\\S+) (?:is invalid|can't be decoded)");

  /**
   * Contract violations. For a body, names the field (dotted path) and the most specific
   * reason; for a parameter, names the parameter.
   */
  private static DomainException fromValidation(ValidatorException v) {
    String message = v.getMessage() == null ? "the request does not match the API contract" : v.getMessage();
    Matcher parameter = PARAMETER.matcher(message);
    if (parameter.find()) {
      return DomainException.invalid("parameter_invalid", message, parameter.group(1));
    }
    if (message.contains("can't be decoded") || message.contains("can not be decoded")) {
      return DomainException.invalid("body_invalid_json", "the request body is not valid JSON", null);
    }
    if (message.contains("format of the request body is not supported")) {
      return new DomainException(415, "invalid_request_error", "unsupported_media_type",
          "send the body as Content-Type: application/json", null);
    }
    if (message.contains("does not contain the required body")) {
      return DomainException.invalid("body_missing", "this request needs a JSON body", null);
    }
    if (v instanceof SchemaValidationException schema && schema.getOutputUnit() != null) {
      OutputUnit leaf = mostSpecific(schema.getOutputUnit());
      String field = leaf.getInstanceLocation() == null ? "" : leaf.getInstanceLocation().replaceFirst("^#?/?", "");
      String param = field.isEmpty() ? null : field.replace('/', '.');
      String error = leaf.getError() == null ? message : leaf.getError();
      if (error.contains("unevaluated properties") || error.contains("additional properties")) {
        return DomainException.invalid("parameter_unknown",
            "unknown field '" + param + "': it is not part of this request and would be ignored", param);
      }
      if (error.startsWith("Instance does not have required property")) {
        return DomainException.invalid("parameter_missing",
            error.replace("Instance does not have required property", "missing required field"), missingName(error, param));
      }
      return DomainException.invalid("parameter_invalid", param == null ? error : param + ": " + error, param);
    }
    return DomainException.invalid("parameter_invalid", message, null);
  }

  private static String missingName(String error, String param) {
    int q1 = error.indexOf('"');
    int q2 = error.indexOf('"', q1 + 1);
    String name = q1 >= 0 && q2 > q1 ? error.substring(q1 + 1, q2) : null;
    if (name == null) {
      return param;
    }
    return param == null ? name : param + "." + name;
  }

  /**
   * The error that says most: the one deepest in the instance, and there the one that is not a
   * mere summary ("does not match schema") of its children.
   */
  private static OutputUnit mostSpecific(OutputUnit unit) {
    List<OutputUnit> errors = unit.getErrors();
    if (errors == null || errors.isEmpty()) {
      return unit;
    }
    OutputUnit best = null;
    int bestScore = Integer.MIN_VALUE;
    for (OutputUnit e : errors) {
      OutputUnit candidate = mostSpecific(e);
      String loc = candidate.getInstanceLocation() == null ? "" : candidate.getInstanceLocation();
      String error = candidate.getError() == null ? "" : candidate.getError();
      int score = depth(loc) * 4;
      if (error.contains("unevaluated properties") || error.contains("additional properties")) {
        // a property whose own schema failed (a wrong enum value, a wrong type) is reported
        // "unevaluated" too: the failure of the property itself says more
        score -= 3;
      } else if (error.contains("does not match schema") || error.contains("subschema")
          || (error.startsWith("Instance does not match") && !error.startsWith("Instance does not match any of"))) {
        score -= 2;
      }
      if (score > bestScore) {
        best = candidate;
        bestScore = score;
      }
    }
    return best;
  }

  /** How deep a JSON pointer points: {@code /address/city} is 2. Not its length: a long field name is not deeper. */
  private static int depth(String pointer) {
    int depth = 0;
    for (int i = 0; i < pointer.length(); i++) {
      if (pointer.charAt(i) == '/') {
        depth++;
      }
    }
    return depth;
  }
}
