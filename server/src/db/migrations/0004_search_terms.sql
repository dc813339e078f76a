-- The distinct words of contact, company and deal names, for typo-tolerant search. A trigram
-- match over distinct words is fast where one over every record's name is not: a common first
-- name is on a tenth of the contacts, but it is one word here. Words are letter runs of three or
-- more, lower-cased. Kept by statement-level triggers (one insert per write statement, however
-- many rows); a word whose records are all gone stays, and only ever costs a search that finds
-- nothing through it.
CREATE TABLE search_terms (
  workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  term text NOT NULL,
  PRIMARY KEY (workspace_id, term)
);
CREATE INDEX search_terms_trgm ON search_terms USING gin (term gin_trgm_ops);

CREATE FUNCTION rapport_name_words(name text) RETURNS SETOF text AS $$
  SELECT DISTINCT w FROM regexp_split_to_table(lower(coalesce(name, '')), '[^[:alpha:]]+') AS w WHERE length(w) >= 3;
$$ LANGUAGE sql IMMUTABLE;

CREATE FUNCTION rapport_remember_contact_words() RETURNS trigger AS $$
BEGIN
  INSERT INTO search_terms (workspace_id, term)
  SELECT DISTINCT n.workspace_id, w FROM new_rows n, rapport_name_words(coalesce(n.first_name, '') || ' ' || coalesce(n.last_name, '')) AS w
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION rapport_remember_record_words() RETURNS trigger AS $$
BEGIN
  INSERT INTO search_terms (workspace_id, term)
  SELECT DISTINCT n.workspace_id, w FROM new_rows n, rapport_name_words(n.name) AS w
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER contacts_words_insert AFTER INSERT ON contacts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rapport_remember_contact_words();
CREATE TRIGGER contacts_words_update AFTER UPDATE ON contacts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rapport_remember_contact_words();
CREATE TRIGGER companies_words_insert AFTER INSERT ON companies REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rapport_remember_record_words();
CREATE TRIGGER companies_words_update AFTER UPDATE ON companies REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rapport_remember_record_words();
CREATE TRIGGER deals_words_insert AFTER INSERT ON deals REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rapport_remember_record_words();
CREATE TRIGGER deals_words_update AFTER UPDATE ON deals REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION rapport_remember_record_words();

INSERT INTO search_terms (workspace_id, term)
SELECT DISTINCT workspace_id, w FROM contacts, rapport_name_words(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) AS w
UNION SELECT DISTINCT workspace_id, w FROM companies, rapport_name_words(name) AS w
UNION SELECT DISTINCT workspace_id, w FROM deals, rapport_name_words(name) AS w
ON CONFLICT DO NOTHING;

-- Name searches go through the text index (prefixes) and the words above (typos); the trigram
-- indexes over every record's name served neither and cost every write their upkeep.
DROP INDEX IF EXISTS contacts_name_trgm;
DROP INDEX IF EXISTS companies_name_trgm;
DROP INDEX IF EXISTS deals_name_trgm;
