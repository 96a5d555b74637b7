package io.shoal;

import io.shoal.automation.ActionSchedulerVerticle;
import io.shoal.automation.AutomationApi;
import io.shoal.automation.AutomationVerticle;
import io.shoal.campaign.AttributionVerticle;
import io.shoal.campaign.CampaignApi;
import io.shoal.campaign.CampaignSchedulerVerticle;
import io.shoal.campaign.CampaignTimelineApi;
import io.shoal.dashboard.Dashboard;
import io.shoal.catalog.CatalogApi;
import io.shoal.catalog.PlatformProducts;
import io.shoal.config.ShoalConfig;
import io.shoal.audience.AudienceApi;
import io.shoal.audience.MemberDetails;
import io.shoal.audience.SegmentExports;
import io.shoal.delivery.StaffMail;
import io.shoal.recommend.Recommender;
import io.shoal.coupon.CouponApi;
import io.shoal.coupon.CouponOrderFeedVerticle;
import io.shoal.customer.CustomerApi;
import io.shoal.customer.CustomerRepository;
import io.shoal.event.EventApi;
import io.shoal.event.EventIngestion;
import io.shoal.event.EventTimeline;
import io.shoal.event.PlatformWebhookApi;
import io.shoal.event.kafka.KafkaEventProjector;
import io.shoal.event.kafka.KafkaTopics;
import io.shoal.segment.SegmentApi;
import io.shoal.segment.SegmentHistoryApi;
import io.shoal.segment.SegmentItemsApi;
import io.shoal.segment.SegmentRepository;
import io.shoal.segment.eval.SegmentEngine;
import io.shoal.segment.eval.SegmentEvaluatorVerticle;
import io.shoal.db.Database;
import io.shoal.http.ApiVerticle;
import io.shoal.http.CachedGet;
import io.shoal.http.ConnectionSafeMetrics;
import io.shoal.http.Idempotency;
import io.shoal.metrics.live.MetricsApi;
import io.shoal.metrics.live.ModelRefitVerticle;
import io.shoal.notify.KafkaNotificationRelay;
import io.shoal.notify.NotificationApi;
import io.shoal.notify.WebhookDispatcherVerticle;
import io.shoal.notify.WebhookEndpointApi;
import io.shoal.privacy.DataRequestApi;
import io.shoal.privacy.DataRequestVerticle;
import io.shoal.privacy.PrivacyKeys;
import io.shoal.store.AdminKey;
import io.shoal.store.StoreApi;
import io.shoal.template.TemplateApi;
import io.shoal.template.TemplateRepository;
import io.shoal.config.DeliveryConfig;
import io.shoal.delivery.DeliveryDispatcherVerticle;
import io.shoal.delivery.MessageApi;
import io.shoal.delivery.MessageTimeline;
import io.shoal.delivery.TrackingApi;
import io.shoal.delivery.channel.ChannelAdapters;
import io.vertx.ext.web.Router;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Shoal server: Vert.x with metrics, the database (migrated), and the verticles.
 * {@link Main} starts one from the environment; tests and benchmarks start one in-process.
 */
public final class Shoal {

  private static final Logger LOG = LoggerFactory.getLogger(Shoal.class);

  private final Vertx vertx;
  private final Database database;
  private final String adminKey;
  private final int httpPort;

  /** Deployment ids in the order deployed; stopped in reverse, so the API stops taking work first. */
  private final List<String> deployments;

  private Shoal(Vertx vertx, Database database, String adminKey, int httpPort, List<String> deployments) {
    this.vertx = vertx;
    this.deployments = deployments;
    this.database = database;
    this.adminKey = adminKey;
    this.httpPort = httpPort;
  }

  /** Starts; an embedded PostgreSQL stops by itself when the JVM exits (for servers inside tests and tools). */
  public static Future<Shoal> start(ShoalConfig config) {
    return start(config, db -> { }, true);
  }

  /**
   * Starts; {@code migrated} is given the database once it is up and migrated, before the rest of
   * the start (loading the evaluators): {@link Main} times only what follows it, and stops the
   * database itself when the JVM exits, after the rest ({@code embeddedStopsWithJvm} false, see
   * {@link Database#open(Vertx, ShoalConfig, boolean)}).
   */
  public static Future<Shoal> start(ShoalConfig config, Consumer<Database> migrated, boolean embeddedStopsWithJvm) {
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
            .setEnabled(true)
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))))
        .withMetrics(new ConnectionSafeMetrics())
        .build();
    Database[] opened = new Database[1];
    List<String> deployments = new ArrayList<>();
    return vertx.executeBlocking(() -> AdminKey.resolveBlocking(config), false)
        .compose(adminKey -> Database.open(vertx, config, embeddedStopsWithJvm)
            .compose(db -> {
              opened[0] = db;
              migrated.accept(db);
              return deploy(vertx, config, db, adminKey, deployments).map(port -> {
                Idempotency idempotency = new Idempotency(db.pool());
                vertx.setPeriodic(TimeUnit.HOURS.toMillis(1), id -> idempotency.purgeExpired());
                LOG.info("Shoal listening on http://{}:{} (API reference at /docs)", config.httpHost(), port);
                return new Shoal(vertx, db, adminKey, port, deployments);
              });
            }))
        .onFailure(failure -> vertx.close().onComplete(ar -> {
          if (opened[0] != null) {
            opened[0].stopEmbeddedBlocking();
          }
        }));
  }

  /**
   * Builds every store and service once ({@link Wiring}), then deploys: the segment evaluator
   * partitions (each loads its state and replays the log before it answers), the background
   * verticles, the data-request worker and the API verticles (all on one port), and last the
   * delivery dispatcher. The API's contract is read and parsed meanwhile, once for its instances.
   * Answers the port.
   */
  private static Future<Integer> deploy(Vertx vertx, ShoalConfig config, Database db, String adminKey,
                                        List<String> deployments) {
    // the API's contract is read and parsed while the evaluators load (it depends on nothing else)
    Future<ApiVerticle.Contract> contract = ApiVerticle.Contract.read(vertx);
    return vertx.executeBlocking(() -> PrivacyKeys.resolveBlocking(config), false)
        .map(privacyKeys -> new Wiring(vertx, config, db, adminKey, privacyKeys))
        .compose(w -> deployEngine(w, deployments)
            .compose(v -> deployBackground(w, deployments))
            .compose(v -> deployApi(w, deployments, contract))
            .compose(port -> {
              w.evaluators.serving(); // the API answers: the evaluators' overdue time checks may run
              return deployDelivery(w, port, deployments);
            }));
  }

  /**
   * The evaluator partitions: the stores' saved metric models are put in force before they load
   * customers; segment syncs interrupted by a stop resume once all partitions run.
   */
  private static Future<Void> deployEngine(Wiring w, List<String> deployments) {
    // Kafka mode: the topics are checked (a broker out of reach stops start-up here)
    Future<Integer> topics = w.config.kafka().isEmpty() ? Future.succeededFuture(0)
        : w.vertx.executeBlocking(() -> KafkaTopics.ensureBlocking(w.config.kafka().get()), false);
    return topics
        .compose(t -> w.models.all(w.metrics::unusable))
        .compose(saved -> {
          saved.forEach(w.metrics::restore);
          // embedded: every partition here; Kafka: the projector starts those this node is given.
          // Embedded partitions stop with the deployments, last of them (after the API and the
          // background jobs, before the pools close), so that they write their last batch
          return w.config.kafka().isEmpty()
              ? w.evaluators.deployAll().map(v -> deployments.addAll(w.evaluators.deploymentIds())).mapEmpty()
              : Future.succeededFuture();
        })
        .compose(v -> w.engine.resumeSyncs())
        // Kafka mode: the partitions this node is given are taken over (evaluator partition of the
        // same number included) and projected into the events table, from where that evaluator
        // receives them
        .compose(v -> w.config.kafka().isEmpty() ? Future.succeededFuture()
            : w.vertx.deployVerticle(new KafkaEventProjector(w.config.kafka().get(), w.db.pool(), w.eventLog,
                w.projected, w.nodeId, new KafkaEventProjector.PartitionWork() {
                  @Override
                  public Future<Void> take(int partition) {
                    return w.evaluators.take(partition);
                  }

                  @Override
                  public Future<Void> release(int partition) {
                    return w.evaluators.release(partition);
                  }
                }, w.engine.backlog())).map(id -> {
              deployments.add(id);
              return null;
            }));
  }

  /**
   * Metric refits, webhook dispatch, campaigns, attribution, automations, coupon redemptions:
   * each one job, on one node at a time ({@link Wiring#background}).
   */
  private static Future<Void> deployBackground(Wiring w, List<String> deployments) {
    ShoalConfig config = w.config;
    List<io.vertx.core.Deployable> verticles = new ArrayList<>();
    if (w.metrics.enabled()) {
      verticles.add(w.background("metrics-refit", () -> new ModelRefitVerticle(w.metrics, w.refit, config.metrics())));
    }
    verticles.add(w.background("webhook-dispatcher",
        () -> new WebhookDispatcherVerticle(w.dispatcherWebhookStore, config.webhooks(), w.nodeId)));
    verticles.add(w.background("campaign-scheduler", () -> new CampaignSchedulerVerticle(w.campaigns, config.campaigns())));
    verticles.add(w.background("campaign-attribution", () -> new AttributionVerticle(w.campaigns, config.campaigns())));
    verticles.add(w.background("automation-steps",
        () -> new ActionSchedulerVerticle(w.db.pool(), config.automations(), w.profiles)));
    verticles.add(w.background("automation-triggers",
        () -> new AutomationVerticle(w.db.pool(), w.eventLog, config.automations())));
    verticles.add(w.background("coupon-redemptions", () -> new CouponOrderFeedVerticle(w.eventLog, w.coupons)));
    // Kafka mode: every notification also goes to <prefix>notifications, for downstream consumers
    config.kafka().ifPresent(kafka -> verticles.add(w.background("notifications-relay",
        () -> new KafkaNotificationRelay(kafka, w.webhookStore))));
    Future<Void> deployed = Future.succeededFuture();
    for (var verticle : verticles) {
      deployed = deployed.compose(v -> w.vertx.deployVerticle(verticle).map(id -> {
        deployments.add(id);
        return null;
      }));
    }
    return deployed;
  }

  /**
   * The data-request worker, then one API verticle per configured instance, all on one port
   * (found first when 0).
   */
  private static Future<Integer> deployApi(Wiring w, List<String> deployments, Future<ApiVerticle.Contract> contract) {
    Vertx vertx = w.vertx;
    ShoalConfig config = w.config;
    Database db = w.db;
    SegmentEngine engine = w.engine;
    StoreApi storeApi = new StoreApi(w.stores, w.keys);
    DataRequestApi dataRequestApi = new DataRequestApi(vertx, db.pool(), w.suppressions, w.customerData,
        w.exportLinks);
    Future<String> privacyWorker = vertx.deployVerticle(w.background("data-requests",
        () -> new DataRequestVerticle(db.pool(), w.suppressions, w.customerData, w.personalData, w.notifications,
            w.exportLinks, config.privacy())));
    CustomerApi.ProfileListener profiles = new CustomerApi.ProfileListener() {
      @Override
      public void changed(String storeId, String customerId) {
        engine.profileChanged(storeId, customerId);
      }

      @Override
      public void created(String storeId, String customerId, io.vertx.sqlclient.Row row) {
        engine.created(storeId, customerId, row); // evaluated from the create's row, not read back
      }
    };
    CustomerApi customerApi = new CustomerApi(w.customers, w.directory, profiles,
        List.of(new EventTimeline(db.pool()), new MessageTimeline(db.pool())));
    EventIngestion ingestion = new EventIngestion(w.directory, w.directory::applyProfile, w.ingestLog,
        config.kafka().isPresent() ? EventIngestion.Admission.OPEN : engine.backlog()); // Kafka: the projection waits
    EventApi eventApi = new EventApi(ingestion);
    PlatformWebhookApi platformApi = new PlatformWebhookApi(db.pool(), ingestion, w.ingestLog,
        List.of(new PlatformProducts(w.catalog)));
    SegmentApi segmentApi = new SegmentApi(vertx, w.segments, engine, w.customerAttributes::types,
        config.audiences().segmentWaitCustomers());
    SegmentItemsApi segmentItemsApi = new SegmentItemsApi(w.segments, w.segmentItems, w.catalog);
    CatalogApi catalogApi = new CatalogApi(w.catalog, w.segmentItems);
    CouponApi couponApi = new CouponApi(w.coupons, w.segmentItems::existing);
    WebhookEndpointApi webhookApi = new WebhookEndpointApi(vertx, w.webhookStore);
    NotificationApi notificationApi = new NotificationApi(vertx, w.webhookStore);
    MetricsApi metricsApi = new MetricsApi(engine, w.metrics, w.refit);
    TemplateApi templateApi = new TemplateApi(db.pool(), w.templates);
    TrackingApi trackingApi = new TrackingApi(w.trackingLinks, db.pool(), w.customers, engine::profileChanged);
    MessageApi messageApi = new MessageApi(db.pool(), trackingApi);
    TemplateRepository templates = w.templates;
    CampaignApi campaignApi = new CampaignApi(vertx, w.campaigns, w.segments,
        (store, template) -> templates.get(store, template).map(t -> t == null ? null : t.content().channel().wire()));
    AutomationApi automationApi = new AutomationApi(vertx, db.pool(), w.segments,
        (store, template) -> templates.get(store, template).map(t -> t == null ? null : t.content().channel().wire()));
    // audiences (seed 003): member details, recommendations, exports
    Recommender recommender = w.recommender;
    MemberDetails memberDetails = new MemberDetails(w.customers, w.segments, engine, recommender);
    StaffMail staffMail = new StaffMail(vertx, ChannelAdapters.from(vertx, config.delivery(), w.outbox)
        .get(io.shoal.kernel.Channel.EMAIL));
    // an export's pages are read on the exports' own connections (read-only views of the owners)
    SegmentRepository exportSegments = new SegmentRepository(db.exportPool());
    SegmentExports.Pages exportPages = new SegmentExports.Pages(db.exportPool(), exportSegments,
        new MemberDetails(new CustomerRepository(db.exportPool(), w.notifications), exportSegments, engine, recommender));
    SegmentExports segmentExports = new SegmentExports(vertx, db.pool(), exportPages, w.segments, staffMail,
        config.dataDir().resolve("exports"), config.audiences().exportLinkTtlSeconds(),
        config.audiences().exportsMaxRunning(), w.publicBase());
    if (config.kafka().isPresent()) {
      segmentExports.sharedAcrossNodes(w.nodeId); // a download link may be followed on any node
    }
    AudienceApi audienceApi = new AudienceApi(w.segments, memberDetails, recommender, segmentExports,
        w.customers::exists);
    // storefront tracking (issue 22): publishable keys, the browser endpoint and snippet
    io.shoal.tracking.PublishableKeys publishableKeys = new io.shoal.tracking.PublishableKeys(db.pool());
    io.shoal.customer.AnonymousVisitors visitors = new io.shoal.customer.AnonymousVisitors(db.pool(), w.customers,
        w.directory);
    io.shoal.tracking.BrowserApi browserApi = new io.shoal.tracking.BrowserApi(publishableKeys, visitors,
        new io.shoal.tracking.VisitorIdentification(db.pool(), visitors, new io.shoal.event.HistoryTransfer(),
            engine::merged), ingestion);
    List<Consumer<RouterBuilder>> apis = List.of(storeApi::mount, customerApi::mount, eventApi::mount,
        platformApi::mount, segmentApi::mount, w.customerAttributes::mount, webhookApi::mount, notificationApi::mount,
        metricsApi::mount, templateApi::mount, messageApi::mount, campaignApi::mount, automationApi::mount,
        dataRequestApi::mount, segmentItemsApi::mount, catalogApi::mount, couponApi::mount,
        new SegmentHistoryApi(db.pool(), w.segments)::mount,
        new CampaignTimelineApi(db.pool(), w.campaigns)::mount, audienceApi::mount,
        new io.shoal.tracking.PublishableKeyApi(publishableKeys)::mount);
    List<Consumer<Router>> publicRoutes = List.of(trackingApi::mount, Dashboard::mount, browserApi::mount,
        w.evaluators::mountInternal);

    // Port 0 means any free port. Vert.x lets servers share a random port only when they all
    // listen on the same negative port; listening again on the port the first one got fails to bind.
    ShoalConfig listen = config.httpPort() == 0 ? config.withHttpPort(-1) : config;
    // get by id from the profile cache, before the router (CachedGet)
    List<CachedGet> cachedGets = List.of(new CachedGet("customers", customerApi::kept));
    ApiVerticle first = new ApiVerticle(listen, db.pool(), w.authentication, apis, publicRoutes, cachedGets, contract);
    return segmentExports.start().compose(v -> privacyWorker).compose(worker -> {
      deployments.add(worker);
      return vertx.deployVerticle(first);
    }).compose(id -> {
      deployments.add(id);
      int port = first.actualPort();
      int more = config.httpInstances() - 1;
      if (more == 0) {
        return Future.succeededFuture(port);
      }
      return vertx.deployVerticle(() -> new ApiVerticle(listen, db.pool(), w.authentication, apis, publicRoutes, cachedGets, contract),
          new DeploymentOptions().setInstances(more)).map(more2 -> {
            deployments.add(more2);
            return port;
          });
    });
  }

  /**
   * The delivery dispatcher, last: tracking links point at the public URL, or at this server's
   * port when none is configured (found only once the API listens).
   */
  private static Future<Integer> deployDelivery(Wiring w, int port, List<String> deployments) {
    DeliveryConfig delivery = w.config.delivery();
    return w.listeningOn(port)
        .compose(v -> w.vertx.deployVerticle(w.background("message-dispatcher", () -> new DeliveryDispatcherVerticle(
            w.db.pool(), delivery, ChannelAdapters.from(w.vertx, delivery, w.outbox), w.trackingLinks))))
        .map(id -> {
          deployments.add(id);
          return port;
        });
  }

  public int httpPort() {
    return httpPort;
  }

  public String adminKey() {
    return adminKey;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Database database() {
    return database;
  }

  /**
   * Stops taking requests and lets in-flight ones finish (API verticles first), lets the
   * evaluators write their last batch, closes the pools, then Vert.x, then the database. The
   * verticles' stops have their own deadlines (in-flight deliveries get theirs); closing the pools
   * and Vert.x has none, so each is bounded ({@link #CLOSE_STEP_SECONDS}): one that never finishes
   * is logged and the stop goes on, so a stop always ends (seen once under heavy load in
   * RestartTest: a stop that closed the pools and then hung for minutes).
   */
  public Future<Void> stop() {
    Future<Void> undeployed = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      undeployed = undeployed.compose(v -> vertx.undeploy(id).otherwiseEmpty());
    }
    return undeployed
        .compose(v -> bounded(database.closePool(), "closing the database pools"))
        .compose(v -> bounded(vertx.close(), "closing Vert.x"))
        .andThen(ar -> database.stopEmbeddedBlocking());
  }

  /** The longest closing the pools, or Vert.x, may take before the stop goes on without it. */
  static final long CLOSE_STEP_SECONDS = 15;

  /**
   * {@code step}, or success after {@link #CLOSE_STEP_SECONDS} with a warning naming it; a
   * failure is logged and passed over too. The limit is kept by a JDK timer, not a Vert.x one:
   * Vert.x itself may be what is closing.
   */
  private static Future<Void> bounded(Future<?> step, String what) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    step.onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("Stopping: {} failed: {}", what, ar.cause().toString());
      }
      done.tryComplete();
    });
    java.util.concurrent.CompletableFuture.delayedExecutor(CLOSE_STEP_SECONDS, java.util.concurrent.TimeUnit.SECONDS)
        .execute(() -> {
          if (done.tryComplete()) {
            LOG.warn("Stopping: {} did not finish in {} s; going on without it", what, CLOSE_STEP_SECONDS);
          }
        });
    return done.future();
  }
}
