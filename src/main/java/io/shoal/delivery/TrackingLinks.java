package io.shoal.delivery;

import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed tracking links. Every link names its message ({@code <store>.<message>}, base64url)
 * and carries an HMAC-SHA256 of what it does, so nobody can open, click, unsubscribe or report
 * for a message (or redirect to a URL) they were not sent. Paths under the public URL:
 *
 * <pre>
 *   /t/o/{token}                  open pixel (GET)
 *   /t/c/{token}?u={url}&amp;s={sig}  click: records, then 302 to url (sig covers token and url)
 *   /t/u/{token}                  unsubscribe page (GET) and one-click unsubscribe (POST)
 *   /t/s/{token}                  provider status callback (Twilio StatusCallback)
 * </pre>
 *
 * Plain logic: no Vert.x, no clock.
 */
public final class TrackingLinks {

  public record MessageRef(String storeId, String messageId) {}

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final Pattern HREF = Pattern.compile("(<a\\b[^>]*?\\bhref\\s*=\\s*)([\"'])(https?://[^\"'\\s>]+)\\2",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern BODY_END = Pattern.compile("</body\\s*>", Pattern.CASE_INSENSITIVE);
  private static final List<String> UTM = List.of("utm_source", "utm_medium", "utm_campaign", "utm_term",
      "utm_content");

  private final java.util.function.Supplier<String> base;
  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

  public TrackingLinks(String baseUrl, byte[] secret) {
    this(() -> baseUrl, secret);
  }

  /**
   * Links under a base URL that may be known only once the server listens (this server's port
   * when no public URL is configured): asked on each use. Verifying needs only the key.
   */
  public TrackingLinks(java.util.function.Supplier<String> baseUrl, byte[] secret) {
    this.base = baseUrl;
    this.key = new SecretKeySpec(secret, "HmacSHA256");
  }

  /**
   * The signing key: {@code SHOAL_TRACKING_SECRET} when set, else derived from the admin key (so
   * links keep working across restarts; changing the admin key invalidates links already sent).
   */
  public static byte[] secret(java.util.Optional<String> configured, String adminKey) {
    if (configured.isPresent()) {
      return configured.get().getBytes(StandardCharsets.UTF_8);
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(adminKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal("shoal tracking links v1".getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  public String baseUrl() {
    String baseUrl = base.get();
    return baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
  }

  public String openUrl(MessageRef ref) {
    return baseUrl() + "/t/o/" + token(ref);
  }

  public String unsubscribeUrl(MessageRef ref) {
    return baseUrl() + "/t/u/" + token(ref);
  }

  public String statusCallbackUrl(MessageRef ref) {
    return baseUrl() + "/t/s/" + token(ref);
  }

  public String clickUrl(MessageRef ref, String url) {
    String token = token(ref);
    return baseUrl() + "/t/c/" + token + "?u=" + URLEncoder.encode(url, StandardCharsets.UTF_8) + "&s="
        + sign("c|" + token + "|" + url);
  }

  /** The message a token names, or null when it was not made with our key. */
  public MessageRef verify(String token) {
    if (token == null) {
      return null;
    }
    int dot = token.indexOf('.');
    if (dot <= 0) {
      return null;
    }
    String body = token.substring(0, dot);
    if (!constantTimeEquals(sign("m|" + body), token.substring(dot + 1))) {
      return null;
    }
    String decoded;
    try {
      decoded = new String(B64D.decode(body), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int sep = decoded.indexOf('.');
    return sep <= 0 ? null : new MessageRef(decoded.substring(0, sep), decoded.substring(sep + 1));
  }

  /** Whether {@code sig} is ours for a click of {@code token} to {@code url}. */
  public boolean verifyClick(String token, String url, String sig) {
    return url != null && sig != null && constantTimeEquals(sign("c|" + token + "|" + url), sig);
  }

  /**
   * The email's html with every http(s) link (except our own tracking links, such as the
   * unsubscribe link) sent through a signed click redirect, UTM parameters from {@code vars}
   * added where the link has none of its own, and the open pixel at the end of the body.
   */
  public String track(String html, MessageRef ref, JsonObject vars) {
    Matcher m = HREF.matcher(html);
    StringBuilder out = new StringBuilder(html.length() + 256);
    while (m.find()) {
      String url = unescapeAmp(m.group(3));
      String replaced = url.startsWith(baseUrl() + "/t/") ? url : clickUrl(ref, withUtm(url, vars));
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + m.group(2) + escapeAmp(replaced) + m.group(2)));
    }
    m.appendTail(out);
    String pixel = "<img src=\"" + openUrl(ref) + "\" width=\"1\" height=\"1\" alt=\"\" style=\"display:none\">";
    Matcher end = BODY_END.matcher(out);
    if (end.find()) {
      out.insert(end.start(), pixel);
    } else {
      out.append(pixel);
    }
    return out.toString();
  }

  /** The url with each {@code utm_*} of vars the url does not already have. */
  static String withUtm(String url, JsonObject vars) {
    if (vars == null) {
      return url;
    }
    int hash = url.indexOf('#');
    String fragment = hash < 0 ? "" : url.substring(hash);
    String base = hash < 0 ? url : url.substring(0, hash);
    StringBuilder added = new StringBuilder();
    String query = base.indexOf('?') < 0 ? "" : base.substring(base.indexOf('?') + 1);
    for (String name : UTM) {
      Object v = vars.getValue(name);
      if (v == null || hasParam(query, name)) {
        continue;
      }
      added.append(added.length() == 0 && query.isEmpty() && base.indexOf('?') < 0 ? '?' : '&')
          .append(name).append('=').append(URLEncoder.encode(String.valueOf(v), StandardCharsets.UTF_8));
    }
    return base + added + fragment;
  }

  private static boolean hasParam(String query, String name) {
    for (String pair : query.split("&")) {
      String k = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
      if (URLDecoder.decode(k, StandardCharsets.UTF_8).equals(name)) {
        return true;
      }
    }
    return false;
  }

  private String token(MessageRef ref) {
    String body = B64.encodeToString((ref.storeId() + "." + ref.messageId()).getBytes(StandardCharsets.UTF_8));
    return body + "." + sign("m|" + body);
  }

  /** 128 bits of HMAC-SHA256, base64url: unforgeable and short enough for a URL. */
  private String sign(String data) {
    Mac mac = macs.get();
    byte[] full = mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    return B64.encodeToString(java.util.Arrays.copyOf(full, 16));
  }

  /** A Mac per thread: looking one up and keying it costs more than the HMAC itself. */
  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static String unescapeAmp(String s) {
    return s.replace("&amp;", "&");
  }

  private static String escapeAmp(String s) {
    return s.replace("&", "&amp;");
  }
}
