package io.shoal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract a start reads once for every API instance while the evaluators load
 * ({@link ApiVerticle.Contract#read}) is the file as written and as the router reads it, and its
 * {@code OpenAPIContract} made then goes to one instance only.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ApiContractReadTest {

  @Test
  void theContractReadOnceIsTheFileAsWrittenAndAsTheRouterReadsIt() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      ApiVerticle.Contract read = ApiVerticle.Contract.read(vertx).toCompletionStage().toCompletableFuture()
          .get(20, TimeUnit.SECONDS);
      Buffer file = Buffer.buffer(Files.readAllBytes(Path.of(ApiVerticle.CONTRACT)));
      assertEquals(file, read.text(), "served at /openapi.yaml as written");
      assertEquals(ApiVerticle.routable(file), read.routable());
      assertNotSame(read.routable(), read.routable(), "each instance its own copy");
      io.vertx.openapi.contract.OpenAPIContract first = read.openApi(vertx).toCompletionStage().toCompletableFuture()
          .get(20, TimeUnit.SECONDS);
      io.vertx.openapi.contract.OpenAPIContract second = read.openApi(vertx).toCompletionStage().toCompletableFuture()
          .get(20, TimeUnit.SECONDS);
      assertNotSame(first, second, "the one made at the read goes to the first instance only");
      assertEquals(first.operations().size(), second.operations().size());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
