package io.shoal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.shoal.testing.OpenApiContract;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The contract and the code name the same operations: none undocumented, none without a handler. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ContractTest {

  @Test
  void everyOperationIdIsAnApiOperationAndViceVersa() {
    List<String> inContract = OpenApiContract.load().operations().stream()
        .map(op -> {
          assertNotNull(op.operationId(), () -> op.method() + " " + op.path() + " has no operationId");
          return op.operationId();
        }).toList();
    List<String> inCode = Arrays.stream(ApiOperation.values()).map(ApiOperation::operationId).toList();

    assertEquals(inContract.size(), Set.copyOf(inContract).size(), "an operationId is used twice: " + inContract);
    assertEquals(inCode.size(), Set.copyOf(inCode).size(), "an ApiOperation is listed twice: " + inCode);
    assertEquals(new TreeSet<>(inContract), new TreeSet<>(inCode));
  }
}
