import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * CPU time of validating one request body against Shoal's contract: a fresh validator per
 * request (vertx-openapi's own way) against the kept ones (io.shoal.http.ReusedValidators),
 * interleaved, ROUNDS rounds of N validations each, one thread. Prints µs per validation.
 *
 *   mvn -q -o test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
 *   java -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" bench/http/ValidatorCost.java
 */
public final class ValidatorCost {
  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(System.getenv().getOrDefault("N", "2000"));
    int rounds = Integer.parseInt(System.getenv().getOrDefault("ROUNDS", "5"));
    Vertx vertx = Vertx.vertx();
    Buffer text = Buffer.buffer(Files.readString(Path.of("openapi/shoal.yaml")));
    var routable = io.shoal.http.ApiVerticle.class.getDeclaredMethod("routable", Buffer.class);
    routable.setAccessible(true);
    OpenAPIContract contract = OpenAPIContract.from(vertx, (JsonObject) routable.invoke(null, text))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    var of = Class.forName("io.shoal.http.ReusedValidators").getDeclaredMethod("of", OpenAPIContract.class);
    of.setAccessible(true);
    RequestValidator fresh = RequestValidator.create(vertx, contract);
    RequestValidator kept = RequestValidator.create(vertx, (OpenAPIContract) of.invoke(null, contract));
    for (int r = 0; r <= rounds; r++) {
      double a = perValidation(fresh, n);
      double b = perValidation(kept, n);
      if (r > 0) { // round 0 warms up
        System.out.printf("round %d: fresh %.1f us, kept %.1f us per validation (%.1fx)%n", r, a, b, a / b);
      }
    }
    vertx.close();
  }

  static double perValidation(RequestValidator v, int n) throws Exception {
    Map<String, RequestParameter> path = Map.of("store_id", new RequestParameterImpl("store_1"));
    long t = System.nanoTime();
    for (int i = 0; i < n; i++) {
      JsonObject body = new JsonObject().put("email", "c" + i + "@example.com").put("first_name", "Ada");
      v.validate(new ValidatableRequestImpl(Map.of(), Map.of(), path, Map.of(), new RequestParameterImpl(body.toBuffer()),
          "application/json"), "createCustomer").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    return (System.nanoTime() - t) / 1e3 / n;
  }
}
