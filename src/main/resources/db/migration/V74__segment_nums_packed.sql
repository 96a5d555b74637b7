-- Issue 14 (bench/engine, twenty-ninth pass, start29): a customer's evaluated memberships also as
-- packed bytes, beside segment_nums, for the evaluators' start. The start read segment_nums as
-- array_send: PostgreSQL called int4send for each of a row's ~120 numbers (a 1 kB buffer each, in
-- PostgreSQL 14), 5-9 us a row, and the driver copied ~1 kB a row (8 bytes a number). A bytea is
-- sent as it is stored: ~1 byte a number.
--
-- segment_nums_packed: the numbers of segment_nums as a set, ascending, each as its gap from the one
-- before (from 0 for the first) in 32 bits unsigned, written as a varint (7 bits a byte, low bits
-- first, the high bit set on every byte but a number's last). NULL: not packed; readers then read
-- segment_nums (rows written before this migration by other writers, and any write that changed
-- segment_nums without it: the trigger below). Every other reader reads segment_nums and
-- segment_since as before.
ALTER TABLE customer_eval_state ADD COLUMN segment_nums_packed bytea;

-- The packed form of a list of numbers, as the evaluator writes it (EvaluationStore.packNums).
CREATE FUNCTION segment_nums_pack(nums integer[]) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT decode(coalesce(string_agg(CASE
      WHEN d < 128 THEN lpad(to_hex(d), 2, '0')
      WHEN d < 16384 THEN to_hex((d & 127) | 128) || lpad(to_hex(d >> 7), 2, '0')
      WHEN d < 2097152 THEN to_hex((d & 127) | 128) || to_hex(((d >> 7) & 127) | 128) || lpad(to_hex(d >> 14), 2, '0')
      WHEN d < 268435456 THEN to_hex((d & 127) | 128) || to_hex(((d >> 7) & 127) | 128)
        || to_hex(((d >> 14) & 127) | 128) || lpad(to_hex(d >> 21), 2, '0')
      ELSE to_hex((d & 127) | 128) || to_hex(((d >> 7) & 127) | 128) || to_hex(((d >> 14) & 127) | 128)
        || to_hex(((d >> 21) & 127) | 128) || lpad(to_hex(d >> 28), 2, '0') END, '' ORDER BY n), ''), 'hex')
  FROM (SELECT n, (n::bigint - lag(n::bigint, 1, 0::bigint) OVER (ORDER BY n)) & 4294967295 AS d
        FROM (SELECT DISTINCT n FROM unnest(nums) AS u(n) WHERE n IS NOT NULL) s) g
$$;

-- A write that changes segment_nums without giving segment_nums_packed (a statement that does not
-- know the column) leaves it NULL instead of stale: the start then reads segment_nums for that row.
-- The evaluator's own writes set both (EvaluationStore.SQL_STATES).
CREATE FUNCTION customer_eval_state_unpack() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.segment_nums_packed := NULL;
  RETURN NEW;
END
$$;
CREATE TRIGGER customer_eval_state_nums_changed BEFORE UPDATE OF segment_nums ON customer_eval_state
  FOR EACH ROW
  WHEN (NEW.segment_nums IS DISTINCT FROM OLD.segment_nums
        AND NEW.segment_nums_packed IS NOT DISTINCT FROM OLD.segment_nums_packed
        AND NEW.segment_nums_packed IS NOT NULL)
  EXECUTE FUNCTION customer_eval_state_unpack();

-- The rows there are, packed once (~0.1 ms a row of PostgreSQL's time: a start over 1,000,000 state rows
-- after this migration waits ~1-2 minutes once).
UPDATE customer_eval_state SET segment_nums_packed = segment_nums_pack(segment_nums) WHERE segment_nums IS NOT NULL;
