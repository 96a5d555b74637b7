package io.shoal.event;

import io.shoal.config.KafkaConfig;
import io.shoal.testing.KafkaBroker;
import io.shoal.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * Every ingestion test of {@link EventIngestionTest} again, in Kafka mode: events produced to a
 * real broker (KRaft, its own process) and projected from there, so both logs keep the same
 * promises (repeats applied once, per-customer order, bad events refused, aggregates exact).
 */
class KafkaModeIngestionTest extends EventIngestionTest {

  private KafkaBroker broker;

  @Override
  TestServer startServer() {
    broker = KafkaBroker.start(KafkaBroker.tempDir());
    return TestServer.start(Map.of(KafkaConfig.BOOTSTRAP, broker.bootstrap(), KafkaConfig.PARTITIONS, "4"));
  }

  /** The server first, while the broker still answers its clients' goodbyes. */
  @Override
  @AfterAll
  void stop() {
    super.stop();
    if (broker != null) {
      broker.close();
    }
  }
}
