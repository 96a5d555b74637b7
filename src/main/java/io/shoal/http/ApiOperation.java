package io.shoal.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/** Every operationId of {@code openapi/shoal.yaml}, each served by exactly one handler. */
public enum ApiOperation {
  CREATE_STORE("createStore"),
  LIST_STORES("listStores"),
  GET_STORE("getStore"),
  CREATE_API_KEY("createApiKey"),
  LIST_API_KEYS("listApiKeys"),
  REVOKE_API_KEY("revokeApiKey"),

  LIST_CUSTOMERS("listCustomers"),
  CREATE_CUSTOMER("createCustomer"),
  GET_CUSTOMER("getCustomer"),
  UPDATE_CUSTOMER("updateCustomer"),
  DELETE_CUSTOMER("deleteCustomer"),
  LIST_CUSTOMER_NOTES("listCustomerNotes"),
  CREATE_CUSTOMER_NOTE("createCustomerNote"),
  LIST_CUSTOMER_ACTIVITY("listCustomerActivity"),
  CREATE_CUSTOMER_ACTIVITY("createCustomerActivity"),
  LIST_CUSTOMER_ATTRIBUTES("listCustomerAttributes"),
  PUT_CUSTOMER_ATTRIBUTE("putCustomerAttribute"),
  DELETE_CUSTOMER_ATTRIBUTE("deleteCustomerAttribute"),

  INGEST_EVENT("ingestEvent"),
  INGEST_EVENT_BATCH("ingestEventBatch"),
  PUT_WEBHOOK_SECRET("putWebhookSecret"),
  RECEIVE_PLATFORM_WEBHOOK("receivePlatformWebhook"),

  LIST_SEGMENTS("listSegments"),
  CREATE_SEGMENT("createSegment"),
  GET_SEGMENT("getSegment"),
  UPDATE_SEGMENT("updateSegment"),
  DELETE_SEGMENT("deleteSegment"),
  LIST_CUSTOMER_SEGMENTS("listCustomerSegments"),
  CREATE_CUSTOMER_SEGMENT("createCustomerSegment"),
  GET_CUSTOMER_SEGMENT("getCustomerSegment"),
  UPDATE_CUSTOMER_SEGMENT("updateCustomerSegment"),
  DELETE_CUSTOMER_SEGMENT("deleteCustomerSegment"),
  LIST_SEGMENT_MEMBERS("listSegmentMembers"),
  ADD_SEGMENT_MEMBERS("addSegmentMembers"),
  REMOVE_SEGMENT_MEMBERS("removeSegmentMembers"),
  EXPLAIN_SEGMENT("explainSegment"),
  PREVIEW_SEGMENT("previewSegment"),
  LIST_SEGMENT_TRANSITIONS("listSegmentTransitions"),
  REFRESH_SEGMENT("refreshSegment"),
  LIST_SEGMENT_MEMBER_DETAILS("listSegmentMemberDetails"),
  LIST_CUSTOMER_RECOMMENDATIONS("listCustomerRecommendations"),
  CREATE_SEGMENT_EXPORT("createSegmentExport"),
  GET_SEGMENT_EXPORT("getSegmentExport"),
  DOWNLOAD_SEGMENT_EXPORT("downloadSegmentExport"),

  // segments in the storefront (seed 004): search, item and customer assignments, a customer's items
  SEARCH_SEGMENTS("searchSegments"),
  PUT_SEGMENT_ITEM("putSegmentItem"),
  DELETE_SEGMENT_ITEM("deleteSegmentItem"),
  LIST_SEGMENT_ITEMS("listSegmentItems"),
  BULK_PUT_SEGMENT_ITEMS("bulkPutSegmentItems"),
  PUT_SEGMENT_CUSTOMER("putSegmentCustomer"),
  DELETE_SEGMENT_CUSTOMER("deleteSegmentCustomer"),
  BULK_PUT_SEGMENT_CUSTOMERS("bulkPutSegmentCustomers"),
  LIST_CUSTOMER_SEGMENT_ITEMS("listCustomerSegmentItems"),
  GET_CUSTOMER_CATEGORY_TREE("getCustomerCategoryTree"),

  // catalog
  PUT_CATALOG_CATEGORY("putCatalogCategory"),
  GET_CATALOG_CATEGORY("getCatalogCategory"),
  DELETE_CATALOG_CATEGORY("deleteCatalogCategory"),
  LIST_CATALOG_CATEGORIES("listCatalogCategories"),
  PUT_CATALOG_PRODUCT("putCatalogProduct"),
  GET_CATALOG_PRODUCT("getCatalogProduct"),
  DELETE_CATALOG_PRODUCT("deleteCatalogProduct"),
  LIST_CATALOG_PRODUCTS("listCatalogProducts"),

  // coupons
  CREATE_COUPON("createCoupon"),
  LIST_COUPONS("listCoupons"),
  GET_COUPON("getCoupon"),
  UPDATE_COUPON("updateCoupon"),
  DELETE_COUPON("deleteCoupon"),
  VALIDATE_COUPON("validateCoupon"),
  REDEEM_COUPON("redeemCoupon"),
  LIST_COUPON_REDEMPTIONS("listCouponRedemptions"),

  CREATE_WEBHOOK_ENDPOINT("createWebhookEndpoint"),
  LIST_WEBHOOK_ENDPOINTS("listWebhookEndpoints"),
  GET_WEBHOOK_ENDPOINT("getWebhookEndpoint"),
  UPDATE_WEBHOOK_ENDPOINT("updateWebhookEndpoint"),
  DELETE_WEBHOOK_ENDPOINT("deleteWebhookEndpoint"),
  ROLL_WEBHOOK_ENDPOINT_SECRET("rollWebhookEndpointSecret"),
  LIST_WEBHOOK_DELIVERIES("listWebhookDeliveries"),
  LIST_EVENTS("listEvents"),
  REDELIVER_EVENT("redeliverEvent"),
  STREAM_EVENTS("streamEvents"),

  GET_CUSTOMER_METRICS("getCustomerMetrics"),
  GET_METRICS_MODEL("getMetricsModel"),
  REFIT_METRICS_MODEL("refitMetricsModel"),

  CREATE_REMOVAL_REQUEST("createRemovalRequest"),
  LIST_CUSTOMER_REMOVAL_REQUESTS("listCustomerRemovalRequests"),
  LIST_REMOVAL_REQUESTS("listRemovalRequests"),
  GET_REMOVAL_REQUEST("getRemovalRequest"),
  DOWNLOAD_DATA_EXPORT("downloadDataExport"),
  LIST_DATA_REQUEST_AUDIT("listDataRequestAudit"),
  LIST_SUPPRESSIONS("listSuppressions"),
  DELETE_SUPPRESSION("deleteSuppression"),
  LIFT_SUPPRESSIONS("liftSuppressions"),


  CREATE_TEMPLATE("createTemplate"),
  LIST_TEMPLATES("listTemplates"),
  GET_TEMPLATE("getTemplate"),
  UPDATE_TEMPLATE("updateTemplate"),
  DELETE_TEMPLATE("deleteTemplate"),
  PREVIEW_TEMPLATE("previewTemplate"),
  LIST_MESSAGES("listMessages"),
  GET_MESSAGE("getMessage"),
  REPORT_BOUNCE("reportBounce"),

  LIST_CAMPAIGNS("listCampaigns"),
  CREATE_CAMPAIGN("createCampaign"),
  GET_CAMPAIGN("getCampaign"),
  UPDATE_CAMPAIGN("updateCampaign"),
  CANCEL_CAMPAIGN("cancelCampaign"),
  GET_CAMPAIGN_ANALYTICS("getCampaignAnalytics"),


  LIST_AUTOMATION_RULES("listAutomationRules"),
  CREATE_AUTOMATION_RULE("createAutomationRule"),
  GET_AUTOMATION_RULE("getAutomationRule"),
  UPDATE_AUTOMATION_RULE("updateAutomationRule"),
  DELETE_AUTOMATION_RULE("deleteAutomationRule"),
  LIST_AUTOMATION_RUNS("listAutomationRuns"),

  // dashboard charts
  GET_SEGMENT_HISTORY("getSegmentHistory"),
  GET_CAMPAIGN_TIMELINE("getCampaignTimeline"),

  // storefront tracking
  CREATE_PUBLISHABLE_KEY("createPublishableKey"),
  LIST_PUBLISHABLE_KEYS("listPublishableKeys"),
  REVOKE_PUBLISHABLE_KEY("revokePublishableKey");

  private final String operationId;

  ApiOperation(String operationId) {
    this.operationId = operationId;
  }

  public String operationId() {
    return operationId;
  }

  public void mount(RouterBuilder rb, Handler<RoutingContext> handler) {
    var route = rb.getRoute(operationId);
    if (route == null) {
      throw new IllegalStateException("operation " + operationId + " is not in openapi/shoal.yaml");
    }
    route.addHandler(handler);
  }
}
