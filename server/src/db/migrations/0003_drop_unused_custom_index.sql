-- Custom field filters and sorts read `custom->>'key'` expressions, which a jsonb_path_ops GIN
-- index cannot serve; it only cost every contact write its upkeep (batch upserts most of all).
DROP INDEX IF EXISTS contacts_custom_idx;
