package io.shoal.http;

import io.shoal.kernel.DomainException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import java.util.HashSet;
import java.util.Set;

/**
 * A query parameter the operation does not declare is a 400 naming it. Ignoring it would answer
 * a typo such as {@code tags[]=vip} or {@code offset=} with the whole, unfiltered list, which a
 * client takes for the filtered one. A {@code deepObject} parameter {@code p} declares every
 * {@code p[key]}.
 */
final class UnknownParameterCheck implements Handler<RoutingContext> {

  /** The router's copy of the contract lists an operation's deepObject parameters here (ApiVerticle.routable). */
  static final String DEEP_OBJECTS = "x-shoal-deep-object-parameters";

  private final Set<String> names = new HashSet<>();
  private final Set<String> deepObjects = new HashSet<>();

  private UnknownParameterCheck(Operation operation) {
    for (Parameter p : operation.getParameters()) {
      if (p.getIn() == Location.QUERY) {
        names.add(p.getName());
      }
    }
    if (operation.getExtensions().get(DEEP_OBJECTS) instanceof Iterable<?> deep) {
      deep.forEach(name -> deepObjects.add(String.valueOf(name)));
    }
  }

  static UnknownParameterCheck of(Operation operation) {
    return new UnknownParameterCheck(operation);
  }

  @Override
  public void handle(RoutingContext ctx) {
    for (String name : ctx.queryParams().names()) {
      if (!known(name)) {
        ctx.fail(DomainException.invalid("parameter_unknown", "unknown query parameter '" + name
            + "': this operation takes " + (names.isEmpty() ? "no query parameters" : names.stream().sorted().toList()),
            name));
        return;
      }
    }
    ctx.next();
  }

  private boolean known(String name) {
    if (names.contains(name)) {
      return true;
    }
    int open = name.indexOf('[');
    return open > 0 && name.endsWith("]") && deepObjects.contains(name.substring(0, open));
  }
}
