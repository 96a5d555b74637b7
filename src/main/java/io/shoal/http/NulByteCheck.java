package io.shoal.http;

import io.shoal.kernel.DomainException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * A NUL character in a JSON body (a value or a key) is refused with a 400 that names the field,
 * before any handler: PostgreSQL can store it in neither text nor jsonb, so it would otherwise
 * surface as a database error naming nothing. A body without the escape {@code \u0000} (the
 * only way JSON carries NUL) is passed at the cost of one byte scan. The batch and platform
 * webhook operations are left out: they reject or clean events one by one.
 */
final class NulByteCheck implements Handler<RoutingContext> {

  private static final Set<String> ITEM_BY_ITEM = Set.of("ingestEventBatch", "receivePlatformWebhook");
  private static final byte[] ESCAPE = "\\u0000".getBytes(StandardCharsets.US_ASCII);

  private NulByteCheck() {}

  /** The check for an operation, or null when it has no JSON body or checks its items itself. */
  static NulByteCheck forOperation(String operationId, boolean hasBody) {
    return hasBody && !ITEM_BY_ITEM.contains(operationId) ? new NulByteCheck() : null;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    if (body != null && contains(body.getBytes(), ESCAPE)) {
      String field;
      try {
        field = find(Json.decodeValue(body), "");
      } catch (RuntimeException e) {
        field = null; // not JSON: the validation that follows says so
      }
      if (field != null) {
        ctx.fail(DomainException.invalid("parameter_invalid",
            (field.isEmpty() ? "the body" : field) + " contains a NUL character (\\u0000), which cannot be stored",
            field.isEmpty() ? null : field));
        return;
      }
    }
    ctx.next();
  }

  /** The path of the first value or key holding NUL ({@code a.b}, {@code a[2]}), or null. */
  static String find(Object value, String path) {
    if (value instanceof String s) {
      return s.indexOf('\0') >= 0 ? path : null;
    }
    if (value instanceof JsonObject o) {
      for (Map.Entry<String, Object> e : o) {
        String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        if (e.getKey().indexOf('\0') >= 0) {
          return p;
        }
        String found = find(e.getValue(), p);
        if (found != null) {
          return found;
        }
      }
    }
    if (value instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        String found = find(a.getValue(i), path + "[" + i + "]");
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
