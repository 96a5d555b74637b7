CREATE OR REPLACE FUNCTION s17c_keys(p text) RETURNS SETOF text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT DISTINCT substr(p, (w.start + j)::int, 20)
  FROM (SELECT length(m[2]) AS len,
               1 + length(m[1]) + coalesce(sum(length(m[1]) + length(m[2])) OVER (ORDER BY n ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS start
        FROM regexp_matches(p, '([\t\n\v\f\r !-/:-@[-`{-~]*)([^\t\n\v\f\r !-/:-@[-`{-~]+)', 'g') WITH ORDINALITY r(m, n)) w,
       generate_series(0, w.len - 3) j
$f$;
