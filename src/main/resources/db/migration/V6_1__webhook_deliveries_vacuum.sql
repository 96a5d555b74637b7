-- webhook_deliveries churns: every delivery is inserted, updated once or more, and its pending
-- and in-flight index entries die. With the default thresholds (20 % of the table changed) the
-- table went minutes without vacuum or analyze under load: index-only scans fetched every heap
-- row and the planner chose plans for a table it thought empty. Vacuum and analyze it early.
ALTER TABLE webhook_deliveries SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.01,
  autovacuum_vacuum_insert_scale_factor = 0.01, autovacuum_vacuum_cost_delay = 0);
