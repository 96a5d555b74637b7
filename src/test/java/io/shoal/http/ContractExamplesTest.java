package io.shoal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.shoal.event.platform.WebhookSignature;
import io.shoal.testing.ApiClient;
import io.shoal.testing.ApiResponse;
import io.shoal.testing.TestServer;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The examples in {@code openapi/shoal.yaml} are true, and Shoal answers what the contract says.
 *
 * <pre>
 *   every operation --(1)--> its request example (when it takes a body) and its success
 *                             example, each valid against its own schema; error responses
 *                             carry examples too (on the shared components)
 *                   --(2)--> the request example replayed against a running Shoal, the ids in
 *                             it and in the path replaced by the ones really created on the way
 *                             ----> the real answer (status, headers, body) checked by
 *                             vertx-openapi's ResponseValidator against the contract
 * </pre>
 *
 * An operation without examples fails (1) by name; one the replay cannot reach fails (2) by
 * name: none is skipped. Order of the replay: the contract's order, with the DELETEs last (in
 * reverse), so what is deleted was used first. A path's {id} is the id last created by a POST
 * to its collection, else the first one its collection lists (polled for a while: messages,
 * notifications and data requests appear asynchronously), else the parameter's example.
 *
 * <p>Authoring: {@code -Dshoal.examples.record=FILE} writes every real answer of the replay to
 * FILE (ids replaced by stable example ids) instead of comparing, as material for new examples.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ContractExamplesTest {

  /** Within one path, what creates comes before what reads it. */
  private static final List<String> METHODS = List.of("post", "put", "get", "patch", "delete");
  /** Ids as {@code kernel.Ids} makes them; example ids are written the same way. */
  private static final Pattern ID = Pattern.compile("^([a-z]+)_[0-9a-z]{20}$");
  /** Suffixes of the example ids handed out, per prefix, in the order ids appear (record mode). */
  private static final List<String> EXAMPLE_SUFFIXES = List.of(
      "4k2x9m1c7q0v5b8n3r6t", "7h3p5w2n8j4d6f1k9m0s", "2b6q8r4t1v3x5z7c9e0g", "9m1k3j5h7g2f4d6s8a0p",
      "5t7r9e1w3q2a4s6d8f0h", "3n5b7v9c1x2z4l6k8j0h", "8g6f4d2s1a3q5w7e9r0t", "6y8u0i2o4p1a3s5d7f9g");
  private static final String RECORD = System.getProperty("shoal.examples.record");

  private static TestServer server;
  private static GreenMail mail;
  private static Vertx vertx;
  private static JsonObject raw;
  private static OpenAPIContract contract;
  private static ResponseValidator validator;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Buffer text = Buffer.buffer(Files.readString(Path.of(ApiVerticle.CONTRACT)));
    raw = ApiVerticle.parsed(text); // as written, text/event-stream included
    contract = ApiClient.await(OpenAPIContract.from(vertx, ApiVerticle.routable(text)));
    validator = ResponseValidator.create(vertx, contract);
    mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort()); // where segment exports send their link
    mail.start();
    server = TestServer.start(Map.of("SHOAL_WEBHOOK_RETRY_BASE_MS", "60000",
        "SHOAL_SMTP_HOST", "127.0.0.1", "SHOAL_SMTP_PORT", String.valueOf(mail.getSmtp().getPort()),
        "SHOAL_SMTP_TLS", "none", "SHOAL_SMTP_FROM", "Acme <news@acme.example>"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (mail != null) {
      mail.stop();
    }
    ApiClient.await(vertx.close());
  }

  // ---------------------------------------------------------------- (1) examples vs schemas

  @Test
  void everyOperationHasExamplesAndEachMatchesItsSchema() {
    List<String> problems = new ArrayList<>();
    int checked = 0;
    List<Op> ops = operations();
    for (Op op : ops) {
      checked += checkExamples(op, problems);
    }
    System.out.printf("contract examples: %d examples of %d operations checked against their schemas%n",
        checked, ops.size());
    List<String> found = problems;
    assertTrue(found.isEmpty(), () -> found.size() + " problems:\n  " + String.join("\n  ", found));
  }

  /** Checks one operation's examples; answers how many it checked, adds what is wrong to problems. */
  private static int checkExamples(Op op, List<String> problems) {
    int checked = 0;
    {
      JsonObject media = requestMedia(op);
      if (media != null) {
        if (!media.containsKey("example")) {
          problems.add(op.id() + ": no request example");
        } else {
          checked++;
          JsonSchema schema = contract.operation(op.id()).getRequestBody().getContent().get("application/json").getSchema();
          OutputUnit out = contract.getSchemaRepository().validator(schema, new io.vertx.json.schema.JsonSchemaOptions()
              .setDraft(io.vertx.json.schema.Draft.DRAFT202012).setBaseUri("app://")
              .setOutputFormat(io.vertx.json.schema.OutputFormat.Basic)).validate(media.getValue("example"));
          if (!Boolean.TRUE.equals(out.getValid())) {
            problems.add(op.id() + ": request example: " + describe(out));
          }
        }
      }
      JsonObject responses = op.operation().getJsonObject("responses");
      boolean success = false;
      for (String status : responses.fieldNames()) {
        JsonObject response = resolve(responses.getJsonObject(status));
        JsonObject content = response.getJsonObject("content");
        if (content == null || status.equals("default")) {
          success |= status.startsWith("2");
          continue;
        }
        for (String type : content.fieldNames()) {
          JsonObject typed = content.getJsonObject(type);
          if (!typed.containsKey("example")) {
            if (isJson(type)) { // a success or an error the operation names: a developer wants to see it
              problems.add(op.id() + ": no example for " + status + " " + type);
            } else if (status.startsWith("2")) {
              success = true; // a stream: nothing to show as one example
            }
            continue;
          }
          success |= status.startsWith("2");
          checked++;
          String problem = validate(op.id(), Integer.parseInt(status), exampleHeaders(response),
              typed.getValue("example"), type);
          if (problem != null) {
            problems.add(op.id() + ": example for " + status + ": " + problem);
          }
        }
      }
      if (!success) {
        problems.add(op.id() + ": no success response with an example");
      }
    }
    return checked;
  }

  // ---------------------------------------------------------------- (2) replay against Shoal

  @Test
  void everyRequestExampleReplayedGetsAnAnswerTheContractAllows() throws Exception {
    List<Op> ops = operations();
    List<Op> order = new ArrayList<>(ops.stream().filter(op -> !op.method().equals("delete")).toList());
    List<Op> deletes = new ArrayList<>(ops.stream().filter(op -> op.method().equals("delete")).toList());
    java.util.Collections.reverse(deletes);
    order.addAll(deletes);

    Replay replay = new Replay();
    List<String> problems = new ArrayList<>();
    List<String> covered = new ArrayList<>();
    for (Op op : order) {
      try {
        String problem = replay.run(op);
        if (problem == null) {
          covered.add(op.id());
        } else {
          problems.add(op.id() + ": " + problem);
        }
      } catch (RuntimeException | AssertionError e) {
        problems.add(op.id() + ": " + e);
      }
    }
    if (RECORD != null) {
      Files.writeString(Path.of(RECORD), replay.recorded.encodePrettily());
    }
    System.out.printf("contract replay: %d of %d operations replayed and their answers valid%n", covered.size(),
        ops.size());
    problems.forEach(p -> System.out.println("  not covered: " + p));
    assertTrue(problems.isEmpty(), () -> problems.size() + " operations not covered:\n  " + String.join("\n  ", problems));
    assertEquals(ops.size(), covered.size());
  }

  /** The state of one replay: the store, the key, and which example id stands for which real one. */
  private static final class Replay {
    final Map<String, String> exampleToReal = new HashMap<>();
    final Map<String, String> realToExample = new HashMap<>();
    final Map<String, Integer> handedOut = new HashMap<>();
    /** Collection path (templated) -> ids created there by POST, the latest last. */
    final Map<String, List<String>> created = new HashMap<>();
    final JsonObject recorded = new JsonObject();
    final Map<String, String> platformSecrets = new HashMap<>();
    String storeKey;

    /**
     * What a few operations need that the examples before them in the contract's order do not
     * leave behind: each set-up is a plain API call (named here), and answers path values.
     */
    private Map<String, String> setUp(Op op) throws Exception {
      if (!Set.of("addSegmentMembers", "removeSegmentMembers", "listMessages", "getMessage", "reportBounce",
          "createRemovalRequest", "downloadDataExport", "liftSuppressions", "deleteSuppression",
          "listSegmentMemberDetails", "createSegmentExport", "getSegmentExport", "downloadSegmentExport", "listSegmentItems", "bulkPutSegmentItems", "putSegmentItem",
          "deleteSegmentItem", "bulkPutSegmentCustomers", "putSegmentCustomer", "deleteSegmentCustomer",
          "getCustomerCategoryTree", "listCatalogCategories", "listCatalogProducts").contains(op.id())) {
        return Map.of();
      }
      String store = contractBase() + "/stores/" + last("/stores");
      switch (op.id()) {
        case "addSegmentMembers", "removeSegmentMembers", "bulkPutSegmentItems", "putSegmentItem", "deleteSegmentItem",
            "bulkPutSegmentCustomers", "putSegmentCustomer", "deleteSegmentCustomer" -> {
          return Map.of("id", vipList(store)); // items and assigned customers: the static segment
        }
        case "listSegmentMemberDetails", "createSegmentExport" -> { // a segment with a member to show
          String sarah = last("/stores/{store_id}/customers");
          call(HttpMethod.POST, store + "/segments/" + vipList(store) + "/members",
              new JsonObject().put("customer_ids", new JsonArray().add(sarah)));
          return Map.of("id", vipList(store));
        }
        case "listSegmentItems" -> { // listed before the bulk assignment in the contract's order: one item first
          call(HttpMethod.PUT, store + "/segments/" + vipList(store) + "/items/product/sku-1001", new JsonObject());
          return Map.of("id", vipList(store));
        }
        case "getCustomerCategoryTree", "listCatalogCategories" -> { // the catalog behind the assigned "shoes"
          call(HttpMethod.PUT, store + "/catalog/categories/apparel", new JsonObject().put("name", "Apparel"));
          call(HttpMethod.PUT, store + "/catalog/categories/shoes",
              new JsonObject().put("name", "Shoes").put("parent_id", "apparel"));
          return Map.of();
        }
        case "listCatalogProducts" -> { // listed before it is put in the contract's order
          call(HttpMethod.PUT, store + "/catalog/products/sku-1001", new JsonObject().put("name", "Trail runner")
              .put("category_ids", new JsonArray().add("shoes")).put("price", 89.90).put("currency", "EUR"));
          return Map.of();
        }
        case "getSegmentExport" -> { // finished, so that the answer shows a completed export
          String export = last("/stores/{store_id}/segments/{id}/exports");
          long deadline = System.currentTimeMillis() + 30_000;
          while (!"completed".equals(call(HttpMethod.GET, store + "/segment-exports/" + export, null).getString("status"))) {
            assertTrue(System.currentTimeMillis() < deadline, "the segment export did not finish in 30 s");
            Thread.sleep(250);
          }
          return Map.of("id", export);
        }
        case "downloadSegmentExport" -> { // the token comes by email only
          String link = emailedLink("/download?token=");
          return Map.of("id", last("/stores/{store_id}/segments/{id}/exports"), "?", link.substring(link.indexOf('?') + 1));
        }
        case "listMessages", "getMessage", "reportBounce" -> {
          if (!messageSent) { // a campaign started now, to a static segment of the first customer
            String segment = call(HttpMethod.POST, store + "/segments", new JsonObject().put("name", "Sarah only")
                .put("type", "static").put("customer_ids", new JsonArray().add(last("/stores/{store_id}/customers"))))
                .getString("id");
            call(HttpMethod.POST, store + "/campaigns", new JsonObject().put("name", "Welcome").put("type", "email")
                .put("segment_id", segment).put("template_id", last("/stores/{store_id}/templates"))
                .put("scheduled_at", java.time.Instant.now().toString()));
            long deadline = System.currentTimeMillis() + 30_000;
            while (call(HttpMethod.GET, store + "/messages", null).getJsonArray("data").isEmpty()) {
              assertTrue(System.currentTimeMillis() < deadline, "the set-up campaign sent no message in 30 s");
              Thread.sleep(250);
            }
            messageSent = true;
          }
          return Map.of();
        }
        case "createRemovalRequest" -> { // someone other than the customer the rest of the replay uses
          return Map.of("id", call(HttpMethod.POST, store + "/customers",
              new JsonObject().put("email", "leaving@example.com").put("first_name", "Lee")).getString("id"));
        }
        case "downloadDataExport" -> { // the signed download_url of a finished export
          String request = call(HttpMethod.POST, store + "/customers/" + last("/stores/{store_id}/customers")
              + "/removal-request", new JsonObject().put("type", "export").put("format", "json")).getString("id");
          long deadline = System.currentTimeMillis() + 30_000;
          String url;
          while ((url = call(HttpMethod.GET, store + "/removal-requests/" + request, null).getString("download_url")) == null) {
            assertTrue(System.currentTimeMillis() < deadline, "the export did not finish in 30 s");
            Thread.sleep(250);
          }
          return Map.of("id", request, "?", url.substring(url.indexOf('?') + 1));
        }
        case "liftSuppressions", "deleteSuppression" -> { // an erasure leaves a suppression (asynchronously)
          if (op.id().equals("deleteSuppression")) {
            String gone = call(HttpMethod.POST, store + "/customers", new JsonObject().put("email", "gone@example.com")).getString("id");
            call(HttpMethod.POST, store + "/customers/" + gone + "/removal-request", new JsonObject().put("type", "erasure"));
          }
          long deadline = System.currentTimeMillis() + 30_000;
          while (call(HttpMethod.GET, store + "/suppressions", null).getJsonArray("data").isEmpty()) {
            assertTrue(System.currentTimeMillis() < deadline, "no suppression 30 s after an erasure");
            Thread.sleep(250);
          }
          return Map.of();
        }
        default -> {
          return Map.of();
        }
      }
    }

    private String vipList;
    private boolean messageSent;

    /** Seed 001's "Create a static segment with explicit members", made once. */
    private String vipList(String store) {
      if (vipList == null) {
        vipList = call(HttpMethod.POST, store + "/segments",
            new JsonObject().put("name", "VIP Invite List").put("type", "static").put("customer_ids", new JsonArray()))
            .getString("id");
      }
      return vipList;
    }

    /** The first link containing {@code marker} in an email that Shoal sent (to the local SMTP server). */
    private String emailedLink(String marker) throws Exception {
      Pattern link = Pattern.compile("\\S*" + Pattern.quote(marker) + "[A-Za-z0-9]+");
      long deadline = System.currentTimeMillis() + 30_000;
      while (System.currentTimeMillis() < deadline) {
        for (MimeMessage m : mail.getReceivedMessages()) {
          Matcher found = link.matcher(GreenMailUtil.getBody(m).replace("=\r\n", "").replace("=3D", "="));
          if (found.find()) {
            return found.group();
          }
        }
        Thread.sleep(250);
      }
      throw new AssertionError("no email with a link containing " + marker + " in 30 s");
    }

    private String last(String collection) {
      List<String> ids = created.get(collection);
      assertTrue(ids != null && !ids.isEmpty(), () -> "nothing created at " + collection + " yet");
      return ids.get(ids.size() - 1);
    }

    private JsonObject call(HttpMethod method, String uri, JsonObject body) {
      ApiResponse r = ApiClient.await(server.withKey(storeKey).send(method, uri, null,
          body == null ? null : "application/json", body == null ? null : body.toBuffer()));
      assertTrue(r.status() / 100 == 2, () -> "set-up " + r.request() + " answered " + r.status() + " " + r.text());
      return r.json();
    }

    String run(Op op) throws Exception {
      Map<String, String> preset = setUp(op);
      Map<String, String> pathValues = new LinkedHashMap<>();
      Matcher m = Pattern.compile("\\{([^}]+)}").matcher(op.path());
      StringBuilder uri = new StringBuilder(contractBase());
      int last = 0;
      while (m.find()) {
        uri.append(op.path(), last, m.start());
        String value = preset.containsKey(m.group(1)) ? preset.get(m.group(1))
            : pathValue(op, m.group(1), op.path().substring(0, m.start() - 1));
        if (value == null) {
          return "no value for path parameter {" + m.group(1) + "}";
        }
        pathValues.put(m.group(1), value);
        uri.append(value);
        last = m.end();
      }
      uri.append(op.path().substring(last));
      String query = preset.containsKey("?") ? preset.get("?") : requiredQuery(op);
      if (!query.isEmpty()) {
        uri.append('?').append(query);
      }

      JsonObject media = requestMedia(op);
      Object body = media == null ? null : realIds(media.getValue("example"));
      if (media != null && body == null) {
        return "no request example";
      }
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      String key = op.path().equals("/stores") || op.path().equals("/stores/{store_id}") || storeKey == null
          ? server.adminKey() : storeKey;
      if (op.id().equals("receivePlatformWebhook")) {
        key = null;
        signPlatformWebhook(pathValues.get("platform"), Json.encode(body), headers);
      }
      int expected = successStatus(op);
      JsonObject successMedia = successMedia(op, expected);
      if (successMedia != null && successMedia.getString("type").equals("text/event-stream")) {
        return stream(op, uri.toString(), key, expected);
      }

      ApiClient client = key == null ? server.anonymous() : server.withKey(key);
      Buffer sent = body == null ? null : Buffer.buffer(Json.encode(body));
      ApiResponse r = ApiClient.await(client.send(HttpMethod.valueOf(op.method().toUpperCase()), uri.toString(),
          headers, sent == null ? null : "application/json", sent));
      long deadline = System.currentTimeMillis() + 30_000;
      while (r.status() != expected && op.method().equals("get") && System.currentTimeMillis() < deadline) {
        Thread.sleep(250); // asynchronous work (a finished export, a delivery) not there yet
        r = ApiClient.await(client.send(HttpMethod.GET, uri.toString(), headers, null, null));
      }
      if (r.status() != expected) {
        return "expected " + expected + ", got " + r.status() + " " + r.text() + " for " + r.request()
            + (sent == null ? "" : " " + sent);
      }
      String problem = validate(op.id(), r.status(), headersOf(r.headers()), r.body() == null ? null : r.body(),
          r.header("Content-Type"));
      if (problem != null) {
        return problem + " in " + r.text();
      }
      String type = r.header("Content-Type");
      Object real = r.body() == null || r.body().length() == 0 ? null
          : type == null || isJson(type) ? Json.decodeValue(r.body())
          : type.startsWith("text/") ? r.text() : "(" + r.body().length() + " bytes of " + type + ")";
      learnIds(op, successMedia, real);
      if (op.method().equals("post") && real instanceof JsonObject o && o.getString("id") != null) {
        created.computeIfAbsent(op.path(), p -> new ArrayList<>()).add(o.getString("id"));
      }
      if (op.method().equals("delete")) {
        String collection = op.path().substring(0, op.path().lastIndexOf('/'));
        List<String> ids = created.get(collection);
        if (ids != null) {
          ids.removeAll(pathValues.values());
        }
      }
      if (SECOND_ANSWERS.containsKey(op.id())) { // the same request again: its own documented answer
        ApiResponse again = ApiClient.await(client.send(HttpMethod.valueOf(op.method().toUpperCase()), uri.toString(),
            headers, sent == null ? null : "application/json", sent));
        if (again.status() != SECOND_ANSWERS.get(op.id())) {
          return "sent again: expected " + SECOND_ANSWERS.get(op.id()) + ", got " + again.status() + " " + again.text();
        }
        String second = validate(op.id(), again.status(), headersOf(again.headers()), again.body(),
            again.header("Content-Type"));
        if (second != null) {
          return "sent again: " + second + " in " + again.text();
        }
      }
      if (op.id().equals("createStore")) {
        storeKey = ((JsonObject) real).getString("api_key");
      }
      if (op.id().equals("putWebhookSecret") && body instanceof JsonObject b) {
        platformSecrets.put(pathValues.get("platform"), b.getString("secret"));
      }
      if (RECORD != null) {
        recorded.put(op.id(), new JsonObject().put("status", r.status()).put("body", exampleIds(real)));
      }
      return null;
    }

    /** A Server-Sent Events stream never ends: its status and headers are checked, then it is closed. */
    private String stream(Op op, String uri, String key, int expected) {
      HttpClient http = server.clientVertx().createHttpClient();
      try {
        HttpClientResponse response = ApiClient.await(http.request(new RequestOptions()
                .setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(server.port()).setURI(uri)
                .putHeader("Authorization", "Bearer " + key).putHeader("Accept", "text/event-stream"))
            .compose(req -> req.send()));
        if (response.statusCode() != expected) {
          return "expected " + expected + ", got " + response.statusCode();
        }
        String type = response.getHeader("Content-Type");
        if (type == null || !type.startsWith("text/event-stream")) {
          return "Content-Type " + type + ", the contract says text/event-stream";
        }
        String problem = validate(op.id(), response.statusCode(), headersOf(response.headers()), null, null);
        if (RECORD != null) {
          recorded.put(op.id(), new JsonObject().put("status", response.statusCode()).put("body", "(stream)"));
        }
        return problem;
      } finally {
        http.close();
      }
    }

    private void signPlatformWebhook(String platform, String body, MultiMap headers) {
      String secret = platformSecrets.get(platform);
      io.shoal.event.platform.Platform p = java.util.Arrays.stream(io.shoal.event.platform.Platform.values())
          .filter(x -> x.pathSegment().equals(platform)).findFirst().orElseThrow();
      headers.add(p.signatureHeader(), WebhookSignature.sign(secret == null ? "" : secret, body.getBytes(StandardCharsets.UTF_8)));
      headers.add(p.topicHeader(), platform.equals("shopify") ? "customers/create" : "customer.created");
      headers.add(p.deliveryIdHeader(), "replay-" + System.nanoTime());
    }

    /** The id for a path parameter: created under its collection, else listed there, else its example. */
    private String pathValue(Op op, String name, String collectionTemplate) throws Exception {
      Object named = explicitExample(op, name); // a natural key the store chooses (a product id, a coupon code)
      if (named != null) {
        return realIds(String.valueOf(named)).toString();
      }
      List<String> ids = created.get(collectionTemplate);
      if (ids != null && !ids.isEmpty()) {
        return ids.get(ids.size() - 1);
      }
      Object example = parameterExample(op, name);
      if (example != null) {
        return realIds(String.valueOf(example)).toString();
      }
      // a collection whose items appear on their own (messages, notifications, data requests)
      String listTemplate = collectionTemplate;
      if (raw.getJsonObject("paths").getJsonObject(listTemplate) == null
          || raw.getJsonObject("paths").getJsonObject(listTemplate).getJsonObject("get") == null) {
        return null;
      }
      String listUri = contractBase() + listTemplate.replace("{store_id}", created.getOrDefault("/stores", List.of("?")).get(
          created.getOrDefault("/stores", List.of("?")).size() - 1));
      if (listUri.contains("{")) {
        return null;
      }
      long deadline = System.currentTimeMillis() + 30_000;
      while (System.currentTimeMillis() < deadline) {
        ApiResponse list = ApiClient.await(server.withKey(storeKey).send(HttpMethod.GET, listUri, null, null, null));
        if (list.status() == 200 && !list.json().getJsonArray("data", new JsonArray()).isEmpty()) {
          Object first = list.json().getJsonArray("data").getValue(0);
          return first instanceof JsonObject o ? o.getString("id", o.getString(name)) : String.valueOf(first);
        }
        Thread.sleep(250);
      }
      return null;
    }

    /** Required query parameters, from their examples (ids replaced by the real ones). */
    private String requiredQuery(Op op) {
      List<String> pairs = new ArrayList<>();
      for (Object o : op.operation().getJsonArray("parameters", new JsonArray())) {
        JsonObject p = resolve((JsonObject) o);
        if ("query".equals(p.getString("in")) && p.getBoolean("required", false)) {
          assertTrue(p.containsKey("example"), () -> op.id() + ": the required query parameter " + p.getString("name")
              + " has no example");
          pairs.add(p.getString("name") + "=" + ApiClient.encode(realIds(String.valueOf(p.getValue("example"))).toString()));
        }
      }
      return String.join("&", pairs);
    }

    private Object explicitExample(Op op, String name) {
      Object example = parameterExample(op, name);
      return example != null && pathParameter(op, name).containsKey("example") ? example : null;
    }

    private JsonObject pathParameter(Op op, String name) {
      JsonArray params = new JsonArray();
      raw.getJsonObject("paths").getJsonObject(op.path()).getJsonArray("parameters", new JsonArray()).forEach(params::add);
      op.operation().getJsonArray("parameters", new JsonArray()).forEach(params::add);
      for (Object o : params) {
        JsonObject p = resolve((JsonObject) o);
        if (name.equals(p.getString("name")) && "path".equals(p.getString("in"))) {
          return p;
        }
      }
      return new JsonObject();
    }

    private Object parameterExample(Op op, String name) {
      JsonArray params = new JsonArray();
      JsonObject item = raw.getJsonObject("paths").getJsonObject(op.path());
      item.getJsonArray("parameters", new JsonArray()).forEach(params::add);
      op.operation().getJsonArray("parameters", new JsonArray()).forEach(params::add);
      for (Object o : params) {
        JsonObject p = resolve((JsonObject) o);
        if (name.equals(p.getString("name")) && "path".equals(p.getString("in"))) {
          if (p.containsKey("example")) {
            return p.getValue("example");
          }
          JsonObject schema = p.getJsonObject("schema", new JsonObject());
          if (schema.getJsonArray("enum") != null) {
            return schema.getJsonArray("enum").getValue(0);
          }
        }
      }
      return null;
    }

    /** Walks the success example beside the real answer: an example id where a real one stands maps to it. */
    private void learnIds(Op op, JsonObject successMedia, Object real) {
      if (RECORD != null) {
        exampleIds(real); // hands out example ids for the new ones
        return;
      }
      if (successMedia != null && successMedia.containsKey("example")) {
        pair(successMedia.getValue("example"), real);
      }
    }

    private void pair(Object example, Object real) {
      if (example instanceof JsonObject e && real instanceof JsonObject r) {
        e.fieldNames().forEach(k -> pair(e.getValue(k), r.getValue(k)));
      } else if (example instanceof JsonArray e && real instanceof JsonArray r) {
        for (int i = 0; i < Math.min(e.size(), r.size()); i++) {
          pair(e.getValue(i), r.getValue(i));
        }
      } else if (example instanceof String e && real instanceof String r && ID.matcher(e).matches()
          && ID.matcher(r).matches() && !exampleToReal.containsKey(e) && !realToExample.containsKey(r)) {
        exampleToReal.put(e, r);
        realToExample.put(r, e);
      }
    }

    /** The example with its example ids replaced by the real ones learnt so far. */
    Object realIds(Object example) {
      return replaceStrings(example, s -> {
        String out = s;
        for (Map.Entry<String, String> e : exampleToReal.entrySet()) {
          out = out.replace(e.getKey(), e.getValue());
        }
        return out;
      });
    }

    /** A real answer with its ids replaced by stable example ids (new ones handed out in order). */
    Object exampleIds(Object real) {
      return replaceStrings(real, s -> {
        Matcher id = ID.matcher(s);
        if (!id.matches()) {
          String out = s;
          for (Map.Entry<String, String> e : realToExample.entrySet()) {
            out = out.replace(e.getKey(), e.getValue());
          }
          return out;
        }
        return realToExample.computeIfAbsent(s, k -> {
          int n = handedOut.merge(id.group(1), 1, Integer::sum) - 1;
          String example = id.group(1) + "_" + EXAMPLE_SUFFIXES.get(n % EXAMPLE_SUFFIXES.size());
          exampleToReal.put(example, k);
          return example;
        });
      });
    }
  }

  private static Object replaceStrings(Object value, java.util.function.UnaryOperator<String> f) {
    if (value instanceof JsonObject o) {
      JsonObject out = new JsonObject();
      o.forEach(e -> out.put(e.getKey(), replaceStrings(e.getValue(), f)));
      return out;
    }
    if (value instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      a.forEach(v -> out.add(replaceStrings(v, f)));
      return out;
    }
    return value instanceof String s ? f.apply(s) : value;
  }

  private static String validate(String operationId, int status, Map<String, String> headers, Object body, String type) {
    Buffer buffer = body == null ? null : body instanceof Buffer b ? b
        : body instanceof String text && type != null && !isJson(type) ? Buffer.buffer(text) // CSV, for one
        : Buffer.buffer(Json.encode(body));
    ValidatableResponse response = buffer == null || buffer.length() == 0
        ? ValidatableResponse.create(status, headers)
        : ValidatableResponse.create(status, headers, buffer, type);
    try {
      ApiClient.await(validator.validate(response, operationId));
      return null;
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null && !(e instanceof io.vertx.openapi.validation.ValidatorException) ? e.getCause() : e;
      if (cause instanceof io.vertx.openapi.validation.SchemaValidationException sve) {
        return sve.getMessage() + " " + describe(sve.getOutputUnit());
      }
      return String.valueOf(cause);
    }
  }

  private static Map<String, String> headersOf(MultiMap headers) {
    Map<String, String> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static Map<String, String> exampleHeaders(JsonObject response) {
    Map<String, String> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    JsonObject declared = response.getJsonObject("headers", new JsonObject());
    for (String name : declared.fieldNames()) {
      JsonObject header = resolve(declared.getJsonObject(name));
      if (header.containsKey("example")) {
        out.put(name, String.valueOf(header.getValue("example")));
      }
    }
    return out;
  }

  private static String describe(OutputUnit out) {
    if (out == null) {
      return "";
    }
    List<String> errors = new ArrayList<>();
    if (out.getErrors() != null) {
      out.getErrors().forEach(e -> errors.add(e.getInstanceLocation() + ": " + e.getError()));
    }
    return errors.isEmpty() ? String.valueOf(out.getError()) : String.join("; ", errors);
  }

  private static boolean isJson(String type) {
    return type.startsWith("application/json") || type.contains("+json");
  }

  private static JsonObject requestMedia(Op op) {
    if (op.requestBody() == null) {
      return null;
    }
    return op.requestBody().getJsonObject("content", new JsonObject()).getJsonObject("application/json");
  }

  /**
   * Operations whose example, replayed on a fresh store, gets a documented refusal rather than
   * the success: fitting the metrics models needs 50 customers with orders.
   */
  private static final Map<String, Integer> EXPECTED_REFUSALS = Map.of("refitMetricsModel", 422);

  /** Operations whose request, sent a second time, gets another documented answer (checked too). */
  private static final Map<String, Integer> SECOND_ANSWERS = Map.of("redeemCoupon", 200);

  /** The first 2xx status the operation declares (or its documented refusal, above). */
  private static int successStatus(Op op) {
    if (EXPECTED_REFUSALS.containsKey(op.id())) {
      return EXPECTED_REFUSALS.get(op.id());
    }
    return op.operation().getJsonObject("responses").fieldNames().stream()
        .filter(s -> s.startsWith("2")).mapToInt(Integer::parseInt).findFirst()
        .orElseThrow(() -> new AssertionError(op.id() + " declares no 2xx response"));
  }

  /** The success response's JSON media (with "type" added), or null when it has no body. */
  private static JsonObject successMedia(Op op, int status) {
    JsonObject response = resolve(op.operation().getJsonObject("responses").getJsonObject(String.valueOf(status)));
    JsonObject content = response.getJsonObject("content");
    if (content == null || content.isEmpty()) {
      return null;
    }
    String type = content.fieldNames().iterator().next();
    return content.getJsonObject(type).copy().put("type", type);
  }

  private static String contractBase() {
    String url = raw.getJsonArray("servers").getJsonObject(0).getString("url");
    return url.replaceFirst("^[a-z]+://[^/]+", "");
  }

  record Op(String id, String method, String path, JsonObject operation, JsonObject requestBody) {}

  private static List<Op> operations() {
    List<Op> ops = new ArrayList<>();
    JsonObject paths = raw.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : METHODS) {
        JsonObject op = item.getJsonObject(method);
        if (op != null) {
          ops.add(new Op(op.getString("operationId"), method, path, op, resolve(op.getJsonObject("requestBody"))));
        }
      }
    }
    return ops;
  }

  private static JsonObject resolve(JsonObject maybeRef) {
    if (maybeRef == null || !maybeRef.containsKey("$ref")) {
      return maybeRef;
    }
    JsonObject node = raw;
    for (String part : maybeRef.getString("$ref").substring(2).split("/")) {
      node = node.getJsonObject(part);
    }
    return node;
  }
}
