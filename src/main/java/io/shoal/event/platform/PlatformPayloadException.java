package io.shoal.event.platform;

/**
 * A webhook body that cannot be mapped: a required field is missing or has the wrong shape.
 * The message names the topic and the field ({@code orders/create: line_items[1].price must be
 * a decimal amount such as "19.90", got "abc"}) so that the HTTP layer can answer 400 with it
 * as it is; {@link #field()} is the same field path, for the error's {@code param}.
 *
 * <p>Not thrown for topics Shoal does not use, nor for deliveries that carry nothing to record
 * (those map to no events): only for a body that claims to be a resource Shoal maps and is not.
 */
public final class PlatformPayloadException extends RuntimeException {

  /** The error code the HTTP layer should render with status {@link #STATUS}. */
  public static final String CODE = "webhook_payload_invalid";
  public static final int STATUS = 400;

  private final String field;

  PlatformPayloadException(String field, String message) {
    super(message, null, false, false);
    this.field = field;
  }

  /** The path of the offending field in the platform's payload, e.g. {@code customer.id}. */
  public String field() {
    return field;
  }
}
