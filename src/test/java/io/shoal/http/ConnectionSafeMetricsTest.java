package io.shoal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.MeterNotFoundException;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A connection accepted before its HTTP server's metrics exist (Vert.x creates them after the socket
 * accepts) carries no socket metric; its requests must still be handled, and only go uncounted.
 * Driven through the metrics SPI as Vert.x's HTTP server calls it, on the real Micrometer registry.
 */
class ConnectionSafeMetricsTest {

  private static final String REGISTRY = "connection-safe-metrics-test";
  private static final SocketAddress CLIENT = SocketAddress.inetSocketAddress(40000, "127.0.0.1");

  private Vertx vertx;
  private HttpServerMetrics<Object, Object, Object> server;

  @BeforeEach
  @SuppressWarnings("unchecked")
  void start() {
    vertx = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
            .setEnabled(true)
            .setRegistryName(REGISTRY)
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))))
        .withMetrics(new ConnectionSafeMetrics())
        .build();
    server = (HttpServerMetrics<Object, Object, Object>) ((VertxInternal) vertx).metrics()
        .createHttpServerMetrics(new HttpServerOptions(), SocketAddress.inetSocketAddress(8080, "127.0.0.1"));
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void aConnectionWithoutASocketMetricIsServedAndNotCounted() {
    double before = requestsCounted();

    Object request = server.requestBegin(null, request());
    server.requestRouted(request, "/health/ready");
    server.requestEnd(request, request(), 0);
    server.responseBegin(request, response());
    server.responseEnd(request, response(), 15);
    server.bytesRead(null, CLIENT, 40);
    server.bytesWritten(null, CLIENT, 90);
    server.exceptionOccurred(null, CLIENT, new RuntimeException("reset"));
    server.disconnected(null, CLIENT);

    assertNull(request, "no request metric without a socket metric");
    assertEquals(before, requestsCounted(), "the request is not counted");
  }

  @Test
  void aConnectionWithItsSocketMetricIsCountedAsBefore() {
    double before = requestsCounted();

    Object socket = server.connected(CLIENT, "client");
    Object request = server.requestBegin(socket, request());
    server.requestEnd(request, request(), 0);
    server.responseBegin(request, response());
    server.responseEnd(request, response(), 15);
    server.disconnected(socket, CLIENT);

    assertNotNull(socket);
    assertNotNull(request);
    assertEquals(before + 1, requestsCounted(), "the request is counted");
  }

  private static double requestsCounted() {
    MeterRegistry registry = BackendRegistries.getNow(REGISTRY);
    try {
      return registry.get("vertx.http.server.requests").counters().stream()
          .mapToDouble(c -> c.count()).sum();
    } catch (MeterNotFoundException none) {
      return 0;
    }
  }

  private static HttpRequest request() {
    return new HttpRequest() {
      @Override public int id() { return 1; }
      @Override public String uri() { return "/health/ready"; }
      @Override public String absoluteURI() { return "http://127.0.0.1:8080/health/ready"; }
      @Override public HttpMethod method() { return HttpMethod.GET; }
      @Override public MultiMap headers() { return MultiMap.caseInsensitiveMultiMap(); }
      @Override public SocketAddress remoteAddress() { return CLIENT; }
    };
  }

  private static HttpResponse response() {
    return new HttpResponse() {
      @Override public int statusCode() { return 200; }
      @Override public MultiMap headers() { return MultiMap.caseInsensitiveMultiMap(); }
    };
  }
}
