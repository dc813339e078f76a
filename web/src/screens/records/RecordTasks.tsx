import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { errorMessage } from '../../api/problem';
import type { components } from '../../api/schema';
import { Button } from '../../ui/Button';
import { icons } from '../../ui/icons';
import { ErrorState, Loading } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { formatDate } from '../contacts/format';
import { type RecordType, recordKeys } from './records.api';
import '../tasks/tasks.css';

type Task = components['schemas']['Task'];

const dueFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' });

/** The tasks about one record with one status: open ones soonest due first, done ones latest first. */
function useRecordTasks(recordType: RecordType, recordId: string, status: 'open' | 'completed', enabled = true) {
  return useQuery({
    queryKey: recordKeys.tasks(recordType, recordId, status),
    queryFn: () =>
      unwrap(
        api.POST('/api/v1/tasks/search', {
          body: {
            filterGroups: [
              {
                filters: [
                  { field: 'recordType', operator: 'eq', value: recordType },
                  { field: 'recordId', operator: 'eq', value: recordId },
                  { field: 'status', operator: 'eq', value: status },
                ],
              },
            ],
            sort: status === 'open' ? [{ field: 'dueAt', direction: 'asc' }] : [{ field: 'completedAt', direction: 'desc' }],
            limit: 50,
          },
        }),
      ),
    enabled,
  });
}

function OpenTask({ task, recordType, recordId }: { task: Task; recordType: RecordType; recordId: string }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const complete = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/tasks/{id}/complete', { params: { path: { id: task.id } } })),
    onSuccess: async () => {
      toast(`Completed “${task.title}”`);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['tasks'] }),
        queryClient.invalidateQueries({ queryKey: recordKeys.timeline(recordType, recordId) }),
      ]);
    },
    onError: (err) => toast(`“${task.title}” could not be completed: ${errorMessage(err)}`, 'error'),
  });
  const due = task.dueAt ? new Date(task.dueAt) : null;
  const overdue = due !== null && due.getTime() < Date.now();
  return (
    <li className="record-task">
      <button
        type="button"
        className="task-check"
        aria-label={`Complete “${task.title}”`}
        disabled={complete.isPending}
        onClick={() => complete.mutate()}
      >
        {icons.tasks}
      </button>
      <span className="record-task-main">
        <span className="record-task-title">{task.title}</span>
        <span className="record-task-meta">
          {due ? (
            <time dateTime={task.dueAt ?? undefined} className={overdue ? 'task-overdue' : undefined}>
              {overdue ? 'Overdue · ' : 'Due '}
              {dueFormat.format(due)}
            </time>
          ) : (
            'No due date'
          )}
          {task.priority === 'high' ? <span className="task-priority">High priority</span> : null}
        </span>
      </span>
    </li>
  );
}

function DoneTasks({ recordType, recordId }: { recordType: RecordType; recordId: string }) {
  const done = useRecordTasks(recordType, recordId, 'completed');
  if (done.isPending) return <Loading label="Loading done tasks…" />;
  if (done.isError) return <ErrorState error={done.error} onRetry={() => done.refetch()} />;
  if (done.data.data.length === 0) return <p className="muted record-empty">No task done yet.</p>;
  return (
    <ul className="record-tasks" aria-label="Done tasks">
      {done.data.data.map((task) => (
        <li key={task.id} className="record-task record-task-done">
          <span className="task-check" aria-hidden="true">
            {icons.tasks}
          </span>
          <span className="record-task-main">
            <span className="record-task-title">{task.title}</span>
            <span className="record-task-meta">Done {formatDate(task.completedAt)}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}

/** The record's open tasks, each completed in one click, with a way to add one and to see the done ones. */
export function RecordTasks({ recordType, recordId, onAdd }: { recordType: RecordType; recordId: string; onAdd: () => void }) {
  const open = useRecordTasks(recordType, recordId, 'open');
  const [showDone, setShowDone] = useState(false);
  const total = open.data?.total;
  return (
    <section className="panel" aria-labelledby="record-tasks-title">
      <div className="panel-head">
        <h3 id="record-tasks-title" className="panel-title">
          Tasks{total ? <span className="panel-count"> · {total}</span> : null}
        </h3>
        <Button size="sm" variant="ghost" onClick={onAdd}>
          Add task
        </Button>
      </div>
      <div className="panel-body">
        {open.isPending ? (
          <Loading label="Loading tasks…" />
        ) : open.isError ? (
          <ErrorState error={open.error} onRetry={() => open.refetch()} />
        ) : open.data.data.length === 0 ? (
          <p className="muted record-empty">Nothing to do here.</p>
        ) : (
          <ul className="record-tasks" aria-label="Open tasks">
            {open.data.data.map((task) => (
              <OpenTask key={task.id} task={task} recordType={recordType} recordId={recordId} />
            ))}
          </ul>
        )}
        <button
          type="button"
          className="link-button"
          aria-expanded={showDone}
          aria-controls="record-tasks-done"
          onClick={() => setShowDone(!showDone)}
        >
          {showDone ? 'Hide done tasks' : 'Show done tasks'}
        </button>
        <div id="record-tasks-done" hidden={!showDone}>
          {showDone ? <DoneTasks recordType={recordType} recordId={recordId} /> : null}
        </div>
      </div>
    </section>
  );
}
