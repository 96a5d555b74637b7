package io.shoal.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatedRequestImpl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Contract validation of an operation with a JSON body, in place of the router's. The router's
 * (vertx-openapi) runs on a worker thread, through vertx-json-schema interpreting the schema on
 * every request: 38 % of the server's CPU samples while creating customers (bench/README.md,
 * eighth pass). Here, on the event loop, the parameters and the body are first tried against
 * checks compiled from the contract once ({@link CompiledSchema}); a request they surely accept
 * goes on with the same validated
 * request the router would have made. Any other request (a doubt, an error, an unusual header or
 * content type) is validated by vertx-openapi exactly as before, so every 4xx keeps its answer and
 * message.
 *
 * <pre>
 *   request -> parameters and body surely valid? --yes--> validated request -> next handler
 *                         | no or unsure
 *                         v
 *              vertx-openapi (worker) --valid--> next handler
 *                                     --invalid--> 400 as the router gives it (ErrorRenderer)
 * </pre>
 */
final class BodyValidation implements Handler<RoutingContext> {

  /** What vertx-openapi takes as a string parameter as it was sent (ParameterTransformer). */
  private static final Pattern PLAIN = Pattern.compile("\\w+");

  private record ParameterRule(String name, boolean inPath, boolean required, Integer maxLength, Set<String> allowed) {}

  private final Operation operation;
  private final List<ParameterRule> parameters;
  private final CompiledSchema.Check body;
  private final RequestExtractor extractor;
  private final RequestValidator validator;

  private BodyValidation(Operation operation, List<ParameterRule> parameters, CompiledSchema.Check body,
                         RequestExtractor extractor, RequestValidator validator) {
    this.operation = operation;
    this.parameters = parameters;
    this.body = body;
    this.extractor = extractor;
    this.validator = validator;
  }

  /**
   * The validation of an operation, or null when its contract uses something the compiled
   * checks do not cover (then the router validates it as it always did).
   *
   * @param contract the contract as written (not the library's dereferenced copy)
   */
  static BodyValidation of(JsonObject contract, Operation operation, RequestExtractor extractor,
                           RequestValidator validator) {
    Written raw = written(contract, operation.getOperationId());
    if (raw == null || !(raw.operation.getValue("requestBody") instanceof JsonObject requestBody)
        || !Boolean.TRUE.equals(requestBody.getValue("required"))) {
      return null;
    }
    JsonObject content = requestBody.getJsonObject("content", new JsonObject());
    if (content.size() != 1 || !(content.getValue("application/json") instanceof JsonObject media)
        || !media.containsKey("schema")) {
      return null;
    }
    try {
      List<ParameterRule> rules = new ArrayList<>();
      for (Object p : raw.parameters()) {
        rules.add(rule(contract, p));
      }
      CompiledSchema.Check check = CompiledSchema.compile(media.getValue("schema"), ref -> resolve(contract, ref));
      return new BodyValidation(operation, rules, check, extractor, validator);
    } catch (CompiledSchema.Unsupported e) {
      return null;
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    ValidatedRequest valid = surelyValid(ctx);
    if (valid != null) {
      ctx.put(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST, valid);
      ctx.next();
      return;
    }
    // as the router's own validation handler does it (RouterBuilderImpl.createRouter, 5.0.10)
    extractor.extractValidatableRequest(ctx, operation)
        .compose(request -> validator.validate(request, operation.getOperationId()))
        .onSuccess(validated -> {
          ctx.put(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST, validated);
          ctx.next();
        })
        .onFailure(e -> ctx.fail(e instanceof ValidatorException ? new HttpException(400, e.getMessage(), e) : e));
  }

  /** The validated request, when the compiled checks accept it all; null to let the library decide. */
  ValidatedRequest surelyValid(RoutingContext ctx) {
    String query = ctx.request().query();
    if (query != null && !query.isEmpty() || !"application/json".equalsIgnoreCase(ctx.request().getHeader("Content-Type"))) {
      return null;
    }
    Map<String, RequestParameter> path = new HashMap<>();
    Map<String, RequestParameter> headers = new HashMap<>();
    for (ParameterRule rule : parameters) {
      String value = rule.inPath ? ctx.pathParam(rule.name) : ctx.request().getHeader(rule.name);
      if (value == null) {
        if (rule.required) {
          return null;
        }
        // an optional parameter not sent is there as null, as the library has it
      } else if (!PLAIN.matcher(value).matches()
          || rule.maxLength != null && value.length() > rule.maxLength
          || rule.allowed != null && !rule.allowed.contains(value)) {
        return null;
      }
      (rule.inPath ? path : headers).put(rule.name, new RequestParameterImpl(value));
    }
    Buffer raw = ctx.body() == null ? null : ctx.body().buffer();
    if (raw == null || raw.length() == 0) {
      return null;
    }
    Object json;
    try {
      json = Json.decodeValue(raw);
    } catch (DecodeException e) {
      return null;
    }
    if (!accepts(json)) {
      return null;
    }
    return new ValidatedRequestImpl(Map.of(), headers, path, Map.of(), new RequestParameterImpl(json));
  }

  /** Whether the compiled checks surely accept this decoded body. */
  boolean accepts(Object json) {
    return json instanceof JsonObject && body.accepts(json);
  }

  private static ParameterRule rule(JsonObject contract, Object parameter) throws CompiledSchema.Unsupported {
    JsonObject p = CompiledSchema.asObject(parameter);
    if (p != null && p.getValue("$ref") instanceof String ref) {
      p = CompiledSchema.asObject(resolve(contract, ref));
    }
    if (p == null) {
      throw new CompiledSchema.Unsupported("parameter " + parameter);
    }
    String in = p.getString("in");
    JsonObject schema = p.getJsonObject("schema");
    if (!("path".equals(in) || "header".equals(in)) || schema == null || !"string".equals(schema.getValue("type"))
        || p.containsKey("style") || p.containsKey("content")) {
      throw new CompiledSchema.Unsupported("parameter " + p.getString("name"));
    }
    for (String key : schema.fieldNames()) {
      if (!Set.of("type", "maxLength", "enum", "description", "example", "examples").contains(key)) {
        throw new CompiledSchema.Unsupported("parameter keyword " + key);
      }
    }
    Set<String> allowed = null;
    if (schema.getValue("enum") instanceof JsonArray values) {
      allowed = new HashSet<>();
      for (Object v : values) {
        if (!(v instanceof String s)) {
          throw new CompiledSchema.Unsupported("parameter enum " + v);
        }
        allowed.add(s);
      }
    }
    Object max = schema.getValue("maxLength");
    if (max != null && !(max instanceof Integer)) {
      throw new CompiledSchema.Unsupported("parameter maxLength " + max);
    }
    return new ParameterRule(p.getString("name"), "path".equals(in), "path".equals(in) || p.getBoolean("required", false),
        (Integer) max, allowed);
  }

  /** An operation as written in the contract, with the parameters its path item shares. */
  private record Written(JsonObject operation, JsonArray shared) {

    /** Those of its path item, then its own. */
    List<Object> parameters() {
      List<Object> out = new ArrayList<>();
      if (shared != null) {
        shared.forEach(out::add);
      }
      if (operation.getValue("parameters") instanceof JsonArray own) {
        own.forEach(out::add);
      }
      return out;
    }
  }

  private static Written written(JsonObject contract, String operationId) {
    JsonObject paths = contract.getJsonObject("paths", new JsonObject());
    for (String name : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(name);
      for (String method : item.fieldNames()) {
        if (item.getValue(method) instanceof JsonObject op && operationId.equals(op.getString("operationId"))) {
          return new Written(op, item.getValue("parameters") instanceof JsonArray shared ? shared : null);
        }
      }
    }
    return null;
  }

  /** The target of a local reference ({@code #/components/...}), or null. */
  static Object resolve(JsonObject contract, String ref) {
    if (!ref.startsWith("#/")) {
      return null;
    }
    Object at = contract;
    for (String token : ref.substring(2).split("/")) {
      JsonObject o = CompiledSchema.asObject(at);
      if (o == null) {
        return null;
      }
      at = o.getValue(token.replace("~1", "/").replace("~0", "~"));
    }
    return at;
  }
}
