import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useCallback, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { Input, Select } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { useFormAction } from '../../ui/useFormAction';
import { RecordPicker } from '../deals/RecordPicker';
import { localInputToIso, tomorrowMorning } from './tasks';

type NewTask = {
  title: string;
  due: string;
  priority: 'low' | 'normal' | 'high';
  recordType: '' | 'contact' | 'company';
  recordId: string;
};

const priorities = [
  { value: 'normal', label: 'Normal' },
  { value: 'high', label: 'High' },
  { value: 'low', label: 'Low' },
];
const recordTypes = [
  { value: '', label: 'No record' },
  { value: 'contact', label: 'A contact' },
  { value: 'company', label: 'A company' },
];

/** "2026-03-04T09:00" for a datetime-local input, in local time. */
function toLocalInput(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** A record the task is about, chosen already (the task is created from that record's page). */
export type TaskRecordChoice = { recordType: 'contact' | 'company' | 'deal'; recordId: string; name: string };

/**
 * Creates a task assigned to the caller, due tomorrow morning unless told otherwise, optionally on
 * a record: picked here, or given as `record` when the dialog opens from that record's page.
 */
export function NewTaskDialog({ open, onClose, record: fixedRecord }: { open: boolean; onClose: () => void; record?: TaskRecordChoice }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [recordType, setRecordType] = useState<NewTask['recordType']>('');
  const create = useCallback(
    async (input: NewTask) => {
      const record = fixedRecord
        ? { recordType: fixedRecord.recordType, recordId: fixedRecord.recordId }
        : input.recordType && input.recordId
          ? { recordType: input.recordType, recordId: input.recordId }
          : null;
      const task = await unwrap(
        api.POST('/api/v1/tasks', {
          body: { title: input.title, dueAt: localInputToIso(input.due), priority: input.priority, ...(record ? { record } : {}) },
        }),
      );
      await queryClient.invalidateQueries({ queryKey: ['tasks'] });
      // The record's timeline says a task was created.
      if (record)
        void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[1] === 'timeline' && q.queryKey[2] === record.recordId });
      toast(`Task “${task.title}” added`);
      setRecordType('');
      onClose();
    },
    [queryClient, toast, onClose, fixedRecord],
  );
  const { run, busy, errors, message } = useFormAction(create);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void run({
      title: String(form.get('title') ?? '').trim(),
      due: String(form.get('due') ?? ''),
      priority: String(form.get('priority') ?? 'normal') as NewTask['priority'],
      recordType,
      recordId: String(form.get('recordId') ?? ''),
    });
  };
  return (
    <Dialog open={open} title="New task" onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        {message ? (
          <p className="alert" role="alert">
            {message}
          </p>
        ) : null}
        <Input label="Title" name="title" required autoComplete="off" error={errors.title} />
        <Input label="Due" name="due" type="datetime-local" defaultValue={toLocalInput(tomorrowMorning())} error={errors.dueAt} />
        <Select label="Priority" name="priority" options={priorities} defaultValue="normal" error={errors.priority} />
        {fixedRecord ? (
          <p className="field-hint">
            About {fixedRecord.recordType} <strong>{fixedRecord.name}</strong>
          </p>
        ) : (
          <Select
            label="Link to"
            name="recordType"
            options={recordTypes}
            value={recordType}
            onChange={(event) => setRecordType(event.target.value as NewTask['recordType'])}
          />
        )}
        {recordType && !fixedRecord ? (
          <RecordPicker
            key={recordType}
            kind={recordType}
            label={recordType === 'contact' ? 'Contact' : 'Company'}
            name="recordId"
            error={errors['record.recordId'] ?? errors.record}
          />
        ) : null}
        <div className="form-actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy}>
            Create task
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
