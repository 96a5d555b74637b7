package io.shoal.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shoal.config.ShoalConfig;
import io.shoal.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Which statements a pool's connections keep prepared: the evaluators' long batch statements are
 * parsed once per connection, not at every batch; the API's long statements (searches, listings) are
 * not kept, so they are planned for the values they are run with.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseStatementCacheTest {

  /** A statement longer than the client's default limit (2,048 characters), as the evaluator's state statement is. */
  private static final String LONG = "SELECT $1::int + 1 AS v /* " + "x".repeat(3_400) + " */";

  private String url;
  private Vertx vertx;
  private Database db;

  @BeforeAll
  void open() throws Exception {
    url = TestDatabase.createDatabase();
    vertx = Vertx.vertx();
    Path dir = Files.createTempDirectory(Path.of("target"), "statement-cache");
    db = Database.open(vertx, ShoalConfig.fromMap(Map.of(ShoalConfig.PG_URL, url,
        ShoalConfig.DATA_DIR, dir.toString()))).await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
    TestDatabase.dropDatabase(url);
  }

  /** Runs the long statement twice on one connection of the pool; how many prepared statements of it that session holds. */
  private static long keptAfterTwoRuns(Pool pool) throws Exception {
    return pool.withConnection(conn -> conn.preparedQuery(LONG).execute(Tuple.of(1))
            .compose(first -> conn.preparedQuery(LONG).execute(Tuple.of(2)))
            .compose(second -> {
              assertEquals(3, second.iterator().next().getInteger("v"));
              return conn.query("SELECT count(*) AS n FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1::int + 1 AS v%'")
                  .execute();
            })
            .map(rows -> rows.iterator().next().getLong("n")))
        .await(30, TimeUnit.SECONDS);
  }

  @Test
  void theEvaluatorsKeepTheirLongStatementsPreparedTheApiPlansItsLongOnesForTheirValues() throws Exception {
    assertEquals(1, keptAfterTwoRuns(db.evaluatorPool()), "the evaluators' connection keeps the long statement prepared");
    assertEquals(0, keptAfterTwoRuns(db.pool()), "the API's connection does not keep a statement over the default limit");
  }
}
