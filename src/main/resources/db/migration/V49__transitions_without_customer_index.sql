-- Issue 14: every recorded flip paid an entry in segment_transitions_by_customer, and that index
-- is the costly kind: its keys follow the customers, so each batch of flips lands on pages all
-- over it (a random page per entry, a full-page image in the WAL after each checkpoint). Reads
-- by customer are rare and bounded elsewhere: the transitions API always names the segment (it
-- walks segment_transitions_by_segment and filters the customer), and a data request's export
-- and erasure scan the table once, as they already scan notifications.
DROP INDEX IF EXISTS segment_transitions_by_customer;
