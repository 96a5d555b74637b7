package io.shoal.segment.eval;

import io.shoal.segment.SegmentDefinition;
import io.shoal.segment.rule.CompiledRule;
import io.shoal.segment.rule.RuleCompiler;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One read of the customers for all the partitions that start together (embedded mode deploys
 * every partition at once): each partition joins with what to do with a state row and with a
 * customer's profile, and once all have joined, one cursor reads the state rows and then another
 * the customers ({@link EvaluationStore#scanCustomerPages}), handing every page's rows to their
 * partitions, each on its own event loop.
 *
 * <pre>
 *   partition p: join(p, its context, loadStateRow, loadProfileRow) ... (all joined)
 *     --> read a page --> split by partitionOf --> run each part on its partition's loop
 *     --> read the next page while fewer than PAGES_AHEAD pages wait for a part to run ...
 *     (state rows; once every part of them ran, profiles)
 *     --> last page: each join completes
 * </pre>
 *
 * Each partition scanning the whole table itself (and keeping its share) made PostgreSQL read,
 * and the driver decode, every customer row and its memberships once per partition at start.
 * Pages are handed over as they are read, each page's rows to each partition's loop in order,
 * while at most {@link EvaluationStore#PAGES_AHEAD} are not yet taken by every partition: a few
 * pages in memory however large the table.
 */
final class SharedCustomerScan {

  private record Joined(Context context, Consumer<Row> state, Consumer<Row> profile, Promise<Void> done) {}

  private record SegmentVersion(String storeId, String id, int version) {}

  private record Compiled(JsonArray rules, CompiledRule rule) {}

  private final int partitions;
  private final Map<Integer, Joined> joined = new HashMap<>();
  private int expected;
  private boolean started;
  /** Each segment's rules compiled once for all the partitions (a compiled rule holds no state). */
  private final Map<SegmentVersion, Compiled> compiled = new ConcurrentHashMap<>();

  SharedCustomerScan(int partitions) {
    this.partitions = partitions;
    this.expected = partitions;
  }

  /**
   * The segment's rules compiled, once for all the partitions starting together: each partition
   * compiling every segment itself was 8 % of a start's samples at 100,000 customers x 1,000
   * segments (bench/engine's twenty-third pass). A compiled rule is immutable and depends only on
   * the rules, so partitions share it; a definition whose rules differ from the ones compiled
   * under its id and version is compiled by itself.
   *
   * @throws io.shoal.segment.rule.RuleException as {@link RuleCompiler#compile}
   */
  CompiledRule compiled(SegmentDefinition def) {
    Compiled c = compiled.computeIfAbsent(new SegmentVersion(def.storeId(), def.id(), def.version()),
        k -> new Compiled(def.rules(), RuleCompiler.compile(def.rules())));
    return c.rules().equals(def.rules()) ? c.rule() : RuleCompiler.compile(def.rules());
  }

  /**
   * Partition {@code p} (running on {@code context}) takes its state rows through {@code state},
   * then its customers' profiles through {@code profile}; completes on that context after its last
   * row. The scan reads through {@code db} once every partition joined or {@linkplain #leave left}.
   */
  Future<Void> join(int p, Context context, Consumer<Row> state, Consumer<Row> profile, EvaluationStore db) {
    Promise<Void> done = Promise.promise();
    Runnable start;
    synchronized (this) {
      if (started || joined.containsKey(p)) {
        return Future.failedFuture(new IllegalStateException("partition " + p + " joined the start-up scan late"));
      }
      joined.put(p, new Joined(context, state, profile, done));
      start = readyToStart(db);
    }
    if (start != null) {
      start.run();
    }
    return done.future();
  }

  /** Partition {@code p} will not join (its start failed before): the others do not wait for it. */
  void leave(int p, EvaluationStore db) {
    Runnable start;
    synchronized (this) {
      if (started || joined.containsKey(p)) {
        return;
      }
      expected--;
      start = readyToStart(db);
    }
    if (start != null) {
      start.run();
    }
  }

  private Runnable readyToStart(EvaluationStore db) {
    if (started || joined.size() < expected || joined.isEmpty()) {
      return null;
    }
    started = true;
    compiled.clear(); // every partition installed its segments before it joined
    Map<Integer, Joined> all = Map.copyOf(joined);
    return () -> scanContext(all.values().stream().map(Joined::context).toList()).runOnContext(go -> db.scanCustomerPages((rows, next) -> dispatch(all, rows, next, Joined::state),
        (rows, next) -> dispatch(all, rows, next, Joined::profile))
        .onComplete(ar -> all.values()
        .forEach(j -> j.context().runOnContext(v -> {
          // after the partition ran its last part: same context, queued behind it
          if (ar.succeeded()) {
            j.done().complete();
          } else {
            j.done().fail(ar.cause());
          }
        }))));
  }

  /**
   * A context on an event loop none of the partitions' contexts runs on, for the scan: its
   * connection reads and decodes the rows there (a fifth of a start's samples), instead of on the
   * loop that started it, which also loads a partition's share of every page. With as many
   * partitions as event loops, the first of {@code partitions}.
   */
  static Context scanContext(List<Context> partitions) {
    io.vertx.core.internal.ContextInternal first = (io.vertx.core.internal.ContextInternal) partitions.get(0);
    java.util.Set<io.netty.channel.EventLoop> taken = new java.util.HashSet<>();
    partitions.forEach(c -> taken.add(((io.vertx.core.internal.ContextInternal) c).nettyEventLoop()));
    for (io.netty.util.concurrent.EventExecutor e : first.owner().nettyEventLoopGroup()) {
      if (e instanceof io.netty.channel.EventLoop loop && !taken.contains(loop)) {
        return first.owner().contextBuilder().withEventLoop(loop).build();
      }
    }
    return first;
  }

  /** Hands each partition its rows of a page on its own loop; {@code next} once all have run them. */
  private void dispatch(Map<Integer, Joined> all, List<Row> rows, Runnable next,
                        java.util.function.Function<Joined, Consumer<Row>> each) {
    Map<Integer, List<Row>> parts = new HashMap<>();
    for (Row r : rows) {
      int p = PartitionCore.partitionOf(r.getString(EvaluationStore.STORE_ID), r.getString(EvaluationStore.ID),
          partitions);
      if (all.containsKey(p)) {
        parts.computeIfAbsent(p, k -> new ArrayList<>()).add(r);
      }
    }
    if (parts.isEmpty()) {
      next.run();
      return;
    }
    java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(parts.size());
    parts.forEach((p, part) -> {
      Joined j = all.get(p);
      j.context().runOnContext(v -> {
        part.forEach(each.apply(j));
        if (left.decrementAndGet() == 0) {
          next.run();
        }
      });
    });
  }
}
