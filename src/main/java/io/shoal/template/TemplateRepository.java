package io.shoal.template;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** The {@code templates} table: all of its SQL. */
public final class TemplateRepository {

  private static final String SQL_INSERT =
      "INSERT INTO templates (store_id, id, name, channel, subject, html, text, title)"
          + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING " + Template.COLUMNS;
  private static final String SQL_GET =
      "SELECT " + Template.COLUMNS + " FROM templates WHERE store_id = $1 AND id = $2";
  private static final String SQL_LIST =
      "SELECT " + Template.COLUMNS + " FROM templates WHERE store_id = $1 AND ($2::text IS NULL OR channel = $2)"
          + " AND ($3::timestamptz IS NULL OR (created_at, id) > ($3, $4)) ORDER BY created_at, id LIMIT $5";
  private static final String SQL_UPDATE =
      "UPDATE templates SET name = $3, subject = $4, html = $5, text = $6, title = $7, version = version + 1,"
          + " updated_at = clock_timestamp() WHERE store_id = $1 AND id = $2 RETURNING " + Template.COLUMNS;
  private static final String SQL_DELETE = "DELETE FROM templates WHERE store_id = $1 AND id = $2";

  private final Pool pool;

  public TemplateRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<Template> create(String storeId, String id, String name, TemplateContent c) {
    return pool.preparedQuery(SQL_INSERT)
        .execute(Tuple.of(storeId, id, name, c.channel().wire(), c.subject(), c.html(), c.text(), c.title()))
        .map(rows -> Template.of(rows.iterator().next()));
  }

  /** The template, or null. */
  public Future<Template> get(String storeId, String id) {
    return pool.preparedQuery(SQL_GET).execute(Tuple.of(storeId, id)).map(TemplateRepository::firstOrNull);
  }

  public Future<List<Template>> list(String storeId, String channel, OffsetDateTime afterCreated, String afterId,
                                     int limit) {
    return pool.preparedQuery(SQL_LIST).execute(Tuple.of(storeId, channel, afterCreated, afterId, limit))
        .map(rows -> {
          List<Template> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(Template.of(r)));
          return out;
        });
  }

  /** The updated template, or null when there is none. The channel never changes. */
  public Future<Template> update(String storeId, String id, String name, TemplateContent c) {
    return pool.preparedQuery(SQL_UPDATE)
        .execute(Tuple.of(storeId, id, name, c.subject(), c.html(), c.text(), c.title()))
        .map(TemplateRepository::firstOrNull);
  }

  public Future<Boolean> delete(String storeId, String id) {
    return pool.preparedQuery(SQL_DELETE).execute(Tuple.of(storeId, id)).map(r -> r.rowCount() == 1);
  }

  private static Template firstOrNull(RowSet<Row> rows) {
    return rows.size() == 0 ? null : Template.of(rows.iterator().next());
  }
}
