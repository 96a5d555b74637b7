package io.shoal.privacy;

import io.shoal.config.PrivacyConfig;
import io.shoal.config.ShoalConfig;
import io.shoal.kernel.Ids;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys of data protection, all derived from one server secret that never enters the
 * database: the per-store key of suppression hashes (so a suppression list read on its own
 * cannot be matched against a list of emails) and the key that signs export download links.
 */
public final class PrivacyKeys {

  private final byte[] suppressionRoot;
  private final byte[] linkKey;
  /** Stores whose initialised suppression HMAC is kept (a copy is used, never the kept one: a Mac has state). */
  private static final int KEPT_STORES = 10_000;
  private final Map<String, Mac> storeMacs = new ConcurrentHashMap<>();

  public PrivacyKeys(String secret) {
    byte[] s = secret.getBytes(StandardCharsets.UTF_8);
    this.suppressionRoot = hmac(s, "shoal suppression v1");
    this.linkKey = hmac(s, "shoal export link v1");
  }

  /** The configured secret, or the one in {@code $SHOAL_DATA_DIR/privacy-secret}, generated on first start. */
  public static PrivacyKeys resolveBlocking(ShoalConfig config) throws IOException {
    PrivacyConfig privacy = config.privacy();
    if (privacy.secret().isPresent()) {
      return new PrivacyKeys(privacy.secret().get());
    }
    Path file = config.dataDir().resolve("privacy-secret");
    if (Files.exists(file)) {
      return new PrivacyKeys(Files.readString(file, StandardCharsets.UTF_8).trim());
    }
    Files.createDirectories(config.dataDir());
    String secret = Ids.random(48);
    Files.writeString(file, secret + "\n", StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system; the file keeps its default permissions
    }
    return new PrivacyKeys(secret);
  }

  /** The keyed hash a suppression stores for this store and identifier (already normalised). */
  public byte[] suppressionHash(String storeId, String kind, String normalised) {
    Mac mac = storeMac(storeId);
    return mac.doFinal((kind + ":" + normalised).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A fresh HMAC of this store's suppression key: a copy of one kept initialised per store. Every create
   * hashes its email and phone; each hash derived the store key again and looked up and initialised two
   * Macs (the suppression check was 7 % of a create's JVM samples at a million customers, issue 17).
   */
  private Mac storeMac(String storeId) {
    Mac kept = storeMacs.get(storeId);
    if (kept == null) {
      kept = newMac(hmac(suppressionRoot, storeId));
      if (storeMacs.size() >= KEPT_STORES) {
        storeMacs.clear();
      }
      storeMacs.put(storeId, kept);
    }
    try {
      return (Mac) kept.clone();
    } catch (CloneNotSupportedException e) {
      return newMac(hmac(suppressionRoot, storeId));
    }
  }

  /** The signature of a download link of this request, valid until {@code expiresEpochSecond}. */
  public String linkSignature(String storeId, String requestId, long expiresEpochSecond) {
    return HexFormat.of().formatHex(hmac(linkKey, storeId + "\n" + requestId + "\n" + expiresEpochSecond));
  }

  public boolean linkSignatureValid(String storeId, String requestId, long expiresEpochSecond, String presented) {
    if (presented == null) {
      return false;
    }
    byte[] expected = linkSignature(storeId, requestId, expiresEpochSecond).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, presented.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
  }

  /** Emails compare case-insensitively and without surrounding blanks. */
  public static String normaliseEmail(String email) {
    if (email == null || email.isBlank()) {
      return null;
    }
    return email.trim().toLowerCase(Locale.ROOT);
  }

  /**
   * Phones compare by their digits only ("+1 (555) 014-2" and "1555-0142" are one number); a
   * value with fewer than 4 digits identifies nobody and is not suppressed.
   */
  public static String normalisePhone(String phone) {
    if (phone == null) {
      return null;
    }
    String digits = phone.replaceAll("[^0-9]", "");
    return digits.length() < 4 ? null : digits;
  }

  /** External ids (a platform's customer id) compare exactly, without surrounding blanks. */
  public static String normaliseExternalId(String externalId) {
    return externalId == null || externalId.isBlank() ? null : externalId.trim();
  }

  private static byte[] hmac(byte[] key, String message) {
    return newMac(key).doFinal(message.getBytes(StandardCharsets.UTF_8));
  }

  private static Mac newMac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
