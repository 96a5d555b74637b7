package io.shoal.segment;

import io.shoal.catalog.Catalog;
import io.shoal.http.ApiHandler;
import io.shoal.http.ApiOperation;
import io.shoal.http.ApiRequest;
import io.shoal.http.Reply;
import io.shoal.kernel.Cursor;
import io.shoal.kernel.DomainException;
import io.shoal.kernel.ListPage;
import io.shoal.kernel.Wire;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Seed 004's assignments: products and categories assigned to a segment (one at a time or in
 * bulk, each with free attributes), customers assigned to a static segment with a legal entity
 * and attributes, and, for one customer, the items of the live segments it is a member of and
 * the category tree they make.
 */
public final class SegmentItemsApi {

  public static final int MAX_BULK = 1000;
  public static final String PRODUCT = "product";
  public static final String CATEGORY = "category";

  private final SegmentRepository segments;
  private final SegmentItems items;
  private final Catalog catalog;

  public SegmentItemsApi(SegmentRepository segments, SegmentItems items, Catalog catalog) {
    this.segments = segments;
    this.items = items;
    this.catalog = catalog;
  }

  public void mount(RouterBuilder rb) {
    ApiOperation.PUT_SEGMENT_ITEM.mount(rb, ApiHandler.route(this::putItem));
    ApiOperation.DELETE_SEGMENT_ITEM.mount(rb, ApiHandler.route(this::deleteItem));
    ApiOperation.LIST_SEGMENT_ITEMS.mount(rb, ApiHandler.route(this::listItems));
    ApiOperation.BULK_PUT_SEGMENT_ITEMS.mount(rb, ApiHandler.route(this::bulkItems));
    ApiOperation.PUT_SEGMENT_CUSTOMER.mount(rb, ApiHandler.route(this::putCustomer));
    ApiOperation.DELETE_SEGMENT_CUSTOMER.mount(rb, ApiHandler.route(this::deleteCustomer));
    ApiOperation.BULK_PUT_SEGMENT_CUSTOMERS.mount(rb, ApiHandler.route(this::bulkCustomers));
    ApiOperation.LIST_CUSTOMER_SEGMENT_ITEMS.mount(rb, ApiHandler.route(this::customerItems));
    ApiOperation.GET_CUSTOMER_CATEGORY_TREE.mount(rb, ApiHandler.route(this::categoryTree));
  }

  // --- item assignments ----------------------------------------------------------------------

  private Future<Reply> putItem(ApiRequest req) {
    String storeId = req.storeId();
    String segmentId = req.path("id");
    String type = type(req.path("type"), "type");
    String itemId = req.path("item_id");
    JsonObject attributes = attributes(req.body(), "attributes");
    return found(storeId, segmentId)
        .compose(def -> items.putItems(storeId, segmentId, List.of(new SegmentItems.ItemWrite(type, itemId, attributes))))
        .compose(n -> items.item(storeId, segmentId, type, itemId))
        .map(row -> Reply.ok(renderItem(row)));
  }

  private Future<Reply> deleteItem(ApiRequest req) {
    String storeId = req.storeId();
    String segmentId = req.path("id");
    String type = type(req.path("type"), "type");
    String itemId = req.path("item_id");
    return found(storeId, segmentId).compose(def -> items.deleteItem(storeId, segmentId, type, itemId)).map(deleted -> {
      if (!deleted) {
        throw DomainException.notFound("item assignment", type + "/" + itemId);
      }
      return Reply.ok(new JsonObject().put("object", "segment_item").put("segment_id", segmentId).put("type", type)
          .put("item_id", itemId).put("deleted", true));
    });
  }

  private Future<Reply> listItems(ApiRequest req) {
    String storeId = req.storeId();
    String segmentId = req.path("id");
    String type = req.query("type") == null ? null : type(req.query("type"), "type");
    int limit = req.queryInt("limit", 25);
    JsonObject pos = position(req, "k", "i");
    return found(storeId, segmentId)
        .compose(def -> items.items(storeId, segmentId, type, pos == null ? null : pos.getString("k"),
            pos == null ? null : pos.getString("i"), limit + 1))
        .map(rows -> Reply.ok(ListPage.of(rows, limit, SegmentItemsApi::renderItem,
            r -> new JsonObject().put("k", r.getString("item_type")).put("i", r.getString("item_id")))));
  }

  private Future<Reply> bulkItems(ApiRequest req) {
    String storeId = req.storeId();
    String segmentId = req.path("id");
    JsonArray given = req.body().getJsonArray("items", new JsonArray());
    if (given.isEmpty() || given.size() > MAX_BULK) {
      throw DomainException.invalidParam("items", "give 1 to " + MAX_BULK + " items");
    }
    Map<String, SegmentItems.ItemWrite> writes = new LinkedHashMap<>();
    for (int i = 0; i < given.size(); i++) {
      String p = "items[" + i + "]";
      if (!(given.getValue(i) instanceof JsonObject o)) {
        throw DomainException.invalidParam(p, p + " must be an object");
      }
      String type = type(o.getString("type"), p + ".type");
      String itemId = o.getValue("item_id") == null ? null : String.valueOf(o.getValue("item_id"));
      if (itemId == null || itemId.isBlank()) {
        throw DomainException.invalidParam(p + ".item_id", p + ".item_id is missing");
      }
      writes.put(type + "\u0000" + itemId, new SegmentItems.ItemWrite(type, itemId, attributes(o, p + ".attributes")));
    }
    return found(storeId, segmentId)
        .compose(def -> items.putItems(storeId, segmentId, new ArrayList<>(writes.values())))
        .map(n -> Reply.ok(new JsonObject().put("object", "segment_items_change").put("segment_id", segmentId)
            .put("upserted", n)));
  }

  // --- customer assignments ------------------------------------------------------------------

  private Future<Reply> putCustomer(ApiRequest req) {
    String storeId = req.storeId();
    String segmentId = req.path("id");
    String customerId = req.path("customer_id");
    JsonObject body = req.body();
    SegmentItems.MemberWrite write = new SegmentItems.MemberWrite(customerId, body.getString("legal_entity_id"),
        attributes(body, "attributes"));
    return staticSegment(storeId, segmentId)
        .compose(def -> segments.unknownCustomers(storeId, List.of(customerId)))
        .compose(unknown -> {
          if (!unknown.isEmpty()) {
            throw DomainException.notFound("customer", customerId);
          }
          return items.putMembers(storeId, segmentId, List.of(write));
        })
        .compose(n -> items.member(storeId, segmentId, customerId))
        .map(row -> Reply.ok(renderMember(segmentId, row)));
  }

  private Future<Reply> deleteCustomer(ApiRequest req) {
    String storeId = req.storeId();
    String segmentId = req.path("id");
    String customerId = req.path("customer_id");
    return staticSegment(storeId, segmentId)
        .compose(def -> segments.removeMembers(storeId, segmentId, List.of(customerId)))
        .map(n -> {
          if (n == 0) {
            throw DomainException.notFound("segment member", customerId);
          }
          return Reply.ok(new JsonObject().put("object", "segment_member").put("segment_id", segmentId)
              .put("customer_id", customerId).put("deleted", true));
        });
  }

  private Future<Reply> bulkCustomers(ApiRequest req) {
    String storeId = req.storeId();
    String segmentId = req.path("id");
    JsonArray given = req.body().getJsonArray("customers", new JsonArray());
    if (given.isEmpty() || given.size() > MAX_BULK) {
      throw DomainException.invalidParam("customers", "give 1 to " + MAX_BULK + " customers");
    }
    Map<String, SegmentItems.MemberWrite> writes = new LinkedHashMap<>();
    Map<String, String> positions = new java.util.HashMap<>();
    for (int i = 0; i < given.size(); i++) {
      String p = "customers[" + i + "]";
      if (!(given.getValue(i) instanceof JsonObject o)) {
        throw DomainException.invalidParam(p, p + " must be an object");
      }
      String customerId = o.getString("customer_id");
      if (customerId == null || customerId.isBlank()) {
        throw DomainException.invalidParam(p + ".customer_id", p + ".customer_id is missing");
      }
      writes.put(customerId, new SegmentItems.MemberWrite(customerId, o.getString("legal_entity_id"),
          attributes(o, p + ".attributes")));
      positions.putIfAbsent(customerId, p + ".customer_id");
    }
    List<String> ids = new ArrayList<>(writes.keySet());
    return staticSegment(storeId, segmentId)
        .compose(def -> segments.unknownCustomers(storeId, ids))
        .compose(unknown -> {
          if (!unknown.isEmpty()) {
            throw DomainException.invalid("customer_unknown", "these customer_ids are not customers of this store: "
                + String.join(", ", unknown), positions.getOrDefault(unknown.get(0), "customers"));
          }
          return items.putMembers(storeId, segmentId, new ArrayList<>(writes.values()));
        })
        .compose(added -> segments.countMembers(storeId, segmentId).map(count -> Reply.ok(new JsonObject()
            .put("object", "segment_members_change").put("segment_id", segmentId)
            .put("added", added).put("updated", writes.size() - added).put("member_count", count))));
  }

  // --- one customer's items and category tree ------------------------------------------------

  private Future<Reply> customerItems(ApiRequest req) {
    String storeId = req.storeId();
    String customerId = req.path("id");
    String type = req.query("type") == null ? null : type(req.query("type"), "type");
    String q = req.query("q");
    if (q != null && !q.isBlank()) {
      // seed 004's q=type:PRODUCT
      String[] kv = q.trim().split(":", 2);
      if (kv.length != 2 || !kv[0].trim().equals("type")) {
        throw DomainException.invalidParam("q", "q takes type:product or type:category");
      }
      type = type(kv[1].trim(), "q");
    }
    boolean onlyActive = req.query("only_active") == null || Boolean.parseBoolean(req.query("only_active"));
    SegmentItems.CustomerItemsQuery query = new SegmentItems.CustomerItemsQuery(type, req.query("site_code"),
        req.query("legal_entity_id"), onlyActive);
    int limit = req.queryInt("limit", 25);
    JsonObject pos = position(req, "s", "k", "i");
    return customerExists(storeId, customerId)
        .compose(v -> items.customerItems(storeId, customerId, query, pos == null ? null : pos.getString("s"),
            pos == null ? null : pos.getString("k"), pos == null ? null : pos.getString("i"), limit + 1, Instant.now()))
        .map(rows -> Reply.ok(ListPage.of(rows, limit, SegmentItemsApi::renderCustomerItem,
            r -> new JsonObject().put("s", r.getString("segment_id")).put("k", r.getString("item_type"))
                .put("i", r.getString("item_id")))));
  }

  /**
   * The categories assigned to the customer's live segments, each under its ancestors from the
   * catalog. An ancestor that is not itself assigned carries only its label ({@code assigned:
   * false}): the storefront shows it, but only the assigned subcategory's products.
   */
  private Future<Reply> categoryTree(ApiRequest req) {
    String storeId = req.storeId();
    String customerId = req.path("id");
    String lang = req.header("Accept-Language");
    return customerExists(storeId, customerId)
        .compose(v -> items.customerCategories(storeId, customerId, req.query("site_code"),
            req.query("legal_entity_id"), Instant.now()))
        .compose(rows -> {
          Map<String, JsonArray> segmentsOf = new LinkedHashMap<>();
          Map<String, JsonObject> attributesOf = new LinkedHashMap<>();
          for (Row r : rows) {
            segmentsOf.computeIfAbsent(r.getString("item_id"), k -> new JsonArray()).add(r.getString("segment_id"));
            attributesOf.merge(r.getString("item_id"), r.getJsonObject("attributes"), (a, b) -> a.copy().mergeIn(b));
          }
          return catalog.withAncestors(storeId, segmentsOf.keySet()).map(known -> {
            Map<String, JsonObject> nodes = new TreeMap<>();
            for (String id : segmentsOf.keySet()) {
              nodes.put(id, node(id, known.get(id), lang).put("assigned", true)
                  .put("segment_ids", segmentsOf.get(id)).put("attributes", attributesOf.get(id)));
            }
            // ancestors: label only
            for (Catalog.Category c : Catalog.sorted(known)) {
              nodes.computeIfAbsent(c.id(), id -> node(id, c, lang).put("assigned", false)
                  .put("segment_ids", new JsonArray()).put("attributes", new JsonObject()));
            }
            JsonArray roots = new JsonArray();
            for (Map.Entry<String, JsonObject> e : nodes.entrySet()) {
              Catalog.Category c = known.get(e.getKey());
              String parent = c == null ? null : c.parentId();
              JsonObject parentNode = parent == null ? null : nodes.get(parent);
              if (parentNode == null) {
                roots.add(e.getValue());
              } else {
                parentNode.getJsonArray("children").add(e.getValue());
              }
            }
            return Reply.ok(new JsonObject().put("object", "category_tree").put("customer_id", customerId)
                .put("data", roots));
          });
        });
  }

  private static JsonObject node(String id, Catalog.Category c, String lang) {
    return new JsonObject().put("object", "category_tree_node").put("id", id)
        .put("name", c == null ? null : c.name().pick(lang))
        .put("parent_id", c == null ? null : c.parentId())
        .put("in_catalog", c != null)
        .put("children", new JsonArray());
  }

  // --- helpers --------------------------------------------------------------------------------

  private Future<SegmentDefinition> found(String storeId, String id) {
    return segments.get(storeId, id).map(def -> {
      if (def == null) {
        throw DomainException.notFound("segment", id);
      }
      return def;
    });
  }

  private Future<SegmentDefinition> staticSegment(String storeId, String id) {
    return found(storeId, id).map(def -> {
      if (def.isEvaluated()) {
        throw DomainException.invalid("segment_not_static", "members of a " + def.type()
            + " segment follow its rules; only static segments take assigned customers", "id");
      }
      return def;
    });
  }

  private Future<Void> customerExists(String storeId, String customerId) {
    return segments.unknownCustomers(storeId, List.of(customerId)).map(unknown -> {
      if (!unknown.isEmpty()) {
        throw DomainException.notFound("customer", customerId);
      }
      return null;
    });
  }

  private static JsonObject position(ApiRequest req, String... keys) {
    String cursor = req.query("cursor");
    if (cursor == null) {
      return null;
    }
    JsonObject pos = Cursor.decode(cursor);
    for (String k : keys) {
      if (!(pos.getValue(k) instanceof String)) {
        throw Cursor.invalid();
      }
    }
    return pos;
  }

  /** {@code product} or {@code category}, in any case (seed 004 writes PRODUCT). */
  static String type(String value, String param) {
    String t = value == null ? "" : value.toLowerCase(Locale.ROOT);
    if (!t.equals(PRODUCT) && !t.equals(CATEGORY)) {
      throw DomainException.invalidParam(param, param + " is product or category, got '" + value + "'");
    }
    return t;
  }

  /** Free attributes: {@code attributes}, or seed 004's {@code mixins} (kept as given). */
  private static JsonObject attributes(JsonObject body, String param) {
    Object value = body.containsKey("attributes") ? body.getValue("attributes") : body.getValue("mixins");
    if (value == null) {
      return new JsonObject();
    }
    if (!(value instanceof JsonObject o)) {
      throw DomainException.invalidParam(param, param + " must be an object");
    }
    if (o.encode().length() > 16_384) {
      throw DomainException.invalidParam(param, param + " is larger than 16 KB");
    }
    return o;
  }

  private static JsonObject renderItem(Row r) {
    return new JsonObject().put("object", "segment_item").put("segment_id", r.getString("segment_id"))
        .put("type", r.getString("item_type")).put("item_id", r.getString("item_id"))
        .put("attributes", r.getJsonObject("attributes"))
        .put("created_at", Wire.time(r.getOffsetDateTime("created_at")))
        .put("updated_at", Wire.time(r.getOffsetDateTime("updated_at")));
  }

  private static JsonObject renderCustomerItem(Row r) {
    return new JsonObject().put("object", "segment_item").put("segment_id", r.getString("segment_id"))
        .put("type", r.getString("item_type")).put("item_id", r.getString("item_id"))
        .put("attributes", r.getJsonObject("attributes"))
        .put("site_code", r.getString("site_code"))
        .put("legal_entity_id", r.getString("legal_entity_id"))
        .put("segment_active", r.getBoolean("live"))
        .put("updated_at", Wire.time(r.getOffsetDateTime("updated_at")));
  }

  private static JsonObject renderMember(String segmentId, Row r) {
    return new JsonObject().put("object", "segment_member").put("segment_id", segmentId)
        .put("customer_id", r.getString("customer_id"))
        .put("legal_entity_id", r.getString("legal_entity_id"))
        .put("attributes", r.getJsonObject("attributes") == null ? new JsonObject() : r.getJsonObject("attributes"))
        .put("since", Wire.time(r.getOffsetDateTime("since")));
  }
}
