-- The text and email/phone indexes of contacts, companies and deals take each new entry into
-- the index itself instead of a pending list. With a pending list (GIN's default), every search
-- reads the whole unsorted list beside the index (up to 4 MB), and the write that finds it full
-- merges all of it: one batch of a thousand contacts in a few took 300-500 ms instead of 200.
-- Nothing else empties the list where autovacuum does not run (the embedded database never runs
-- it). Activities keep theirs: they are written in bulk far more than they are searched by word.
ALTER INDEX contacts_email_list_idx SET (fastupdate = off);
ALTER INDEX contacts_phone_list_idx SET (fastupdate = off);
ALTER INDEX contacts_search_idx SET (fastupdate = off);
ALTER INDEX companies_search_idx SET (fastupdate = off);
ALTER INDEX deals_search_idx SET (fastupdate = off);
-- What the lists already hold goes into the indexes now (a no-op on an empty workspace).
SELECT gin_clean_pending_list('contacts_email_list_idx'), gin_clean_pending_list('contacts_phone_list_idx'),
       gin_clean_pending_list('contacts_search_idx'), gin_clean_pending_list('companies_search_idx'),
       gin_clean_pending_list('deals_search_idx');
