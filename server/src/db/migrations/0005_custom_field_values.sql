-- Custom field values in typed columns, one row per record and field, beside the record's
-- `custom` jsonb (which stays what the API reads and writes). A filter or sort on
-- `custom->>'plan'` is an expression the planner has no statistics for, so at a million contacts
-- it guesses and scans everything; here the values are plain columns with statistics and
-- indexes, one set for every field of every workspace (no DDL per field).
--
-- Only scalar types whose values are short enough for a b-tree are kept: numbers and currency
-- amounts, dates, date-times, booleans, single selects, emails and phones. Free text, URLs,
-- long text, multi-selects and user references are filtered on the jsonb as before.
--
-- Kept by statement-level triggers (one insert per write statement, however many rows, like
-- search_terms), so every writer (the write path, merges, bulk jobs, imports) keeps it in step.
CREATE TABLE custom_field_values (
  workspace_id uuid NOT NULL,
  field_id uuid NOT NULL,
  record_id uuid NOT NULL,
  text_value text,
  number_value numeric,
  date_value date,
  time_value timestamptz,
  bool_value boolean,
  PRIMARY KEY (workspace_id, field_id, record_id),
  FOREIGN KEY (workspace_id, field_id) REFERENCES custom_fields (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX custom_field_values_text_idx ON custom_field_values (workspace_id, field_id, lower(text_value), record_id)
  WHERE text_value IS NOT NULL;
CREATE INDEX custom_field_values_number_idx ON custom_field_values (workspace_id, field_id, number_value, record_id)
  WHERE number_value IS NOT NULL;
CREATE INDEX custom_field_values_date_idx ON custom_field_values (workspace_id, field_id, date_value, record_id)
  WHERE date_value IS NOT NULL;
CREATE INDEX custom_field_values_time_idx ON custom_field_values (workspace_id, field_id, time_value, record_id)
  WHERE time_value IS NOT NULL;
-- Which values are common depends on the field ('pro' is a third of one field, absent from the
-- others): statistics over the pair let the planner see that.
CREATE STATISTICS custom_field_values_field_text (mcv, dependencies) ON field_id, text_value FROM custom_field_values;

-- The typed row of one value, or NULL for a type this table does not keep.
CREATE FUNCTION rapport_custom_value_columns(field_type text, v jsonb,
  OUT keep boolean, OUT text_value text, OUT number_value numeric, OUT date_value date, OUT time_value timestamptz, OUT bool_value boolean)
AS $$
  SELECT field_type IN ('number', 'currency', 'date', 'datetime', 'boolean', 'single_select', 'email', 'phone'),
         CASE WHEN field_type IN ('single_select', 'email', 'phone') AND jsonb_typeof(v) = 'string' THEN v #>> '{}' END,
         CASE WHEN field_type = 'number' AND jsonb_typeof(v) = 'number' THEN v::numeric
              WHEN field_type = 'currency' AND jsonb_typeof(v -> 'amount') = 'number' THEN (v -> 'amount')::numeric END,
         CASE WHEN field_type = 'date' AND jsonb_typeof(v) = 'string' THEN (v #>> '{}')::date END,
         CASE WHEN field_type = 'datetime' AND jsonb_typeof(v) = 'string' THEN (v #>> '{}')::timestamptz END,
         CASE WHEN field_type = 'boolean' AND jsonb_typeof(v) = 'boolean' THEN v::boolean END;
$$ LANGUAGE sql STABLE;

-- New records: their values. TG_ARGV[0] is the object type of the table.
CREATE FUNCTION rapport_store_new_custom_values() RETURNS trigger AS $$
BEGIN
  INSERT INTO custom_field_values (workspace_id, field_id, record_id, text_value, number_value, date_value, time_value, bool_value)
  SELECT n.workspace_id, f.id, n.id, t.text_value, t.number_value, t.date_value, t.time_value, t.bool_value
  FROM new_rows n
  JOIN custom_fields f ON f.workspace_id = n.workspace_id AND f.object_type = TG_ARGV[0] AND n.custom ? f.key,
  LATERAL rapport_custom_value_columns(f.type, n.custom -> f.key) t
  WHERE n.custom <> '{}'::jsonb AND t.keep;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

-- Updated records: only those whose `custom` changed (most updates leave it alone) are rewritten.
CREATE FUNCTION rapport_store_changed_custom_values() RETURNS trigger AS $$
BEGIN
  DELETE FROM custom_field_values v
  USING new_rows n
  JOIN old_rows o ON o.workspace_id = n.workspace_id AND o.id = n.id AND o.custom IS DISTINCT FROM n.custom
  JOIN custom_fields f ON f.workspace_id = n.workspace_id AND f.object_type = TG_ARGV[0] AND NOT n.custom ? f.key
  WHERE v.workspace_id = n.workspace_id AND v.field_id = f.id AND v.record_id = n.id;

  INSERT INTO custom_field_values (workspace_id, field_id, record_id, text_value, number_value, date_value, time_value, bool_value)
  SELECT n.workspace_id, f.id, n.id, t.text_value, t.number_value, t.date_value, t.time_value, t.bool_value
  FROM new_rows n
  JOIN old_rows o ON o.workspace_id = n.workspace_id AND o.id = n.id AND o.custom IS DISTINCT FROM n.custom
  JOIN custom_fields f ON f.workspace_id = n.workspace_id AND f.object_type = TG_ARGV[0] AND n.custom ? f.key,
  LATERAL rapport_custom_value_columns(f.type, n.custom -> f.key) t
  WHERE t.keep
  ON CONFLICT (workspace_id, field_id, record_id) DO UPDATE
    SET text_value = EXCLUDED.text_value, number_value = EXCLUDED.number_value, date_value = EXCLUDED.date_value,
        time_value = EXCLUDED.time_value, bool_value = EXCLUDED.bool_value;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

-- Records removed for good (the trash purge, a workspace's deletion): their values go with them.
CREATE FUNCTION rapport_forget_custom_values() RETURNS trigger AS $$
BEGIN
  DELETE FROM custom_field_values v
  USING old_rows o
  JOIN custom_fields f ON f.workspace_id = o.workspace_id AND f.object_type = TG_ARGV[0] AND o.custom ? f.key
  WHERE v.workspace_id = o.workspace_id AND v.field_id = f.id AND v.record_id = o.id;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER contacts_custom_values_insert AFTER INSERT ON contacts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rapport_store_new_custom_values('contact');
CREATE TRIGGER contacts_custom_values_update AFTER UPDATE ON contacts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rapport_store_changed_custom_values('contact');
CREATE TRIGGER contacts_custom_values_delete AFTER DELETE ON contacts REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rapport_forget_custom_values('contact');
CREATE TRIGGER companies_custom_values_insert AFTER INSERT ON companies REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rapport_store_new_custom_values('company');
CREATE TRIGGER companies_custom_values_update AFTER UPDATE ON companies REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rapport_store_changed_custom_values('company');
CREATE TRIGGER companies_custom_values_delete AFTER DELETE ON companies REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rapport_forget_custom_values('company');
CREATE TRIGGER deals_custom_values_insert AFTER INSERT ON deals REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rapport_store_new_custom_values('deal');
CREATE TRIGGER deals_custom_values_update AFTER UPDATE ON deals REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rapport_store_changed_custom_values('deal');
CREATE TRIGGER deals_custom_values_delete AFTER DELETE ON deals REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rapport_forget_custom_values('deal');

INSERT INTO custom_field_values (workspace_id, field_id, record_id, text_value, number_value, date_value, time_value, bool_value)
SELECT r.workspace_id, f.id, r.id, t.text_value, t.number_value, t.date_value, t.time_value, t.bool_value
FROM (SELECT workspace_id, id, custom, 'contact' AS object_type FROM contacts WHERE custom <> '{}'::jsonb
      UNION ALL SELECT workspace_id, id, custom, 'company' FROM companies WHERE custom <> '{}'::jsonb
      UNION ALL SELECT workspace_id, id, custom, 'deal' FROM deals WHERE custom <> '{}'::jsonb) r
JOIN custom_fields f ON f.workspace_id = r.workspace_id AND f.object_type = r.object_type AND r.custom ? f.key,
LATERAL rapport_custom_value_columns(f.type, r.custom -> f.key) t
WHERE t.keep;
ANALYZE custom_field_values;
