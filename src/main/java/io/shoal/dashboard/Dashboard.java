package io.shoal.dashboard;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dashboard for store teams, at {@code /app}: static pages ({@code src/main/resources/webroot})
 * that sign in with an API key and call the public API with it, like any other client, so the
 * page shows nothing the key could not read. Its libraries come from WebJars on the classpath,
 * served under {@code /app/vendor/<name>/} without their version in the path (the pages stay the
 * same when a library is upgraded in the pom).
 *
 * <p>A Content-Security-Policy lets the pages load and call nothing but this server: no CDN, no
 * third-party fonts, no inline script except the page's import map (allowed by its hash).
 */
public final class Dashboard {

  public static final String PATH = "/app";

  /** Name under /app/vendor, Maven group and artifact, and the folder of the jar it is served from. */
  private record Library(String name, String group, String artifact, String folder) {}

  private static final Library[] LIBRARIES = {
      new Library("preact", "org.webjars.npm", "preact", "META-INF/resources/webjars/preact/"),
      new Library("htm", "org.mvnpm", "htm", "META-INF/resources/_static/htm/"),
      new Library("uplot", "org.webjars.npm", "uplot", "META-INF/resources/webjars/uplot/"),
  };

  private Dashboard() {
  }

  public static void mount(Router router) {
    String csp = "default-src 'self'; script-src 'self' " + importMapHash() + "; style-src 'self' 'unsafe-inline';"
        + " img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none';"
        + " frame-ancestors 'none'; form-action 'self'";
    router.route(PATH + "/*").handler(ctx -> {
      ctx.response().putHeader("Content-Security-Policy", csp)
          .putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Referrer-Policy", "no-referrer");
      ctx.next();
    });
    for (Library lib : LIBRARIES) {
      router.route(PATH + "/vendor/" + lib.name() + "/*")
          .handler(StaticHandler.create(lib.folder() + version(lib)).setMaxAgeSeconds(86400));
    }
    router.route(PATH + "/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));
  }

  /** The library's version as its jar records it (Maven writes pom.properties into every jar it builds). */
  private static String version(Library lib) {
    String path = "META-INF/maven/" + lib.group() + "/" + lib.artifact() + "/pom.properties";
    try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("the dashboard library " + lib.group() + ":" + lib.artifact()
            + " is not on the classpath");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The CSP source allowing index.html's inline import map, and only it, by the SHA-256 of its text. */
  static String importMapHash() {
    try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream("webroot/index.html")) {
      if (in == null) {
        throw new IllegalStateException("webroot/index.html is not on the classpath");
      }
      String html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Matcher m = Pattern.compile("<script type=\"importmap\">(.*?)</script>", Pattern.DOTALL).matcher(html);
      if (!m.find()) {
        return "";
      }
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(m.group(1).getBytes(StandardCharsets.UTF_8));
      return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
