package io.shoal.http;

import io.shoal.config.ShoalConfig;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API: one router built from {@code openapi/shoal.yaml}, where every operation runs
 * body limit -> authentication -> idempotency -> contract validation -> its handler, and every
 * failure goes through {@link ErrorRenderer}. A get whose answer and key are kept in memory is
 * answered before the router ({@link CachedGet}), as the router would answer it. Also serves the
 * contract, its interactive reference ({@link ApiReference}), health and Prometheus metrics.
 * Several instances share the port, one per event loop.
 */
public final class ApiVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);

  public static final String CONTRACT = "openapi/shoal.yaml";

  private final ShoalConfig config;
  private final Pool pool;
  private final Authentication authentication;
  private final List<Consumer<RouterBuilder>> apis;
  private final List<Consumer<Router>> publicRoutes;
  private final List<CachedGet> cachedGets;
  private final Future<Contract> contract;
  private HttpServer server;

  /**
   * The contract file as written ({@code text}, served at /openapi.yaml), parsed as the router
   * reads it ({@link ApiVerticle#routable(Buffer)}), and made into one {@link OpenAPIContract} for the first instance
   * to take: none of it depends on anything else of Shoal, so a start does it once, on workers,
   * while the evaluators load. Done by the first API instance after them, it was 2 s or more
   * between the evaluators' ready and the API's at 1,000,000 customers (bench/engine,
   * twenty-eighth pass). Each instance works on its own copy of {@code routable}; the others make
   * their own {@link OpenAPIContract} from it, as every instance did before.
   */
  public static final class Contract {
    private final Buffer text;
    private final JsonObject routable;
    private final java.util.concurrent.atomic.AtomicReference<OpenAPIContract> built;

    Contract(Buffer text, JsonObject routable, OpenAPIContract built) {
      this.text = text;
      this.routable = routable;
      this.built = new java.util.concurrent.atomic.AtomicReference<>(built);
    }

    /** Reads and parses the contract, on workers. */
    public static Future<Contract> read(io.vertx.core.Vertx vertx) {
      return vertx.fileSystem().readFile(CONTRACT)
          .compose(text -> vertx.executeBlocking(() -> ApiVerticle.routable(text), false)
              .compose(routable -> OpenAPIContract.from(vertx, routable.copy())
                  .map(built -> new Contract(text, routable, built))));
    }

    public Buffer text() {
      return text;
    }

    /** The contract parsed as the router reads it: a copy of its own for each caller. */
    public JsonObject routable() {
      return routable.copy();
    }

    /** The contract made ready at {@link #read} for the first caller, one made anew for every other. */
    Future<OpenAPIContract> openApi(io.vertx.core.Vertx vertx) {
      OpenAPIContract first = built.getAndSet(null);
      return first != null ? Future.succeededFuture(first) : OpenAPIContract.from(vertx, routable());
    }
  }

  /** The /v1 routers by operation group, built after the server listens (see OperationGroups). */
  private volatile OperationGroups groups;

  public ApiVerticle(ShoalConfig config, Pool pool, Authentication authentication,
                     List<Consumer<RouterBuilder>> apis) {
    this(config, pool, authentication, apis, List.of(), List.of(), null);
  }

  /**
   * @param publicRoutes routes outside {@code /v1} and the contract, without API keys: pages and
   *                     redirects for people and providers (tracking links), each checking its own signature
   * @param cachedGets     gets answered before the router when their answer is kept ({@link CachedGet})
   * @param contract       the contract already read ({@link Contract#read}), shared by the instances; null to
   *                       read it in {@link #start}
   */
  public ApiVerticle(ShoalConfig config, Pool pool, Authentication authentication,
                     List<Consumer<RouterBuilder>> apis, List<Consumer<Router>> publicRoutes,
                     List<CachedGet> cachedGets, Future<Contract> contract) {
    this.config = config;
    this.pool = pool;
    this.authentication = authentication;
    this.apis = apis;
    this.publicRoutes = publicRoutes;
    this.cachedGets = cachedGets;
    this.contract = contract;
  }

  @Override
  public Future<?> start() {
    // Parsing the contract and building the router are seconds of work on a loaded machine: on a
    // worker, so that the event loop this verticle shares with evaluators and pooled connections
    // keeps running (at start it was seen blocked for 18 s, and connections waited past their limit)
    return (contract != null ? contract : Contract.read(vertx))
        .compose(read -> read.openApi(vertx) // the body checks read the routable contract too
            .compose(contract -> vertx.executeBlocking(() -> router(contract, read.routable(), read.text()), false)))
        .compose(router -> vertx.createHttpServer(new HttpServerOptions()
                .setHost(config.httpHost())
                .setPort(config.httpPort())
                .setCompressionSupported(true))
            .requestHandler(request -> {
              for (CachedGet get : cachedGets) {
                if (get.answered(request, authentication)) {
                  return;
                }
              }
              router.handle(request);
            })
            .listen())
        .onSuccess(s -> {
          server = s;
          // off the way to ready: until built, requests go to the router of all operations
          vertx.executeBlocking(() -> {
            groups.buildGroups();
            return null;
          }, false).onFailure(e -> LOG.warn("The API's operation groups were not built (the router of all"
              + " operations answers every request): {}", e.toString()));
        });
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown();
  }

  public int actualPort() {
    return server.actualPort();
  }

  private Router router(OpenAPIContract contract, JsonObject written, Buffer contractText) {
    ErrorRenderer errors = new ErrorRenderer();
    ReusedValidators validated = ReusedValidators.of(contract);
    RequestExtractor extractor = queryAsSent(RequestExtractor.withBodyHandler());
    RouterBuilder rb = RouterBuilder.create(vertx, validated, extractor);
    RequestValidator bodies = RequestValidator.create(vertx, validated);
    rb.rootHandler(BodyHandler.create(false).setBodyLimit(config.bodyLimitBytes()));
    rb.rootHandler(authentication);
    rb.rootHandler(new Idempotency(pool));
    rb.getRoutes().forEach(route -> {
      route.setDoSecurity(false).addFailureHandler(errors);
      route.addHandler(UnknownParameterCheck.of(route.getOperation()));
      NulByteCheck nul = NulByteCheck.forOperation(route.getOperation().getOperationId(),
          route.getOperation().getRequestBody() != null);
      if (nul != null) {
        route.addHandler(nul);
      }
      if (route.getOperation().getRequestBody() == null) {
        // no body to validate: check the parameters here, cheaply (see ParameterCheck)
        route.setDoValidation(false).addHandler(ParameterCheck.of(route.getOperation()));
      }
    });
    apis.forEach(api -> api.accept(rb));
    rb.getRoutes().forEach(route -> {
      // JSON bodies the router still validates (some APIs read theirs raw): compiled checks first,
      // the router's validation only when they are unsure. First in the route, where the router's
      // validation would run (the list is the route's own, read when the router is created).
      if (route.doValidation() && route.getOperation().getRequestBody() != null) {
        BodyValidation body = BodyValidation.of(written, route.getOperation(), extractor, bodies);
        if (body != null) {
          route.setDoValidation(false).getHandlers().add(0, body);
        }
      }
    });
    OperationGroups api = OperationGroups.lazily("/v1", rb::createRouter, router -> {
      router.route().failureHandler(errors);
      for (int status : new int[] {404, 405, 413}) {
        router.errorHandler(status, errors.forStatus(status));
      }
    });

    Router root = Router.router(vertx);
    // the check answers KO after its 1 s limit; a query answered later must not complete it again
    // (it threw "Result is already complete" while a start's overdue time checks held the pool)
    HealthChecks readiness = HealthChecks.create(vertx)
        .register("database", promise -> pool.query("SELECT 1").execute()
            .onSuccess(r -> promise.tryComplete(Status.OK()))
            .onFailure(e -> promise.tryComplete(Status.KO(new JsonObject().put("error", e.getMessage())))));
    root.get("/health/live").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
    root.get("/health/ready").handler(ctx -> readiness.checkStatus().onComplete(ar -> {
      boolean up = ar.succeeded() && ar.result().getUp();
      json(ctx, up ? 200 : 503, ar.succeeded() ? ar.result().toJson() : new JsonObject().put("status", "DOWN"));
    }));
    root.get("/metrics").handler(PrometheusScrapingHandler.create());
    root.get("/openapi.yaml").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml; charset=utf-8")
        .end(contractText));
    ApiReference.mount(root);
    publicRoutes.forEach(routes -> routes.accept(root));
    groups = api;
    // like subRouter(api), through the router of the request's operation group (OperationGroups)
    root.route("/v1/*").handler(api::handleContext).failureHandler(api::handleFailure);
    root.route().failureHandler(errors);
    for (int status : new int[] {404, 405, 413}) {
      root.errorHandler(status, errors.forStatus(status));
    }
    return root;
  }

  /**
   * The contract as the router builder reads it. vertx-openapi refuses response media types it
   * cannot validate, such as {@code text/event-stream}; responses are not validated anyway, so
   * the router's copy drops those, while {@code /openapi.yaml} serves the contract as written.
   */
  static JsonObject routable(Buffer yamlText) {
    JsonObject contract = parsed(yamlText);
    JsonObject paths = contract.getJsonObject("paths", new JsonObject());
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (!(item.getValue(method) instanceof JsonObject operation)) {
          continue;
        }
        // deepObject query parameters (metadata[key]=value) are read by their handlers; the router
        // does not support the style, so its copy names them in an extension instead
        if (operation.getValue("parameters") instanceof io.vertx.core.json.JsonArray parameters) {
          io.vertx.core.json.JsonArray deep = new io.vertx.core.json.JsonArray();
          parameters.getList().removeIf(p -> {
            JsonObject param = p instanceof java.util.Map<?, ?> m ? new JsonObject((java.util.Map<String, Object>) m)
                : p instanceof JsonObject j ? j : null;
            if (param != null && "deepObject".equals(param.getString("style"))) {
              deep.add(param.getString("name"));
              return true;
            }
            return false;
          });
          if (!deep.isEmpty()) {
            operation.put(UnknownParameterCheck.DEEP_OBJECTS, deep);
          }
        }
        JsonObject responses = operation.getJsonObject("responses", new JsonObject());
        for (String status : responses.fieldNames()) {
          if (responses.getValue(status) instanceof JsonObject response
              && response.getValue("content") instanceof JsonObject content) {
            content.fieldNames().removeIf(type -> !io.vertx.openapi.contract.MediaType.isMediaTypeSupported(type)
                && !io.vertx.openapi.contract.MediaType.isVendorSpecificJson(type));
            if (content.isEmpty()) {
              response.remove("content");
            }
          }
        }
      }
    }
    return contract;
  }

  /** The contract as written, YAML read as JSON (dates and times stay the strings they are). */
  @SuppressWarnings("unchecked")
  static JsonObject parsed(Buffer yamlText) {
    org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
    java.util.Map<String, Object> raw = new org.yaml.snakeyaml.Yaml(
        new org.yaml.snakeyaml.constructor.SafeConstructor(options),
        new org.yaml.snakeyaml.representer.Representer(new org.yaml.snakeyaml.DumperOptions()),
        new org.yaml.snakeyaml.DumperOptions(), options,
        new org.yaml.snakeyaml.resolver.Resolver() {
          @Override
          public void addImplicitResolver(org.yaml.snakeyaml.nodes.Tag tag, java.util.regex.Pattern regexp,
                                          String first, int limit) {
            if (!tag.equals(org.yaml.snakeyaml.nodes.Tag.TIMESTAMP)) { // keep dates as the strings they are
              super.addImplicitResolver(tag, regexp, first, limit);
            }
          }
        }).load(yamlText.toString());
    return new JsonObject(io.vertx.core.json.Json.encode(raw));
  }

  /**
   * Hands the contract validator each query value as the client sent it. vertx-openapi 5.0.10
   * URL-decodes values that Vert.x has already decoded (eclipse-vertx/vertx-openapi#124), so a
   * '%' fails and a '+' turns into a space; and it reads a string parameter as JSON when it can,
   * so {@code search=-1} becomes a number and fails validation. So string parameters go in as
   * JSON strings, with '%' and '+' escaped once more. Handlers read the validated values, or
   * {@code ctx.queryParams()}, which is decoded separately from the URI. CustomerSearchTest
   * fails once a fixed library makes this wrong.
   */
  private static RequestExtractor queryAsSent(RequestExtractor extractor) {
    return (ctx, operation) -> {
      Set<String> strings = new HashSet<>();
      for (Parameter p : operation.getParameters()) {
        if (p.getIn() == Location.QUERY && p.getSchemaType() == SchemaType.STRING) {
          strings.add(p.getName());
        }
      }
      MultiMap params = ctx.request().params();
      for (String name : new ArrayList<>(params.names())) {
        List<String> values = params.getAll(name);
        params.remove(name);
        for (String value : values) {
          String asSent = strings.contains(name) ? Json.encode(value) : value;
          params.add(name, asSent.replace("%", "%25").replace("+", "%2B"));
        }
      }
      return extractor.extractValidatableRequest(ctx, operation);
    };
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
  }
}
