package io.shoal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.testing.ApiClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every request path reaches a router holding every operation of the contract that could match
 * it (so it answers as the router of all operations would), and that router is a small part of
 * the whole (so Vert.x tries few regular expressions per request).
 */
class OperationGroupsTest {

  private static Vertx vertx;
  private static OperationGroups groups;
  private static Router all;

  @BeforeAll
  static void build() throws Exception {
    vertx = Vertx.vertx();
    Buffer text = Buffer.buffer(Files.readString(Path.of(ApiVerticle.CONTRACT)));
    OpenAPIContract contract = ApiClient.await(OpenAPIContract.from(vertx, ApiVerticle.routable(text)));
    RouterBuilder rb = RouterBuilder.create(vertx, contract);
    all = rb.createRouter();
    groups = OperationGroups.build("/v1", rb::createRouter, router -> { });
  }

  @AfterAll
  static void close() {
    ApiClient.await(vertx.close());
  }

  /** The operations (method and path) of the router whose path template matches the path. */
  private static Set<String> matching(Router router, String path) {
    Set<String> out = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      if (route.getPath() != null && templateMatches(route.getPath(), path)) {
        out.add(route.methods() + " " + route.getPath());
      }
    }
    return out;
  }

  /** Vert.x's rule for an operation's path: literal segments equal, a parameter any non-empty segment. */
  private static boolean templateMatches(String template, String path) {
    String[] t = trim(template).split("/", -1);
    String[] p = trim(path).split("/", -1);
    if (t.length != p.length) {
      return false;
    }
    for (int i = 0; i < t.length; i++) {
      if (t[i].startsWith(":") ? p[i].isEmpty() : !t[i].equals(p[i])) {
        return false;
      }
    }
    return true;
  }

  private static String trim(String path) {
    String s = path.startsWith("/") ? path.substring(1) : path;
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private static List<String> templates() {
    List<String> out = new ArrayList<>();
    for (Route route : all.getRoutes()) {
      if (route.getPath() != null && !out.contains(route.getPath())) {
        out.add(route.getPath());
      }
    }
    return out;
  }

  @Test
  void everyPathReachesEveryOperationThatCouldMatchIt() {
    List<String> paths = new ArrayList<>();
    for (String template : templates()) {
      // parameters filled with plain values, and with values equal to other operations' literals
      paths.add(template.replaceAll(":[^/]+", "x1"));
      paths.add(template.replaceAll(":[^/]+", "customers"));
      paths.add(template.replaceAll(":[^/]+", "products") + "/");
      paths.add(template.replaceAll(":[^/]+", "x1") + "/more");
    }
    paths.addAll(List.of("/", "/stores", "/stores/", "/nothing/here", "/stores/s1/nothing", "/stores/s1/catalog/x/y",
        "/stores/s1/catalog/products/p1", "/stores/s1/catalog/categories/c1", "/stores//customers", "/a/b/c/d/e/f/g/h"));
    assertTrue(paths.size() > 300, "paths tried: " + paths.size());
    int nonEmpty = 0;
    for (String path : paths) {
      Set<String> expected = matching(all, path);
      Router chosen = groups.routerFor("/v1" + path);
      assertEquals(expected, matching(chosen, path), "operations that could match " + path);
      nonEmpty += expected.isEmpty() ? 0 : 1;
    }
    assertTrue(nonEmpty > 150, "paths that some operation matches: " + nonEmpty);
  }

  @Test
  void anOperationWithAParameterWhereGroupsAreReadIsInEveryGroupOfItsLength() {
    List<String> templates = List.of("/a/:p/b/:q/c", "/a/:p/b/:q/:r", "/a/:p/b/:q/d", "/a/:p/b", "/x/:p/y", "/:p/q/y");
    OperationGroups synthetic = OperationGroups.build("/v1", () -> {
      Router router = Router.router(vertx);
      templates.forEach(t -> router.get(t).handler(ctx -> { }));
      return router;
    }, router -> { });
    Router whole = Router.router(vertx);
    templates.forEach(t -> whole.get(t).handler(ctx -> { }));
    for (String path : List.of("/a/1/b/2/c", "/a/1/b/2/d", "/a/1/b/2/e", "/a/1/b", "/x/1/y", "/x/q/y", "/z/q/y", "/a/1/b/2")) {
      assertEquals(matching(whole, path), matching(synthetic.routerFor("/v1" + path), path), path);
    }
    assertEquals(Set.of("[GET] /a/:p/b/:q/:r", "[GET] /a/:p/b/:q/c"), matching(synthetic.routerFor("/v1/a/1/b/2/c"), "/a/1/b/2/c"));
  }

  /** Built lazily (the API verticle, after it listens): every path goes to the router of all until the groups are built. */
  @Test
  void untilTheGroupsAreBuiltEveryPathGoesToTheRouterOfAllOperations() {
    List<Router> made = new ArrayList<>();
    OperationGroups lazy = OperationGroups.lazily("/v1", () -> {
      Router router = Router.router(vertx);
      List.of("/a/:p/b", "/x/:p/y", "/x/:p/z/:q").forEach(t -> router.get(t).handler(ctx -> { }));
      made.add(router);
      return router;
    }, router -> { });
    assertEquals(1, made.size(), "only the router of all operations is built at first");
    assertEquals(0, lazy.groupCount());
    Router whole = made.get(0);
    for (String path : List.of("/a/1/b", "/x/1/y", "/x/1/z/2", "/q")) {
      assertSame(whole, lazy.routerFor("/v1" + path), path);
    }
    lazy.buildGroups();
    assertEquals(made.size() - 1, lazy.groupCount());
    assertEquals(3, lazy.groupCount());
    assertEquals(Set.of("[GET] /a/:p/b"), matching(lazy.routerFor("/v1/a/1/b"), "/a/1/b"));
    assertEquals(Set.of("[GET] /x/:p/y"), matching(lazy.routerFor("/v1/x/1/y"), "/x/1/y"));
    assertSame(whole, lazy.routerFor("/v1/q"), "a path of no group: the router of all");
    lazy.buildGroups();
    assertEquals(4, made.size(), "built once");
  }

  @Test
  void aRequestIsComparedWithItsGroupsOperationsOnly() {
    int operations = (int) all.getRoutes().stream().filter(r -> r.getPath() != null).count();
    assertTrue(operations > 100, "operations in the contract: " + operations);
    Router customer = groups.routerFor("/v1/stores/store_1/customers/cust_1");
    int inGroup = (int) customer.getRoutes().stream().filter(r -> r.getPath() != null).count();
    assertTrue(inGroup <= 6, "routes tried for GET /customers/{id}: " + inGroup + " of " + operations);
    assertTrue(groups.groupCount() > 30, "groups: " + groups.groupCount());
    // a path of no group goes to the router of all operations, whose 404 and 405 are the reference
    assertSame(groups.routerFor("/v1/unknown/path/here/a/b/c/d/e/f"), groups.routerFor("/v1/x"));
  }
}
