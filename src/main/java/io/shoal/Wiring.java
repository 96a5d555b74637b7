package io.shoal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.shoal.automation.AutomationPersonalData;
import io.shoal.campaign.CampaignPersonalData;
import io.shoal.campaign.CampaignStore;
import io.shoal.catalog.CatalogStore;
import io.shoal.cluster.ClusterNodes;
import io.shoal.cluster.LeasedVerticle;
import io.shoal.cluster.Leases;
import io.shoal.config.KafkaConfig;
import io.shoal.config.ShoalConfig;
import io.shoal.coupon.CouponStore;
import io.shoal.coupon.Coupons;
import io.shoal.customer.CustomerAttributesApi;
import io.shoal.customer.CustomerDirectory;
import io.shoal.customer.CustomerPersonalData;
import io.shoal.customer.CustomerRepository;
import io.shoal.customer.ProfileCache;
import io.shoal.customer.ProfileEdits;
import io.shoal.db.Database;
import io.shoal.delivery.MessagePersonalData;
import io.shoal.delivery.Outbox;
import io.shoal.delivery.TrackingLinks;
import io.shoal.event.EventLog;
import io.shoal.event.EventPersonalData;
import io.shoal.event.LoggedEventRouter;
import io.shoal.event.OrderHistory;
import io.shoal.event.PgEventLog;
import io.shoal.event.kafka.KafkaEventLog;
import io.shoal.event.kafka.KafkaEventProjector;
import io.shoal.http.Authentication;
import io.shoal.http.Caller;
import io.shoal.http.IdempotencyPersonalData;
import io.shoal.kernel.PersonalData;
import io.shoal.metrics.MetricsSettings;
import io.shoal.metrics.live.LiveMetrics;
import io.shoal.metrics.live.ModelRefit;
import io.shoal.metrics.live.ModelRepository;
import io.shoal.notify.DeliveryStore;
import io.shoal.notify.NotificationPersonalData;
import io.shoal.outbox.ClusterWakes;
import io.shoal.outbox.NotificationLog;
import io.shoal.privacy.ExportLinks;
import io.shoal.privacy.PrivacyKeys;
import io.shoal.privacy.Suppressions;
import io.shoal.recommend.RecommendationPersonalData;
import io.shoal.recommend.Recommender;
import io.shoal.segment.SegmentItems;
import io.shoal.segment.SegmentPersonalData;
import io.shoal.segment.SegmentRepository;
import io.shoal.segment.eval.EvaluationBacklog;
import io.shoal.segment.eval.EvaluatorPartitions;
import io.shoal.segment.eval.SegmentEngine;
import io.shoal.segment.eval.SegmentEvaluatorVerticle;
import io.shoal.store.StoreKeys;
import io.shoal.store.StoreRepository;
import io.shoal.template.TemplateRepository;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Every store and service of a running Shoal, each built once here and handed to what needs it
 * (the verticles and APIs that {@link Shoal} deploys). All of them are stateless over the pool
 * or safe to share between event loops. Nothing else constructs a store.
 */
final class Wiring {

  final Vertx vertx;
  final ShoalConfig config;
  final Database db;
  final String adminKey;

  // The event log, the evaluators, the outbox.
  final NotificationLog notifications;
  final SegmentRepository segments;
  /** The same, on the evaluators' own pool ({@link Database#evaluatorPool}): what the partitions read. */
  private final SegmentRepository evaluatorSegments;
  /** Where the evaluator partitions run: all here (embedded), or spread over the nodes (Kafka). */
  final EvaluatorPartitions evaluators;
  final SegmentEngine engine;
  /** This node's name among the nodes sharing the database. */
  final String nodeId;
  /** The events table: what evaluators, automations, attribution and the timeline read. */
  final PgEventLog eventLog;
  /** Where ingest appends: the events table itself (embedded), or Kafka, projected into it. */
  final EventLog ingestLog;
  /** Kafka mode: how far this node has projected the partitions it owns. */
  final KafkaEventProjector.Positions projected = new KafkaEventProjector.Positions();
  /** Kafka mode: which node runs each background job. */
  final Leases leases;

  // Customer metrics.
  final LiveMetrics metrics;
  final ModelRepository models;
  final ModelRefit refit;

  // Stores and keys.
  final StoreRepository stores;
  final StoreKeys keys;
  final Authentication authentication;

  // Customers and data protection.
  final Suppressions suppressions;
  /** The encoded customers GET answers: on a single node only (see {@link ProfileCache}). */
  final ProfileCache profileCache;
  final CustomerRepository customers;
  final CustomerDirectory directory;
  final ProfileEdits profiles;
  final CustomerAttributesApi customerAttributes;
  final CustomerPersonalData customerData;
  final ExportLinks exportLinks;
  /** Each capability holding personal data, in the order erasure runs them. */
  final List<PersonalData> personalData;
  /** Audiences' recommendations (here because an erasure drops its in-memory model). */
  final Recommender recommender;

  // Catalog, segment items, coupons.
  final CatalogStore catalog;
  final SegmentItems segmentItems;
  final Coupons coupons;

  // Webhooks, templates, messages, campaigns.
  /** On the API's pool. */
  final DeliveryStore webhookStore;
  /** On the webhook dispatcher's own (relaxed-commit) pool. */
  final DeliveryStore dispatcherWebhookStore;
  final TemplateRepository templates;
  final CampaignStore campaigns;
  final Outbox outbox;
  /** The public URL, or this server's once the API listens (see {@link #listeningOn}). */
  private final AtomicReference<String> trackingBase;
  final TrackingLinks trackingLinks;

  Wiring(Vertx vertx, ShoalConfig config, Database db, String adminKey, PrivacyKeys privacyKeys) {
    this.vertx = vertx;
    this.config = config;
    this.db = db;
    this.adminKey = adminKey;

    notifications = new NotificationLog(vertx, NotificationLog.Fanout.NONE);
    // Before the evaluators, whose batches tell it of their writes. A node of several (Kafka
    // mode) does not see the others' writes: no cache there.
    profileCache = config.kafka().isPresent() ? ProfileCache.DISABLED : new ProfileCache(config.customerCacheBytes());
    segments = new SegmentRepository(db.pool());
    evaluatorSegments = new SegmentRepository(db.evaluatorPool());
    nodeId = config.kafka().map(KafkaConfig::nodeId).orElse("embedded");
    if (config.kafka().isPresent()) {
      // other nodes' commits wake this node's streams and automation feed (LISTEN/NOTIFY)
      ClusterWakes wakes = new ClusterWakes(vertx, db.pool(), db.connectOptions(), nodeId);
      notifications.alsoWake(wakes);
      wakes.start();
    }
    evaluators = config.kafka()
        .map(kafka -> new EvaluatorPartitions(vertx, kafka.partitions(), this::evaluator, db.pool(),
            new ClusterNodes(db.pool())))
        .orElseGet(() -> new EvaluatorPartitions(vertx, config.evaluatorPartitions(), this::evaluator));
    engine = new SegmentEngine(vertx, evaluators, segments, config.ingestMaxBacklog());
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    if (registry != null) { // operators watch how far the segments are behind the acknowledged events
      Gauge.builder("shoal.evaluation.backlog", engine.backlog(), EvaluationBacklog::size).baseUnit("events")
          .description("Logged events handed to this node's evaluator partitions and not yet written")
          .register(registry);
      // and whether the cache of encoded customers holds what gets by id ask for
      FunctionCounter.builder("shoal.customer.cache.gets", profileCache, ProfileCache::hits).tag("result", "hit")
          .description("Gets of a customer by id answered from the cache of encoded customers").register(registry);
      FunctionCounter.builder("shoal.customer.cache.gets", profileCache, ProfileCache::misses).tag("result", "miss")
          .description("Gets of a customer by id that read PostgreSQL (not kept)").register(registry);
      Gauge.builder("shoal.customer.cache.size", profileCache, ProfileCache::weightedBytes).baseUnit("bytes")
          .description("Encoded customers kept, as weighed against SHOAL_CUSTOMER_CACHE_BYTES").register(registry);
    }
    eventLog = new PgEventLog(vertx, db.pool(), notifications, new LoggedEventRouter(vertx, engine::deliver));
    leases = new Leases(db.pool());
    ingestLog = config.kafka()
        .<EventLog>map(kafka -> new KafkaEventLog(vertx, kafka, db.pool(), eventLog, projected))
        .orElse(eventLog);

    metrics = new LiveMetrics(config.metrics().enabled(),
        new MetricsSettings(config.metrics().settings().horizonWeeks(), config.metrics().settings().annualDiscountRate()));
    models = new ModelRepository(db.pool());
    refit = new ModelRefit(vertx, engine, metrics, models);

    stores = new StoreRepository(db.pool());
    keys = new StoreKeys(stores);
    authentication = new Authentication(adminKey, new Authentication.KeyLookup() {
      @Override
      public Future<Caller> lookup(String presented) {
        return keys.lookup(presented).map(k -> new Caller(k.storeId(), k.keyId()));
      }

      @Override
      public Caller cached(String presented) {
        StoreKeys.Verified k = keys.cached(presented);
        return k == null ? null : new Caller(k.storeId(), k.keyId());
      }
    });

    // Data protection: the suppression list guards every customer creation; each capability
    // holding personal data is one erasure step, in this order (the evaluator state goes first,
    // so erased people leave their segments announced without profile data).
    suppressions = new Suppressions(db.pool(), privacyKeys);
    customers = new CustomerRepository(db.pool(), notifications, suppressions, profileCache);
    directory = new CustomerDirectory(db.pool(), customers);
    profiles = new ProfileEdits(engine::profileChanged, profileCache);
    customerAttributes = new CustomerAttributesApi(db.pool());
    customerData = new CustomerPersonalData(db.pool(), customers, directory, engine::erase);
    outbox = new Outbox(vertx, config.dataDir().resolve("outbox")); // what the log adapter would have sent
    recommender = new Recommender(vertx,
        new OrderHistory(db.pool())::productsByCustomer,
        config.audiences().recommendationsMaxAgeSeconds() * 1000);
    personalData = List.of(new SegmentPersonalData(db.pool(), engine), customerData,
        new EventPersonalData(db.pool(), eventLog), new RecommendationPersonalData(recommender),
        new AutomationPersonalData(db.pool()),
        new CampaignPersonalData(db.pool()), new NotificationPersonalData(db.pool()),
        new MessagePersonalData(db.pool(), outbox), new IdempotencyPersonalData(db.pool()));
    exportLinks = new ExportLinks(privacyKeys, config.delivery().publicUrl().orElse(""));

    catalog = new CatalogStore(db.pool());
    segmentItems = new SegmentItems(db.pool());
    // Coupons: their validation asks the segment and catalog capabilities through their SQL functions (V31).
    coupons = new Coupons(new CouponStore(db.pool()));

    webhookStore = new DeliveryStore(db.pool());
    dispatcherWebhookStore = new DeliveryStore(db.relaxedPool());
    templates = new TemplateRepository(db.pool());
    campaigns = new CampaignStore(db.pool(), notifications);
    // the configured port until the API listens (port 0 is known only then): links mailed at
    // start (an export's, retried) are absolute too
    trackingBase = new AtomicReference<>(config.delivery().publicUrl()
        .orElse(config.httpPort() > 0 ? "http://localhost:" + config.httpPort() : ""));
    trackingLinks = new TrackingLinks(trackingBase::get,
        TrackingLinks.secret(config.delivery().trackingSecret(), adminKey));
  }

  /** Evaluator partition p of this node, as {@link #evaluators} deploys it. */
  private SegmentEvaluatorVerticle evaluator(int p) {
    // a partition's batches, scans and loads run on the evaluators' own pool: a backfill's batch
    // never holds a connection an API request waits for (its log replay reads through eventLog)
    return new SegmentEvaluatorVerticle(p, evaluators.count(), db.evaluatorPool(), evaluatorSegments, eventLog,
        notifications, metrics, nodeId, profileCache, engine.backlog());
  }

  /**
   * A background job: in Kafka mode it runs on the one node that holds its lease (and moves when
   * that node stops or dies); in embedded mode, here.
   */
  Deployable background(String job, Supplier<Deployable> verticle) {
    return config.kafka().<Deployable>map(kafka -> new LeasedVerticle(leases, job, kafka.nodeId(), kafka.leaseTtlMs(),
        verticle)).orElseGet(verticle);
  }

  /** The public URL, or this server's (see {@link #listeningOn}): the base of the links Shoal sends. */
  Supplier<String> publicBase() {
    return trackingBase::get;
  }

  /**
   * The API listens on {@code port}: tracking links point at the public URL, or at this port
   * when none is configured. Verifying a link needs only the key, so the tracking endpoints
   * work before this.
   */
  Future<Void> listeningOn(int port) {
    if (config.delivery().publicUrl().isEmpty()) {
      trackingBase.set("http://localhost:" + port);
    }
    // Kafka mode: the other nodes reach the evaluator partitions of this one here
    return config.kafka().map(kafka -> evaluators.listeningAt(nodeId, kafka.nodeUrl(config.httpHost(), port)))
        .orElse(Future.succeededFuture());
  }
}
