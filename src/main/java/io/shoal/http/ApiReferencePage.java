package io.shoal.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * The human-readable API reference at {@code /docs}: rendered once, on the server, from the
 * same contract that routes and validates requests, so it cannot drift and needs no CDN.
 */
final class ApiReferencePage {

  private static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");

  private ApiReferencePage() {}

  static String render(JsonObject contract) {
    JsonObject info = contract.getJsonObject("info", new JsonObject());
    String base = contract.getJsonArray("servers", new JsonArray()).isEmpty() ? ""
        : pathOf(contract.getJsonArray("servers").getJsonObject(0).getString("url", ""));
    StringBuilder toc = new StringBuilder();
    StringBuilder body = new StringBuilder();
    JsonObject paths = contract.getJsonObject("paths", new JsonObject());
    for (Map.Entry<String, Object> p : paths) {
      if (!(p.getValue() instanceof JsonObject item)) {
        continue;
      }
      for (String m : METHODS) {
        JsonObject op = item.getJsonObject(m);
        if (op == null) {
          continue;
        }
        String id = op.getString("operationId", m + p.getKey());
        String path = base + p.getKey();
        toc.append("<li><a href=\"#").append(esc(id)).append("\"><code class=\"m ").append(m).append("\">")
            .append(m.toUpperCase()).append("</code> ").append(esc(path)).append("</a></li>\n");
        body.append("<section id=\"").append(esc(id)).append("\"><h2><code class=\"m ").append(m).append("\">")
            .append(m.toUpperCase()).append("</code> <code>").append(esc(path)).append("</code></h2>\n")
            .append("<p class=\"summary\">").append(esc(op.getString("summary", ""))).append("</p>\n");
        if (op.getString("description") != null) {
          body.append("<pre class=\"desc\">").append(esc(op.getString("description"))).append("</pre>\n");
        }
        JsonArray params = new JsonArray();
        item.getJsonArray("parameters", new JsonArray()).forEach(params::add);
        op.getJsonArray("parameters", new JsonArray()).forEach(params::add);
        if (!params.isEmpty()) {
          body.append("<h3>Parameters</h3><table><tr><th>name</th><th>in</th><th>schema</th><th>description</th></tr>\n");
          for (Object o : params) {
            if (!(o instanceof JsonObject value)) {
              continue;
            }
            JsonObject param = resolve(contract, value);
            body.append("<tr><td><code>").append(esc(param.getString("name"))).append("</code>")
                .append(Boolean.TRUE.equals(param.getBoolean("required")) ? " *" : "").append("</td><td>")
                .append(esc(param.getString("in"))).append("</td><td><code>")
                .append(esc(String.valueOf(param.getValue("schema")))).append("</code></td><td>")
                .append(esc(param.getString("description", ""))).append("</td></tr>\n");
          }
          body.append("</table>\n");
        }
        JsonObject requestBody = op.getJsonObject("requestBody");
        if (requestBody != null) {
          Object schema = requestBody.getJsonObject("content", new JsonObject())
              .getJsonObject("application/json", new JsonObject()).getValue("schema");
          body.append("<h3>Request body</h3>").append(schemaHtml(contract, schema));
        }
        body.append("<h3>Responses</h3><ul>\n");
        for (Map.Entry<String, Object> r : op.getJsonObject("responses", new JsonObject())) {
          if (!(r.getValue() instanceof JsonObject value)) {
            continue;
          }
          JsonObject resp = resolve(contract, value);
          body.append("<li><code>").append(esc(r.getKey())).append("</code> ")
              .append(esc(resp.getString("description", ""))).append("</li>\n");
        }
        body.append("</ul></section>\n");
      }
    }
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
        + esc(info.getString("title", "API")) + " reference</title><style>"
        + "body{font:15px/1.5 system-ui,sans-serif;margin:0;display:flex}"
        + "nav{width:340px;height:100vh;overflow:auto;position:sticky;top:0;background:#f4f6f8;padding:1em;box-sizing:border-box}"
        + "nav ul{list-style:none;padding:0}nav a{text-decoration:none;color:#123}"
        + "main{padding:1em 2em;max-width:960px}section{border-top:1px solid #ddd;padding-top:.5em}"
        + "table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left;vertical-align:top}"
        + "pre{background:#f7f7f7;padding:.6em;white-space:pre-wrap}.m{font-weight:bold}.get{color:#06c}.post{color:#080}"
        + ".patch{color:#a60}.delete{color:#c00}</style></head><body><nav><h1>"
        + esc(info.getString("title", "API")) + "</h1><p><a href=\"/openapi.yaml\">openapi.yaml</a></p><ul>"
        + toc + "</ul></nav><main><h1>" + esc(info.getString("title", "API")) + " " + esc(info.getString("version", ""))
        + "</h1><pre class=\"desc\">" + esc(info.getString("description", "")) + "</pre>" + body
        + "</main></body></html>";
  }

  private static String schemaHtml(JsonObject contract, Object schema) {
    if (!(schema instanceof JsonObject s)) {
      return "";
    }
    JsonObject resolved = resolve(contract, s);
    JsonObject properties = new JsonObject();
    collectProperties(contract, resolved, properties);
    if (properties.isEmpty()) {
      return "<pre>" + esc(resolved.encodePrettily()) + "</pre>";
    }
    JsonArray required = resolved.getJsonArray("required", new JsonArray());
    StringBuilder out = new StringBuilder("<table><tr><th>field</th><th>schema</th></tr>\n");
    for (Map.Entry<String, Object> p : properties) {
      out.append("<tr><td><code>").append(esc(p.getKey())).append("</code>")
          .append(required.contains(p.getKey()) ? " *" : "").append("</td><td><code>")
          .append(esc(String.valueOf(p.getValue()))).append("</code></td></tr>\n");
    }
    return out.append("</table>\n").toString();
  }

  private static void collectProperties(JsonObject contract, JsonObject schema, JsonObject into) {
    JsonObject props = schema.getJsonObject("properties");
    if (props != null) {
      props.forEach(e -> into.put(e.getKey(), e.getValue()));
    }
    for (Object part : schema.getJsonArray("allOf", new JsonArray())) {
      collectProperties(contract, resolve(contract, (JsonObject) part), into);
    }
  }

  private static JsonObject resolve(JsonObject contract, JsonObject node) {
    String ref = node.getString("$ref");
    if (ref == null || !ref.startsWith("#/")) {
      return node;
    }
    Object cur = contract;
    for (String part : ref.substring(2).split("/")) {
      cur = ((JsonObject) cur).getValue(part);
    }
    return cur instanceof JsonObject o ? o : node;
  }

  private static String pathOf(String url) {
    int scheme = url.indexOf("://");
    int slash = scheme < 0 ? url.indexOf('/') : url.indexOf('/', scheme + 3);
    return slash < 0 ? "" : url.substring(slash);
  }

  private static String esc(String s) {
    if (s == null) {
      return "";
    }
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
