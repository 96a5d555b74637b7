package io.shoal.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract is valid OpenAPI 3.1, linted with swagger-parser's structure check (a real
 * OpenAPI parser and validator, from Maven Central: no Node on CI) plus the rules of Redocly's
 * "recommended" set that the parser does not know: no keyword a schema or object cannot hold
 * (the YAML trap of an unquoted flow-mapping description with a comma), every operation with a
 * 4xx answer in the shared error shape, unique operation ids, every path parameter declared.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LintedContractTest {

  static final Path FILE = Path.of("openapi/shoal.yaml");

  @Test
  void theContractIsValidOpenApiWithZeroErrors() throws Exception {
    List<String> errors = ContractLint.lint(Files.readString(FILE));
    errors.forEach(e -> System.out.println("lint: " + e));
    System.out.println("contract lint: " + errors.size() + " errors");
    assertEquals(List.of(), errors);
  }

  @Test
  void theLinterFindsTheKnownMistakes() {
    String bad = """
        openapi: 3.1.0
        info: {title: t, version: '1'}
        servers: [{url: 'http://localhost:8080/v1'}]
        paths:
          /things/{id}:
            get:
              operationId: getThing
              responses:
                '200':
                  description: ok
                  content:
                    application/json:
                      schema:
                        type: object
                        properties:
                          url: {type: string, description: Completed exports, until later.}
        """;
    List<String> errors = ContractLint.lint(bad);
    errors.forEach(e -> System.out.println("expected lint: " + e));
    assertEquals(true, errors.stream().anyMatch(e -> e.contains("until later")), "stray key: " + errors);
    assertEquals(true, errors.stream().anyMatch(e -> e.contains("no 4xx")), "4xx: " + errors);
    assertEquals(true, errors.stream().anyMatch(e -> e.contains("{id}")), "path parameter: " + errors);
  }
}
