package io.shoal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.config.ShoalConfig;
import io.shoal.testing.TestServer;
import io.shoal.testing.TestStore;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shoal with nothing configured but a data directory: it starts its own PostgreSQL there,
 * generates an admin key there, and a restart finds both again.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EmbeddedDefaultTest {

  @Test
  void startsWithEmbeddedPostgresAndGeneratedAdminKeyAndKeepsDataAcrossRestarts(@TempDir Path dataDir) throws Exception {
    ShoalConfig config = ShoalConfig.fromMap(Map.of(
        ShoalConfig.HTTP_HOST, "127.0.0.1",
        ShoalConfig.HTTP_PORT, "0",
        ShoalConfig.DATA_DIR, dataDir.toString()));

    String adminKey;
    TestStore store;
    JsonObject customer;
    try (TestServer first = TestServer.start(config)) {
      Path keyFile = dataDir.resolve("admin-key");
      assertTrue(Files.exists(keyFile), "the admin key is written to $SHOAL_DATA_DIR/admin-key");
      adminKey = Files.readString(keyFile).trim();
      assertTrue(adminKey.startsWith("wk_admin_") && adminKey.length() >= 40, adminKey);
      assertEquals(adminKey, first.adminKey());
      assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(keyFile));
      assertTrue(Files.isDirectory(dataDir.resolve("pg")), "PostgreSQL keeps its data under $SHOAL_DATA_DIR/pg");

      store = first.createStore("Persistent");
      customer = store.createCustomer(new JsonObject().put("email", "kept@example.com").put("first_name", "Kept"));
      store.api().post(store.customer(customer.getString("id")) + "/notes", new JsonObject().put("body", "still here"))
          .expect(201);
    }

    try (TestServer second = TestServer.start(config)) {
      assertEquals(adminKey, second.adminKey(), "the same admin key after a restart");
      second.admin().get("/v1/stores/" + store.id()).expect(200);

      TestStore again = new TestStore(store.id(), store.apiKey(), second.withKey(store.apiKey()));
      assertEquals(customer, again.api().get(again.customer(customer.getString("id"))).expect(200));
      assertEquals("still here", again.api().get(again.customer(customer.getString("id")) + "/notes").page().get(0)
          .getString("body"));
    }
  }
}
