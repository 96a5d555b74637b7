SELECT version();
SELECT relname, n_live_tup, pg_size_pretty(pg_relation_size(relid)) heap, pg_size_pretty(pg_indexes_size(relid)) idx FROM pg_stat_user_tables WHERE relname IN ('events','customers','notification_sets','segment_flips','customer_eval_state','segment_member_counts','notifications','customer_search','customer_facets','evaluator_checkpoints') ORDER BY 1;
SELECT c.relname tbl, i.relname idx, pg_size_pretty(pg_relation_size(i.oid)) size, pg_get_indexdef(i.oid) def FROM pg_index x JOIN pg_class c ON c.oid=x.indrelid JOIN pg_class i ON i.oid=x.indexrelid WHERE c.relname IN ('events','customers','notification_sets','segment_flips','segment_member_counts','notifications') ORDER BY 1,2;
SELECT tgrelid::regclass, tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t WHERE NOT tgisinternal AND tgrelid::regclass::text IN ('customers','events','notification_sets','segment_flips') ;
SELECT relname, reloptions FROM pg_class WHERE relname IN ('customers','events','notification_sets','segment_flips','segment_member_counts');
SELECT type, count(*) FROM events GROUP BY 1;
