package io.shoal.http;

import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Hands each {@code /v1} request to a router that holds only the operations its path can match,
 * chosen by two of its segments. A Vert.x router tries its routes in turn, and a route with a
 * path parameter is a regular expression: the router built from the contract tried up to ~120 of
 * them per request. That was 47 % of the server's CPU samples on {@code GET /customers/{id}} at
 * 1,000,000 customers (bench/README, issue 17 sixth pass).
 *
 * <p>A path's group is its first and third segment ({@code stores} and {@code customers} in
 * {@code /stores/{store_id}/customers/{id}/notes}). An operation can only match a path of its own
 * group, so the group's router answers exactly what the whole router would. Operations with a
 * parameter in one of those two places would match paths of any group; they are kept in every
 * group's router. A path of no known group goes to the whole router (its 404 or 405 is the same).
 * Each group's router is built by the same {@link io.vertx.ext.web.openapi.router.RouterBuilder}
 * (the same handlers and validators), with the other groups' routes removed.
 *
 * <p>Building the ~40 group routers (a whole router each, then a route removed at a time) was a
 * fifth of the CPU samples of a start at 100,000 customers and ~3 s between the evaluators'
 * ready and the API's (bench/engine's twenty-fourth pass). The API verticle therefore builds them
 * {@link #lazily} after it listens ({@link #buildGroups}, on a worker): until then every request
 * goes to the router of all operations, which answers the same.
 */
final class OperationGroups {

  private final String mountPoint;
  private final Router all;
  /** Empty until {@link #buildGroups}; replaced once, whole (read by the event loops). */
  private volatile Map<String, Router> byGroup = Map.of();
  private volatile Map<Integer, Router> byLength = Map.of();
  private final Set<String> groups;
  private final Set<Integer> lengthsWithAny;
  private final Supplier<Router> newRouter;
  private final Consumer<Router> finish;

  private OperationGroups(String mountPoint, Router all, Set<String> groups, Set<Integer> lengthsWithAny,
                          Supplier<Router> newRouter, Consumer<Router> finish) {
    this.mountPoint = mountPoint;
    this.all = all;
    this.groups = groups;
    this.lengthsWithAny = lengthsWithAny;
    this.newRouter = newRouter;
    this.finish = finish;
  }

  /**
   * @param mountPoint where the routers are mounted ({@code /v1}); paths below it are grouped
   * @param newRouter  builds one more router of every operation (the router builder's {@code createRouter})
   * @param finish     applied to every router built (failure and error handlers)
   */
  static OperationGroups build(String mountPoint, Supplier<Router> newRouter, Consumer<Router> finish) {
    OperationGroups built = lazily(mountPoint, newRouter, finish);
    built.buildGroups();
    return built;
  }

  /**
   * The router of all operations only: every path goes to it until {@link #buildGroups} ran
   * (the same answers, with every operation's regular expression tried in turn).
   */
  static OperationGroups lazily(String mountPoint, Supplier<Router> newRouter, Consumer<Router> finish) {
    Router all = newRouter.get();
    Set<String> groups = new LinkedHashSet<>();
    Set<Integer> lengthsWithAny = new LinkedHashSet<>();
    for (Route route : all.getRoutes()) {
      String group = templateGroup(route.getPath());
      if (group != null) {
        if (isAny(group)) {
          lengthsWithAny.add(length(group));
        } else {
          groups.add(group);
        }
      }
    }
    finish.accept(all);
    return new OperationGroups(mountPoint, all, groups, lengthsWithAny, newRouter, finish);
  }

  /** Builds the routers of the groups (seconds of CPU: on a worker); paths go to them from then on. */
  synchronized void buildGroups() {
    if (!byGroup.isEmpty() || !byLength.isEmpty()) {
      return;
    }
    Map<String, Router> builtGroups = new HashMap<>();
    for (String group : groups) {
      builtGroups.put(group, keeping(newRouter, finish, group));
    }
    Map<Integer, Router> builtLengths = new HashMap<>();
    for (int length : lengthsWithAny) {
      builtLengths.put(length, keeping(newRouter, finish, anyOf(length)));
    }
    // either map alone still routes every path right (a path of neither goes to all)
    byLength = builtLengths;
    byGroup = builtGroups;
  }

  /** A router of the group's operations, and of those of any group of the same length. */
  private static Router keeping(Supplier<Router> newRouter, Consumer<Router> finish, String group) {
    Router router = newRouter.get();
    String any = anyOf(length(group));
    List<Route> foreign = new ArrayList<>();
    for (Route route : router.getRoutes()) {
      String other = templateGroup(route.getPath());
      if (other != null && !other.equals(group) && !other.equals(any)) {
        foreign.add(route);
      }
    }
    foreign.forEach(Route::remove);
    finish.accept(router);
    return router;
  }

  /** Routes the context like {@code Route.subRouter} would, through its group's router. */
  void handleContext(RoutingContext ctx) {
    routerFor(ctx.normalizedPath()).handleContext(ctx);
  }

  void handleFailure(RoutingContext ctx) {
    routerFor(ctx.normalizedPath()).handleFailure(ctx);
  }

  int groupCount() {
    return byGroup.size() + byLength.size();
  }

  Router routerFor(String normalizedPath) {
    Map<String, Router> byGroup = this.byGroup;
    if (byGroup.isEmpty()) {
      return all; // not built yet
    }
    String group = pathGroup(normalizedPath, mountPoint.length());
    if (group == null) {
      return all;
    }
    Router router = byGroup.get(group);
    if (router == null) {
      router = byLength.get(length(group));
    }
    return router == null ? all : router;
  }

  /**
   * The group of a route's path as Vert.x writes it ({@code /stores/:store_id/customers}):
   * its number of segments and its segments 0, 2, 4, ... ({@code 3|stores|customers}); a
   * parameter in one of those places makes it {@code 3|*}, of every group of that length. Null
   * for routes without a path (the root handlers), which every router keeps.
   */
  static String templateGroup(String vertxPath) {
    if (vertxPath == null) {
      return null;
    }
    List<String> segments = segments(vertxPath, 0);
    StringBuilder group = new StringBuilder().append(segments.size());
    for (int i = 0; i < segments.size(); i += 2) {
      if (segments.get(i).startsWith(":")) {
        return anyOf(segments.size());
      }
      group.append('|').append(segments.get(i));
    }
    return group.toString();
  }

  /** The group of a request's path below the mount point, or null for one outside it. */
  static String pathGroup(String path, int mountLength) {
    if (path == null || path.length() < mountLength) {
      return null;
    }
    List<String> segments = segments(path, mountLength);
    StringBuilder group = new StringBuilder().append(segments.size());
    for (int i = 0; i < segments.size(); i += 2) {
      group.append('|').append(segments.get(i));
    }
    return group.toString();
  }

  private static String anyOf(int length) {
    return length + "|*";
  }

  private static boolean isAny(String group) {
    return group.endsWith("|*");
  }

  private static int length(String group) {
    return Integer.parseInt(group.substring(0, group.indexOf('|') < 0 ? group.length() : group.indexOf('|')));
  }

  /** The path's segments from {@code from} on: a leading '/' skipped, a trailing '/' ignored. */
  private static List<String> segments(String path, int from) {
    List<String> out = new ArrayList<>(6);
    int end = path.length();
    if (end > from && path.charAt(end - 1) == '/') {
      end--;
    }
    int start = from < end && path.charAt(from) == '/' ? from + 1 : from;
    if (start >= end) {
      return out;
    }
    while (true) {
      int slash = path.indexOf('/', start);
      if (slash < 0 || slash >= end) {
        out.add(path.substring(start, end));
        return out;
      }
      out.add(path.substring(start, slash));
      start = slash + 1;
    }
  }
}
