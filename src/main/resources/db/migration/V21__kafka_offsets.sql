-- Kafka mode: how far each partition of the events topic has been projected into the events
-- table. Written in the same transaction as the projected events, so a partition that moves to
-- another node resumes exactly where the last one stopped (see event/kafka/KafkaEventProjector).
CREATE TABLE kafka_offsets (
  topic       text NOT NULL,
  partition   integer NOT NULL,
  next_offset bigint NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (topic, partition)
);
