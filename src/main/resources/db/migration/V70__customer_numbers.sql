-- Issue 14: every customer gets a number, so that the evaluator can keep a segment's members as a
-- compressed bitmap of numbers (memberships out of the per-customer state row: step 1 of
-- docs/memberships-plan.md).
--
-- customers.num: unique in the whole database (one sequence, as segments.num in V60), given when the
-- customer row is inserted (the column default: every inserter keeps working unchanged) and never
-- changed or reused, so a number held in a bitmap or a snapshot can never name another person.
-- Existing customers are numbered in the table's physical order, roughly the order they arrived.
--
-- Adding a column with a volatile default rewrites the table and its indexes once: ~45 s at
-- 1,000,000 customers on the bench machine (2 cores), at the first start after the upgrade.
-- No index yet: nothing looks a customer up by number before the readers move to the bitmaps.
CREATE SEQUENCE customer_nums AS integer;
ALTER TABLE customers ADD COLUMN num integer NOT NULL DEFAULT nextval('customer_nums');
ALTER SEQUENCE customer_nums OWNED BY customers.num;
