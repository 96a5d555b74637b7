package io.shoal.config;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * How messages to customers are sent: the dispatcher's bounds and retry schedule, the public
 * address of tracking links, and each channel's provider. A channel whose provider is not
 * configured uses the {@code log} adapter (writes what would be sent). Read from
 * {@code SHOAL_DELIVERY_*}, {@code SHOAL_SMTP_*}, {@code SHOAL_TWILIO_*}, {@code SHOAL_PUSH_*},
 * {@code SHOAL_LOB_*}, {@code SHOAL_PUBLIC_URL} and {@code SHOAL_TRACKING_SECRET} (see README).
 *
 * @param concurrency     messages in flight per channel at once
 * @param ratePerSecond   per channel (email, sms, push, direct_mail order): most messages started per second; 0 = no limit
 * @param timeoutMs       a provider that has not answered in this long has failed temporarily
 * @param retryBaseMs     the first retry of a temporary failure waits about this long; each next one twice as long
 * @param retryMaxMs      no retry waits longer than this
 * @param maxAttempts     a message still failing temporarily after this many attempts has failed
 * @param pollIntervalMs  the dispatcher also looks for due messages this often
 * @param publicUrl       where recipients reach this server (tracking links), e.g. https://shoal.example.com
 * @param trackingSecret  key of the tracking links' signatures; unset = derived from the admin key
 */
public record DeliveryConfig(int concurrency, int[] ratePerSecond, int timeoutMs, long retryBaseMs, long retryMaxMs,
                             int maxAttempts, int pollIntervalMs, Optional<String> publicUrl,
                             Optional<String> trackingSecret, Optional<Smtp> smtp, Optional<Twilio> twilio,
                             Optional<Push> push, Optional<Lob> lob) {

  public static final String CONCURRENCY = "SHOAL_DELIVERY_CONCURRENCY";
  public static final String RATE_PREFIX = "SHOAL_DELIVERY_RATE_";
  public static final String TIMEOUT_MS = "SHOAL_DELIVERY_TIMEOUT_MS";
  public static final String RETRY_BASE_MS = "SHOAL_DELIVERY_RETRY_BASE_MS";
  public static final String RETRY_MAX_MS = "SHOAL_DELIVERY_RETRY_MAX_MS";
  public static final String MAX_ATTEMPTS = "SHOAL_DELIVERY_MAX_ATTEMPTS";
  public static final String POLL_INTERVAL_MS = "SHOAL_DELIVERY_POLL_INTERVAL_MS";
  public static final String PUBLIC_URL = "SHOAL_PUBLIC_URL";
  public static final String TRACKING_SECRET = "SHOAL_TRACKING_SECRET";

  /** Channels in the order of {@link #ratePerSecond}. */
  public static final String[] CHANNELS = {"email", "sms", "push", "direct_mail"};
  private static final int[] DEFAULT_RATES = {0, 10, 0, 10};

  /** {@code tls}: {@code none} (plain), {@code starttls} (required), {@code tls} (implicit TLS, port 465). */
  public record Smtp(String host, int port, Optional<String> username, Optional<String> password, String from,
                     String tls, int maxConnections) {}

  public record Twilio(String baseUrl, String accountSid, String authToken, String from) {}

  /** A JSON HTTP push provider: POST {@code url} with {@code Authorization: Bearer token}. */
  public record Push(String url, Optional<String> token) {}

  /** {@code from}: a Lob address id ({@code adr_...}) for the return address. */
  public record Lob(String baseUrl, String apiKey, String from) {}

  public int rate(String channel) {
    for (int i = 0; i < CHANNELS.length; i++) {
      if (CHANNELS[i].equals(channel)) {
        return ratePerSecond[i];
      }
    }
    throw new IllegalArgumentException(channel);
  }

  public static DeliveryConfig from(Function<String, String> env) {
    int[] rates = new int[CHANNELS.length];
    for (int i = 0; i < CHANNELS.length; i++) {
      rates[i] = (int) ShoalConfig.number(env, RATE_PREFIX + CHANNELS[i].toUpperCase(Locale.ROOT), DEFAULT_RATES[i],
          0, 1_000_000);
    }
    return new DeliveryConfig(
        (int) ShoalConfig.number(env, CONCURRENCY, 64, 1, 10_000),
        rates,
        (int) ShoalConfig.number(env, TIMEOUT_MS, 30_000, 100, 600_000),
        ShoalConfig.number(env, RETRY_BASE_MS, 30_000, 1, 3_600_000),
        ShoalConfig.number(env, RETRY_MAX_MS, 3_600_000, 1, 86_400_000),
        (int) ShoalConfig.number(env, MAX_ATTEMPTS, 8, 1, 100),
        (int) ShoalConfig.number(env, POLL_INTERVAL_MS, 1_000, 10, 60_000),
        text(env, PUBLIC_URL).map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u),
        text(env, TRACKING_SECRET),
        smtp(env), twilio(env), push(env), lob(env));
  }

  private static Optional<Smtp> smtp(Function<String, String> env) {
    Optional<String> host = text(env, "SHOAL_SMTP_HOST");
    if (host.isEmpty()) {
      return Optional.empty();
    }
    String tls = text(env, "SHOAL_SMTP_TLS").orElse("starttls").toLowerCase(Locale.ROOT);
    if (!tls.equals("none") && !tls.equals("starttls") && !tls.equals("tls")) {
      throw new IllegalArgumentException("SHOAL_SMTP_TLS must be none, starttls or tls, got '" + tls + "'");
    }
    return Optional.of(new Smtp(host.get(),
        (int) ShoalConfig.number(env, "SHOAL_SMTP_PORT", tls.equals("tls") ? 465 : 587, 1, 65535),
        text(env, "SHOAL_SMTP_USERNAME"), text(env, "SHOAL_SMTP_PASSWORD"),
        required(env, "SHOAL_SMTP_FROM", "SHOAL_SMTP_HOST"), tls,
        (int) ShoalConfig.number(env, "SHOAL_SMTP_MAX_CONNECTIONS", 8, 1, 1000)));
  }

  private static Optional<Twilio> twilio(Function<String, String> env) {
    Optional<String> sid = text(env, "SHOAL_TWILIO_ACCOUNT_SID");
    if (sid.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Twilio(url(env, "SHOAL_TWILIO_BASE_URL", "https://api.twilio.com"), sid.get(),
        required(env, "SHOAL_TWILIO_AUTH_TOKEN", "SHOAL_TWILIO_ACCOUNT_SID"),
        required(env, "SHOAL_TWILIO_FROM", "SHOAL_TWILIO_ACCOUNT_SID")));
  }

  private static Optional<Push> push(Function<String, String> env) {
    Optional<String> url = text(env, "SHOAL_PUSH_URL");
    return url.map(u -> new Push(u, text(env, "SHOAL_PUSH_TOKEN")));
  }

  private static Optional<Lob> lob(Function<String, String> env) {
    Optional<String> key = text(env, "SHOAL_LOB_API_KEY");
    if (key.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Lob(url(env, "SHOAL_LOB_BASE_URL", "https://api.lob.com"), key.get(),
        required(env, "SHOAL_LOB_FROM", "SHOAL_LOB_API_KEY")));
  }

  private static String url(Function<String, String> env, String name, String def) {
    String u = text(env, name).orElse(def);
    if (!u.startsWith("http://") && !u.startsWith("https://")) {
      throw new IllegalArgumentException(name + " must be an http:// or https:// URL, got '" + u + "'");
    }
    return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
  }

  private static String required(Function<String, String> env, String name, String because) {
    return text(env, name).orElseThrow(() -> new IllegalArgumentException(name + " is required when " + because
        + " is set"));
  }

  private static Optional<String> text(Function<String, String> env, String name) {
    String v = env.apply(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }
}
