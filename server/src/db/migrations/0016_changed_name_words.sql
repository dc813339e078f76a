-- An update remembers the name words (search_terms) of the records whose names it changed, not of
-- every record it wrote. Before, a batch of a thousand contacts changing only their job titles
-- split a thousand names into words and probed the words' index for each: 10-25 ms of the
-- batch's update on the embedded database, for nothing new.
CREATE FUNCTION rapport_remember_changed_contact_words() RETURNS trigger AS $$
BEGIN
  INSERT INTO search_terms (workspace_id, term)
  SELECT DISTINCT n.workspace_id, w
  FROM new_rows n
  JOIN old_rows o ON o.workspace_id = n.workspace_id AND o.id = n.id
    AND (o.first_name IS DISTINCT FROM n.first_name OR o.last_name IS DISTINCT FROM n.last_name),
  rapport_name_words(coalesce(n.first_name, '') || ' ' || coalesce(n.last_name, '')) AS w
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION rapport_remember_changed_record_words() RETURNS trigger AS $$
BEGIN
  INSERT INTO search_terms (workspace_id, term)
  SELECT DISTINCT n.workspace_id, w
  FROM new_rows n
  JOIN old_rows o ON o.workspace_id = n.workspace_id AND o.id = n.id AND o.name IS DISTINCT FROM n.name,
  rapport_name_words(n.name) AS w
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

DROP TRIGGER contacts_words_update ON contacts;
DROP TRIGGER companies_words_update ON companies;
DROP TRIGGER deals_words_update ON deals;
CREATE TRIGGER contacts_words_update AFTER UPDATE ON contacts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rapport_remember_changed_contact_words();
CREATE TRIGGER companies_words_update AFTER UPDATE ON companies REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rapport_remember_changed_record_words();
CREATE TRIGGER deals_words_update AFTER UPDATE ON deals REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rapport_remember_changed_record_words();
