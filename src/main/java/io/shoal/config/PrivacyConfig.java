package io.shoal.config;

import java.util.Optional;
import java.util.function.Function;

/**
 * Data-protection requests: the secret that keys suppression hashes and signs export links,
 * and how long an export stays downloadable. Read from {@code SHOAL_PRIVACY_*} (see README,
 * "Configuration"); download links start with {@code SHOAL_PUBLIC_URL} (DeliveryConfig).
 *
 * @param secret          keys suppression hashes and signs download links; unset: generated
 *                        into {@code $SHOAL_DATA_DIR/privacy-secret} on the first start
 * @param exportTtlSeconds an export document (and its link) is kept this long, then purged
 * @param stepPauseMs     pause between two erasure steps (spreads a large erasure's load)
 */
public record PrivacyConfig(Optional<String> secret, long exportTtlSeconds, long stepPauseMs) {

  public static final String SECRET = "SHOAL_PRIVACY_SECRET";
  public static final String EXPORT_TTL_SECONDS = "SHOAL_PRIVACY_EXPORT_TTL_SECONDS";
  public static final String STEP_PAUSE_MS = "SHOAL_PRIVACY_STEP_PAUSE_MS";

  public static PrivacyConfig from(Function<String, String> env) {
    Optional<String> secret = Optional.ofNullable(env.apply(SECRET)).map(String::trim).filter(s -> !s.isEmpty());
    if (secret.isPresent() && secret.get().length() < 32) {
      throw new IllegalArgumentException(SECRET + " must be at least 32 characters");
    }
    return new PrivacyConfig(secret,
        ShoalConfig.number(env, EXPORT_TTL_SECONDS, 86_400, 60, 30L * 86_400),
        ShoalConfig.number(env, STEP_PAUSE_MS, 0, 0, 600_000));
  }
}
