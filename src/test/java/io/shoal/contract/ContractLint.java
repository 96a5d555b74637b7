package io.shoal.contract;

import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.Yaml;

/**
 * Lints an OpenAPI 3.1 document: swagger-parser's structure and reference check, then the rules
 * of Redocly's recommended set that it lets through (in 3.1 an unknown schema keyword is legal
 * JSON Schema, so a stray key from a YAML slip passes the parser; Redocly calls it an error).
 */
final class ContractLint {

  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  private static final Set<String> SCHEMA_KEYS = Set.of("$ref", "$id", "$schema", "$anchor", "$dynamicRef",
      "$dynamicAnchor", "$defs", "$comment", "$vocabulary", "type", "enum", "const", "multipleOf", "maximum",
      "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
      "uniqueItems", "maxContains", "minContains", "maxProperties", "minProperties", "required", "dependentRequired",
      "properties", "patternProperties", "additionalProperties", "propertyNames", "unevaluatedProperties",
      "unevaluatedItems", "items", "prefixItems", "contains", "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
      "dependentSchemas", "format", "title", "description", "default", "deprecated", "readOnly", "writeOnly",
      "examples", "example", "discriminator", "xml", "externalDocs", "contentEncoding", "contentMediaType",
      "contentSchema");
  private static final Set<String> PATH_ITEM_KEYS = Set.of("$ref", "summary", "description", "servers", "parameters",
      "get", "put", "post", "delete", "options", "head", "patch", "trace");
  private static final Set<String> OPERATION_KEYS = Set.of("tags", "summary", "description", "externalDocs",
      "operationId", "parameters", "requestBody", "responses", "callbacks", "deprecated", "security", "servers");
  private static final Set<String> PARAMETER_KEYS = Set.of("$ref", "name", "in", "description", "required",
      "deprecated", "allowEmptyValue", "style", "explode", "allowReserved", "schema", "example", "examples", "content");
  private static final Set<String> RESPONSE_KEYS = Set.of("$ref", "description", "headers", "content", "links");
  private static final Set<String> REQUEST_BODY_KEYS = Set.of("$ref", "description", "content", "required");
  private static final Set<String> MEDIA_TYPE_KEYS = Set.of("schema", "example", "examples", "encoding");
  private static final Set<String> HEADER_KEYS = Set.of("$ref", "description", "required", "deprecated", "style",
      "explode", "schema", "example", "examples", "content");
  private static final String ERROR_SCHEMA = "#/components/schemas/Error";

  private ContractLint() {}

  static List<String> lint(String yaml) {
    List<String> errors = new ArrayList<>();
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult result = new OpenAPIV3Parser().readContents(yaml, null, options);
    if (result.getMessages() != null) {
      result.getMessages().forEach(m -> errors.add("structure: " + m));
    }
    Map<String, Object> root = new Yaml().load(yaml);
    new Walk(root, errors).all();
    return errors;
  }

  private record Walk(Map<String, Object> root, List<String> errors) {

    void all() {
      Set<String> operationIds = new HashSet<>();
      map(root.get("paths")).forEach((path, itemValue) -> {
        Map<String, Object> item = map(itemValue);
        keys(item, PATH_ITEM_KEYS, "paths." + path);
        List<Object> shared = list(item.get("parameters"));
        shared.forEach(p -> parameter(p, "paths." + path + ".parameters"));
        item.forEach((method, opValue) -> {
          if (!METHODS.contains(method)) {
            return;
          }
          String where = method.toUpperCase() + " " + path;
          Map<String, Object> op = map(opValue);
          keys(op, OPERATION_KEYS, where);
          Object id = op.get("operationId");
          if (id == null) {
            errors.add(where + ": no operationId");
          } else if (!operationIds.add(id.toString())) {
            errors.add(where + ": operationId " + id + " is used twice");
          }
          list(op.get("parameters")).forEach(p -> parameter(p, where + ".parameters"));
          Object body = op.get("requestBody");
          if (body != null) {
            Map<String, Object> rb = map(body);
            keys(rb, REQUEST_BODY_KEYS, where + ".requestBody");
            content(rb.get("content"), where + ".requestBody");
          }
          Map<String, Object> responses = map(op.get("responses"));
          boolean has4xx = false;
          for (Map.Entry<String, Object> response : responses.entrySet()) {
            response(response.getValue(), where + ".responses." + response.getKey());
            if (response.getKey().startsWith("4")) {
              has4xx = true;
              if (!answersError(response.getValue())) {
                errors.add(where + ": response " + response.getKey() + " is not the shared error schema " + ERROR_SCHEMA);
              }
            }
          }
          if (!has4xx) {
            errors.add(where + ": no 4xx response documented");
          }
        });
      });
      Map<String, Object> components = map(root.get("components"));
      map(components.get("schemas")).forEach((name, s) -> schema(s, "components.schemas." + name));
      map(components.get("parameters")).forEach((name, p) -> parameter(p, "components.parameters." + name));
      map(components.get("responses")).forEach((name, r) -> response(r, "components.responses." + name));
    }

    boolean answersError(Object responseValue) {
      Map<String, Object> response = resolve(map(responseValue));
      Map<String, Object> json = map(map(response.get("content")).get("application/json"));
      Object schema = map(json.get("schema")).get("$ref");
      return ERROR_SCHEMA.equals(schema);
    }

    Map<String, Object> resolve(Map<String, Object> node) {
      Object ref = node.get("$ref");
      if (!(ref instanceof String s) || !s.startsWith("#/")) {
        return node;
      }
      Object at = root;
      for (String part : s.substring(2).split("/")) {
        at = map(at).get(part.replace("~1", "/").replace("~0", "~"));
      }
      if (at == null) {
        errors.add("unresolved $ref " + s);
        return Map.of();
      }
      return map(at);
    }

    void parameter(Object value, String where) {
      Map<String, Object> p = map(value);
      keys(p, PARAMETER_KEYS, where + "." + p.getOrDefault("name", p.getOrDefault("$ref", "?")));
      if (p.get("schema") != null) {
        schema(p.get("schema"), where + "." + p.get("name") + ".schema");
      }
    }

    void response(Object value, String where) {
      Map<String, Object> r = map(value);
      keys(r, RESPONSE_KEYS, where);
      if (!r.containsKey("$ref") && !r.containsKey("description")) {
        errors.add(where + ": a response needs a description");
      }
      map(r.get("headers")).forEach((name, h) -> {
        keys(map(h), HEADER_KEYS, where + ".headers." + name);
        schema(map(h).get("schema"), where + ".headers." + name + ".schema");
      });
      content(r.get("content"), where);
    }

    void content(Object value, String where) {
      map(value).forEach((type, mt) -> {
        keys(map(mt), MEDIA_TYPE_KEYS, where + ".content." + type);
        schema(map(mt).get("schema"), where + ".content." + type + ".schema");
      });
    }

    void schema(Object value, String where) {
      if (!(value instanceof Map)) {
        return;
      }
      Map<String, Object> s = map(value);
      keys(s, SCHEMA_KEYS, where);
      map(s.get("properties")).forEach((name, p) -> schema(p, where + "." + name));
      map(s.get("patternProperties")).forEach((name, p) -> schema(p, where + "." + name));
      map(s.get("$defs")).forEach((name, p) -> schema(p, where + ".$defs." + name));
      map(s.get("dependentSchemas")).forEach((name, p) -> schema(p, where + "." + name));
      for (String single : List.of("items", "additionalProperties", "not", "if", "then", "else", "contains",
          "propertyNames", "unevaluatedProperties", "unevaluatedItems", "contentSchema")) {
        schema(s.get(single), where + "." + single);
      }
      for (String many : List.of("allOf", "anyOf", "oneOf", "prefixItems")) {
        List<Object> items = list(s.get(many));
        for (int i = 0; i < items.size(); i++) {
          schema(items.get(i), where + "." + many + "[" + i + "]");
        }
      }
    }

    void keys(Map<String, Object> node, Set<String> allowed, String where) {
      for (String key : node.keySet()) {
        if (!allowed.contains(key) && !key.startsWith("x-")) {
          errors.add(where + ": property '" + key + "' is not expected here");
        }
      }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
      return o instanceof Map ? (Map<String, Object>) o : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
      return o instanceof List ? (List<Object>) o : List.of();
    }
  }
}
