package io.shoal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.client.api.CustomersApi;
import io.shoal.client.api.CustomersApi.APICreateCustomerRequest;
import io.shoal.client.api.CustomersApi.APIGetCustomerRequest;
import io.shoal.client.api.CustomersApi.APIUpdateCustomerRequest;
import io.shoal.client.api.EventsApi;
import io.shoal.client.api.EventsApi.APIIngestEventRequest;
import io.shoal.client.api.NotificationsApi;
import io.shoal.client.api.NotificationsApi.APICreateWebhookEndpointRequest;
import io.shoal.client.api.NotificationsApi.APIDeleteWebhookEndpointRequest;
import io.shoal.client.api.NotificationsApi.APIGetWebhookEndpointRequest;
import io.shoal.client.api.NotificationsApi.APIListWebhookEndpointsRequest;
import io.shoal.client.api.NotificationsApi.APIUpdateWebhookEndpointRequest;
import io.shoal.client.api.SegmentsApi;
import io.shoal.client.api.SegmentsApi.APICreateSegmentRequest;
import io.shoal.client.api.SegmentsApi.APIListSegmentMembersRequest;
import io.shoal.client.api.StoresApi;
import io.shoal.client.api.StoresApi.APICreateStoreRequest;
import io.shoal.client.model.CreateStoreRequest;
import io.shoal.client.model.CreateWebhookEndpointRequest;
import io.shoal.client.model.Customer;
import io.shoal.client.model.CustomerCreate;
import io.shoal.client.model.CustomerUpdate;
import io.shoal.client.model.EventAccepted;
import io.shoal.client.model.EventInput;
import io.shoal.client.model.ModelList;
import io.shoal.client.model.Segment;
import io.shoal.client.model.SegmentCreate;
import io.shoal.client.model.StoreWithKey;
import io.shoal.client.model.UpdateWebhookEndpointRequest;
import io.shoal.client.model.WebhookEndpoint;
import io.shoal.http.ApiVerticle;
import io.shoal.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Java client generated from the contract at build time (classifier {@code client}) does
 * what a store developer needs first, against a real Shoal: customers, events, segments and
 * webhook endpoints. It is used exactly as the README shows.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GeneratedClientTest {

  private static TestServer server;
  private static String storeId;
  private static ApiClient client;

  @BeforeAll
  static void start() throws ApiException {
    server = TestServer.start();
    StoreWithKey store = new StoresApi(clientWith(server.adminKey())).createStore(APICreateStoreRequest.newBuilder()
        .createStoreRequest(new CreateStoreRequest().name("Acme Outdoor")).build());
    storeId = store.getId();
    client = clientWith(store.getApiKey());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** As in the README: the base URL and the bearer key. */
  private static ApiClient clientWith(String key) {
    ApiClient client = new ApiClient();
    client.updateBaseUri("http://127.0.0.1:" + server.port() + "/v1");
    client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + key));
    return client;
  }

  private static APIGetCustomerRequest customer(String id) {
    return APIGetCustomerRequest.newBuilder().storeId(storeId).id(id).build();
  }

  /**
   * Every operation of the contract is one method taking one request object (built by name), so
   * an optional parameter added to an operation later leaves every caller's code compiling.
   */
  @Test
  void everyOperationTakesOneRequestObject() throws Exception {
    Map<String, Object> contract = new Yaml(new SafeConstructor(new LoaderOptions()))
        .load(Files.readString(Path.of(ApiVerticle.CONTRACT)));
    JsonObject paths = new JsonObject(contract).getJsonObject("paths");
    Map<String, Method> singleRequest = new HashMap<>();
    for (Class<?> api : apiClasses()) {
      for (Method m : api.getMethods()) {
        if (m.getParameterCount() == 1 && m.getParameterTypes()[0].getSimpleName().startsWith("API")
            && m.getParameterTypes()[0].getSimpleName().endsWith("Request")) {
          singleRequest.put(m.getName(), m);
        }
      }
    }
    List<String> missing = new ArrayList<>();
    int operations = 0;
    for (String path : paths.fieldNames()) {
      for (String method : List.of("get", "post", "put", "patch", "delete")) {
        JsonObject op = paths.getJsonObject(path).getJsonObject(method);
        if (op != null) {
          operations++;
          if (!singleRequest.containsKey(op.getString("operationId"))) {
            missing.add(op.getString("operationId"));
          }
        }
      }
    }
    System.out.printf("generated client: %d of %d operations take one request object%n",
        operations - missing.size(), operations);
    assertTrue(operations > 100, "the contract's operations were read: " + operations);
    assertTrue(missing.isEmpty(), () -> "without a request-object method: " + missing);
  }

  /** The generated API classes, one per tag of the contract. */
  private static List<Class<?>> apiClasses() throws Exception {
    Path dir = Path.of(CustomersApi.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .resolve("io/shoal/client/api");
    List<Class<?>> classes = new ArrayList<>();
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith("Api.class")) {
          classes.add(Class.forName("io.shoal.client.api." + name.substring(0, name.length() - ".class".length())));
        }
      }
    }
    assertTrue(classes.size() > 10, "generated API classes found: " + classes);
    return classes;
  }

  @Test
  void customersAreCreatedFoundUpdatedAndAnUnknownOneIsA404() throws ApiException {
    CustomersApi customers = new CustomersApi(client);
    Customer sarah = customers.createCustomer(APICreateCustomerRequest.newBuilder().storeId(storeId)
        .customerCreate(new CustomerCreate().email("sarah.chen@example.com").firstName("Sarah").lastName("Chen")
            .tags(List.of("retail")))
        .build());
    assertTrue(sarah.getId().startsWith("cust_"), sarah.getId());
    assertEquals(0, sarah.getTotalOrders());

    Customer updated = customers.updateCustomer(APIUpdateCustomerRequest.newBuilder().storeId(storeId).id(sarah.getId())
        .customerUpdate(new CustomerUpdate().lastName("Chen-Rivera")).build());
    assertEquals("Chen-Rivera", updated.getLastName());
    assertEquals("sarah.chen@example.com", customers.getCustomer(customer(sarah.getId())).getEmail());

    ApiException missing = assertThrows(ApiException.class,
        () -> customers.getCustomer(customer("cust_00000000000000000000")));
    assertEquals(404, missing.getCode());
    assertTrue(missing.getResponseBody().contains("\"error\""), missing.getResponseBody());
  }

  @Test
  void anOrderEventMovesTheCustomerIntoADynamicSegment() throws Exception {
    SegmentsApi segments = new SegmentsApi(client);
    Segment bigSpenders = segments.createSegment(APICreateSegmentRequest.newBuilder().storeId(storeId)
        .segmentCreate(new SegmentCreate().name("Big spenders").isDynamic(true)
            .rules(List.of(Map.of("field", "total_spent", "operator", "gte", "value", 250))))
        .build());
    assertTrue(bigSpenders.getId().startsWith("seg_"), bigSpenders.getId());

    EventAccepted accepted = new EventsApi(client).ingestEvent(APIIngestEventRequest.newBuilder().storeId(storeId)
        .eventInput(new EventInput()
            .type("order.completed")
            .customer(Map.of("email", "john@acmecorp.com", "first_name", "John"))
            .data(Map.of("order_id", "1047", "total", 289.00, "currency", "USD")))
        .idempotencyKey("order-1047")
        .build());
    assertNotNull(accepted.getCustomerId());

    CustomersApi customers = new CustomersApi(client);
    long deadline = System.currentTimeMillis() + 30_000;
    ModelList members;
    do {
      members = segments.listSegmentMembers(APIListSegmentMembersRequest.newBuilder().storeId(storeId)
          .id(bigSpenders.getId()).limit(100).build());
      if (!members.getData().isEmpty()) {
        break;
      }
      Thread.sleep(100);
    } while (System.currentTimeMillis() < deadline);
    assertEquals(1, members.getData().size(), "the customer entered the segment");
    assertTrue(String.valueOf(members.getData().get(0)).contains(accepted.getCustomerId()), members::toString);
    Customer john = customers.getCustomer(customer(accepted.getCustomerId()));
    assertEquals(1, john.getTotalOrders());
    assertEquals(0, new BigDecimal("289.00").compareTo(john.getTotalSpent()));
  }

  @Test
  void webhookEndpointsAreCreatedWithTheirSecretListedUpdatedAndDeleted() throws ApiException {
    NotificationsApi notifications = new NotificationsApi(client);
    WebhookEndpoint endpoint = notifications.createWebhookEndpoint(APICreateWebhookEndpointRequest.newBuilder()
        .storeId(storeId)
        .createWebhookEndpointRequest(new CreateWebhookEndpointRequest()
            .url("https://hooks.acme.example/shoal").events(List.of("customer.segment.entered")))
        .build());
    assertTrue(endpoint.getId().startsWith("whep_"), endpoint.getId());
    assertNotNull(endpoint.getSecret(), "the signing secret is shown on creation");

    WebhookEndpoint updated = notifications.updateWebhookEndpoint(APIUpdateWebhookEndpointRequest.newBuilder()
        .storeId(storeId).id(endpoint.getId())
        .updateWebhookEndpointRequest(new UpdateWebhookEndpointRequest()
            .events(List.of("customer.segment.entered", "customer.segment.left")))
        .build());
    assertEquals(List.of("customer.segment.entered", "customer.segment.left"), updated.getEvents());
    assertTrue(notifications.listWebhookEndpoints(APIListWebhookEndpointsRequest.newBuilder().storeId(storeId).limit(100)
            .build()).getData().stream()
        .anyMatch(e -> endpoint.getId().equals(((Map<?, ?>) e).get("id"))));

    notifications.deleteWebhookEndpoint(APIDeleteWebhookEndpointRequest.newBuilder().storeId(storeId)
        .id(endpoint.getId()).build());
    ApiException gone = assertThrows(ApiException.class, () -> notifications.getWebhookEndpoint(
        APIGetWebhookEndpointRequest.newBuilder().storeId(storeId).id(endpoint.getId()).build()));
    assertEquals(404, gone.getCode());
  }
}
