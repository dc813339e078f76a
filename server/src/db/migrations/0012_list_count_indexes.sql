-- A filtered list counts its matches exactly up to a thousand. Filtered by lifecycle stage (the
-- most common filter of contacts) and a choice custom field ("plan is pro"), that count read
-- every live contact row of the workspace until it had found a thousand, and probed each one's
-- custom value. With these two indexes it reads the two sorted lists of ids side by side (a merge
-- join over index-only scans), a few dozen pages at any size: the live contacts of one stage, in
-- id order, and the records holding one value of one custom field, in id order.
CREATE INDEX contacts_lifecycle_idx ON contacts (workspace_id, lifecycle_stage, id)
  WHERE deleted_at IS NULL AND merged_into IS NULL;
CREATE INDEX custom_field_values_value_idx ON custom_field_values (workspace_id, field_id, text_value, record_id)
  WHERE text_value IS NOT NULL;
