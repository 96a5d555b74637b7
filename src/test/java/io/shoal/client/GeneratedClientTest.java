package io.shoal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.client.api.CustomersApi;
import io.shoal.client.api.EventsApi;
import io.shoal.client.api.NotificationsApi;
import io.shoal.client.api.SegmentsApi;
import io.shoal.client.api.StoresApi;
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
import io.shoal.testing.TestServer;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
    StoreWithKey store = new StoresApi(clientWith(server.adminKey()))
        .createStore(new CreateStoreRequest().name("Acme Outdoor"), null);
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

  @Test
  void customersAreCreatedFoundUpdatedAndAnUnknownOneIsA404() throws ApiException {
    CustomersApi customers = new CustomersApi(client);
    Customer sarah = customers.createCustomer(storeId, new CustomerCreate()
        .email("sarah.chen@example.com").firstName("Sarah").lastName("Chen").tags(List.of("retail")), null);
    assertTrue(sarah.getId().startsWith("cust_"), sarah.getId());
    assertEquals(0, sarah.getTotalOrders());

    Customer updated = customers.updateCustomer(storeId, sarah.getId(), new CustomerUpdate().lastName("Chen-Rivera"));
    assertEquals("Chen-Rivera", updated.getLastName());
    assertEquals("sarah.chen@example.com", customers.getCustomer(storeId, sarah.getId()).getEmail());


    ApiException missing = assertThrows(ApiException.class, () -> customers.getCustomer(storeId, "cust_00000000000000000000"));
    assertEquals(404, missing.getCode());
    assertTrue(missing.getResponseBody().contains("\"error\""), missing.getResponseBody());
  }

  @Test
  void anOrderEventMovesTheCustomerIntoADynamicSegment() throws Exception {
    SegmentsApi segments = new SegmentsApi(client);
    Segment bigSpenders = segments.createSegment(storeId, new SegmentCreate().name("Big spenders").isDynamic(true)
        .rules(List.of(Map.of("field", "total_spent", "operator", "gte", "value", 250))), null);
    assertTrue(bigSpenders.getId().startsWith("seg_"), bigSpenders.getId());

    EventAccepted accepted = new EventsApi(client).ingestEvent(storeId, new EventInput()
        .type("order.completed")
        .customer(Map.of("email", "john@acmecorp.com", "first_name", "John"))
        .data(Map.of("order_id", "1047", "total", 289.00, "currency", "USD")), null);
    assertNotNull(accepted.getCustomerId());

    CustomersApi customers = new CustomersApi(client);
    long deadline = System.currentTimeMillis() + 30_000;
    ModelList members;
    do {
      members = segments.listSegmentMembers(storeId, bigSpenders.getId(), 100, null);
      if (!members.getData().isEmpty()) {
        break;
      }
      Thread.sleep(100);
    } while (System.currentTimeMillis() < deadline);
    assertEquals(1, members.getData().size(), "the customer entered the segment");
    assertTrue(String.valueOf(members.getData().get(0)).contains(accepted.getCustomerId()), members::toString);
    Customer john = customers.getCustomer(storeId, accepted.getCustomerId());
    assertEquals(1, john.getTotalOrders());
    assertEquals(0, new BigDecimal("289.00").compareTo(john.getTotalSpent()));
  }

  @Test
  void webhookEndpointsAreCreatedWithTheirSecretListedUpdatedAndDeleted() throws ApiException {
    NotificationsApi notifications = new NotificationsApi(client);
    WebhookEndpoint endpoint = notifications.createWebhookEndpoint(storeId, new CreateWebhookEndpointRequest()
        .url("https://hooks.acme.example/shoal").events(List.of("customer.segment.entered")), null);
    assertTrue(endpoint.getId().startsWith("whep_"), endpoint.getId());
    assertNotNull(endpoint.getSecret(), "the signing secret is shown on creation");

    WebhookEndpoint updated = notifications.updateWebhookEndpoint(storeId, endpoint.getId(),
        new UpdateWebhookEndpointRequest().events(List.of("customer.segment.entered", "customer.segment.left")));
    assertEquals(List.of("customer.segment.entered", "customer.segment.left"), updated.getEvents());
    assertTrue(notifications.listWebhookEndpoints(storeId, 100, null).getData().stream()
        .anyMatch(e -> endpoint.getId().equals(((Map<?, ?>) e).get("id"))));

    notifications.deleteWebhookEndpoint(storeId, endpoint.getId());
    ApiException gone = assertThrows(ApiException.class, () -> notifications.getWebhookEndpoint(storeId, endpoint.getId()));
    assertEquals(404, gone.getCode());
  }
}
