package io.shoal.delivery.channel;

import io.shoal.delivery.SendOutcome;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.function.Function;

/** The part the HTTP adapters share: send, then map the answer (see {@link HttpOutcome}). */
final class HttpProvider {

  private HttpProvider() {}

  /**
   * Sends and maps: 2xx gives {@code providerId.apply(json body)} (or {@code fallbackId});
   * anything else a failure outcome. A connection error is temporary.
   */
  static Future<SendOutcome> call(String provider, Future<HttpResponse<Buffer>> sent,
                                  Function<JsonObject, String> providerId, String fallbackId) {
    return sent.map(resp -> {
      SendOutcome failed = HttpOutcome.failure(provider, resp.statusCode(), resp.getHeader("Retry-After"),
          resp.bodyAsString(), System.currentTimeMillis());
      if (failed != null) {
        return failed;
      }
      String id = null;
      try {
        Buffer body = resp.body();
        if (body != null && body.length() > 0) {
          id = providerId.apply(body.toJsonObject());
        }
      } catch (RuntimeException notJson) {
        // accepted all the same; keep our own id
      }
      return SendOutcome.sent(id == null ? fallbackId : id);
    }).otherwise(e -> SendOutcome.temporary(provider + ": " + e, 0));
  }
}
