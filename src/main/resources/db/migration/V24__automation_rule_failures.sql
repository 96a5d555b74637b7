-- An automation rule that cannot be run (its stored definition no longer reads or compiles) is
-- deactivated with the reason, shown by the API until the rule is edited (issue 16: a row a
-- background job cannot process is marked failed and never stops the others).
ALTER TABLE automation_rules ADD COLUMN failure_reason text;
