package io.shoal.notify;

import io.shoal.testing.ApiClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A Server-Sent Events client for tests: connects, parses {@code id:}/{@code data:} frames, queues them. */
public final class SseClient implements AutoCloseable {

  public record Event(String id, JsonObject data) {
    public String type() {
      return data.getString("type");
    }
  }

  private final HttpClient client;
  private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final StringBuilder pending = new StringBuilder();
  private volatile int comments;

  private SseClient(HttpClient client) {
    this.client = client;
  }

  /** Called on the event loop as the answer arrives, so no chunk can come before the handler. */
  private void listen(HttpClientResponse response) {
    response.handler(buffer -> {
      synchronized (pending) {
        pending.append(buffer.toString());
        int end;
        while ((end = pending.indexOf("\n\n")) >= 0) {
          frame(pending.substring(0, end));
          pending.delete(0, end + 2);
        }
      }
    });
  }

  public static SseClient connect(Vertx vertx, int port, String uri, String key, String lastEventId) {
    HttpClient client = vertx.createHttpClient();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
        .setURI(uri).putHeader("Authorization", "Bearer " + key).putHeader("Accept", "text/event-stream");
    if (lastEventId != null) {
      options.putHeader("Last-Event-ID", lastEventId);
    }
    SseClient sse = new SseClient(client);
    HttpClientResponse response = ApiClient.await(client.request(options).compose(req -> req.send())
        .onSuccess(sse::listen));
    if (response.statusCode() != 200) {
      throw new AssertionError("stream answered " + response.statusCode());
    }
    String type = response.getHeader("Content-Type");
    if (type == null || !type.startsWith("text/event-stream")) {
      throw new AssertionError("stream answered Content-Type " + type);
    }
    return sse;
  }

  private void frame(String frame) {
    String id = null;
    StringBuilder data = new StringBuilder();
    for (String line : frame.split("\n")) {
      if (line.startsWith(":")) {
        comments++;
      } else if (line.startsWith("id: ")) {
        id = line.substring(4);
      } else if (line.startsWith("data: ")) {
        data.append(line.substring(6));
      }
    }
    if (data.length() > 0) {
      events.add(new Event(id, new JsonObject(data.toString())));
    }
  }

  /** The next {@code n} events, failing if they do not come within {@code seconds}. */
  public List<Event> take(int n, double seconds) {
    List<Event> out = new ArrayList<>();
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    try {
      while (out.size() < n) {
        Event e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (e == null) {
          throw new AssertionError("got " + out.size() + " of " + n + " events within " + seconds + " s: " + out);
        }
        out.add(e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return out;
  }

  /** Whatever arrives within {@code ms}. */
  List<Event> drain(long ms) {
    try {
      TimeUnit.MILLISECONDS.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Event> out = new ArrayList<>();
    events.drainTo(out);
    return out;
  }

  int comments() {
    return comments;
  }

  @Override
  public void close() {
    ApiClient.await(client.close());
  }
}
