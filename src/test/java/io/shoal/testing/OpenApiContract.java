package io.shoal.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/** The operations declared in {@code openapi/shoal.yaml}, read as plain YAML. */
public record OpenApiContract(String basePath, List<Operation> operations) {

  public static final Path FILE = Path.of("openapi/shoal.yaml");
  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  public record Operation(String method, String path, String operationId) {}

  @SuppressWarnings("unchecked")
  public static OpenApiContract load() {
    Map<String, Object> root;
    try {
      root = new Yaml().load(Files.readString(FILE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String server = (String) ((List<Map<String, Object>>) root.get("servers")).get(0).get("url");
    String basePath = server.replaceFirst("^[a-z]+://[^/]+", "");
    List<Operation> operations = new ArrayList<>();
    ((Map<String, Map<String, Object>>) root.get("paths")).forEach((path, item) -> item.forEach((key, value) -> {
      if (METHODS.contains(key)) {
        operations.add(new Operation(key, path, (String) ((Map<String, Object>) value).get("operationId")));
      }
    }));
    return new OpenApiContract(basePath, operations);
  }
}
