package io.shoal.segment.eval;

import io.shoal.segment.SegmentDefinition;
import io.vertx.core.eventbus.Message;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The syncs (backfills) of one evaluator partition, run in shared passes over a store's customers:
 *
 * <pre>
 *   add(sync) --> waiting --(no pass of its store running; quiet, see Debounce)-->
 *       a pass takes every waiting sync of that store
 *       slice: customers [from, to) tested against all of them (PartitionCore.backfill)
 *              --> room in the batch (whenRoom) --> next slice ... --> each sync done --> store's next pass
 * </pre>
 *
 * Stores' passes run side by side, their slices taking turns on the loop: a new segment of a
 * small store does not wait for a long pass over a large one.
 *
 * Creating a thousand segments one after the other used to run a thousand backfills, each marking
 * its members dirty on its own: every customer's state row was rewritten once per few segments and
 * its derived facts (purchase times, counts) computed once per segment. A pass tests each customer
 * once for all the syncs that waited, so it is written once per pass; the syncs that arrive
 * meanwhile wait for the next pass, which grows with the rate of creates. A lone sync runs as
 * before, in slices of {@link #slice} customers.
 *
 * A pass over a store larger than one slice starts only once no sync has come for {@link
 * Debounce#quietMs} (or its oldest sync has waited {@link Debounce#maxWaitMs}): a burst of creates
 * is answered by a database that is not busy writing the state rows of passes started between
 * them, and is synced by one pass instead of a pass per few creates. A smaller store's pass starts
 * at once, as a create there waits for its sync.
 *
 * A waiting sync's version is installed only when its pass starts: until then events keep
 * evaluating the segment as it was (or not at all, when new), so a customer who qualified all
 * along is not announced as entering it because an event came before the sync. A newer version or
 * a deletion ends the waiting sync at once, without counts.
 *
 * Runs on its partition's event loop only.
 */
final class BackfillPasses {

  /** What the evaluator verticle does for the passes: bounding a batch, progress and the answers. */
  interface Host {
    /** Runs {@code next} once the batch gathering has room (or at once). */
    void whenRoom(Runnable next);

    /** Customer tests for the next slice: {@code full}, or fewer while live work waits in the batch. */
    default int slice(int full) {
      return full;
    }

    /** The sync of {@code def} is {@code fraction} done on this partition. */
    void progress(SegmentDefinition def, double fraction);

    /**
     * The sync of {@code def} ended over {@code customers} customers: {@code funnel} holds its counts
     * when the whole pass ran for this version, null when a newer change replaced the segment.
     */
    void done(Sync sync, int customers, long[] funnel);

    /** Runs {@code next} on this event loop after {@code delayMs}. */
    void later(long delayMs, Runnable next);

    /** Now, in milliseconds of a monotonic clock. */
    long millis();
  }

  /**
   * How long a large store's pass waits for more syncs: until none came for {@code quietMs}, at most
   * {@code maxWaitMs} after its oldest sync came. {@link #NONE} starts every pass at once.
   */
  record Debounce(long quietMs, long maxWaitMs) {
    static final Debounce NONE = new Debounce(0, 0);
  }

  /**
   * One sync: the version to install, whether it is an edit, when it came, and the requests it
   * answers when done: every one that asked for this version (see {@link #add}).
   */
  static final class Sync {
    private final SegmentDefinition def;
    private final boolean edited;
    private final long arrivedMs;
    private final List<Message<ControlMessage>> replies = new ArrayList<>(1);

    Sync(SegmentDefinition def, boolean edited, Message<ControlMessage> reply, long arrivedMs) {
      this.def = def;
      this.edited = edited;
      this.arrivedMs = arrivedMs;
      answers(reply);
    }

    private void answers(Message<ControlMessage> reply) {
      if (reply != null) {
        replies.add(reply);
      }
    }

    SegmentDefinition def() {
      return def;
    }

    boolean edited() {
      return edited;
    }

    List<Message<ControlMessage>> replies() {
      return replies;
    }

    long arrivedMs() {
      return arrivedMs;
    }
  }

  /** A sync in the running pass, with its installed version and its funnel. */
  private record Running(Sync sync, PartitionCore.Backfill part) {}

  private final PartitionCore core;
  private final Host host;
  /** Customer tests (customers x segments) per turn of the event loop. */
  private final int slice;
  private final Debounce debounce;
  /** Syncs waiting for their store's next pass, in the order they came. */
  private final ArrayDeque<Sync> waiting = new ArrayDeque<>();
  /** Stores with a pass running (between its first slice and its last sync's end). */
  private final Set<String> running = new HashSet<>();
  /** Stores for which a timer will look at the waiting syncs again. */
  private final Set<String> timers = new HashSet<>();
  /** When each store's last sync came. */
  private final Map<String, Long> lastArrivalMs = new HashMap<>();
  /** The sync, waiting or in a pass, of the latest version asked for, by store and segment. */
  private final Map<String, Sync> bySegment = new HashMap<>();

  BackfillPasses(PartitionCore core, Host host, int slice, Debounce debounce) {
    this.core = core;
    this.host = host;
    this.slice = slice;
    this.debounce = debounce;
  }

  /**
   * Queues the sync of {@code def}; {@code reply}, the message asking for it, is handed back with
   * it when done. A sync of the same segment still waiting ends, without counts: this one replaces it.
   *
   * A request for the version already waiting or in a pass is answered with it: it is the engine
   * asking again after its request timed out (a pass over a million customers and a thousand
   * segments outlasts the timeout), and a new sync would start the pass over, again and again.
   */
  void add(SegmentDefinition def, boolean edited, Message<ControlMessage> reply) {
    Sync same = bySegment.get(key(def.storeId(), def.id()));
    if (same != null && same.def().version() == def.version()) {
      same.answers(reply);
      return;
    }
    if (same != null) {
      // a segment's waiting sync is always its latest (bySegment): none there, none to end; a scan
      // of the waiting syncs per create made a burst of a thousand creates quadratic
      forget(def.storeId(), def.id());
    }
    long now = host.millis();
    lastArrivalMs.put(def.storeId(), now);
    Sync sync = new Sync(def, edited, reply, now);
    waiting.add(sync);
    bySegment.put(key(def.storeId(), def.id()), sync);
    startWhenQuiet();
  }

  private static String key(String storeId, String segmentId) {
    return storeId + '\n' + segmentId;
  }

  /** The sync ended (done, replaced or removed): answers every request that asked for it. */
  private void ended(Sync sync, int customers, long[] funnel) {
    bySegment.remove(key(sync.def().storeId(), sync.def().id()), sync);
    host.done(sync, customers, funnel);
  }

  /** Ends the waiting sync of a segment deleted or replaced meanwhile, without counts. */
  void forget(String storeId, String segmentId) {
    waiting.removeIf(s -> {
      if (s.def().storeId().equals(storeId) && s.def().id().equals(segmentId)) {
        ended(s, core.customerCount(storeId), null);
        return true;
      }
      return false;
    });
  }

  /** Syncs waiting for a pass (not counting the running one's). */
  int waiting() {
    return waiting.size();
  }

  /**
   * Starts the next pass of each store with waiting syncs and none running, now or when its
   * {@link Debounce} allows (a timer then looks again), oldest sync first.
   */
  private void startWhenQuiet() {
    Map<String, Sync> oldest = new LinkedHashMap<>();
    for (Sync s : waiting) {
      if (!running.contains(s.def().storeId())) {
        oldest.putIfAbsent(s.def().storeId(), s);
      }
    }
    long now = host.millis();
    for (Sync s : oldest.values()) {
      String storeId = s.def().storeId();
      if (running.contains(storeId)) {
        continue; // started meanwhile: a small store's pass ends at once and looks again
      }
      long due = Math.min(lastArrivalMs.get(storeId) + debounce.quietMs(), s.arrivedMs() + debounce.maxWaitMs());
      if (now >= due || core.customerCount(storeId) <= slice) {
        nextPass(storeId);
      } else if (timers.add(storeId)) {
        host.later(due - now, () -> {
          timers.remove(storeId);
          startWhenQuiet();
        });
      }
    }
  }

  private void nextPass(String storeId) {
    List<Sync> taken = new ArrayList<>();
    waiting.removeIf(s -> s.def().storeId().equals(storeId) && taken.add(s));
    if (taken.isEmpty()) {
      return;
    }
    running.add(storeId);
    lastArrivalMs.remove(storeId);
    List<CustomerState> customers = core.customersOf(storeId);
    List<Running> syncs = new ArrayList<>(taken.size());
    for (Sync s : taken) {
      LiveSegment installed = core.install(s.def());
      if (installed == null) {
        ended(s, customers.size(), null); // its rules no longer compile: nothing to backfill
      } else {
        syncs.add(new Running(s, new PartitionCore.Backfill(installed, s.edited(),
            new long[installed.rule.topLevel().size() + 1])));
      }
    }
    slice(new Pass(storeId, customers, syncs), 0, 0);
  }

  /**
   * One pass over a store's customers: its syncs still current as of {@link #checked} (the
   * partition's {@link PartitionCore#segmentChanges}), their parts in one list handed to every
   * slice, and the answers of their shared rules ({@link PassRules}).
   */
  private static final class Pass {
    final String storeId;
    final List<CustomerState> customers;
    final PassRules rules = new PassRules();
    List<Running> current;
    List<PartitionCore.Backfill> parts;
    long checked = -1;

    Pass(String storeId, List<CustomerState> customers, List<Running> syncs) {
      this.storeId = storeId;
      this.customers = customers;
      this.current = syncs;
    }
  }

  private void slice(Pass pass, int from, int reported) {
    List<CustomerState> customers = pass.customers;
    // a sync whose segment was replaced or removed meanwhile ends: the newer change runs its own.
    // Looked at only when the partition's segments changed since the last slice: with a thousand
    // syncs and a few customers a slice, a look-up per sync and slice was a tenth of the pass.
    if (pass.checked != core.segmentChanges()) {
      List<Running> current = new ArrayList<>(pass.current.size());
      List<PartitionCore.Backfill> parts = new ArrayList<>(pass.current.size());
      for (Running r : pass.current) {
        if (core.isCurrent(r.part().segment())) {
          current.add(r);
          parts.add(r.part());
        } else {
          ended(r.sync(), customers.size(), null);
        }
      }
      pass.current = current;
      pass.parts = parts;
      pass.checked = core.segmentChanges();
    }
    List<Running> current = pass.current;
    if (current.isEmpty()) {
      passEnded(pass.storeId);
      return;
    }
    int to = Math.min(customers.size(), from + Math.max(1, host.slice(slice) / current.size()));
    core.backfill(pass.parts, pass.rules, customers, from, to, Instant.now());
    if (to < customers.size()) {
      // progress about once per `slice` customers, not once per turn and sync
      int now = to - reported >= slice || current.size() == 1 ? to : reported;
      if (now != reported) {
        for (Running r : current) {
          host.progress(r.sync().def(), (double) to / customers.size());
        }
      }
      host.whenRoom(() -> slice(pass, to, now));
      return;
    }
    for (Running r : current) {
      ended(r.sync(), customers.size(), r.part().funnel());
    }
    passEnded(pass.storeId);
  }

  private void passEnded(String storeId) {
    running.remove(storeId);
    startWhenQuiet(); // the syncs that came during the pass have waited: usually at once
  }
}
