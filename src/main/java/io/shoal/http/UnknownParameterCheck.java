package io.shoal.http;

import io.shoal.kernel.DomainException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A query parameter the operation does not declare is a 400 naming it. Ignoring it would answer
 * a typo such as {@code tags[]=vip} or {@code offset=} with the whole, unfiltered list, which a
 * client takes for the filtered one. A {@code deepObject} parameter {@code p} declares every
 * {@code p[key]}. An array parameter {@code p} is also accepted in the common {@code p[]=a&p[]=b}
 * form (seed 001's clients send {@code tags[]=vip&tags[]=wholesale}): its values are moved to
 * {@code p} before anything reads the query, so every later check and handler sees one form.
 */
final class UnknownParameterCheck implements Handler<RoutingContext> {

  /** The router's copy of the contract lists an operation's deepObject parameters here (ApiVerticle.routable). */
  static final String DEEP_OBJECTS = "x-shoal-deep-object-parameters";

  private final Set<String> names = new HashSet<>();
  private final Set<String> deepObjects = new HashSet<>();
  private final Set<String> arrays = new HashSet<>();

  private UnknownParameterCheck(Operation operation) {
    for (Parameter p : operation.getParameters()) {
      if (p.getIn() == Location.QUERY) {
        names.add(p.getName());
        if (p.getSchemaType() == io.vertx.json.schema.common.dsl.SchemaType.ARRAY) {
          arrays.add(p.getName());
        }
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
    if (!arrays.isEmpty()) {
      bracketsToPlain(ctx.queryParams());
      bracketsToPlain(ctx.request().params());
    }
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

  /** {@code p[]=a&p[]=b} of an array parameter p becomes {@code p=a&p=b} (after any plain {@code p} values). */
  private void bracketsToPlain(io.vertx.core.MultiMap params) {
    for (String name : new java.util.ArrayList<>(params.names())) {
      if (name.endsWith("[]") && arrays.contains(name.substring(0, name.length() - 2))) {
        List<String> values = params.getAll(name);
        params.remove(name);
        params.add(name.substring(0, name.length() - 2), values);
      }
    }
  }

  private boolean known(String name) {
    if (names.contains(name)) {
      return true;
    }
    int open = name.indexOf('[');
    return open > 0 && name.endsWith("]") && deepObjects.contains(name.substring(0, open));
  }
}
