package io.shoal.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shoal.outbox.Notification;
import io.shoal.outbox.NotificationLog;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** Reading the outbox back in tests: the rows of a statement, and the notifications V58's functions give. */
public final class LoggedNotifications {

  private LoggedNotifications() {}

  /** Every row the statement answers. */
  public static List<Row> rows(Pool pool, String sql, Tuple args) throws Exception {
    List<Row> out = new ArrayList<>();
    TestPool.await(pool.preparedQuery(sql).execute(args)).forEach(out::add);
    return out;
  }

  /** What a reader builds from a row (store_id, id, type, customer_id, data, created_at): the notification. */
  public static Notification read(Row r) {
    return new Notification(r.getString("store_id"), r.getString("id"), r.getString("type"),
        r.getString("customer_id"), (JsonObject) r.getValue("data"), r.getOffsetDateTime("created_at").toInstant());
  }

  /** The rows read back are the notifications recorded, one for one, each at its seq. */
  public static void assertReadBack(List<NotificationLog.Recorded> recorded, List<Row> rows, String what) {
    assertEquals(recorded.size(), rows.size(), what);
    for (int i = 0; i < rows.size(); i++) {
      assertEquals(recorded.get(i).seq(), rows.get(i).getLong("seq"), what);
      assertEquals(recorded.get(i).notification(), read(rows.get(i)), what + ": the notification at seq " + recorded.get(i).seq());
    }
  }

  public static void assertReadBack(List<NotificationLog.Recorded> recorded, List<Row> rows) {
    assertReadBack(recorded, rows, "read back");
  }
}
