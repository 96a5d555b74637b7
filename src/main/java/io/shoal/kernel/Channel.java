package io.shoal.kernel;

/**
 * A way of reaching a customer: what a template is written for, what the delivery dispatcher
 * sends on, what consents and unsubscribes are kept per. Its wire form is lower case.
 */
public enum Channel {
  EMAIL("email"), SMS("sms"), PUSH("push"), DIRECT_MAIL("direct_mail");

  private final String wire;

  Channel(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static Channel fromWire(String value) {
    for (Channel c : values()) {
      if (c.wire.equals(value)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown channel: " + value);
  }
}
