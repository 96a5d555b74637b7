package io.shoal.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * What an operation answers: a status and a JSON body (the body may be null for 204), or a body
 * already encoded ({@code encoded}, with {@code body} null): a cached answer, written as it is.
 */
public record Reply(int status, JsonObject body, Buffer encoded) {

  public Reply(int status, JsonObject body) {
    this(status, body, null);
  }

  public static Reply ok(JsonObject body) {
    return new Reply(200, body);
  }

  /** 200 with this encoded JSON body. */
  public static Reply ok(Buffer encoded) {
    return new Reply(200, null, encoded);
  }

  public static Reply created(JsonObject body) {
    return new Reply(201, body);
  }

  public static Reply accepted(JsonObject body) {
    return new Reply(202, body);
  }
}
