package io.shoal.notify;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.util.List;

/**
 * The webhook deliveries a commit just created, handed to the dispatcher in memory (over the
 * local event bus) so it can send them without first reading them back. {@code gated} marks a
 * delivery queued behind an earlier one of the same customer that waits for a retry: the
 * dispatcher leaves those to its claims. Never sent off this JVM.
 */
record FreshDeliveries(List<Fresh> deliveries) {

  /** Published (locally) after a commit that created deliveries. */
  static final String ADDRESS = "shoal.notify.fresh-deliveries";

  record Fresh(DeliveryAttempt attempt, boolean gated) {}

  /** Passes the object itself; there is no wire form. */
  static final class LocalCodec implements MessageCodec<FreshDeliveries, FreshDeliveries> {

    @Override
    public void encodeToWire(Buffer buffer, FreshDeliveries value) {
      throw new UnsupportedOperationException("fresh deliveries stay in this JVM");
    }

    @Override
    public FreshDeliveries decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("fresh deliveries stay in this JVM");
    }

    @Override
    public FreshDeliveries transform(FreshDeliveries value) {
      return value;
    }

    @Override
    public String name() {
      return "shoal-fresh-deliveries";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
