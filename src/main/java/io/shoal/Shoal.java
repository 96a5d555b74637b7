package io.shoal;

import io.shoal.automation.ActionSchedulerVerticle;
import io.shoal.automation.AutomationApi;
import io.shoal.automation.AutomationVerticle;
import io.shoal.campaign.AttributionVerticle;
import io.shoal.campaign.CampaignApi;
import io.shoal.campaign.CampaignSchedulerVerticle;
import io.shoal.campaign.CampaignStore;
import io.shoal.campaign.CampaignTimeline;
import io.shoal.dashboard.Dashboard;
import io.shoal.catalog.CatalogApi;
import io.shoal.catalog.CatalogStore;
import io.shoal.catalog.PlatformProducts;
import io.shoal.config.ShoalConfig;
import io.shoal.coupon.CouponApi;
import io.shoal.coupon.CouponOrderFeedVerticle;
import io.shoal.coupon.CouponStore;
import io.shoal.coupon.Coupons;
import io.shoal.customer.CustomerApi;
import io.shoal.customer.CustomerAttributes;
import io.shoal.customer.CustomerDirectory;
import io.shoal.event.EventApi;
import io.shoal.event.EventIngestion;
import io.shoal.event.EventTimeline;
import io.shoal.event.PlatformWebhookApi;
import io.shoal.event.PgEventLog;
import io.shoal.segment.SegmentApi;
import io.shoal.segment.SegmentHistory;
import io.shoal.segment.SegmentItems;
import io.shoal.segment.SegmentItemsApi;
import io.shoal.segment.SegmentRepository;
import io.shoal.segment.eval.SegmentEngine;
import io.shoal.segment.eval.SegmentEvaluatorVerticle;
import io.shoal.customer.CustomerRepository;
import io.shoal.db.Database;
import io.shoal.http.ApiVerticle;
import io.shoal.http.Authentication;
import io.shoal.http.Idempotency;
import io.shoal.metrics.live.LiveMetrics;
import io.shoal.metrics.live.MetricsApi;
import io.shoal.metrics.live.ModelRefit;
import io.shoal.metrics.live.ModelRefitVerticle;
import io.shoal.metrics.live.ModelRepository;
import io.shoal.notify.NotificationApi;
import io.shoal.notify.NotificationLog;
import io.shoal.notify.WebhookDispatcherVerticle;
import io.shoal.notify.WebhookEndpointApi;
import io.shoal.automation.AutomationPersonalData;
import io.shoal.campaign.CampaignPersonalData;
import io.shoal.customer.CustomerPersonalData;
import io.shoal.delivery.MessagePersonalData;
import io.shoal.delivery.Outbox;
import io.shoal.event.EventPersonalData;
import io.shoal.http.IdempotencyPersonalData;
import io.shoal.notify.NotificationPersonalData;
import io.shoal.privacy.DataRequestApi;
import io.shoal.privacy.DataRequestVerticle;
import io.shoal.privacy.ExportLinks;
import io.shoal.privacy.PersonalData;
import io.shoal.privacy.PrivacyKeys;
import io.shoal.privacy.Suppressions;
import io.shoal.segment.SegmentPersonalData;
import io.shoal.store.AdminKey;
import io.shoal.store.StoreApi;
import io.shoal.store.StoreKeys;
import io.shoal.store.StoreRepository;
import io.shoal.template.TemplateApi;
import io.shoal.template.TemplateRepository;
import io.shoal.config.DeliveryConfig;
import io.shoal.delivery.DeliveryDispatcherVerticle;
import io.shoal.delivery.MessageApi;
import io.shoal.delivery.TrackingApi;
import io.shoal.delivery.TrackingLinks;
import io.shoal.delivery.channel.ChannelAdapters;
import io.vertx.ext.web.Router;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.micrometer.MicrometerMetricsFactory;
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

  public static Future<Shoal> start(ShoalConfig config) {
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
            .setEnabled(true)
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))))
        .withMetrics(new MicrometerMetricsFactory())
        .build();
    Database[] opened = new Database[1];
    List<String> deployments = new ArrayList<>();
    return vertx.executeBlocking(() -> AdminKey.resolveBlocking(config), false)
        .compose(adminKey -> Database.open(vertx, config)
            .compose(db -> {
              opened[0] = db;
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
   * Deploys the segment evaluator partitions (each loads its state and replays the log before
   * it answers), then the webhook dispatcher, then one API verticle per configured instance,
   * all on one port.
   */
  private static Future<Integer> deploy(Vertx vertx, ShoalConfig config, Database db, String adminKey,
                                        List<String> deployments) {
    int partitions = config.evaluatorPartitions();
    SegmentRepository segments = new SegmentRepository(db.pool());
    SegmentEngine engine = new SegmentEngine(vertx, partitions, segments);
    NotificationLog notifications = new NotificationLog(vertx);
    PgEventLog eventLog = new PgEventLog(vertx, db.pool(), notifications, logged -> {
      engine.deliver(logged);
      if ("order.completed".equals(logged.type())) {
        vertx.eventBus().publish(AttributionVerticle.ORDERS_LOGGED, logged.storeId());
        vertx.eventBus().publish(CouponOrderFeedVerticle.ORDERS_LOGGED, null); // coupons read the log themselves
      }
      vertx.eventBus().publish(AutomationVerticle.EVENTS_LOGGED, null); // automations read the log themselves
    });
    // Customer metrics: the stores' saved models are put in force before the evaluators load customers.
    LiveMetrics metrics = new LiveMetrics(config.metrics().enabled(), config.metrics().settings());
    ModelRepository models = new ModelRepository(db.pool());
    ModelRefit refit = new ModelRefit(vertx, engine, metrics, models);
    MetricsApi metricsApi = new MetricsApi(engine, metrics, refit);

    List<Future<String>> evaluators = new ArrayList<>();
    return models.all()
        .compose(saved -> {
          saved.forEach(metrics::restore);
          for (int p = 0; p < partitions; p++) {
            evaluators.add(vertx.deployVerticle(new SegmentEvaluatorVerticle(p, partitions, db.pool(), segments,
                eventLog, notifications, metrics)));
          }
          return Future.all(evaluators);
        })
        .compose(v -> {
          evaluators.forEach(f -> deployments.add(f.result()));
          return engine.resumeSyncs();
        })
        .compose(v -> !metrics.enabled() ? Future.succeededFuture()
            : vertx.deployVerticle(new ModelRefitVerticle(metrics, refit, config.metrics())).map(id -> {
              deployments.add(id);
              return null;
            }))
        .compose(v -> vertx.deployVerticle(new WebhookDispatcherVerticle(db.relaxedPool(), config.webhooks())))
        .compose(id -> {
          deployments.add(id);
          return vertx.deployVerticle(new CampaignSchedulerVerticle(new CampaignStore(db.pool(), notifications),
              config.campaigns()));
        })
        .compose(id -> {
          deployments.add(id);
          return vertx.deployVerticle(new AttributionVerticle(new CampaignStore(db.pool(), notifications),
              config.campaigns()));
        })
        .compose(id -> {
          deployments.add(id);
          return vertx.deployVerticle(new ActionSchedulerVerticle(db.pool(), config.automations(), engine::profileChanged));
        })
        .compose(id -> {
          deployments.add(id);
          return vertx.deployVerticle(new AutomationVerticle(db.pool(), eventLog, config.automations()));
        })
        .compose(id -> {
          deployments.add(id);
          return vertx.deployVerticle(new CouponOrderFeedVerticle(eventLog, coupons(db)));
        })
        .compose(id -> {
          deployments.add(id);
          return deployApi(vertx, config, db, adminKey, engine, segments, eventLog, notifications, metricsApi,
              deployments);
        })
        .compose(port -> deployDelivery(vertx, config, db, adminKey, port, deployments));
  }

  /**
   * The delivery dispatcher, last: tracking links point at the public URL, or at this server's
   * port when none is configured (found only once the API listens).
   */
  private static Future<Integer> deployDelivery(Vertx vertx, ShoalConfig config, Database db, String adminKey,
                                                int port, List<String> deployments) {
    DeliveryConfig delivery = config.delivery();
    TrackingLinks links = new TrackingLinks(delivery.publicUrl().orElse("http://localhost:" + port),
        TrackingLinks.secret(delivery.trackingSecret(), adminKey));
    return vertx.deployVerticle(new DeliveryDispatcherVerticle(db.pool(), delivery,
            ChannelAdapters.from(vertx, delivery, outbox(vertx, config)), links))
        .map(id -> {
          deployments.add(id);
          return port;
        });
  }

  /**
   * The data-request worker, then one API verticle per configured instance, all on one port
   * (found first when 0).
   */
  private static Future<Integer> deployApi(Vertx vertx, ShoalConfig config, Database db, String adminKey,
                                           SegmentEngine engine, SegmentRepository segments, PgEventLog eventLog,
                                           NotificationLog notifications, MetricsApi metricsApi,
                                           List<String> deployments) {
    return vertx.executeBlocking(() -> PrivacyKeys.resolveBlocking(config), false).compose(privacyKeys ->
        deployApi(vertx, config, db, adminKey, engine, segments, eventLog, notifications, metricsApi, deployments,
            privacyKeys));
  }

  private static Future<Integer> deployApi(Vertx vertx, ShoalConfig config, Database db, String adminKey,
                                           SegmentEngine engine, SegmentRepository segments, PgEventLog eventLog,
                                           NotificationLog notifications, MetricsApi metricsApi,
                                           List<String> deployments, PrivacyKeys privacyKeys) {
    StoreRepository stores = new StoreRepository(db.pool());
    StoreKeys keys = new StoreKeys(stores);
    Authentication authentication = new Authentication(adminKey, keys);
    StoreApi storeApi = new StoreApi(stores, keys);
    // Data protection: the suppression list guards every customer creation; each capability
    // holding personal data is one erasure step, in this order (the evaluator state goes first,
    // so erased people leave their segments announced without profile data).
    Suppressions suppressions = new Suppressions(db.pool(), privacyKeys);
    CustomerRepository customerRepository = new CustomerRepository(db.pool(), notifications, suppressions);
    CustomerDirectory directory = new CustomerDirectory(db.pool(), customerRepository);
    CustomerPersonalData customerData = new CustomerPersonalData(db.pool(), customerRepository, directory, engine::erase);
    List<PersonalData> personalData = List.of(new SegmentPersonalData(db.pool(), engine), customerData,
        new EventPersonalData(db.pool(), eventLog), new AutomationPersonalData(db.pool()),
        new CampaignPersonalData(db.pool()), new NotificationPersonalData(db.pool()),
        new MessagePersonalData(db.pool(), outbox(vertx, config)), new IdempotencyPersonalData(db.pool()));
    ExportLinks exportLinks = new ExportLinks(privacyKeys, config.delivery().publicUrl().orElse(""));
    DataRequestApi dataRequestApi = new DataRequestApi(vertx, db.pool(), suppressions, customerData, exportLinks);
    Future<String> privacyWorker = vertx.deployVerticle(new DataRequestVerticle(db.pool(), suppressions, customerData,
        personalData, notifications, exportLinks, config.privacy()));
    CustomerApi customerApi = new CustomerApi(customerRepository, directory, engine::profileChanged,
        List.of(new EventTimeline(db.pool())));
    EventIngestion ingestion = new EventIngestion(directory, directory::applyProfile, eventLog);
    EventApi eventApi = new EventApi(ingestion);
    CatalogStore catalog = new CatalogStore(db.pool());
    PlatformWebhookApi platformApi = new PlatformWebhookApi(db.pool(), ingestion, eventLog,
        List.of(new PlatformProducts(catalog)));
    CustomerAttributes customerAttributes = new CustomerAttributes(db.pool());
    SegmentApi segmentApi = new SegmentApi(vertx, segments, engine, customerAttributes::types);
    SegmentItems segmentItems = new SegmentItems(db.pool());
    SegmentItemsApi segmentItemsApi = new SegmentItemsApi(segments, segmentItems, catalog);
    CatalogApi catalogApi = new CatalogApi(catalog);
    CouponApi couponApi = new CouponApi(coupons(db), segmentItems::existing);
    WebhookEndpointApi webhookApi = new WebhookEndpointApi(vertx, db.pool());
    NotificationApi notificationApi = new NotificationApi(vertx, db.pool());
    TemplateApi templateApi = new TemplateApi(db.pool());
    TrackingApi trackingApi = new TrackingApi(new TrackingLinks(config.delivery().publicUrl().orElse(""),
        TrackingLinks.secret(config.delivery().trackingSecret(), adminKey)), db.pool(), customerRepository,
        engine::profileChanged);
    MessageApi messageApi = new MessageApi(db.pool(), trackingApi);
    TemplateRepository templates = new TemplateRepository(db.pool());
    CampaignApi campaignApi = new CampaignApi(vertx, new CampaignStore(db.pool(), notifications), segments,
        (store, template) -> templates.get(store, template).map(t -> t == null ? null : t.content().channel().wire()));
    AutomationApi automationApi = new AutomationApi(vertx, db.pool(), segments);
    List<Consumer<RouterBuilder>> apis = List.of(storeApi::mount, customerApi::mount, eventApi::mount,
        platformApi::mount, segmentApi::mount, customerAttributes::mount, webhookApi::mount, notificationApi::mount, metricsApi::mount,
        templateApi::mount, messageApi::mount, campaignApi::mount, automationApi::mount, dataRequestApi::mount,
        segmentItemsApi::mount, catalogApi::mount, couponApi::mount,
        new SegmentHistory(db.pool(), segments)::mount,
        new CampaignTimeline(db.pool(), new CampaignStore(db.pool(), notifications))::mount);
    List<Consumer<Router>> publicRoutes = List.of(trackingApi::mount, Dashboard::mount);

    // Port 0 means any free port. Vert.x lets servers share a random port only when they all
    // listen on the same negative port; listening again on the port the first one got fails to bind.
    ShoalConfig listen = config.httpPort() == 0 ? config.withHttpPort(-1) : config;
    ApiVerticle first = new ApiVerticle(listen, db.pool(), authentication, apis, publicRoutes);
    return privacyWorker.compose(worker -> {
      deployments.add(worker);
      return vertx.deployVerticle(first);
    }).compose(id -> {
      deployments.add(id);
      int port = first.actualPort();
      int more = config.httpInstances() - 1;
      if (more == 0) {
        return Future.succeededFuture(port);
      }
      return vertx.deployVerticle(() -> new ApiVerticle(listen, db.pool(), authentication, apis, publicRoutes),
          new DeploymentOptions().setInstances(more)).map(more2 -> {
            deployments.add(more2);
            return port;
          });
    });
  }

  /** Coupons, with the segment capability's memberships and the catalog (all stateless over the pool). */
  private static Coupons coupons(Database db) {
    return new Coupons(new CouponStore(db.pool()), new SegmentItems(db.pool()), new CatalogStore(db.pool()));
  }

  /** What the log adapter would have sent, one file per message (erasable, unlike log lines). */
  private static Outbox outbox(Vertx vertx, ShoalConfig config) {
    return new Outbox(vertx, config.dataDir().resolve("outbox"));
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
   * evaluators write their last batch, closes the pool, then Vert.x, then the database.
   */
  public Future<Void> stop() {
    Future<Void> undeployed = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      undeployed = undeployed.compose(v -> vertx.undeploy(id).otherwiseEmpty());
    }
    return undeployed
        .compose(v -> database.closePool().otherwiseEmpty())
        .compose(v -> vertx.close())
        .andThen(ar -> database.stopEmbeddedBlocking());
  }
}
