package io.shoal.segment.eval;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The byte form of a {@link CustomerState} (customer_eval_state.state_bin): variable-length
 * integers (zig-zag for signed ones), times as deltas from the previous one, strings as UTF-8
 * with their length, decimals as unscaled value and scale. Written and read in the same order by
 * {@link CustomerState#toBytes} and {@link CustomerState#loadBytes}; the first byte is the
 * format's version.
 */
final class StateBytes {

  static final int VERSION = 1;

  private StateBytes() {}

  /** Appends to a growing array. */
  static final class Writer {
    private byte[] buf;
    private int size;

    Writer(int capacity) {
      buf = new byte[Math.max(16, capacity)];
    }

    private void ensure(int more) {
      if (size + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
      }
    }

    Writer u8(int b) {
      ensure(1);
      buf[size++] = (byte) b;
      return this;
    }

    /** An unsigned variable-length integer, 7 bits a byte. */
    Writer varint(long v) {
      ensure(10);
      while ((v & ~0x7FL) != 0) {
        buf[size++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[size++] = (byte) v;
      return this;
    }

    /** A signed one, zig-zag encoded so small negative numbers stay short. */
    Writer zigzag(long v) {
      return varint((v << 1) ^ (v >> 63));
    }

    /** A string, or null (length 0 means null, so the empty string is length 1 plus nothing). */
    Writer string(String s) {
      if (s == null) {
        return varint(0);
      }
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      varint(b.length + 1L);
      ensure(b.length);
      System.arraycopy(b, 0, buf, size, b.length);
      size += b.length;
      return this;
    }

    /** A decimal, or null: scale + 1 (0 for null), then the unscaled value (bytes when it needs more than 63 bits). */
    Writer decimal(BigDecimal d) {
      if (d == null) {
        return varint(0);
      }
      int scale = d.scale();
      BigInteger unscaled = d.unscaledValue();
      if (scale >= 0 && unscaled.bitLength() < 63) {
        varint(scale * 2L + 2);
        return zigzag(unscaled.longValueExact());
      }
      varint(1);
      return string(d.toString());
    }

    /** Ascending times (epoch ms): the count, the first, then each one's distance from the previous. */
    Writer times(long[] times) {
      varint(times.length);
      long prev = 0;
      for (long t : times) {
        zigzag(t - prev);
        prev = t;
      }
      return this;
    }

    /** {@code b[from..to)} as they are: a part of a state another writer wrote. */
    Writer bytes(byte[] b, int from, int to) {
      ensure(to - from);
      System.arraycopy(b, from, buf, size, to - from);
      size += to - from;
      return this;
    }

    byte[] toArray() {
      return Arrays.copyOf(buf, size);
    }
  }

  /** Reads what a {@link Writer} wrote, in the same order. */
  static final class Reader {
    private final byte[] buf;
    private int pos;

    Reader(byte[] buf) {
      this.buf = buf;
    }

    /** Reads {@code buf} from {@code pos}. */
    Reader(byte[] buf, int pos) {
      this.buf = buf;
      this.pos = pos;
    }

    /** Where the next read starts. */
    int position() {
      return pos;
    }

    int u8() {
      return buf[pos++] & 0xFF;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; ; shift += 7) {
        byte b = buf[pos++];
        v |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return v;
        }
      }
    }

    long zigzag() {
      long v = varint();
      return (v >>> 1) ^ -(v & 1);
    }

    String string() {
      int n = (int) varint();
      if (n == 0) {
        return null;
      }
      String s = new String(buf, pos, n - 1, StandardCharsets.UTF_8);
      pos += n - 1;
      return s;
    }

    /** Passes over a string without decoding it. */
    void skipString() {
      int n = (int) varint();
      if (n > 0) {
        pos += n - 1;
      }
    }

    BigDecimal decimal() {
      long head = varint();
      if (head == 0) {
        return null;
      }
      if (head == 1) {
        return new BigDecimal(string());
      }
      return BigDecimal.valueOf(zigzag(), (int) (head - 2) / 2);
    }

    long[] times() {
      int n = (int) varint();
      long[] out = new long[n];
      long prev = 0;
      for (int i = 0; i < n; i++) {
        prev += zigzag();
        out[i] = prev;
      }
      return out;
    }

    boolean atEnd() {
      return pos == buf.length;
    }
  }
}
