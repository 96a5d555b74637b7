-- Seed 003's audiences: a segment may be a draft (saved, not evaluated, no members) before it is
-- published ('created'), keeps its author, may be locked against edits once published, and
-- stores the per-rule funnel of its last calculation. A static segment may now be built from
-- rules (members fixed at creation, recalculated by refresh).
ALTER TABLE segments
  ADD COLUMN lifecycle text NOT NULL DEFAULT 'created' CHECK (lifecycle IN ('draft', 'created')),
  ADD COLUMN author text,
  ADD COLUMN locked boolean NOT NULL DEFAULT false,
  ADD COLUMN funnel jsonb,
  ADD COLUMN calculated_at timestamptz;
