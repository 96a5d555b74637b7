package io.shoal.kernel;

import io.vertx.core.json.JsonObject;

/**
 * A domain failure whose HTTP status and error code are part of the API. Thrown (or failed with)
 * anywhere below a handler; {@code io.shoal.http.ErrorRenderer} turns it into the one error shape.
 */
public final class DomainException extends RuntimeException {

  private final int status;
  private final String type;
  private final String code;
  private final String param;
  /** Seconds a refused client should wait before asking again (a 503's Retry-After); 0: the renderer's default. */
  private final int retryAfterSeconds;

  public DomainException(int status, String type, String code, String message, String param) {
    this(status, type, code, message, param, 0);
  }

  private DomainException(int status, String type, String code, String message, String param, int retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** 503: the server is busy with this kind of work; ask again in {@code retryAfterSeconds}. */
  public static DomainException busy(String code, String message, int retryAfterSeconds) {
    return new DomainException(503, "api_error", code, message, null, retryAfterSeconds);
  }

  public static DomainException invalid(String code, String message, String param) {
    return new DomainException(400, "invalid_request_error", code, message, param);
  }

  public static DomainException invalidParam(String param, String message) {
    return invalid("parameter_invalid", message, param);
  }

  public static DomainException notFound(String resource, String id) {
    return new DomainException(404, "invalid_request_error", "resource_missing",
        "No such " + resource + ": '" + id + "'", "id");
  }

  public static DomainException conflict(String code, String message, String param) {
    return new DomainException(409, "invalid_request_error", code, message, param);
  }

  public static DomainException unauthorized(String message) {
    return new DomainException(401, "authentication_error", "unauthorized", message, null);
  }

  public static DomainException forbidden(String message) {
    return new DomainException(403, "permission_error", "forbidden", message, null);
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String code() {
    return code;
  }

  public String param() {
    return param;
  }

  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The error object of the one error shape: {@code {"type":...,"code":...,"message":...,"param":...}}. */
  public JsonObject toJson() {
    JsonObject inner = new JsonObject()
        .put("type", type).put("code", code).put("message", getMessage());
    if (param != null) {
      inner.put("param", param);
    }
    return inner;
  }
}
