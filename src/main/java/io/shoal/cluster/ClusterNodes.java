package io.shoal.cluster;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The Shoal nodes sharing one database (Kafka mode), and where each one's internal API is
 * reached: a node that owns an evaluator partition answers its control messages for the others.
 * Calls between nodes carry the cluster's secret, made once by the first node and kept in the
 * database, so nothing has to be configured on each node for it.
 */
public final class ClusterNodes {

  private final Pool pool;

  public ClusterNodes(Pool pool) {
    this.pool = pool;
  }

  /** The cluster's secret, made by whichever node asks first. */
  public Future<String> secret() {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String fresh = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    return pool.preparedQuery("INSERT INTO cluster_secret (secret) VALUES ($1) ON CONFLICT (id) DO NOTHING")
        .execute(Tuple.of(fresh))
        .compose(v -> pool.query("SELECT secret FROM cluster_secret").execute())
        .map(rows -> rows.iterator().next().getString(0));
  }

  /** This node answers at {@code url} (its API's base, reachable by the other nodes). */
  public Future<Void> join(String nodeId, String url) {
    return pool.preparedQuery("INSERT INTO cluster_nodes (node_id, url) VALUES ($1, $2)"
            + " ON CONFLICT (node_id) DO UPDATE SET url = EXCLUDED.url, started_at = clock_timestamp()")
        .execute(Tuple.of(nodeId, url)).mapEmpty();
  }

  /** Where the node is reached; null when it never joined. */
  public Future<String> urlOf(String nodeId) {
    return pool.preparedQuery("SELECT url FROM cluster_nodes WHERE node_id = $1").execute(Tuple.of(nodeId))
        .map(rows -> {
          for (Row r : rows) {
            return r.getString(0);
          }
          return null;
        });
  }
}
