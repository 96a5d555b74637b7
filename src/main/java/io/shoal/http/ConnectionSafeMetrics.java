package io.shoal.http;

import io.vertx.core.VertxOptions;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.DatagramSocketMetrics;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.PoolMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsFactory;

/**
 * Vert.x's Micrometer metrics, made safe for a connection accepted before its HTTP server's metrics exist.
 *
 * <p>Vert.x 5.0 creates a server's metrics in the listener of its bind, after the socket already accepts
 * ({@code NetServerImpl}; 5.0.10 and 5.0.12 alike). A connection accepted in between has no socket metric,
 * and Micrometer's server metrics then throw a {@code NullPointerException} on its first request
 * ({@code VertxHttpServerMetrics.requestBegin} reads the socket metric's tags): the request is never
 * handled and the client waits for ever. It happens in the first instants of a listen on a busy machine,
 * which is exactly when readiness probes and load balancers connect. Here every per-connection and
 * per-request call with a missing metric is skipped: such a connection is served, only not counted.
 */
public final class ConnectionSafeMetrics implements VertxMetricsFactory {

  private final MicrometerMetricsFactory micrometer = new MicrometerMetricsFactory();

  @Override
  public VertxMetrics metrics(VertxOptions options) {
    return new Metrics(micrometer.metrics(options));
  }

  @Override
  public MetricsOptions newOptions() {
    return micrometer.newOptions();
  }

  @Override
  public MetricsOptions newOptions(MetricsOptions options) {
    return micrometer.newOptions(options);
  }

  @Override
  public MetricsOptions newOptions(JsonObject json) {
    return micrometer.newOptions(json);
  }

  /** The Vert.x metrics as Micrometer's, but for HTTP servers, whose metrics are wrapped. */
  private record Metrics(VertxMetrics delegate) implements VertxMetrics {
    @Override
    public boolean isMetricsEnabled() {
      return delegate.isMetricsEnabled();
    }

    @Override
    public void vertxCreated(io.vertx.core.Vertx vertx) {
      delegate.vertxCreated(vertx);
    }

    @Override
    public EventBusMetrics createEventBusMetrics() {
      return delegate.createEventBusMetrics();
    }

    @Override
    @SuppressWarnings("unchecked")
    public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions options, SocketAddress localAddress) {
      HttpServerMetrics<?, ?, ?> server = delegate.createHttpServerMetrics(options, localAddress);
      return server == null ? null : new ServerMetrics((HttpServerMetrics<Object, Object, Object>) server);
    }

    @Override
    public ClientMetrics<?, ?, ?> createClientMetrics(SocketAddress remote, String type, String namespace) {
      return delegate.createClientMetrics(remote, type, namespace);
    }

    @Override
    public HttpClientMetrics<?, ?, ?> createHttpClientMetrics(HttpClientOptions options) {
      return delegate.createHttpClientMetrics(options);
    }

    @Override
    public TCPMetrics<?> createNetServerMetrics(NetServerOptions options, SocketAddress localAddress) {
      return delegate.createNetServerMetrics(options, localAddress);
    }

    @Override
    public TCPMetrics<?> createNetClientMetrics(NetClientOptions options) {
      return delegate.createNetClientMetrics(options);
    }

    @Override
    public DatagramSocketMetrics createDatagramSocketMetrics(DatagramSocketOptions options) {
      return delegate.createDatagramSocketMetrics(options);
    }

    @Override
    public PoolMetrics<?, ?> createPoolMetrics(String type, String name, int maxSize) {
      return delegate.createPoolMetrics(type, name, maxSize);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  /**
   * An HTTP server's metrics that pass on only calls carrying the metric they refer to: a connection
   * without a socket metric gets no request metric, and calls for either are skipped.
   */
  record ServerMetrics(HttpServerMetrics<Object, Object, Object> delegate)
      implements HttpServerMetrics<Object, Object, Object> {
    @Override
    public Object connected(SocketAddress remoteAddress, String remoteName) {
      return delegate.connected(remoteAddress, remoteName);
    }

    @Override
    public void disconnected(Object socketMetric, SocketAddress remoteAddress) {
      if (socketMetric != null) {
        delegate.disconnected(socketMetric, remoteAddress);
      }
    }

    @Override
    public void bytesRead(Object socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
      if (socketMetric != null) {
        delegate.bytesRead(socketMetric, remoteAddress, numberOfBytes);
      }
    }

    @Override
    public void bytesWritten(Object socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
      if (socketMetric != null) {
        delegate.bytesWritten(socketMetric, remoteAddress, numberOfBytes);
      }
    }

    @Override
    public void exceptionOccurred(Object socketMetric, SocketAddress remoteAddress, Throwable t) {
      if (socketMetric != null) {
        delegate.exceptionOccurred(socketMetric, remoteAddress, t);
      }
    }

    @Override
    public Object requestBegin(Object socketMetric, HttpRequest request) {
      return socketMetric == null ? null : delegate.requestBegin(socketMetric, request);
    }

    @Override
    public void requestEnd(Object requestMetric, HttpRequest request, long bytesRead) {
      if (requestMetric != null) {
        delegate.requestEnd(requestMetric, request, bytesRead);
      }
    }

    @Override
    public void requestReset(Object requestMetric) {
      if (requestMetric != null) {
        delegate.requestReset(requestMetric);
      }
    }

    @Override
    public void responseBegin(Object requestMetric, HttpResponse response) {
      if (requestMetric != null) {
        delegate.responseBegin(requestMetric, response);
      }
    }

    @Override
    public Object responsePushed(Object socketMetric, HttpMethod method, String uri, HttpResponse response) {
      return socketMetric == null ? null : delegate.responsePushed(socketMetric, method, uri, response);
    }

    @Override
    public void responseEnd(Object requestMetric, HttpResponse response, long bytesWritten) {
      if (requestMetric != null) {
        delegate.responseEnd(requestMetric, response, bytesWritten);
      }
    }

    @Override
    public Object connected(Object socketMetric, Object requestMetric, ServerWebSocket serverWebSocket) {
      return socketMetric == null || requestMetric == null
          ? null : delegate.connected(socketMetric, requestMetric, serverWebSocket);
    }

    @Override
    public void disconnected(Object webSocketMetric) {
      if (webSocketMetric != null) {
        delegate.disconnected(webSocketMetric);
      }
    }

    @Override
    public void requestRouted(Object requestMetric, String route) {
      if (requestMetric != null) {
        delegate.requestRouted(requestMetric, route);
      }
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
