package io.shoal.http;

import io.vertx.core.json.JsonObject;

/** What an operation answers: a status and a JSON body (the body may be null for 204). */
public record Reply(int status, JsonObject body) {

  public static Reply ok(JsonObject body) {
    return new Reply(200, body);
  }

  public static Reply created(JsonObject body) {
    return new Reply(201, body);
  }

  public static Reply accepted(JsonObject body) {
    return new Reply(202, body);
  }
}
