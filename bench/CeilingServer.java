import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * The ceiling for the benchmark: a bare Vert.x web route that answers a constant JSON body, with
 * nothing else (no auth, no validation, no database, no metrics). It runs from Shoal's own shaded
 * jar, so it is the same Vert.x and Netty on the same JVM:
 *
 * <pre>
 *   java -cp target/shoal.jar bench/CeilingServer.java PORT [INSTANCES]
 * </pre>
 *
 * INSTANCES defaults to the number of cores, like SHOAL_HTTP_INSTANCES. The body is a
 * customer-shaped JSON of about the size Shoal answers for GET /customers/{id}, so the ceiling
 * moves the same number of bytes; GET /ceiling answers it, on 127.0.0.1 only.
 */
public class CeilingServer {

  static final Buffer BODY = Buffer.buffer("{\"id\":\"cust_0123456789abcdefghjk\",\"object\":\"customer\","
      + "\"email\":\"john.smith47@gmail.com\",\"first_name\":\"John\",\"last_name\":\"Smith\","
      + "\"phone\":\"+14155550134\",\"external_id\":\"shopify_7000000037\",\"timezone\":\"America/New_York\","
      + "\"tags\":[\"vip\",\"newsletter\"],\"address\":{\"city\":\"Boston\",\"line1\":\"12 Main St\","
      + "\"state\":\"MA\",\"country\":\"US\",\"postal_code\":\"02110\"},\"metadata\":{\"source\":\"web\"},"
      + "\"email_consent\":true,\"sms_consent\":false,\"push_consent\":false,\"total_orders\":4,"
      + "\"total_spent\":212.40,\"average_order_value\":53.10,\"first_order_at\":\"2024-03-01T10:00:00.000Z\","
      + "\"last_order_at\":\"2025-10-11T09:30:00.000Z\",\"created_at\":\"2024-02-28T08:00:00.000Z\","
      + "\"updated_at\":\"2025-10-11T09:30:00.000Z\"}");

  static final class Ceiling extends VerticleBase {
    private final int port;

    Ceiling(int port) {
      this.port = port;
    }

    @Override
    public Future<?> start() {
      Router router = Router.router(vertx);
      router.get("/ceiling").handler(ctx -> ctx.response()
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(BODY));
      return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
          .requestHandler(router)
          .listen();
    }
  }

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8090;
    int instances = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(() -> new Ceiling(port), new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> System.out.println("ceiling listening on http://127.0.0.1:" + port
            + "/ceiling with " + instances + " instance(s), " + BODY.length() + " byte body"))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }
}
