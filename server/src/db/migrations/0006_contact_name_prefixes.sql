-- Global search finds people by the start of a first or last name. Through the text index a name
-- a tenth of the contacts share ("sar" → Sarah) costs a bitmap of every one of them before the
-- first 300 are ranked; these indexes hand out the first 300 in name order and stop. In the "C"
-- collation a prefix is a plain range of bytes whatever the database's locale.
CREATE INDEX contacts_first_name_prefix_idx ON contacts (workspace_id, (lower(first_name) COLLATE "C"));
CREATE INDEX contacts_last_name_prefix_idx ON contacts (workspace_id, (lower(last_name) COLLATE "C"));
