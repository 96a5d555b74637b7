package io.shoal.http;

import io.vertx.core.file.FileSystem;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.SchemaException;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Path;
import io.vertx.openapi.contract.SecurityRequirement;
import io.vertx.openapi.contract.SecurityScheme;
import io.vertx.openapi.contract.Server;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The contract as the router validates requests with it, building each schema's validator once.
 * vertx-openapi 5.0.10 asks the contract's schema repository for a new validator for the body and
 * every parameter of every request, and each new validator copies the whole contract's schema
 * map: about a quarter of the server's CPU on small POSTs (bench/storefront's profile). A
 * validator holds only final fields after construction, so one per schema serves every thread.
 * Schemas are the contract's own objects, the same on every request; they are keyed by identity.
 */
final class ReusedValidators implements OpenAPIContract {

  /** More distinct schemas than any contract has: then something makes new ones per request; stop keeping them. */
  static final int MAX_KEPT = 20_000;

  private final OpenAPIContract contract;
  private final Repository repository;

  private ReusedValidators(OpenAPIContract contract) {
    this.contract = contract;
    this.repository = new Repository(contract.getSchemaRepository());
  }

  static ReusedValidators of(OpenAPIContract contract) {
    return new ReusedValidators(contract);
  }

  /** Validators built so far, and how many requests for one were answered with a kept one. */
  long built() {
    return repository.built.get();
  }

  long reused() {
    return repository.reused.get();
  }

  @Override
  public SchemaRepository getSchemaRepository() {
    return repository;
  }

  @Override
  public Operation operation(String operationId) {
    return contract.operation(operationId);
  }

  @Override
  public List<Operation> operations() {
    return contract.operations();
  }

  @Override
  public List<Path> getPaths() {
    return contract.getPaths();
  }

  @Override
  public JsonObject getRawContract() {
    return contract.getRawContract();
  }

  @Override
  public OpenAPIVersion getVersion() {
    return contract.getVersion();
  }

  @Override
  public List<Server> getServers() {
    return contract.getServers();
  }

  @Override
  public Path findPath(String path) {
    return contract.findPath(path);
  }

  @Override
  public Operation findOperation(String path, HttpMethod method) {
    return contract.findOperation(path, method);
  }

  @Override
  public List<SecurityRequirement> getSecurityRequirements() {
    return contract.getSecurityRequirements();
  }

  @Override
  public SecurityScheme securityScheme(String name) {
    return contract.securityScheme(name);
  }

  /** The contract's repository, keeping the validator of each schema it was asked for. */
  private static final class Repository implements SchemaRepository {
    private final SchemaRepository delegate;
    private final Map<JsonSchema, Validator> kept = new IdentityHashMap<>();
    final AtomicLong built = new AtomicLong();
    final AtomicLong reused = new AtomicLong();

    Repository(SchemaRepository delegate) {
      this.delegate = delegate;
    }

    @Override
    public Validator validator(JsonSchema schema) {
      synchronized (kept) {
        Validator v = kept.get(schema);
        if (v != null) {
          reused.incrementAndGet();
          return v;
        }
      }
      Validator v = delegate.validator(schema);
      built.incrementAndGet();
      synchronized (kept) {
        if (kept.size() < MAX_KEPT) {
          kept.putIfAbsent(schema, v);
        }
      }
      return v;
    }

    @Override
    public SchemaRepository dereference(JsonSchema schema) throws SchemaException {
      delegate.dereference(schema);
      return this;
    }

    @Override
    public SchemaRepository dereference(String uri, JsonSchema schema) throws SchemaException {
      delegate.dereference(uri, schema);
      return this;
    }

    @Override
    public SchemaRepository preloadMetaSchema(FileSystem fs) {
      delegate.preloadMetaSchema(fs);
      return this;
    }

    @Override
    public SchemaRepository preloadMetaSchema(FileSystem fs, Draft draft) {
      delegate.preloadMetaSchema(fs, draft);
      return this;
    }

    @Override
    public Validator validator(String ref) {
      return delegate.validator(ref);
    }

    @Override
    public Validator validator(String ref, JsonSchemaOptions options) {
      return delegate.validator(ref, options);
    }

    @Override
    public Validator validator(JsonSchema schema, JsonSchemaOptions options, boolean dereference) {
      return delegate.validator(schema, options, dereference);
    }

    @Override
    public JsonObject resolve(JsonObject schema) {
      return delegate.resolve(schema);
    }

    @Override
    public JsonSchema find(String pointer) {
      return delegate.find(pointer);
    }
  }
}
