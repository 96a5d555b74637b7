package io.shoal.event;

import io.shoal.config.KafkaConfig;
import io.shoal.db.Database;
import io.shoal.event.kafka.KafkaEventLog;
import io.shoal.event.kafka.KafkaEventProjector;
import io.shoal.event.kafka.KafkaTopics;
import io.shoal.testing.KafkaBroker;
import io.shoal.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The Kafka event log passes the same {@link EventLogContract} as the PostgreSQL one: a real
 * KRaft broker, the events topic, and this node's projector writing the events table; one
 * broker and one database for the class (each test has its own store).
 */
class KafkaEventLogContractTest extends EventLogContract {

  private static KafkaBroker broker;
  private static String databaseUrl;
  private static Path dataDir;
  private static KafkaConfig kafka;

  private final List<Database> opened = new ArrayList<>();
  private final List<KafkaEventLog> logs = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    broker = KafkaBroker.start(KafkaBroker.tempDir());
    databaseUrl = TestDatabase.createDatabase();
    dataDir = Files.createTempDirectory(Path.of("target"), "kafka-contract");
    kafka = KafkaConfig.from(Map.of(KafkaConfig.BOOTSTRAP, broker.bootstrap(), KafkaConfig.PARTITIONS, "3",
        KafkaConfig.NODE_ID, "contract")::get).orElseThrow();
    KafkaTopics.ensureBlocking(kafka);
  }

  @AfterAll
  static void stop() {
    broker.close();
    TestDatabase.dropDatabase(databaseUrl);
  }

  private Future<Database> database(Vertx vertx) {
    return database(vertx, databaseUrl, dataDir, opened);
  }


  /** The log as a node runs it: produce to the topic, project what this node is given, hear it. */
  @Override
  protected Future<EventLog> open(Vertx vertx, Consumer<LoggedEvent> subscriber) {
    KafkaEventProjector.Positions positions = new KafkaEventProjector.Positions();
    return database(vertx).compose(db -> {
      PgEventLog projection = new PgEventLog(vertx, db.pool(), outbox(vertx), subscriber);
      KafkaEventLog log = new KafkaEventLog(vertx, kafka, db.pool(), projection, positions);
      logs.add(log);
      return vertx.deployVerticle(new KafkaEventProjector(kafka, db.pool(), projection, positions, "contract",
              new KafkaEventProjector.PartitionWork() { // the log alone: no evaluators beside it
                @Override
                public Future<Void> take(int partition) {
                  return Future.succeededFuture();
                }

                @Override
                public Future<Void> release(int partition) {
                  return Future.succeededFuture();
                }
              }, EventIngestion.Admission.OPEN))
          .compose(id -> awaitAllPartitions(vertx, positions, 60))
          .map(log);
    });
  }

  /** Appends wait for the projection only on partitions owned here: own them all first. */
  private static Future<EventLog> awaitAllPartitions(Vertx vertx, KafkaEventProjector.Positions positions, int tries) {
    if (positions.owned().size() == kafka.partitions()) {
      return Future.succeededFuture();
    }
    if (tries == 0) {
      return Future.failedFuture(new AssertionError("the projector was not given every partition: " + positions.owned()));
    }
    return vertx.timer(500).compose(v -> awaitAllPartitions(vertx, positions, tries - 1));
  }

  /** A restarted node: a new producer and a new projection of the same database (no projector needed to read). */
  @Override
  protected Future<EventLog> reopen(Vertx vertx) {
    return database(vertx).map(db -> {
      PgEventLog projection = new PgEventLog(vertx, db.pool(), outbox(vertx), e -> {});
      KafkaEventLog log = new KafkaEventLog(vertx, kafka, db.pool(), projection, new KafkaEventProjector.Positions());
      logs.add(log);
      return log;
    });
  }

  @Override
  protected Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    logs.forEach(l -> closing.add(l.close()));
    return Future.join(closing)
        .transform(ar -> Future.join(opened.stream().map(Database::closePool).toList()))
        .mapEmpty();
  }
}
