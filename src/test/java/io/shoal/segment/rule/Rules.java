package io.shoal.segment.rule;

import io.vertx.core.json.JsonArray;

/** Test shorthand: rules written with single quotes, so they read without escapes. */
final class Rules {

  private Rules() {}

  /** Compiles a rules array written with ' for " , e.g. {@code [{'field':'email','operator':'exists'}]}. */
  static CompiledRule compile(String json) {
    return RuleCompiler.compile(new JsonArray(json.replace('\'', '"')));
  }

  /** Compiles one condition as the only rule. */
  static CompiledRule condition(String field, String operator, String valueJson) {
    String value = valueJson == null ? "" : ", 'value': " + valueJson;
    return compile("[{'field': '" + field + "', 'operator': '" + operator + "'" + value + "}]");
  }
}
