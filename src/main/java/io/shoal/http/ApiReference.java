package io.shoal.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The interactive API reference at {@code /docs}: Swagger UI, served from its WebJar inside
 * this jar (no CDN, works offline), rendering the contract served at {@code /openapi.yaml}.
 * "Try it out" sends real requests to this server with the bearer key typed under "Authorize"
 * (kept in the browser's local storage, never sent anywhere else).
 *
 * <pre>
 *   /docs               the page (also at /docs/) (below), which loads
 *   /docs/assets/...    swagger-ui-bundle.js, swagger-ui.css, ... from META-INF/resources/webjars/swagger-ui/VERSION
 *   /openapi.yaml       the contract (ApiVerticle)
 * </pre>
 */
final class ApiReference {

  private static final String WEBJAR_POM = "META-INF/maven/org.webjars/swagger-ui/pom.properties";

  /**
   * The contract's server is {@code http://localhost:8080/v1} (the router needs an absolute URL);
   * the request interceptor points "try it out" at whatever origin served this page instead.
   */
  private static final String PAGE = """
      <!doctype html>
      <html lang="en">
      <head>
        <meta charset="utf-8">
        <title>Shoal API reference</title>
        <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
        <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
        <style>body { margin: 0 } .swagger-ui .topbar { display: none }</style>
      </head>
      <body>
        <div id="swagger-ui"></div>
        <script src="/docs/assets/swagger-ui-bundle.js"></script>
        <script>
          window.ui = SwaggerUIBundle({
            url: '/openapi.yaml',
            dom_id: '#swagger-ui',
            deepLinking: true,
            persistAuthorization: true,
            tryItOutEnabled: false,
            displayOperationId: true,
            filter: true,
            docExpansion: 'list',
            defaultModelsExpandDepth: 1,
            defaultModelExpandDepth: 3,
            showExtensions: false,
            syntaxHighlight: { activated: true, theme: 'agate' },
            requestInterceptor: function (req) {
              req.url = req.url.replace(/^https?:\\/\\/localhost:8080(?=\\/)/, window.location.origin);
              return req;
            },
            presets: [SwaggerUIBundle.presets.apis],
            layout: 'BaseLayout'
          });
        </script>
      </body>
      </html>
      """;

  private ApiReference() {}

  /** Mounts {@code /docs} and its assets on {@code root}. */
  static void mount(Router root) {
    String assets = "META-INF/resources/webjars/swagger-ui/" + webjarVersion();
    root.get("/docs").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .end(PAGE));
    root.get("/docs/assets/*").handler(ctx -> {
      // the WebJar's own index.html and initializer show the pet store example: not ours to serve
      String file = ctx.pathParam("*") == null ? "" : ctx.pathParam("*");
      if (file.isEmpty() || file.endsWith("/") || file.equals("index.html") || file.equals("swagger-initializer.js")) {
        ctx.fail(404);
      } else {
        ctx.next();
      }
    }).handler(StaticHandler.create(assets)
        .setCachingEnabled(true)
        .setMaxAgeSeconds(86_400)
        .setDirectoryListing(false));
  }

  /** The version of the Swagger UI WebJar on the class path, which names its folder. */
  static String webjarVersion() {
    try (InputStream in = ApiReference.class.getClassLoader().getResourceAsStream(WEBJAR_POM)) {
      if (in == null) {
        throw new IllegalStateException("org.webjars:swagger-ui is not on the class path (" + WEBJAR_POM + ")");
      }
      Properties pom = new Properties();
      pom.load(in);
      return pom.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
