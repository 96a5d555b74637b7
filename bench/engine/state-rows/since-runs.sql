-- Issue 14, state rows without the since join: MembershipEdits.runs in PL/pgSQL, for the bench's input only: the slices that turn
-- the stored list o (ascending) into n (ascending), as the evaluator sends them (8 pairs of
-- stored from/to, new from/to, then the stored length), or NULL past 8 pairs.
CREATE OR REPLACE FUNCTION bench_runs(o integer[], n integer[]) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  i int := 1; j int := 1; a int := 0; b int := -1; c int := 0; d int := -1; open boolean := false;
  r int[] := '{}'; lo int := coalesce(cardinality(o), 0); ln int := coalesce(cardinality(n), 0);
BEGIN
  WHILE j <= ln OR i <= lo LOOP
    IF i <= lo AND (j > ln OR o[i] < n[j]) THEN
      i := i + 1;                                   -- left
    ELSIF i > lo OR n[j] < o[i] THEN                -- begun
      IF NOT open THEN a := i; b := i - 1; open := true; END IF;
      IF d < c THEN c := j; END IF;
      d := j; j := j + 1;
    ELSE                                            -- kept
      IF open AND d < c AND (b < a OR b = i - 1) THEN
        IF b < a THEN a := i; END IF;
        b := i;
      ELSE
        IF open THEN r := r || ARRAY[a, b, c, d]; END IF;
        a := i; b := i; c := j + 1; d := j; open := true;
      END IF;
      i := i + 1; j := j + 1;
    END IF;
  END LOOP;
  IF open THEN r := r || ARRAY[a, b, c, d]; END IF;
  IF cardinality(r) > 32 THEN RETURN NULL; END IF;
  WHILE cardinality(r) < 32 LOOP r := r || ARRAY[lo + 1, lo, ln + 1, ln]; END LOOP;
  RETURN array_to_string(r || lo, ',');
END $$;
