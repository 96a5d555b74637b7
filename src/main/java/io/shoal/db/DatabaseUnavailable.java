package io.shoal.db;

import io.shoal.kernel.DomainException;
import io.vertx.core.VertxException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;
import java.util.Set;

/**
 * Tells a database that is away (stopped, restarting, unreachable, out of connections) from a
 * query that failed: the first is answered 503 with {@code Retry-After} (nothing was stored,
 * the same request will succeed later), the second stays what it is. Background jobs use it too:
 * a job whose database is away waits and retries, and never marks its rows failed for it.
 */
public final class DatabaseUnavailable {

  /** Seconds a client should wait before retrying. */
  public static final int RETRY_AFTER_SECONDS = 2;

  /** admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections, read_only (a standby after failover). */
  private static final Set<String> STATES = Set.of("57P01", "57P02", "57P03", "53300", "25006");

  private DatabaseUnavailable() {}

  /** True if {@code t} (or a cause of it) says the database is unreachable rather than the query wrong. */
  public static boolean is(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof DatabaseException db) {
        String state = db.getSqlState();
        return state != null && (state.startsWith("08") || STATES.contains(state));
      }
      if (c instanceof ClosedConnectionException || c instanceof java.net.SocketException
          || c instanceof java.nio.channels.ClosedChannelException) {
        return true;
      }
      // Netty's native transport reports a reset socket as a plain IOException
      // ("Connection reset by peer"), seen when PostgreSQL stops under load
      if (c instanceof java.io.IOException io && io.getMessage() != null
          && (io.getMessage().contains("Connection reset") || io.getMessage().contains("Broken pipe"))) {
        return true;
      }
      if (c instanceof VertxException v && v.getMessage() != null) {
        String m = v.getMessage();
        // "Timeout waiting for connection" is what the Vert.x 5 SQL pool says when every
        // connection stayed busy for the whole connection timeout (an exhausted pool)
        if (m.contains("Connection refused") || m.contains("Timeout while waiting for connection")
            || m.contains("Timeout waiting for connection")
            || m.contains("connection was closed") || m.contains("Connection reset") || m.contains("not active now")
            || m.contains("Pool closed")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * True if the same work may well succeed when simply tried again: the database is away (see
   * {@link #is}), or the transaction lost a race (serialization failure, deadlock: SQLSTATE class
   * 40), waited too long for a lock (55P03) or was cancelled (57014). Anything else a background
   * job meets on one row is that row's fault: the job marks it failed with the reason and goes on.
   */
  public static boolean retryable(Throwable t) {
    if (is(t)) {
      return true;
    }
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof DatabaseException db && db.getSqlState() != null) {
        String state = db.getSqlState();
        return state.startsWith("40") || state.equals("55P03") || state.equals("57014");
      }
    }
    return false;
  }

  /** The 503 a client gets. */
  public static DomainException answer() {
    return new DomainException(503, "api_error", "database_unavailable",
        "the database is unavailable (restarting or unreachable); nothing was stored: retry after "
            + RETRY_AFTER_SECONDS + " seconds", null);
  }
}
