package io.shoal.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The operations of {@code openapi/shoal.yaml} with their parameters and body schema, local
 * {@code $ref}s resolved and {@code allOf} merged: what the generated suites walk, so that an
 * operation added to the contract is covered without anyone listing it.
 */
public record ContractModel(String basePath, List<Op> operations) {

  public static final Path FILE = Path.of("openapi/shoal.yaml");
  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch");

  public record Param(String name, String in, boolean required, Map<String, Object> schema) {}

  public record Op(String method, String path, String operationId, boolean usesApiKey, List<Param> params,
                   Map<String, Object> body, boolean bodyRequired) {

    public List<Param> in(String location) {
      return params.stream().filter(p -> p.in().equals(location)).toList();
    }

    public boolean isStoreScoped() {
      return path.startsWith("/stores/{store_id}");
    }

    @Override
    public String toString() {
      return method.toUpperCase() + " " + path + " (" + operationId + ")";
    }
  }

  @SuppressWarnings("unchecked")
  public static ContractModel load() {
    Map<String, Object> root;
    try {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(FILE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Resolver r = new Resolver(root);
    String server = (String) ((List<Map<String, Object>>) root.get("servers")).get(0).get("url");
    String basePath = server.replaceFirst("^[a-z]+://[^/]+", "");
    List<Op> ops = new ArrayList<>();
    Map<String, Object> paths = (Map<String, Object>) root.get("paths");
    paths.forEach((path, itemValue) -> {
      Map<String, Object> item = r.map(itemValue);
      for (String method : METHODS) {
        if (!(item.get(method) instanceof Map<?, ?> opValue)) {
          continue;
        }
        Map<String, Object> op = (Map<String, Object>) opValue;
        Map<String, Param> params = new LinkedHashMap<>();
        for (Object p : r.list(item.get("parameters"))) {
          Param param = r.param(p);
          params.put(param.in() + ":" + param.name(), param);
        }
        for (Object p : r.list(op.get("parameters"))) {
          Param param = r.param(p);
          params.put(param.in() + ":" + param.name(), param);
        }
        Map<String, Object> body = null;
        boolean bodyRequired = false;
        if (op.get("requestBody") != null) {
          Map<String, Object> rb = r.map(op.get("requestBody"));
          bodyRequired = Boolean.TRUE.equals(rb.get("required"));
          Map<String, Object> json = r.map(r.map(rb.get("content")).get("application/json"));
          body = r.schema(json.get("schema"));
        }
        boolean usesApiKey = !(op.get("security") instanceof List<?> sec && sec.isEmpty());
        ops.add(new Op(method, path, (String) op.get("operationId"), usesApiKey, List.copyOf(params.values()),
            body, bodyRequired));
      }
    });
    return new ContractModel(basePath, ops);
  }

  private record Resolver(Map<String, Object> root) {

    @SuppressWarnings("unchecked")
    Map<String, Object> map(Object o) {
      if (!(o instanceof Map)) {
        return Map.of();
      }
      Map<String, Object> m = (Map<String, Object>) o;
      if (m.get("$ref") instanceof String ref && ref.startsWith("#/")) {
        Object at = root;
        for (String part : ref.substring(2).split("/")) {
          at = ((Map<String, Object>) at).get(part);
        }
        return map(at);
      }
      return m;
    }

    @SuppressWarnings("unchecked")
    List<Object> list(Object o) {
      return o instanceof List ? (List<Object>) o : List.of();
    }

    Param param(Object value) {
      Map<String, Object> p = map(value);
      return new Param((String) p.get("name"), (String) p.get("in"), Boolean.TRUE.equals(p.get("required")),
          schema(p.get("schema")));
    }

    /** The schema with references resolved and allOf merged, recursively (the contract has no cycles). */
    Map<String, Object> schema(Object value) {
      Map<String, Object> s = map(value);
      Map<String, Object> out = new LinkedHashMap<>();
      for (Object part : list(s.get("allOf"))) {
        Map<String, Object> merged = schema(part);
        merged.forEach((k, v) -> {
          if (k.equals("properties") && out.get("properties") instanceof Map<?, ?> have) {
            @SuppressWarnings("unchecked")
            Map<String, Object> both = new LinkedHashMap<>((Map<String, Object>) have);
            @SuppressWarnings("unchecked")
            Map<String, Object> more = (Map<String, Object>) v;
            both.putAll(more);
            out.put(k, both);
          } else if (k.equals("required") && out.get("required") instanceof List<?> have) {
            List<Object> both = new ArrayList<>(have);
            both.addAll((List<?>) v);
            out.put(k, both);
          } else {
            out.put(k, v);
          }
        });
      }
      s.forEach((k, v) -> {
        if (k.equals("allOf")) {
          return;
        }
        if (k.equals("properties")) {
          Map<String, Object> props = new LinkedHashMap<>();
          if (out.get("properties") instanceof Map<?, ?> have) {
            @SuppressWarnings("unchecked")
            Map<String, Object> h = (Map<String, Object>) have;
            props.putAll(h);
          }
          map(v).forEach((name, ps) -> props.put(name, schema(ps)));
          out.put(k, props);
        } else if (k.equals("items") || (k.equals("additionalProperties") && v instanceof Map)) {
          out.put(k, schema(v));
        } else if (k.equals("anyOf") || k.equals("oneOf")) {
          out.put(k, list(v).stream().map(this::schema).toList());
        } else {
          out.put(k, v);
        }
      });
      return out;
    }
  }
}
