-- Issue 14: every recorded flip was one segment_transitions row (~20 per event at 1,000 segments),
-- each paying a heap tuple and two B-tree entries. Now the flips of one customer's event (what
-- one batch records for it: same cause, event and instant) are one row of segment_flips, with
-- arrays of the flips' ids, segments and directions, in the order they were made.
--
-- Positions: a row takes one value of segment_flips_seq, which steps by 1,024, and its k-th flip
-- (k from 1) has seq = row seq + k - 1, so a row holds at most 1,024 flips (writers split longer
-- runs). Each flip keeps the unique, increasing position the transitions API's cursor shows,
-- with no sequence call per flip. The rows written before this migration become one-flip rows
-- that keep their seq; the sequence starts after the highest of them.
--
-- Readers by segment walk the GIN index on segment_ids (its pending list takes a row's entries
-- in one append); segment_flips_of() unnests the rows of one segment, segment_transitions (a view)
-- every flip, with the columns the table had.

CREATE SEQUENCE segment_flips_seq INCREMENT BY 1024;

CREATE TABLE segment_flips (
  seq          bigint PRIMARY KEY DEFAULT nextval('segment_flips_seq'),
  store_id     text NOT NULL,
  customer_id  text NOT NULL,
  cause        text NOT NULL,
  event_id     text,
  occurred_at  timestamptz NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  ids          text[] NOT NULL,
  segment_ids  text[] NOT NULL,
  entered      boolean[] NOT NULL,
  CHECK (cardinality(ids) BETWEEN 1 AND 1024 AND cardinality(segment_ids) = cardinality(ids)
         AND cardinality(entered) = cardinality(ids))
);
ALTER SEQUENCE segment_flips_seq OWNED BY segment_flips.seq;

INSERT INTO segment_flips (seq, store_id, customer_id, cause, event_id, occurred_at, recorded_at, ids, segment_ids,
                           entered)
  SELECT seq, store_id, customer_id, cause, event_id, occurred_at, recorded_at, ARRAY[id], ARRAY[segment_id],
         ARRAY[kind = 'entered']
  FROM segment_transitions;

SELECT setval('segment_flips_seq', (SELECT coalesce(max(seq), 0) + 1 FROM segment_flips), false);

DROP TABLE segment_transitions;

CREATE INDEX segment_flips_by_segment ON segment_flips USING gin (segment_ids);

-- Every recorded flip, one row each, as segment_transitions had them (ad hoc reads, a data
-- request's export, bench/engine's latency join on event_id).
CREATE VIEW segment_transitions AS
  SELECT f.seq + u.k - 1 AS seq, f.store_id, u.id, u.segment_id, f.customer_id,
         CASE WHEN u.entered THEN 'entered' ELSE 'left' END AS kind, f.cause, f.event_id, f.occurred_at,
         f.recorded_at
  FROM segment_flips f CROSS JOIN LATERAL unnest(f.ids, f.segment_ids, f.entered) WITH ORDINALITY AS u(id, segment_id, entered, k);

-- The flips of one segment, unordered. LANGUAGE sql, STABLE, one SELECT: PostgreSQL inlines it,
-- so a reader's conditions on row_seq (the row's position, for ORDER BY row_seq, k along the
-- primary key) and on occurred_at apply to segment_flips itself.
CREATE FUNCTION segment_flips_of(p_store text, p_segment text)
  RETURNS TABLE (seq bigint, row_seq bigint, k bigint, id text, segment_id text, customer_id text, kind text,
                 cause text, event_id text, occurred_at timestamptz, recorded_at timestamptz)
  LANGUAGE sql STABLE
AS $$
  SELECT f.seq + u.k - 1, f.seq, u.k, u.id, u.segment_id, f.customer_id,
         CASE WHEN u.entered THEN 'entered' ELSE 'left' END, f.cause, f.event_id, f.occurred_at, f.recorded_at
  FROM segment_flips f CROSS JOIN LATERAL unnest(f.ids, f.segment_ids, f.entered) WITH ORDINALITY AS u(id, segment_id, entered, k)
  WHERE f.store_id = p_store AND f.segment_ids @> ARRAY[p_segment] AND u.segment_id = p_segment
$$;
