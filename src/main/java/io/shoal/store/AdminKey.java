package io.shoal.store;

import io.shoal.config.ShoalConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's key. {@code SHOAL_ADMIN_KEY} when set; otherwise the one kept in
 * {@code $SHOAL_DATA_DIR/admin-key}, generated (owner-readable only) on the first start.
 */
public final class AdminKey {

  private static final Logger LOG = LoggerFactory.getLogger(AdminKey.class);

  private AdminKey() {}

  public static String resolveBlocking(ShoalConfig config) throws IOException {
    Optional<String> configured = config.adminKey();
    if (configured.isPresent()) {
      return configured.get();
    }
    Path file = config.dataDir().resolve("admin-key");
    if (Files.exists(file)) {
      String key = Files.readString(file, StandardCharsets.UTF_8).trim();
      LOG.info("Admin key read from {}", file);
      return key;
    }
    Files.createDirectories(config.dataDir());
    String key = "wk_admin_" + io.shoal.kernel.Ids.random(40);
    Files.writeString(file, key + "\n", StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system; the file keeps its default permissions
    }
    LOG.info("No {} set: generated an admin key and wrote it to {}", ShoalConfig.ADMIN_KEY, file);
    return key;
  }
}
