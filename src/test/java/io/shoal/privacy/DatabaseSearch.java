package io.shoal.privacy;

import io.shoal.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Searches a whole Shoal database for a string: every table of the schema and every column of
 * a textual type (text, varchar, json, jsonb, arrays of text), found from information_schema,
 * so tables added by later migrations are searched without anyone listing them here.
 */
final class DatabaseSearch {

  private DatabaseSearch() {}

  record Column(String table, String column) {}

  static List<Column> textColumns(String databaseUrl) {
    String sql = "SELECT c.table_name, c.column_name FROM information_schema.columns c"
        + " JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
        + " WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
        + " AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')"
        + "      OR (c.data_type = 'ARRAY' AND c.udt_name IN ('_text', '_varchar')))"
        + " ORDER BY c.table_name, c.column_name";
    List<Column> out = new ArrayList<>();
    try (Connection c = TestDatabase.connect(databaseUrl); PreparedStatement ps = c.prepareStatement(sql);
         ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new Column(rs.getString(1), rs.getString(2)));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** Per "table.column", how many rows contain {@code needle} (case-insensitive); only columns with hits. */
  static Map<String, Integer> find(String databaseUrl, String needle) {
    Map<String, Integer> hits = new TreeMap<>();
    try (Connection c = TestDatabase.connect(databaseUrl)) {
      for (Column col : textColumns(databaseUrl)) {
        String sql = "SELECT count(*) FROM \"" + col.table() + "\" WHERE strpos(lower(\"" + col.column()
            + "\"::text), lower(?)) > 0";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          ps.setString(1, needle);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            int n = rs.getInt(1);
            if (n > 0) {
              hits.put(col.table() + "." + col.column(), n);
            }
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return hits;
  }

  static long count(String databaseUrl, String sql) {
    try (Connection c = TestDatabase.connect(databaseUrl); PreparedStatement ps = c.prepareStatement(sql);
         ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }
}
