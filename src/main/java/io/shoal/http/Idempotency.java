package io.shoal.http;

import io.shoal.kernel.DomainException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * {@code Idempotency-Key} on POSTs. The first request with a key claims it (a row with no
 * answer yet), runs, and its answer is stored before it is sent. A repeat with the same
 * method, path and body gets that stored answer again; with anything else, 409. A key whose
 * first request is still running also gets 409. A 5xx answer frees the key so a retry can run.
 * Keys are kept 24 hours.
 *
 * <pre>
 *   claim(scope,key,hash) --new--> handler --> record(status,body) --> send
 *          |--same hash, answered--> replay stored answer
 *          |--same hash, running---> 409 idempotency_key_in_use
 *          '--other hash-----------> 409 idempotency_key_reused
 * </pre>
 */
public final class Idempotency implements Handler<RoutingContext> {

  public static final String HEADER = "Idempotency-Key";
  private static final String CLAIM = "shoal.idempotency";

  private static final String SQL_FIND =
      "SELECT request_hash, status, response, created_at < now() - interval '1 minute' AS stale"
          + " FROM idempotency_keys WHERE scope = $1 AND key = $2 AND created_at > now() - interval '24 hours'";
  private static final String SQL_CLAIM =
      "INSERT INTO idempotency_keys (scope, key, request_hash) VALUES ($1, $2, $3)"
          + " ON CONFLICT (scope, key) DO UPDATE SET request_hash = EXCLUDED.request_hash,"
          + " status = NULL, response = NULL, created_at = clock_timestamp()"
          + " WHERE idempotency_keys.created_at < now() - interval '24 hours'"
          + " OR (idempotency_keys.status IS NULL AND idempotency_keys.created_at < now() - interval '1 minute')";
  private static final String SQL_RECORD =
      "UPDATE idempotency_keys SET status = $3, response = $4 WHERE scope = $1 AND key = $2";
  private static final String SQL_RELEASE =
      "DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status IS NULL";
  private static final String SQL_PURGE =
      "DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'";

  private record Claim(Pool pool, String scope, String key) {}

  private final Pool pool;

  public Idempotency(Pool pool) {
    this.pool = pool;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String key = ctx.request().getHeader(HEADER);
    if (ctx.request().method() != HttpMethod.POST || key == null) {
      ctx.next();
      return;
    }
    if (key.isBlank() || key.length() > 255) {
      ctx.fail(DomainException.invalid("idempotency_key_invalid",
          "Idempotency-Key must be 1 to 255 characters", HEADER));
      return;
    }
    String scope = Authentication.caller(ctx).scope();
    byte[] hash = requestHash(ctx);
    pool.preparedQuery(SQL_CLAIM).execute(Tuple.of(scope, key, Buffer.buffer(hash)))
        .compose(claimed -> {
          if (claimed.rowCount() == 1) {
            ctx.put(CLAIM, new Claim(pool, scope, key));
            ctx.next();
            return Future.succeededFuture();
          }
          return pool.preparedQuery(SQL_FIND).execute(Tuple.of(scope, key)).map(rows -> {
            replayOrRefuse(ctx, rows.size() == 0 ? null : rows.iterator().next(), hash);
            return null;
          });
        })
        .onFailure(ctx::fail);
  }

  private static void replayOrRefuse(RoutingContext ctx, Row row, byte[] hash) {
    if (row == null) {
      ctx.fail(DomainException.conflict("idempotency_key_in_use",
          "a request with this Idempotency-Key is still being processed; retry shortly", HEADER));
    } else if (!Arrays.equals(row.getBuffer("request_hash").getBytes(), hash)) {
      ctx.fail(DomainException.conflict("idempotency_key_reused",
          "this Idempotency-Key was used with a different request (method, path or body); use a new key",
          HEADER));
    } else if (row.getInteger("status") == null) {
      ctx.fail(DomainException.conflict("idempotency_key_in_use",
          "a request with this Idempotency-Key is still being processed; retry shortly", HEADER));
    } else {
      ctx.response().putHeader("Idempotent-Replayed", "true");
      ApiHandler.write(ctx, row.getInteger("status"), row.getString("response"));
    }
  }

  /** Whether this request's answer is to be recorded against its Idempotency-Key. */
  static boolean claimed(RoutingContext ctx) {
    return ctx.get(CLAIM) != null;
  }

  /** Stores the answer for the request's key, if it has one, and then runs {@code send}. */
  static void recordThen(RoutingContext ctx, int status, String body, Runnable send) {
    Claim claim = ctx.get(CLAIM);
    if (claim == null) {
      send.run();
      return;
    }
    ctx.remove(CLAIM);
    Future<?> stored = status >= 500
        ? claim.pool.preparedQuery(SQL_RELEASE).execute(Tuple.of(claim.scope, claim.key))
        : claim.pool.preparedQuery(SQL_RECORD).execute(Tuple.of(claim.scope, claim.key, status, body));
    stored.onComplete(ar -> send.run());
  }

  public Future<Integer> purgeExpired() {
    return pool.query(SQL_PURGE).execute().map(r -> r.rowCount());
  }

  private static byte[] requestHash(RoutingContext ctx) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(ctx.request().method().name().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(ctx.request().path().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      if (ctx.body() != null && ctx.body().buffer() != null) {
        sha.update(ctx.body().buffer().getBytes());
      }
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
