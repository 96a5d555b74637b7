package io.shoal.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.kernel.Ids;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link EventLog} promises, written once: the PostgreSQL log passes it
 * ({@link PgEventLogContractTest}); another log (Kafka) passes it by adding a subclass that
 * says how to open its storage. Each test works in a store of its own, so a subclass may share
 * one storage between tests.
 *
 * <ul>
 *   <li>an append is durable before it is acknowledged: a log opened again on the same storage
 *       (a restarted server) reads every acknowledged event;</li>
 *   <li>each customer's events are logged, read back and handed to the subscriber in the order
 *       they were appended;</li>
 *   <li>an acknowledged event carries its seq; reading after a checkpoint (a seq) replays exactly
 *       the events after it, in seq order, in pages;</li>
 *   <li>appends are idempotent by (store, dedupe key): a repeat, in a later append or the same
 *       one, answers the event first logged under the key, and is neither logged nor handed on again.</li>
 * </ul>
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
public abstract class EventLogContract {

  /**
   * A log over the subclass's storage (may already hold other tests' events); {@code subscriber}
   * hears every newly logged event.
   */
  protected abstract Future<EventLog> open(Vertx vertx, Consumer<LoggedEvent> subscriber);

  /** Another log over the same storage, as a restarted server would open it. */
  protected abstract Future<EventLog> reopen(Vertx vertx);

  /** Closes what {@link #open} and {@link #reopen} opened (pools, clients). */
  protected abstract Future<Void> close();

  protected Vertx vertx;
  protected EventLog log;
  protected final List<LoggedEvent> heard = new CopyOnWriteArrayList<>();
  protected String store;

  @BeforeEach
  void openLog() {
    vertx = Vertx.vertx();
    store = "store_" + Ids.random(12);
    log = await(open(vertx, heard::add));
  }

  @AfterEach
  void closeLog() {
    await(close().eventually(() -> vertx.close()));
  }

  @Test
  void anAppendIsDurableBeforeItIsAcknowledged() {
    EventLog.Pending e = pending("cust_a", "page.viewed", null);
    LoggedEvent logged = await(log.append(List.of(e))).get(0).event();

    EventLog restarted = await(reopen(vertx));
    List<LoggedEvent> read = ofStore(await(restarted.readAfter(logged.seq() - 1, 10)));
    assertFalse(read.isEmpty(), "the acknowledged event is not in the log opened again");
    assertEquals(e.id(), read.get(0).id());
    assertEquals(logged.seq(), read.get(0).seq());
    assertEquals(e.data(), read.get(0).data());
  }

  @Test
  void eachCustomersEventsKeepTheirOrder() {
    // Two customers append one event at a time each, concurrently; a third appends one batch.
    List<String> aSent = new ArrayList<>();
    List<String> bSent = new ArrayList<>();
    Future<Void> a = Future.succeededFuture();
    Future<Void> b = Future.succeededFuture();
    for (int i = 0; i < 20; i++) {
      EventLog.Pending ea = pending("cust_a", "page.viewed", null);
      EventLog.Pending eb = pending("cust_b", "cart.updated", null);
      aSent.add(ea.id());
      bSent.add(eb.id());
      a = a.compose(v -> log.append(List.of(ea)).mapEmpty());
      b = b.compose(v -> log.append(List.of(eb)).mapEmpty());
    }
    List<EventLog.Pending> batch = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      batch.add(pending("cust_c", "page.viewed", null));
    }
    await(Future.all(a, b, log.append(batch)));

    List<LoggedEvent> read = ofStore(readAll(log));
    assertEquals(aSent, idsOf(read, "cust_a"), "cust_a's events read back out of order");
    assertEquals(bSent, idsOf(read, "cust_b"));
    assertEquals(batch.stream().map(EventLog.Pending::id).toList(), idsOf(read, "cust_c"));
    assertTrue(increasing(read), "seq does not increase in read order");

    List<LoggedEvent> handed = ofStore(heard);
    assertEquals(aSent, idsOf(handed, "cust_a"), "the subscriber heard cust_a's events out of order");
    assertEquals(bSent, idsOf(handed, "cust_b"));
    assertEquals(batch.stream().map(EventLog.Pending::id).toList(), idsOf(handed, "cust_c"));
  }

  @Test
  void readingAfterACheckpointReplaysWhatFollowsInPages() {
    List<EventLog.Pending> ten = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ten.add(pending("cust_" + (i % 3), "page.viewed", null));
    }
    // the log's total order is seq: append order per customer (across customers a partitioned
    // log may interleave them differently)
    List<LoggedEvent> logged = await(log.append(ten)).stream().map(EventLog.Appended::event)
        .sorted(java.util.Comparator.comparingLong(LoggedEvent::seq)).toList();
    List<String> inSeq = logged.stream().map(LoggedEvent::id).toList();
    long checkpoint = logged.get(3).seq();

    List<LoggedEvent> page = ofStore(await(log.readAfter(checkpoint, 3)));
    assertEquals(inSeq.subList(4, 7), page.stream().map(LoggedEvent::id).toList());
    List<LoggedEvent> rest = ofStore(await(reopen(vertx).compose(l -> l.readAfter(page.get(2).seq(), 100))));
    assertEquals(inSeq.subList(7, 10), rest.stream().map(LoggedEvent::id).toList());
    for (int c = 0; c < 3; c++) {
      String customer = "cust_" + c;
      assertEquals(ten.stream().filter(e -> e.customerId().equals(customer)).map(EventLog.Pending::id).toList(),
          idsOf(logged, customer), customer + "'s events are not in append order along seq");
    }
  }

  @Test
  void theOrdersAfterACheckpointAreOnlyTheOrdersThatFollowAndTheLastSeqIsTheEnd() {
    List<EventLog.Pending> mixed = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      mixed.add(pending("cust_" + i, i % 3 == 0 ? "order.completed" : "page.viewed", null));
    }
    List<LoggedEvent> logged = await(log.append(mixed)).stream().map(EventLog.Appended::event)
        .sorted(java.util.Comparator.comparingLong(LoggedEvent::seq)).toList();
    List<String> orders = logged.stream().filter(e -> e.type().equals("order.completed")).map(LoggedEvent::id).toList();
    assertEquals(3, orders.size());
    long checkpoint = logged.get(0).seq() - 1;

    List<LoggedEvent> all = ofStore(await(log.ordersAfter(checkpoint, 100)));
    assertEquals(orders, all.stream().map(LoggedEvent::id).toList(), "only the orders, in log order");
    long afterFirst = all.get(0).seq();
    assertEquals(orders.subList(1, 3),
        ofStore(await(log.ordersAfter(afterFirst, 100))).stream().map(LoggedEvent::id).toList());
    assertEquals(orders.subList(1, 2),
        ofStore(await(log.ordersAfter(afterFirst, 1))).stream().map(LoggedEvent::id).toList(), "at most the limit");
    assertTrue(await(log.lastSeq()) >= logged.get(logged.size() - 1).seq(), "the last seq is at least the last logged");
  }

  @Test
  void aRepeatedDedupeKeyAnswersTheFirstEvent() {
    EventLog.Pending first = pending("cust_a", "order.completed", "order-1");
    LoggedEvent logged = await(log.append(List.of(first))).get(0).event();

    EventLog.Pending again = pending("cust_a", "order.completed", "order-1");
    EventLog.Appended repeat = await(log.append(List.of(again))).get(0);
    assertTrue(repeat.duplicate());
    assertEquals(first.id(), repeat.event().id());
    assertEquals(logged.seq(), repeat.event().seq());

    EventLog.Pending twiceA = pending("cust_b", "page.viewed", "view-1");
    EventLog.Pending twiceB = pending("cust_b", "page.viewed", "view-1");
    List<EventLog.Appended> inOneAppend = await(log.append(List.of(twiceA, twiceB)));
    assertFalse(inOneAppend.get(0).duplicate());
    assertTrue(inOneAppend.get(1).duplicate());
    assertEquals(twiceA.id(), inOneAppend.get(1).event().id());

    List<LoggedEvent> read = ofStore(readAll(log));
    assertEquals(List.of(first.id(), twiceA.id()), read.stream().map(LoggedEvent::id).toList());
    assertEquals(List.of(first.id(), twiceA.id()), ofStore(heard).stream().map(LoggedEvent::id).toList(),
        "the subscriber heard a duplicate");
  }

  // --- helpers -----------------------------------------------------------------------------------

  /** The database at {@code url} (migrated), added to {@code opened} for {@link #close}. */
  protected static Future<io.shoal.db.Database> database(Vertx vertx, String url, java.nio.file.Path dataDir,
                                                         List<io.shoal.db.Database> opened) {
    io.shoal.config.ShoalConfig config = io.shoal.config.ShoalConfig.fromMap(java.util.Map.of(
        io.shoal.config.ShoalConfig.PG_URL, url, io.shoal.config.ShoalConfig.DATA_DIR, dataDir.toString(),
        io.shoal.config.ShoalConfig.PG_POOL_SIZE, "4"));
    return io.shoal.db.Database.open(vertx, config).onSuccess(opened::add);
  }

  /** No webhook endpoints here: the outbox records order notifications and fans out to nobody. */
  protected static io.shoal.outbox.NotificationLog outbox(Vertx vertx) {
    return new io.shoal.outbox.NotificationLog(vertx, new io.shoal.outbox.NotificationLog.Fanout() {
      @Override
      public Future<Void> recorded(io.vertx.sqlclient.SqlConnection conn,
                                   List<io.shoal.outbox.NotificationLog.Recorded> recorded) {
        return Future.succeededFuture();
      }

      @Override
      public void committed(List<io.shoal.outbox.Notification> committed) {}
    });
  }

  protected EventLog.Pending pending(String customer, String type, String dedupeKey) {
    return new EventLog.Pending(store, Ids.newId("evt"), dedupeKey, type, customer,
        Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), new JsonObject().put("n", Ids.random(6)));
  }

  private List<LoggedEvent> readAll(EventLog from) {
    List<LoggedEvent> all = new ArrayList<>();
    long after = 0;
    while (true) {
      List<LoggedEvent> page = await(from.readAfter(after, 500));
      if (page.isEmpty()) {
        return all;
      }
      all.addAll(page);
      after = page.get(page.size() - 1).seq();
    }
  }

  private List<LoggedEvent> ofStore(List<LoggedEvent> events) {
    return events.stream().filter(e -> e.storeId().equals(store)).toList();
  }

  private static List<String> idsOf(List<LoggedEvent> events, String customer) {
    return events.stream().filter(e -> e.customerId().equals(customer)).map(LoggedEvent::id).toList();
  }

  private static boolean increasing(List<LoggedEvent> events) {
    for (int i = 1; i < events.size(); i++) {
      if (events.get(i).seq() <= events.get(i - 1).seq()) {
        return false;
      }
    }
    return true;
  }

  protected static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within 60 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
