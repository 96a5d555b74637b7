-- Issue 19: the activity timeline shows a customer's emails (sent, opened, clicked) by the
-- subject they received. The subject is rendered per recipient (it may name them), so it is kept
-- as sent; erasure clears it with the rest of the message's personal data.
ALTER TABLE messages ADD COLUMN subject text;
