package io.shoal.http;

/**
 * A failure whose HTTP status and error code are part of the API. Thrown (or failed with)
 * anywhere below a handler; {@link ErrorRenderer} turns it into the one error shape.
 */
public final class ApiException extends RuntimeException {

  private final int status;
  private final String type;
  private final String code;
  private final String param;

  public ApiException(int status, String type, String code, String message, String param) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
  }

  public static ApiException invalid(String code, String message, String param) {
    return new ApiException(400, "invalid_request_error", code, message, param);
  }

  public static ApiException invalidParam(String param, String message) {
    return invalid("parameter_invalid", message, param);
  }

  public static ApiException notFound(String resource, String id) {
    return new ApiException(404, "invalid_request_error", "resource_missing",
        "No such " + resource + ": '" + id + "'", "id");
  }

  public static ApiException conflict(String code, String message, String param) {
    return new ApiException(409, "invalid_request_error", code, message, param);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(401, "authentication_error", "unauthorized", message, null);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, "permission_error", "forbidden", message, null);
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
}
