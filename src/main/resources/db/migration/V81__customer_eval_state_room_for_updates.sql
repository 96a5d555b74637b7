-- Issue 14, thirty-sixth pass (hot36): a quarter of each customer_eval_state page kept free, so
-- the evaluator's update of a state row finds room for the new version on the row's own page.
--
-- The evaluator rewrites a customer's state row on every event it applies (EvaluationStore.SQL_STATES:
-- state, cart, last seen, and the memberships when they changed). A row is ~1.1-2.0 kB (~1.5 kB on
-- average with ~120 memberships: numbers, since-times, the packed numbers); rows above ~2 kB are
-- compressed inline by TOAST, so no new version is larger than ~2,032 bytes. At fillfactor 100 a page
-- holds five such rows and ~0.6 kB of free space, so many updates do not fit on their page (36-41 % in
-- bench/engine's single-event runs at 30k x 1,000): the
-- new version goes to another page, with a new primary-key entry, the whole row in the WAL, and a
-- second page dirtied (and imaged after a checkpoint). With 2,048 bytes (25 %) of each page left
-- free by inserts, any row's next version fits beside it: the update is HOT (the primary key, the
-- table's only index, never changes), on the same page, and its WAL holds only the bytes that changed
-- between the row's unchanged start and end. The page is pruned of the old version when next read
-- with less than that free (PostgreSQL prunes a page below its fillfactor's free space).
--
-- Fillfactor applies to new inserts and to the pages rows move to; rows already stored stay where
-- they are until rewritten. The table is rewritten once here (CLUSTER, in this migration's
-- transaction, in primary-key order; the table is not left marked for later CLUSTERs), so every page
-- has its room at once. That takes ~1.46x the pages (30,000 state rows with ~120 memberships: 46 ->
-- 67 MB) and holds the table's exclusive lock while it runs (the README's upgrade table: its time).
ALTER TABLE customer_eval_state SET (fillfactor = 75);
CLUSTER customer_eval_state USING customer_eval_state_pkey;
ALTER TABLE customer_eval_state SET WITHOUT CLUSTER;
