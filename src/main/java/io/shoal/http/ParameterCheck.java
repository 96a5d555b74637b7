package io.shoal.http;

import io.shoal.kernel.DomainException;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.JsonSchema;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks an operation's path and query parameters against the contract, on the event loop,
 * with rules read from the contract once at start. Used for operations without a request body
 * (GET, DELETE) instead of the generic validator, which builds new schema validators for every
 * parameter of every request and runs them on a worker thread: measured at about 70 % of the
 * server's CPU on get-by-id (bench/README.md). Understands what Shoal's contract uses for
 * parameters: type (string, integer, boolean, array of strings), enum, minimum, maximum,
 * maxLength, and required.
 */
final class ParameterCheck implements Handler<RoutingContext> {

  private record Rule(String name, Location in, boolean required, String type, Set<String> allowed,
                      Long minimum, Long maximum, Integer maxLength) {}

  private final List<Rule> rules;

  private ParameterCheck(List<Rule> rules) {
    this.rules = rules;
  }

  static ParameterCheck of(Operation operation) {
    List<Rule> rules = new ArrayList<>();
    for (Parameter p : operation.getParameters()) {
      if (p.getIn() != Location.PATH && p.getIn() != Location.QUERY) {
        continue;
      }
      JsonSchema schema = p.getSchema();
      String type = schema.get("type", "string");
      JsonSchema constraints = schema;
      if ("array".equals(type) && schema.get("items") instanceof io.vertx.core.json.JsonObject items) {
        constraints = JsonSchema.of(items);
      }
      Set<String> allowed = null;
      if (constraints.get("enum") instanceof JsonArray values) {
        allowed = new HashSet<>();
        for (Object v : values) {
          allowed.add(String.valueOf(v));
        }
      }
      rules.add(new Rule(p.getName(), p.getIn(), p.isRequired(), "array".equals(type) ? "string" : type, allowed,
          number(constraints.get("minimum")), number(constraints.get("maximum")),
          constraints.get("maxLength") instanceof Number n ? n.intValue() : null));
    }
    return new ParameterCheck(rules);
  }

  private static Long number(Object v) {
    return v instanceof Number n ? n.longValue() : null;
  }

  @Override
  public void handle(RoutingContext ctx) {
    for (Rule rule : rules) {
      List<String> values = rule.in == Location.PATH
          ? (ctx.pathParam(rule.name) == null ? List.of() : List.of(ctx.pathParam(rule.name)))
          : ctx.queryParams().getAll(rule.name);
      if (values.isEmpty()) {
        if (rule.required) {
          ctx.fail(DomainException.invalid("parameter_missing",
              "The related request does not contain the required " + where(rule) + " parameter " + rule.name,
              rule.name));
          return;
        }
        continue;
      }
      for (String value : values) {
        String reason = reason(rule, value);
        if (reason != null) {
          ctx.fail(DomainException.invalid("parameter_invalid",
              "The value of " + where(rule) + " parameter " + rule.name + " is invalid. Reason: " + reason, rule.name));
          return;
        }
      }
    }
    ctx.next();
  }

  private static String where(Rule rule) {
    return rule.in == Location.PATH ? "path" : "query";
  }

  private static String reason(Rule rule, String value) {
    if (value.indexOf('\u0000') >= 0) {
      return "it contains a NUL character";
    }
    switch (rule.type) {
      case "integer" -> {
        long n;
        try {
          n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
          return "'" + value + "' is not an integer";
        }
        if (rule.minimum != null && n < rule.minimum) {
          return n + " is less than " + rule.minimum;
        }
        if (rule.maximum != null && n > rule.maximum) {
          return n + " is greater than " + rule.maximum;
        }
        return null;
      }
      case "boolean" -> {
        return value.equals("true") || value.equals("false") ? null : "'" + value + "' is not true or false";
      }
      default -> {
        if (rule.maxLength != null && value.codePointCount(0, value.length()) > rule.maxLength) {
          return "longer than " + rule.maxLength + " characters";
        }
        if (rule.allowed != null && !rule.allowed.contains(value)) {
          return "'" + value + "' is not one of " + rule.allowed.stream().sorted().toList();
        }
        return null;
      }
    }
  }
}
