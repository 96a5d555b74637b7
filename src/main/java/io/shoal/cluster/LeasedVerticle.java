package io.shoal.cluster;

import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one background job on one node of several: the job's verticle is deployed here only
 * while this node holds the job's lease ({@link Leases}), and undeployed as soon as it may not.
 *
 * <pre>
 *   every ttl/6: acquire(name)  --held, job not running--> deploy the job
 *                               --held, but under another epoch than the job was started under
 *                                 (this node stalled past its lease, another node held it, and
 *                                 this node took it back)--> undeploy the job and deploy it again
 *                               --not held, running-----> undeploy it (another node took it)
 *                               --failed (database away)-> keep running while the last renewal is
 *                                                          younger than 2/3 ttl, then undeploy
 *   stop: undeploy the job, release the lease (another node takes it at its next try)
 * </pre>
 *
 * A node that dies stops renewing; its lease expires after {@code ttl} by the database's clock
 * and the next node to try takes the job, so work is taken over within {@code ttl + ttl/6}. The
 * holder gives up on its own clock a third of the ttl before the lease can expire, counted from
 * the moment it asked for the renewal, so two nodes never run the job at once while clocks run
 * at the same rate. Every job run this way must also be safe to repeat after a crash (they all
 * keep their state in the database, claimed row by row), which covers a stop that is slow. A job
 * started again after a take-over and take-back reads that state afresh: what it held in memory
 * from before (a position in a log, claims) may be what the other node has moved on from.
 */
public final class LeasedVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(LeasedVerticle.class);

  private final Leases leases;
  private final String name;
  private final String node;
  private final long ttlMs;
  private final Supplier<Deployable> job;

  private long timer = -1;
  private boolean trying;
  private boolean stopping;
  /** The job's deployment id while it runs here; a pending deploy or undeploy is {@link #changing}. */
  private String deployment;
  private Future<?> changing = Future.succeededFuture();
  /** The lease's epoch when the job running here was deployed. */
  private long deployedEpoch;
  /** When the last renewal that succeeded was asked for, by this node's monotonic clock. */
  private long heldSinceNanos;

  public LeasedVerticle(Leases leases, String name, String node, long ttlMs, Supplier<Deployable> job) {
    this.leases = leases;
    this.name = name;
    this.node = node;
    this.ttlMs = ttlMs;
    this.job = job;
  }

  /** The lease's name: one per job. */
  public String name() {
    return name;
  }

  @Override
  public Future<?> start() {
    tryLease();
    timer = vertx.setPeriodic(Math.max(100, ttlMs / 6), id -> tryLease());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(timer);
    return changing.transform(ar -> undeployJob())
        .transform(ar -> leases.release(name, node))
        .otherwiseEmpty();
  }

  private void tryLease() {
    if (trying || stopping) {
      return;
    }
    trying = true;
    long asked = System.nanoTime();
    leases.acquire(name, node, ttlMs).onComplete(ar -> {
      trying = false;
      if (stopping) {
        return;
      }
      if (ar.succeeded() && ar.result().isPresent()) {
        heldSinceNanos = asked;
        long epoch = ar.result().get();
        if (deployment == null) {
          deployJob(epoch);
        } else if (!deployment.isEmpty() && epoch != deployedEpoch) {
          LOG.warn("Lease {} was held by another node meanwhile (epoch {} -> {}): the job starts again here",
              name, deployedEpoch, epoch);
          undeployJob();
          deployJob(epoch);
        }
      } else if (ar.succeeded()) {
        if (deployment != null) {
          LOG.warn("Lease {} is held by another node now; stopping the job here", name);
          undeployJob();
        }
      } else if (deployment != null && System.nanoTime() - heldSinceNanos > ttlMs * 2_000_000 / 3) {
        LOG.warn("Lease {} could not be renewed for {} ms ({}); stopping the job here", name, ttlMs * 2 / 3,
            ar.cause().toString());
        undeployJob();
      }
    });
  }

  private void deployJob(long epoch) {
    deployment = "";
    deployedEpoch = epoch;
    changing = changing.transform(ar -> vertx.deployVerticle(job.get())).onComplete(ar -> {
      if (ar.succeeded()) {
        deployment = ar.result();
        LOG.info("Lease {} taken (epoch {}): the job runs on this node", name, epoch);
      } else {
        deployment = null;
        LOG.error("Lease {} held but its job failed to start; retried at the next renewal", name, ar.cause());
      }
    });
  }

  private Future<Void> undeployJob() {
    String id = deployment;
    deployment = null;
    if (id == null || id.isEmpty()) {
      return Future.succeededFuture();
    }
    Future<Void> undeployed = changing.transform(ar -> vertx.undeploy(id));
    changing = undeployed;
    return undeployed;
  }
}
