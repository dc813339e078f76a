-- Exports and workspace restores are recorded in the audit log beside writes: who took which
-- records out (object, filters, columns) and who restored a backup into a workspace.
ALTER TABLE record_changes DROP CONSTRAINT record_changes_action_check;
ALTER TABLE record_changes ADD CONSTRAINT record_changes_action_check
  CHECK (action IN ('create', 'update', 'delete', 'restore', 'merge', 'export', 'import'));
