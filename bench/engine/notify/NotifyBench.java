package io.shoal.segment.eval;

import io.shoal.kernel.Ids;
import io.shoal.metrics.PurchaseLog;
import io.shoal.metrics.RepeatHistory;
import io.shoal.metrics.StoreModel;
import io.shoal.notify.WebhookFanOut;
import io.shoal.outbox.Notification;
import io.shoal.outbox.NotificationLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * The JVM side of the evaluator's batch path outside the rule decisions, on one thread, with no
 * database: {@code EvaluationStore.persist} of batches like the engine's (customers' state rows,
 * flips, the notifications of the flips, member counts, checkpoint) against a fake connection
 * that answers what PostgreSQL would (the sets' seqs, the checkpoint's row), then
 * {@code NotificationLog.wake} with a real {@link WebhookFanOut} (no endpoints). Thread CPU time
 * per flip and per event. Compiled against a Shoal jar by {@code notify-bench.sh}, so the same
 * source measures two commits side by side.
 *
 * <pre>
 *   args: notify CUSTOMERS EVENTS_PER_ROUND EVENTS_PER_BATCH SEED ROUNDS
 *         refit  CUSTOMERS SEED ROUNDS     (StoreModel.fit on Seed.java-like histories, CPU per fit)
 * </pre>
 *
 * Events flip 1-27 segments each (mean 14, sets14's mean set) of 1,000, with the customer summary
 * (email, names) shared by an event's flips as PartitionCore builds it. The driver's encoding of
 * the arrays is not included (the fake takes the Tuple as it is).
 */
public class NotifyBench {

  private static final String STORE = "store_bench";

  public static void main(String[] args) throws Exception {
    if (args[0].equals("refit")) {
      refit(Integer.parseInt(args[1]), Long.parseLong(args[2]), Integer.parseInt(args[3]));
      return;
    }
    int customers = Integer.parseInt(args[1]);
    int events = Integer.parseInt(args[2]);
    int perBatch = Integer.parseInt(args[3]);
    long seed = Long.parseLong(args[4]);
    int rounds = Integer.parseInt(args[5]);
    Random r = new Random(seed);
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    Vertx vertx = Vertx.vertx();
    NotificationLog log = new NotificationLog(vertx, new WebhookFanOut(vertx));
    EvaluationStore store = new EvaluationStore(fakePool(), log);
    String[] segmentIds = new String[1000];
    String[] segmentNames = new String[1000];
    for (int i = 0; i < segmentIds.length; i++) {
      segmentIds[i] = Ids.newId("seg");
      segmentNames[i] = String.format("bench-%04d", i + 1);
    }
    String[] customerIds = new String[customers];
    JsonObject[] summaries = new JsonObject[customers];
    String[] first = {"Anna", "Ben", "Chloé", "Dariusz", "Emma", "Fynn", "Gül", "Hugo"};
    String[] last = {"Müller", "Smith", "O'Brien", "Nguyen", "García", "Kowalski", "Rossi", "Ivanova"};
    for (int i = 0; i < customers; i++) {
      customerIds[i] = Ids.newId("cus");
      String f = first[r.nextInt(first.length)];
      String l = last[r.nextInt(last.length)];
      summaries[i] = NotificationLog.customerSummary(f.toLowerCase() + "." + i + "@example.com", f, l);
    }
    byte[] state = new byte[400];
    r.nextBytes(state);
    long now = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
    long checkpoint = 0;
    long sink = 0;
    for (int round = 0; round <= rounds; round++) {
      long cpuNs = 0;
      long flips = 0;
      for (int done = 0; done < events; done += perBatch) {
        List<EvaluationStore.CustomerWrite> writes = new ArrayList<>(perBatch);
        List<EvaluationStore.Transition> transitions = new ArrayList<>(perBatch * 14);
        long[] deltas = new long[segmentIds.length];
        for (int e = 0; e < perBatch; e++) {
          int c = r.nextInt(customers);
          Instant at = Instant.ofEpochMilli(now += 1 + r.nextInt(5));
          String eventId = Ids.newId("evt");
          int n = 1 + r.nextInt(27);
          int from = r.nextInt(segmentIds.length);
          StringBuilder memberships = new StringBuilder();
          for (int k = 0; k < n; k++) {
            int s = (from + k * 37) % segmentIds.length;
            boolean entered = r.nextBoolean();
            deltas[s] += entered ? 1 : -1;
            transitions.add(new EvaluationStore.Transition(STORE, Ids.newRecordId("trn"), segmentIds[s], customerIds[c],
                entered, true, "event", eventId, at, segmentNames[s], summaries[c]));
          }
          for (int k = 0; k < 120; k++) {
            memberships.append(k == 0 ? "" : ",").append(r.nextInt(1000));
          }
          writes.add(new EvaluationStore.CustomerWrite(STORE, customerIds[c], r.nextInt(10) < 3, 3,
              new BigDecimal("123.45"), at, at, at, state, null, memberships.toString()));
          flips += n;
        }
        List<Tuple> counts = new ArrayList<>();
        for (int s = 0; s < deltas.length; s++) {
          if (deltas[s] != 0) {
            counts.add(Tuple.of(STORE, segmentIds[s], deltas[s]));
          }
        }
        EvaluationStore.Batch batch = new EvaluationStore.Batch(0, 1, ++checkpoint, writes, transitions, counts);
        long t0 = cpu.getCurrentThreadCpuTime();
        List<Notification> recorded = store.persist(batch).result();
        log.wake(recorded);
        cpuNs += cpu.getCurrentThreadCpuTime() - t0;
        sink += recorded.size();
      }
      System.out.printf("round=%d cpu_ns_per_flip=%.1f cpu_us_per_event=%.2f flips_per_event=%.2f%n", round,
          cpuNs / (double) flips, cpuNs / 1000.0 / events, flips / (double) events);
    }
    System.out.println("notifications=" + sink);
    vertx.close();
  }

  /** StoreModel.fit on histories like Seed.java's orders (30 % none, 1 + geometric, log-normal totals). */
  private static void refit(int customers, long seed, int rounds) {
    Random r = new Random(seed);
    long now = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
    long day = PurchaseLog.DAY_MS;
    List<RepeatHistory> histories = new ArrayList<>();
    for (int i = 0; i < customers; i++) {
      long created = now - (long) (r.nextDouble() * 3 * 365 * day);
      int n = r.nextDouble() < 0.3 ? 0 : 1 + (int) Math.min(39, -Math.log(1 - r.nextDouble()) * 2.2);
      if (n == 0) {
        continue;
      }
      long from = Math.max(created, now - 730 * day);
      long[] times = new long[n];
      double[] values = new double[n];
      for (int k = 0; k < n; k++) {
        times[k] = from + (long) (r.nextDouble() * (now - from));
      }
      Arrays.sort(times);
      for (int k = 0; k < n; k++) {
        int lines = 1 + (r.nextDouble() < 0.4 ? 1 + r.nextInt(2) : 0);
        long total = 0;
        for (int j = 0; j < lines; j++) {
          total += Math.max(100, Math.round(Math.exp(3.5 + r.nextGaussian() * 0.7) * 100)) * (r.nextDouble() < 0.85 ? 1 : 2);
        }
        values[k] = total / 100.0;
      }
      histories.add(PurchaseLog.of(times, values, n).asOf(now));
    }
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    for (int round = 0; round <= rounds; round++) {
      long t0 = cpu.getCurrentThreadCpuTime();
      StoreModel m = StoreModel.fit(histories, Instant.ofEpochMilli(now), Instant.ofEpochMilli(now));
      long ns = cpu.getCurrentThreadCpuTime() - t0;
      System.out.printf("round=%d cpu_ms_per_fit=%.1f buyers=%d repeat=%d model=%s spend=%s%n", round, ns / 1e6,
          m.customers(), m.repeatCustomers(), m.purchases(), m.spend());
    }
  }

  // --- a connection that answers what PostgreSQL would, at once ---------------------------------

  private static Pool fakePool() {
    SqlConnection conn = proxy(SqlConnection.class, (m, a) -> switch (m) {
      case "preparedQuery" -> query((String) a[0]);
      default -> throw new UnsupportedOperationException(m);
    });
    return proxy(Pool.class, (m, a) -> switch (m) {
      case "withTransaction" -> {
        @SuppressWarnings("unchecked")
        Function<SqlConnection, Future<Object>> f = (Function<SqlConnection, Future<Object>>) a[0];
        yield f.apply(conn);
      }
      default -> throw new UnsupportedOperationException(m);
    });
  }

  private static long nextSeq = 1;

  private static Object query(String sql) {
    return proxy(io.vertx.sqlclient.PreparedQuery.class, (m, a) -> {
      if (!m.equals("execute")) {
        throw new UnsupportedOperationException(m);
      }
      Tuple t = (Tuple) a[0];
      List<Object[]> rows = new ArrayList<>();
      int count = 0;
      if (sql.startsWith("INSERT INTO notification_sets") || sql.startsWith("INSERT INTO segment_flips")) { // V80: the flips announce
        String[] stores = (String[]) t.getValue(0);
        String[] customers = (String[]) t.getValue(1);
        for (int i = 0; i < stores.length; i++) {
          rows.add(new Object[] {nextSeq, stores[i], customers[i]});
          nextSeq += NotificationLog.PER_SET;
        }
      } else if (sql.startsWith("INSERT INTO notifications ")) {
        String[] stores = (String[]) t.getValue(0);
        String[] ids = (String[]) t.getValue(1);
        for (int i = 0; i < stores.length; i++) {
          rows.add(new Object[] {stores[i], ids[i], nextSeq});
          nextSeq += NotificationLog.PER_SET;
        }
      } else if (sql.startsWith("UPDATE evaluator_checkpoints")) {
        count = 1;
      }
      return Future.succeededFuture(rowSet(rows, Math.max(count, rows.size())));
    });
  }

  private static Object rowSet(List<Object[]> rows, int count) {
    List<Row> out = new ArrayList<>();
    for (Object[] values : rows) {
      out.add(proxy(Row.class, (m, a) -> switch (m) {
        case "getLong" -> (Long) values[(Integer) a[0]];
        case "getString" -> (String) values[(Integer) a[0]];
        case "getValue" -> values[(Integer) a[0]];
        default -> throw new UnsupportedOperationException(m);
      }));
    }
    return proxy(io.vertx.sqlclient.RowSet.class, (m, a) -> switch (m) {
      case "iterator" -> {
        Iterator<Row> it = out.iterator();
        yield proxy(io.vertx.sqlclient.RowIterator.class, (m2, a2) -> m2.equals("hasNext") ? it.hasNext() : it.next());
      }
      case "rowCount", "size" -> count;
      case "forEach" -> {
        @SuppressWarnings("unchecked")
        java.util.function.Consumer<Row> each = (java.util.function.Consumer<Row>) a[0];
        out.forEach(each);
        yield null;
      }
      default -> throw new UnsupportedOperationException(m);
    });
  }

  private interface Handler {
    Object handle(String method, Object[] args) throws Exception;
  }

  @SuppressWarnings("unchecked")
  private static <T> T proxy(Class<T> type, Handler h) {
    return (T) Proxy.newProxyInstance(NotifyBench.class.getClassLoader(), new Class<?>[] {type},
        (p, m, a) -> h.handle(m.getName(), a == null ? new Object[0] : a));
  }
}
