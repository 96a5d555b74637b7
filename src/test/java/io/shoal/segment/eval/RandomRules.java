package io.shoal.segment.eval;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Random segment rules for tests that compare the evaluator with a plain answer: one to three
 * top-level rules, a quarter of them groups (any, all, not, nested two deep) of the caller's
 * conditions. Few distinct conditions, so segments share them as real stores' do.
 */
final class RandomRules {

  private final Random random;
  private final Supplier<JsonObject> leaf;

  RandomRules(Random random, Supplier<JsonObject> leaf) {
    this.random = random;
    this.leaf = leaf;
  }

  JsonArray segment() {
    JsonArray rules = new JsonArray();
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      rules.add(random.nextInt(4) == 0 ? group(0) : leaf.get());
    }
    return rules;
  }

  private JsonObject group(int depth) {
    if (depth >= 2 || random.nextInt(5) == 0) {
      return new JsonObject().put("not", leaf.get());
    }
    JsonArray children = new JsonArray();
    for (int i = 0, n = 2 + random.nextInt(2); i < n; i++) {
      children.add(random.nextInt(6) == 0 ? group(depth + 1) : leaf.get());
    }
    return new JsonObject().put(random.nextBoolean() ? "any" : "all", children);
  }

  static JsonObject cond(String field, String op, Object value) {
    return new JsonObject().put("field", field).put("operator", op).put("value", value);
  }
}
