package io.shoal.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.ApiClient;
import io.shoal.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Units of work share commits, and a failing unit neither fails nor half-writes the others. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GroupCommitTest {

  private static String url;
  private static Vertx vertx;
  private static Pool pool;

  @BeforeAll
  static void start() {
    url = TestDatabase.createDatabase();
    TestDatabase.execute(url, "CREATE TABLE gc (id int PRIMARY KEY, tx bigint NOT NULL)");
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4))
        .connectingTo(Database.parseUrl(url)).using(vertx).build();
  }

  @AfterAll
  static void stop() {
    if (pool != null) {
      ApiClient.await(pool.close());
    }
    if (vertx != null) {
      ApiClient.await(vertx.close());
    }
    TestDatabase.dropDatabase(url);
  }

  @BeforeEach
  void empty() {
    TestDatabase.execute(url, "TRUNCATE gc");
  }

  private static Future<Long> insert(io.vertx.sqlclient.SqlConnection conn, int id) {
    return conn.preparedQuery("INSERT INTO gc (id, tx) VALUES ($1, txid_current()) RETURNING tx")
        .execute(Tuple.of(id)).map(rs -> rs.iterator().next().getLong(0));
  }

  @Test
  void manyUnitsShareFewCommits() {
    var commits = GroupCommit.<Long>ofFunctions(pool, 64, 2);
    List<Future<Long>> all = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      int id = i;
      all.add(commits.submit(conn -> insert(conn, id)));
    }
    ApiClient.await(Future.all(all));
    Set<Long> transactions = new HashSet<>();
    all.forEach(f -> transactions.add(f.result()));
    assertEquals(500, count("SELECT count(*) FROM gc"));
    // submitted faster than one commit takes: they share transactions, at most 64 to one
    assertTrue(transactions.size() < 100, "transactions: " + transactions.size());
    assertTrue(transactions.size() >= 500 / 64, "transactions: " + transactions.size());
    assertEquals(transactions.size(), commits.counts()[0]);
    assertEquals(500, commits.counts()[1]);
  }

  @Test
  void aFailingUnitFailsAloneAndLeavesNothing() {
    TestDatabase.execute(url, "INSERT INTO gc VALUES (10, 0)"); // unit 10 will hit the primary key
    var commits = GroupCommit.<Long>ofFunctions(pool, 100, 1);
    List<Future<Long>> all = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      int id = i;
      all.add(commits.submit(conn -> {
        if (id == 20) { // writes, then fails outside SQL: its write must not survive
          return insert(conn, id).compose(tx -> Future.failedFuture(new IllegalStateException("refused")));
        }
        return insert(conn, id == 10 ? 10 : id);
      }));
    }
    ApiClient.await(Future.join(all).otherwiseEmpty());
    for (int i = 0; i < 60; i++) {
      assertEquals(i != 10 && i != 20, all.get(i).succeeded(), "unit " + i);
    }
    assertEquals(59, count("SELECT count(*) FROM gc")); // 58 units + the row that was there
    assertEquals(0, count("SELECT count(*) FROM gc WHERE id = 20"));
    assertEquals(0, count("SELECT count(*) FROM gc WHERE id = 10 AND tx <> 0"));
  }

  /** A batch work writes all its units with one statement; when that fails, each unit runs alone. */
  @Test
  void aBatchWorkWritesWholeBatchesAndFailsOnlyTheFailingUnit() {
    TestDatabase.execute(url, "INSERT INTO gc VALUES (7, 0)"); // unit 7 will hit the primary key
    List<Integer> batchSizes = java.util.Collections.synchronizedList(new ArrayList<>());
    GroupCommit<Integer, Long> commits = new GroupCommit<>(pool, 50, 1, (conn, ids) -> {
      batchSizes.add(ids.size());
      return conn.preparedQuery("INSERT INTO gc (id, tx) SELECT i, txid_current() FROM unnest($1::int[]) i RETURNING tx")
          .execute(Tuple.of(ids.toArray(new Integer[0])))
          .map(rs -> {
            List<Long> tx = new ArrayList<>();
            rs.forEach(r -> tx.add(r.getLong(0)));
            return tx;
          });
    });
    List<Future<Long>> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      all.add(commits.submit(i));
    }
    ApiClient.await(Future.join(all).otherwiseEmpty());
    for (int i = 0; i < 200; i++) {
      assertEquals(i != 7, all.get(i).succeeded(), "unit " + i);
    }
    assertEquals(200, count("SELECT count(*) FROM gc")); // 199 units + the row that was there
    assertTrue(batchSizes.stream().anyMatch(n -> n > 1), "batch sizes: " + batchSizes);
    assertTrue(count("SELECT count(DISTINCT tx) FROM gc WHERE tx <> 0") < 150, "units share transactions");
  }

  private static long count(String sql) {
    try (var c = TestDatabase.connect(url); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
