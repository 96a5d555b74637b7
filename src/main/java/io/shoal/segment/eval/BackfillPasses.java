package io.shoal.segment.eval;

import io.shoal.segment.SegmentDefinition;
import io.vertx.core.eventbus.Message;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The syncs (backfills) of one evaluator partition, run in shared passes over a store's customers:
 *
 * <pre>
 *   add(sync) --> waiting --(no pass running)--> a pass takes every waiting sync of one store
 *       slice: customers [from, to) tested against all of them (PartitionCore.backfill)
 *              --> room in the batch (whenRoom) --> next slice ... --> each sync done --> next pass
 * </pre>
 *
 * Creating a thousand segments one after the other used to run a thousand backfills, each marking
 * its members dirty on its own: every customer's state row was rewritten once per few segments and
 * its derived facts (purchase times, counts) computed once per segment. A pass tests each customer
 * once for all the syncs that waited, so it is written once per pass; the syncs that arrive
 * meanwhile wait for the next pass, which grows with the rate of creates. A lone sync runs as
 * before, in slices of {@link #slice} customers.
 *
 * Runs on its partition's event loop only.
 */
final class BackfillPasses {

  /** What the evaluator verticle does for the passes: bounding a batch, progress and the answers. */
  interface Host {
    /** Runs {@code next} once the batch gathering has room (or at once). */
    void whenRoom(Runnable next);

    /** The sync of {@code def} is {@code fraction} done on this partition. */
    void progress(SegmentDefinition def, double fraction);

    /**
     * The sync of {@code def} ended over {@code customers} customers: {@code funnel} holds its counts
     * when the whole pass ran for this version, null when a newer change replaced the segment.
     */
    void done(Sync sync, int customers, long[] funnel);
  }

  /** One sync: the segment's installed version, its definition, and what it answers when done. */
  record Sync(PartitionCore.Backfill part, SegmentDefinition def, Message<ControlMessage> reply) {}

  private final PartitionCore core;
  private final Host host;
  /** Customer tests (customers x segments) per turn of the event loop. */
  private final int slice;
  private final ArrayDeque<Sync> waiting = new ArrayDeque<>();
  private boolean running;

  BackfillPasses(PartitionCore core, Host host, int slice) {
    this.core = core;
    this.host = host;
    this.slice = slice;
  }

  /**
   * Queues the sync of {@code s} (installed from {@code def}); {@code reply}, the message asking
   * for it, is handed back with it when done. {@code s} null (nothing installed) ends it at once,
   * without counts.
   */
  void add(LiveSegment s, SegmentDefinition def, boolean edited, Message<ControlMessage> reply) {
    if (s == null) {
      host.done(new Sync(null, def, reply), 0, null);
      return;
    }
    waiting.add(new Sync(new PartitionCore.Backfill(s, edited, new long[s.rule.topLevel().size() + 1]), def, reply));
    if (!running) {
      nextPass();
    }
  }

  /** Syncs waiting for a pass (not counting the running one's). */
  int waiting() {
    return waiting.size();
  }

  private void nextPass() {
    if (waiting.isEmpty()) {
      running = false;
      return;
    }
    running = true;
    String storeId = waiting.peek().def().storeId();
    List<Sync> pass = new ArrayList<>();
    waiting.removeIf(s -> s.def().storeId().equals(storeId) && pass.add(s));
    List<CustomerState> customers = core.customersOf(storeId);
    slice(pass, customers, 0, 0);
  }

  private void slice(List<Sync> pass, List<CustomerState> customers, int from, int reported) {
    // a sync whose segment was replaced or removed meanwhile ends: the newer change runs its own
    List<Sync> current = new ArrayList<>(pass.size());
    List<PartitionCore.Backfill> parts = new ArrayList<>(pass.size());
    for (Sync s : pass) {
      if (core.isCurrent(s.part().segment())) {
        current.add(s);
        parts.add(s.part());
      } else {
        host.done(s, customers.size(), null);
      }
    }
    if (current.isEmpty()) {
      nextPass();
      return;
    }
    int to = Math.min(customers.size(), from + Math.max(1, slice / current.size()));
    core.backfill(parts, customers, from, to, Instant.now());
    if (to < customers.size()) {
      // progress about once per `slice` customers, not once per turn and sync
      int now = to - reported >= slice || current.size() == 1 ? to : reported;
      if (now != reported) {
        for (Sync s : current) {
          host.progress(s.def(), (double) to / customers.size());
        }
      }
      host.whenRoom(() -> slice(current, customers, to, now));
      return;
    }
    for (Sync s : current) {
      host.done(s, customers.size(), s.part().funnel());
    }
    nextPass();
  }
}
