package io.shoal.outbox;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka mode: wakes the readers of {@code notifications} on every node when any node commits
 * some, through PostgreSQL's LISTEN/NOTIFY. Without it a node's live streams and automation feed
 * heard only of their own node's commits, and saw the others' at their next heartbeat (15 s).
 *
 * <pre>
 *   NotificationLog.wake(stores)  --> SELECT pg_notify('shoal_notifications', node + '\n' + store)  (one statement)
 *   every node LISTENs (its own connection, reconnected every second when lost)
 *     payload from another node --> publish NotificationLog.NEW_NOTIFICATIONS(store) locally
 * </pre>
 *
 * A wake lost while the listening connection is down is made up by the readers' own heartbeat
 * reads; the notifications themselves are in the table, so nothing is lost, only late.
 */
public final class ClusterWakes {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterWakes.class);
  static final String CHANNEL = "shoal_notifications";

  private final Vertx vertx;
  private final Pool pool;
  private final String nodeId;
  private final PgSubscriber subscriber;

  public ClusterWakes(Vertx vertx, Pool pool, PgConnectOptions options, String nodeId) {
    this.vertx = vertx;
    this.pool = pool;
    this.nodeId = nodeId;
    this.subscriber = PgSubscriber.subscriber(vertx, new PgConnectOptions(options)).reconnectPolicy(retries -> 1_000L);
    subscriber.channel(CHANNEL).handler(this::heard);
  }

  /** Starts listening; answers once the LISTEN is in place (a failure is retried in the background). */
  public Future<Void> start() {
    return subscriber.connect().onFailure(e -> {
      LOG.warn("Could not LISTEN for other nodes' notifications ({}); retrying; streams fall back to their heartbeat",
          e.toString());
      vertx.setTimer(1_000, t -> start());
    });
  }

  /** Tells the other nodes that these stores have new notifications (after the commit). */
  void announce(Set<String> stores) {
    String[] payloads = new String[stores.size()];
    int i = 0;
    for (String s : stores) {
      payloads[i++] = nodeId + '\n' + s;
    }
    pool.preparedQuery("SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p")
        .execute(Tuple.tuple().addValue(CHANNEL).addValue(payloads))
        .onFailure(e -> LOG.debug("could not tell the other nodes of new notifications: {}", e.toString()));
  }

  private void heard(String payload) {
    int nl = payload.indexOf('\n');
    if (nl > 0 && !payload.substring(0, nl).equals(nodeId)) { // this node's own were published already
      vertx.eventBus().publish(NotificationLog.NEW_NOTIFICATIONS, payload.substring(nl + 1));
    }
  }

  public Future<Void> close() {
    return subscriber.close();
  }
}
