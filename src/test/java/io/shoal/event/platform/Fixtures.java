package io.shoal.event.platform;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Loads the payload fixtures under {@code src/test/resources/platform/} (origins in its README). */
final class Fixtures {

  private Fixtures() {}

  static byte[] bytes(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/platform/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture platform/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonObject json(String name) {
    return new JsonObject(Buffer.buffer(bytes(name)));
  }
}
