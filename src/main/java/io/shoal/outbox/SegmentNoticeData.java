package io.shoal.outbox;

import io.vertx.core.json.JsonObject;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The data of a {@code customer.segment.entered/left} notification as the evaluator makes it, one
 * per flip: {@code segment_id, segment_name, customer_id, customer, cause, occurred_at}, in that
 * order, the last three held once by the flips of one customer's event ({@link Shared}). It is the
 * map behind the notification's {@code JsonObject} ({@link #of}), which reads, compares and
 * encodes it as it would a {@code LinkedHashMap} filled in the same order; it is not to be changed
 * (a put fails) and nothing does. Building a {@code JsonObject} per flip (a map, its table and six
 * entries, each looked up again when stored) was most of the evaluator's batch writing outside
 * its decisions (bench/engine README, thirteenth pass); {@link NotificationLog} reads these
 * fields directly and writes the set's JSON text from them.
 */
public final class SegmentNoticeData extends AbstractMap<String, Object> {

  private static final String[] KEYS = {"segment_id", "segment_name", "customer_id", "customer", "cause", "occurred_at"};

  /**
   * What the flips of one customer's event share: the customer summary, the cause and the
   * instant as written; {@link #json} is their JSON object, the {@code shared} column of a set
   * (V58), made once.
   */
  public static final class Shared {
    final JsonObject customer;
    final String cause;
    final String occurredAt;
    private String json;

    public Shared(JsonObject customer, String cause, String occurredAt) {
      this.customer = customer;
      this.cause = cause;
      this.occurredAt = occurredAt;
    }

    /** {@code {"customer":...,"cause":...,"occurred_at":...}}, as {@code JsonObject.encode} writes it. */
    String json() {
      if (json == null) {
        StringBuilder out = new StringBuilder(160).append("{\"customer\":");
        JsonText.object(out, customer);
        out.append(",\"cause\":");
        JsonText.string(out, cause);
        out.append(",\"occurred_at\":");
        JsonText.string(out, occurredAt);
        json = out.append('}').toString();
      }
      return json;
    }

    /** The instant as written. */
    public String occurredAt() {
      return occurredAt;
    }

    boolean sameAs(Shared o) {
      return this == o || (java.util.Objects.equals(customer, o.customer) && java.util.Objects.equals(cause, o.cause)
          && java.util.Objects.equals(occurredAt, o.occurredAt));
    }
  }

  final String segmentId;
  final String segmentName;
  final String customerId;
  final Shared shared;

  private SegmentNoticeData(String segmentId, String segmentName, String customerId, Shared shared) {
    this.segmentId = segmentId;
    this.segmentName = segmentName;
    this.customerId = customerId;
    this.shared = shared;
  }

  /** The data of one flip, as a {@code JsonObject} over this map. */
  public static JsonObject of(String segmentId, String segmentName, String customerId, Shared shared) {
    return new JsonObject(new SegmentNoticeData(segmentId, segmentName, customerId, shared));
  }

  /** The evaluator's data behind {@code data}, or null when it is another map. */
  static SegmentNoticeData in(JsonObject data) {
    return data != null && data.getMap() instanceof SegmentNoticeData d ? d : null;
  }

  private Object value(int k) {
    return switch (k) {
      case 0 -> segmentId;
      case 1 -> segmentName;
      case 2 -> customerId;
      case 3 -> shared.customer;
      case 4 -> shared.cause;
      default -> shared.occurredAt;
    };
  }

  private static int index(Object key) {
    if (key instanceof String s) {
      for (int k = 0; k < KEYS.length; k++) {
        if (KEYS[k].equals(s)) {
          return k;
        }
      }
    }
    return -1;
  }

  @Override
  public Object get(Object key) {
    int k = index(key);
    return k < 0 ? null : value(k);
  }

  @Override
  public boolean containsKey(Object key) {
    return index(key) >= 0;
  }

  @Override
  public int size() {
    return KEYS.length;
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, Object>> iterator() {
        return new Iterator<>() {
          private int k;

          @Override
          public boolean hasNext() {
            return k < KEYS.length;
          }

          @Override
          public Entry<String, Object> next() {
            if (k == KEYS.length) {
              throw new NoSuchElementException();
            }
            Entry<String, Object> e = new SimpleImmutableEntry<>(KEYS[k], value(k));
            k++;
            return e;
          }
        };
      }

      @Override
      public int size() {
        return KEYS.length;
      }
    };
  }
}
