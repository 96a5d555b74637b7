package io.shoal.segment.eval;

import io.shoal.cluster.ClusterNodes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the evaluator partitions run, and how a {@link ControlMessage} reaches one.
 *
 * <pre>
 *   embedded:  every partition here, deployed at start ({@link #deployAll})
 *   Kafka:     partition p here while this node owns events partition p ({@link #take}, {@link #release});
 *              a message for a partition owned elsewhere --> POST {owner}/internal/evaluators/{p}
 *              --> that node's local partition --> the answer back as JSON ({@link ControlJson})
 * </pre>
 *
 * A partition that moves while a message is on its way (its owner died, or handed it over) is
 * looked up again and the message re-sent to the new owner, until the message's deadline.
 */
public final class EvaluatorPartitions {

  private static final Logger LOG = LoggerFactory.getLogger(EvaluatorPartitions.class);
  static final String CONTROL_CODEC = "shoal-segment-control";
  private static final String PATH = "/internal/evaluators/";
  private static final long RETRY_MS = 250;
  /**
   * A partition's failure code for "taken over by another node before this message's changes
   * were written": the message is re-sent to the new owner, as for a partition that moved.
   */
  static final int MOVED = 409;

  private final Vertx vertx;
  private final int partitions;
  private final IntFunction<SegmentEvaluatorVerticle> evaluator;
  /** The partitions running here: partition -> deployment id. */
  private final Map<Integer, String> local = new ConcurrentHashMap<>();
  /** Completed once the server answers ({@link #serving}). */
  private final Promise<Void> serving = Promise.promise();
  /** Kafka mode only: how to reach the partitions owned by other nodes. */
  private final Cluster cluster;

  private record Cluster(Pool pool, ClusterNodes nodes, HttpClient http, Map<Integer, String> urls,
                         Promise<String> secret) {}

  /** Not the owner: the partition moved, or is not taken yet. */
  private static final class Moved extends RuntimeException {
    Moved(int partition, String why) {
      super("evaluator partition " + partition + ": " + why, null, false, false);
    }
  }

  /** Every partition runs on this node. */
  public EvaluatorPartitions(Vertx vertx, int partitions, IntFunction<SegmentEvaluatorVerticle> evaluator) {
    this(vertx, partitions, evaluator, null, null);
  }

  /** Kafka mode: the partitions are spread over the nodes that share this database. */
  public EvaluatorPartitions(Vertx vertx, int partitions, IntFunction<SegmentEvaluatorVerticle> evaluator, Pool pool,
                             ClusterNodes nodes) {
    this.vertx = vertx;
    this.partitions = partitions;
    this.evaluator = evaluator;
    this.cluster = pool == null ? null : new Cluster(pool, nodes, vertx.createHttpClient(), new ConcurrentHashMap<>(),
        Promise.promise());
    if (cluster != null) {
      nodes.secret().onComplete(cluster.secret);
    }
  }

  public int count() {
    return partitions;
  }

  /** Kafka mode: the partitions are spread over several nodes. */
  public boolean spread() {
    return cluster != null;
  }

  /** The deployment ids of the partitions running on this node now. */
  public List<String> deploymentIds() {
    return List.copyOf(local.values());
  }

  /** The partitions running on this node now. */
  public Set<Integer> local() {
    return Set.copyOf(local.keySet());
  }

  /**
   * Embedded mode: deploys every partition (each loads its state and replays the log); the
   * customer table is read once for all of them ({@link SharedCustomerScan}).
   */
  public Future<Void> deployAll() {
    SharedCustomerScan scan = new SharedCustomerScan(partitions);
    List<Future<Void>> all = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      all.add(deploy(p, evaluator.apply(p).loadingWith(scan)));
    }
    return Future.all(all).mapEmpty();
  }

  /**
   * The server answers requests: the time checks that came due while partitions were down run
   * from now on (partitions started later run theirs at the end of their start). Until then they
   * wait, so that a start reaches ready without them; the checks coming due meanwhile run on time.
   */
  public void serving() {
    serving.tryComplete();
  }

  /** Runs partition p here: takes it over, loads its state, replays the log; completes when it answers. */
  public Future<Void> take(int p) {
    return deploy(p, evaluator.apply(p));
  }

  private Future<Void> deploy(int p, SegmentEvaluatorVerticle verticle) {
    if (local.containsKey(p)) {
      return Future.succeededFuture();
    }
    return vertx.deployVerticle(verticle.overdueChecksAfter(serving.future())).map(id -> {
      local.put(p, id);
      return null;
    });
  }

  /** Stops partition p here (its last batch is written unless another owner fenced it). */
  public Future<Void> release(int p) {
    String id = local.remove(p);
    return id == null ? Future.succeededFuture() : vertx.undeploy(id).otherwiseEmpty();
  }

  /** This node's API listens at {@code url}: other nodes reach its partitions there. */
  public Future<Void> listeningAt(String nodeId, String url) {
    return cluster == null ? Future.succeededFuture() : cluster.nodes.join(nodeId, url);
  }

  // --- messages ------------------------------------------------------------------------------

  /** Asks partition p, wherever it runs; fails if no owner answered within {@code timeoutMs}. */
  <T> Future<T> request(int p, ControlMessage message, long timeoutMs) {
    Promise<Object> answer = Promise.promise();
    attempt(p, message, timeoutMs, System.currentTimeMillis() + timeoutMs, answer);
    return answer.future().map(o -> {
      @SuppressWarnings("unchecked")
      T t = (T) o;
      return t;
    });
  }

  private void attempt(int p, ControlMessage message, long timeoutMs, long deadline, Promise<Object> answer) {
    Future<Object> once = local.containsKey(p) || cluster == null ? askHere(p, message, timeoutMs)
        : askOwner(p, message, Math.max(1, deadline - System.currentTimeMillis()));
    once.onComplete(ar -> {
      if (ar.succeeded()) {
        answer.complete(ar.result());
      } else if (cluster != null && movable(ar.cause()) && System.currentTimeMillis() + RETRY_MS < deadline) {
        cluster.urls.remove(p);
        vertx.setTimer(RETRY_MS, t -> attempt(p, message, timeoutMs, deadline, answer));
      } else {
        answer.fail(ar.cause());
      }
    });
  }

  /**
   * The partition moved or its owner is out of reach: worth asking again after a new lookup. An
   * answer that the owner failed (or a local timeout) is not.
   */
  private static boolean movable(Throwable e) {
    return e instanceof Moved || !(e instanceof ReplyException) && !(e instanceof IllegalStateException);
  }

  private Future<Object> askHere(int p, ControlMessage message, long timeoutMs) {
    DeliveryOptions options = new DeliveryOptions().setLocalOnly(true).setCodecName(CONTROL_CODEC)
        .setSendTimeout(timeoutMs);
    return vertx.eventBus().request(SegmentEvaluatorVerticle.controlAddress(p), message, options)
        .map(m -> (Object) m.body())
        .recover(e -> {
          if (e instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS) {
            local.remove(p); // it stopped (fenced: another node took it over)
            return Future.failedFuture(new Moved(p, "no longer runs here"));
          }
          if (e instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE
              && r.failureCode() == MOVED) {
            local.remove(p);
            return Future.failedFuture(new Moved(p, r.getMessage()));
          }
          return Future.failedFuture(e);
        });
  }

  private Future<Object> askOwner(int p, ControlMessage message, long timeoutMs) {
    return cluster.secret.future().compose(secret -> ownerUrl(p).compose(url -> {
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url + PATH + p)
          .setIdleTimeout(timeoutMs).putHeader("Authorization", "Bearer " + secret)
          .putHeader("Content-Type", "application/json");
      return cluster.http.request(options)
          .compose(req -> req.send(ControlJson.encode(message).toBuffer()))
          .compose(res -> res.body().compose(body -> switch (res.statusCode()) {
            case 200 -> Future.succeededFuture(ControlJson.decodeReply(body.toJsonObject()));
            case 409 -> Future.failedFuture(new Moved(p, "not owned by " + url));
            default -> Future.failedFuture(new IllegalStateException("evaluator partition " + p + " at " + url
                + " answered " + res.statusCode() + ": " + body));
          }));
    }));
  }

  /** The owner's internal API, from the partition's checkpoint row (cached until a call fails). */
  private Future<String> ownerUrl(int p) {
    String cached = cluster.urls.get(p);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return cluster.pool.preparedQuery("SELECT owner FROM evaluator_checkpoints WHERE partition = $1")
        .execute(Tuple.of(p))
        .compose(rows -> {
          String owner = rows.size() == 0 ? null : rows.iterator().next().getString(0);
          return owner == null ? Future.succeededFuture(null) : cluster.nodes.urlOf(owner);
        })
        .compose(url -> {
          if (url == null) {
            return Future.failedFuture(new Moved(p, "no node owns it yet"));
          }
          cluster.urls.put(p, url);
          return Future.succeededFuture(url);
        });
  }

  // --- the internal endpoint ------------------------------------------------------------------

  /** {@code POST /internal/evaluators/{p}}: another node's message for a partition running here. */
  public void mountInternal(Router root) {
    if (cluster == null) {
      return;
    }
    root.post(PATH + ":partition").handler(BodyHandler.create(false).setBodyLimit(64L << 20))
        .handler(this::internal);
  }

  private void internal(RoutingContext ctx) {
    String presented = ctx.request().getHeader("Authorization");
    String secret = cluster.secret.future().result();
    if (secret == null || presented == null || !MessageDigest.isEqual(("Bearer " + secret).getBytes(StandardCharsets.UTF_8),
        presented.getBytes(StandardCharsets.UTF_8))) {
      ctx.response().setStatusCode(401).end();
      return;
    }
    int p;
    ControlMessage message;
    try {
      p = Integer.parseInt(ctx.pathParam("partition"));
      message = ControlJson.decode(ctx.body().asJsonObject());
    } catch (RuntimeException e) {
      ctx.response().setStatusCode(400).end(String.valueOf(e.getMessage()));
      return;
    }
    if (!local.containsKey(p)) {
      ctx.response().setStatusCode(409).end("partition " + p + " does not run here");
      return;
    }
    long timeout = 600_000;
    askHere(p, message, timeout).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader("Content-Type", "application/json")
            .end(ControlJson.encodeReply(ar.result()).toBuffer());
      } else if (ar.cause() instanceof Moved) {
        ctx.response().setStatusCode(409).end(ar.cause().getMessage());
      } else {
        LOG.warn("evaluator partition {} failed a control message from another node: {}", p, ar.cause().toString());
        ctx.response().setStatusCode(500).end(Buffer.buffer(String.valueOf(ar.cause().getMessage())));
      }
    });
  }

  /** Closes the client to other nodes. */
  public void close() {
    if (cluster != null) {
      cluster.http.close();
    }
  }
}
