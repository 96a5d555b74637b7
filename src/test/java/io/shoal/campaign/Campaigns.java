package io.shoal.campaign;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.kernel.Ids;
import io.shoal.testing.TestDatabase;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** What campaign tests set up (customers, segments, templates) and read back (messages). */
final class Campaigns {

  private Campaigns() {}

  /** A template of the channel, through the templates API. */
  static String template(TestStore store, String channel) {
    JsonObject t = new JsonObject().put("name", channel + " " + Ids.random(4)).put("channel", channel);
    switch (channel) {
      case "email" -> t.put("subject", "Hello {{first_name}}").put("html",
          "<p>Spring sale, {{first_name}}! <a href=\"https://shop.example/sale?utm_campaign={{vars.utm_campaign}}\">Shop</a></p>")
          .put("text", "Spring sale, {{first_name}}!");
      case "sms", "push" -> t.put("text", "Spring sale, {{first_name}}!");
      default -> t.put("html", "<p>Dear {{first_name}}, our spring catalogue.</p>");
    }
    return store.api().post(store.path("/templates"), t).expect(201).getString("id");
  }

  static String customer(TestStore store, String email, boolean emailConsent) {
    return store.createCustomer(new JsonObject().put("email", email).put("email_consent", emailConsent))
        .getString("id");
  }

  static String staticSegment(TestStore store, String name, List<String> customerIds) {
    return store.api().post(store.path("/segments"), new JsonObject().put("name", name).put("type", "static")
        .put("customer_ids", new JsonArray(customerIds))).expect(201).getString("id");
  }

  static JsonObject body(String type, String segmentId, String templateId) {
    return new JsonObject().put("name", "Spring Sale").put("type", type).put("segment_id", segmentId)
        .put("template_id", templateId)
        .put("metadata", new JsonObject().put("utm_source", "email").put("utm_campaign", "spring-sale-2026"));
  }

  static JsonObject create(TestStore store, JsonObject body) {
    return store.api().post(store.path("/campaigns"), body).expect(201);
  }

  static JsonObject get(TestStore store, String id) {
    return store.api().get(store.path("/campaigns/" + id)).expect(200);
  }

  /** Waits until the campaign has this status; answers it. */
  static JsonObject awaitStatus(TestStore store, String id, String status, Duration within) {
    JsonObject[] last = new JsonObject[1];
    boolean reached = eventually(within, () -> status.equals((last[0] = get(store, id)).getString("status")));
    assertTrue(reached, () -> "campaign " + id + " did not become " + status + ": " + last[0].encodePrettily());
    return last[0];
  }

  /** Waits until the campaign has started (it may have completed since); answers it. */
  static JsonObject awaitStarted(TestStore store, String id, Duration within) {
    JsonObject[] last = new JsonObject[1];
    boolean started = eventually(within, () -> (last[0] = get(store, id)).getString("started_at") != null);
    assertTrue(started, () -> "campaign " + id + " did not start: " + last[0].encodePrettily());
    return last[0];
  }

  static boolean eventually(Duration within, BooleanSupplier condition) {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      sleep(50);
    }
    return condition.getAsBoolean();
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** A campaign's messages as the database holds them, in customer order. */
  static List<Map<String, Object>> messages(String databaseUrl, String storeId, String campaignId) {
    return query(databaseUrl, "SELECT id, customer_id, status, last_error, not_before, dedupe_key, variables::text"
        + " AS variables FROM messages WHERE store_id = ? AND source_id = ? ORDER BY customer_id, id",
        storeId, campaignId);
  }

  static List<Map<String, Object>> query(String databaseUrl, String sql, Object... params) {
    try (Connection c = TestDatabase.connect(databaseUrl); PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      List<Map<String, Object>> rows = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int col = 1; col <= rs.getMetaData().getColumnCount(); col++) {
            row.put(rs.getMetaData().getColumnLabel(col), rs.getObject(col));
          }
          rows.add(row);
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed: " + sql, e);
    }
  }

  static int update(String databaseUrl, String sql, Object... params) {
    try (Connection c = TestDatabase.connect(databaseUrl); PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      return st.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed: " + sql, e);
    }
  }
}
