import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { errorMessage } from '../../api/problem';
import type { components } from '../../api/schema';
import { useMe } from '../../session';
import { Button } from '../../ui/Button';
import { icons } from '../../ui/icons';
import { ErrorState, Loading } from '../../ui/States';
import { useToast } from '../../ui/Toast';
import { usePopover } from '../../ui/usePopover';
import { useMembers } from '../deals/deals.api';
import { TopBar } from '../shell/AppShell';
import { NewTaskDialog } from './NewTaskDialog';
import { nextWeekMorning, tomorrowMorning } from './tasks';
import './tasks.css';

type Task = components['schemas']['Task'];
type Bucket = 'overdue' | 'today' | 'upcoming';
type TaskPage = { data: Task[]; nextCursor: string | null };

const buckets: { value: Bucket; label: string; empty: string }[] = [
  { value: 'overdue', label: 'Overdue', empty: 'Nothing overdue.' },
  { value: 'today', label: 'Today', empty: 'Nothing else due today.' },
  { value: 'upcoming', label: 'Upcoming', empty: 'Nothing scheduled later.' },
];

const taskKeys = { mine: ['tasks', 'mine'] as const, bucket: (b: Bucket) => ['tasks', 'mine', b] as const };
const recordPaths = { contact: '/contacts', company: '/companies', deal: '/deals' } as const;

const dueFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: 'numeric',
  minute: '2-digit',
});

/**
 * Changes to a task shown in "my tasks": the row leaves its bucket at once (completed, snoozed
 * or given away), comes back if the server refuses, and every bucket reloads afterwards.
 */
function useTaskChange(bucket: Bucket) {
  const queryClient = useQueryClient();
  const toast = useToast();
  return useMutation({
    mutationFn: async ({ task, change }: { task: Task; change: 'complete' | components['schemas']['TaskUpdate'] }) => {
      const params = { path: { id: task.id } };
      if (change === 'complete') await unwrap(api.POST('/api/v1/tasks/{id}/complete', { params }));
      else await unwrap(api.PATCH('/api/v1/tasks/{id}', { params, body: change }));
    },
    onMutate: async ({ task }) => {
      await queryClient.cancelQueries({ queryKey: taskKeys.bucket(bucket) });
      const before = queryClient.getQueryData<TaskPage>(taskKeys.bucket(bucket));
      queryClient.setQueryData<TaskPage>(
        taskKeys.bucket(bucket),
        (page) => page && { ...page, data: page.data.filter((t) => t.id !== task.id) },
      );
      return { before };
    },
    onError: (err, { task }, context) => {
      if (context?.before) queryClient.setQueryData(taskKeys.bucket(bucket), context.before);
      toast(`“${task.title}” could not be changed: ${errorMessage(err)}`, 'error');
    },
    onSuccess: (_, { task, change }) => {
      toast(change === 'complete' ? `Completed “${task.title}”` : `Updated “${task.title}”`);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: taskKeys.mine }),
  });
}

function SnoozeMenu({ task, onSnooze }: { task: Task; onSnooze: (dueAt: Date) => void }) {
  const { open, setOpen, anchor } = usePopover();
  const choose = (at: Date) => {
    setOpen(false);
    onSnooze(at);
  };
  return (
    <div className="task-snooze" ref={anchor}>
      <Button
        size="sm"
        variant="ghost"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={`Snooze “${task.title}”`}
        onClick={() => setOpen(!open)}
      >
        Snooze
      </Button>
      {open ? (
        <div className="task-menu" role="menu" aria-label="Snooze until">
          <button type="button" role="menuitem" onClick={() => choose(tomorrowMorning())}>
            Tomorrow 9:00
          </button>
          <button type="button" role="menuitem" onClick={() => choose(nextWeekMorning())}>
            Next week
          </button>
        </div>
      ) : null}
    </div>
  );
}

function TaskRow({ task, bucket, members }: { task: Task; bucket: Bucket; members: { value: string; label: string }[] }) {
  const change = useTaskChange(bucket);
  const due = task.dueAt ? new Date(task.dueAt) : null;
  return (
    <li className="task-row" data-priority={task.priority}>
      <button
        type="button"
        className="task-check"
        aria-label={`Complete “${task.title}”`}
        onClick={() => change.mutate({ task, change: 'complete' })}
      >
        {icons.tasks}
      </button>
      <div className="task-main">
        <span className="task-title">{task.title}</span>
        <span className="task-meta">
          {due ? (
            <time dateTime={task.dueAt ?? undefined} className={bucket === 'overdue' ? 'task-overdue' : undefined}>
              {dueFormat.format(due)}
            </time>
          ) : null}
          {task.priority === 'high' ? <span className="task-priority">High priority</span> : null}
          {task.record ? (
            <Link to={`${recordPaths[task.record.recordType]}/${task.record.recordId}`}>Open {task.record.recordType}</Link>
          ) : null}
        </span>
      </div>
      <div className="task-actions">
        <SnoozeMenu task={task} onSnooze={(at) => change.mutate({ task, change: { dueAt: at.toISOString() } })} />
        <select
          className="select task-assignee"
          aria-label={`Assignee of “${task.title}”`}
          value={task.assigneeId ?? ''}
          onChange={(event) => change.mutate({ task, change: { assigneeId: event.target.value || null } })}
        >
          {members.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </select>
      </div>
    </li>
  );
}

function TaskBucket({
  bucket,
  label,
  empty,
  members,
}: (typeof buckets)[number] & { bucket: Bucket; members: { value: string; label: string }[] }) {
  const tasks = useQuery({
    queryKey: taskKeys.bucket(bucket),
    queryFn: () => unwrap(api.GET('/api/v1/tasks/mine', { params: { query: { bucket, limit: 100 } } })),
  });
  const count = tasks.data?.data.length;
  return (
    <section className="panel task-bucket" aria-label={label} data-bucket={bucket}>
      <h2 className="panel-title">
        {label} {count ? <span className="task-count">{count}</span> : null}
      </h2>
      {tasks.isPending ? (
        <Loading />
      ) : tasks.isError ? (
        <ErrorState error={tasks.error} onRetry={() => tasks.refetch()} />
      ) : tasks.data.data.length === 0 ? (
        <p className="muted task-empty">{empty}</p>
      ) : (
        <ul className="task-list">
          {tasks.data.data.map((t) => (
            <TaskRow key={t.id} task={t} bucket={bucket} members={members} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** The caller's open tasks: overdue, due today and upcoming, each done, snoozed or handed on in one move. */
export function TasksScreen() {
  const [creating, setCreating] = useState(false);
  const me = useMe();
  const members = useMembers();
  const options = members.data
    ? [...members.data.values()].map((m) => ({ value: m.userId, label: m.userId === me.data?.user.id ? `${m.name} (me)` : m.name }))
    : [];
  return (
    <>
      <TopBar title="My tasks">
        <Button variant="primary" aria-label="New task" onClick={() => setCreating(true)}>
          {icons.plus} <span className="hide-narrow">New task</span>
        </Button>
      </TopBar>
      <div className="content">
        <div className="tasks-screen">
          {buckets.map((b) => (
            <TaskBucket key={b.value} {...b} bucket={b.value} members={options} />
          ))}
        </div>
      </div>
      <NewTaskDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
