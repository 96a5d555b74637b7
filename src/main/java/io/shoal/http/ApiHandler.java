package io.shoal.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * One operation of the API: reads the validated request, answers a {@link Reply}. Adapting it
 * to a route handler is the one place where replies are written (and idempotent POSTs are
 * recorded) and where every failure, thrown or asynchronous, goes to the failure handler.
 */
@FunctionalInterface
public interface ApiHandler {

  Future<Reply> handle(ApiRequest request);

  static Handler<RoutingContext> route(ApiHandler handler) {
    return ctx -> {
      Future<Reply> reply;
      try {
        reply = handler.handle(new ApiRequest(ctx));
      } catch (RuntimeException e) {
        ctx.fail(e);
        return;
      }
      reply.onComplete(ar -> {
        if (ar.succeeded()) {
          send(ctx, ar.result());
        } else {
          ctx.fail(ar.cause());
        }
      });
    };
  }

  /**
   * For operations answered with a stream (Server-Sent Events) rather than one reply: the
   * handler writes the response itself. A failure before it wrote anything (thrown, or the
   * future failed) is rendered like any other.
   */
  static Handler<RoutingContext> streaming(java.util.function.Function<ApiRequest, Future<Void>> handler) {
    return ctx -> {
      Future<Void> opened;
      try {
        opened = handler.apply(new ApiRequest(ctx));
      } catch (RuntimeException e) {
        ctx.fail(e);
        return;
      }
      opened.onFailure(e -> {
        if (!ctx.response().headWritten()) {
          ctx.fail(e);
        } else {
          ctx.response().reset();
        }
      });
    };
  }

  /** Writes a reply, first recording it against the request's Idempotency-Key when there is one. */
  static void send(RoutingContext ctx, Reply reply) {
    if (ctx.response().ended()) {
      return;
    }
    if (reply.encoded() != null && !Idempotency.claimed(ctx)) {
      write(ctx, reply.status(), reply.encoded());
      return;
    }
    String body = reply.encoded() != null ? reply.encoded().toString()
        : reply.body() == null ? null : reply.body().encode();
    Idempotency.recordThen(ctx, reply.status(), body, () -> write(ctx, reply.status(), body));
  }

  static void write(RoutingContext ctx, int status, String body) {
    write(ctx, status, body == null ? null : Buffer.buffer(body));
  }

  /** Writes the body as it is (an encoded answer may be a shared Buffer: the response reads a slice of it). */
  private static void write(RoutingContext ctx, int status, Buffer body) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response().setStatusCode(status);
    if (body == null) {
      ctx.response().end();
    } else {
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
    }
  }
}
