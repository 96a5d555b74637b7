package io.shoal.testing;

import io.shoal.db.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;

/**
 * A migrated test database with a Vert.x instance and a small pool on it: for tests of one class's
 * SQL against the real PostgreSQL without a whole server. Closing it drops the database.
 */
public final class TestPool implements AutoCloseable {

  public final String url;
  public final Vertx vertx;
  public final Pool pool;

  private TestPool(String url) {
    this.url = url;
    this.vertx = Vertx.vertx();
    this.pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(Database.parseUrl(url))
        .using(vertx).build();
  }

  /** A new database with Shoal's migrations applied. */
  public static TestPool migrated() {
    return new TestPool(TestDatabase.createMigratedDatabase());
  }

  /** On a database the test created and migrated itself (an upgrade test); closing drops it too. */
  public static TestPool on(String url) {
    return new TestPool(url);
  }

  public static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    await(pool.close());
    await(vertx.close());
    TestDatabase.dropDatabase(url);
  }
}
