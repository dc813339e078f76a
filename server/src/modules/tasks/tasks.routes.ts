import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { ifMatchVersion, inWorkspace, readInWorkspace, setEtag } from '../../http/route-kit.ts';
import { idParams, recordGetQuery, recordSearchBody } from '../../http/schemas.ts';
import { project } from '../../lib/projection.ts';
import { parseSortParam } from '../../lib/record-list.ts';
import { taskView } from './tasks.presenter.ts';
import { myTasksQuery, taskCreateSchema, taskListQuery, taskSchema, taskUpdateSchema } from './tasks.schema.ts';
import { completeTask, createTask, deleteTask, getTask, myTasks, restoreTask, searchTasks, updateTask } from './tasks.service.ts';

const tags = ['Tasks'];
const page = z.object({ data: z.array(taskSchema), nextCursor: z.string().nullable(), total: z.number().int() }).meta({ id: 'TaskPage' });
const myPage = z.object({ data: z.array(taskSchema), nextCursor: z.string().nullable() }).meta({ id: 'MyTaskPage' });

/** Tasks: things to do, with a due time, a reminder and an assignee, optionally about a contact, company or deal. */
export function taskRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/tasks', { schema: { tags, summary: 'List tasks', querystring: taskListQuery, response: { 200: page } } }, async (request) => {
      const q = request.query;
      const res = await readInWorkspace(deps.db, request, (ctx) =>
        searchTasks(ctx, { filterGroups: [], sort: parseSortParam(q.sort), limit: q.limit, cursor: q.cursor, q: q.q }),
      );
      return { data: res.rows.map((r) => project(taskView(r), q.fields)), nextCursor: res.nextCursor, total: res.total ?? 0 };
    });

    app.post(
      '/tasks/search',
      {
        schema: {
          tags,
          summary: 'Search tasks with filter groups (OR of ANDs), sort and keyset paging',
          body: recordSearchBody,
          response: { 200: page },
        },
      },
      async (request) => {
        const b = request.body;
        const res = await readInWorkspace(deps.db, request, (ctx) => searchTasks(ctx, b));
        const fields = b.fields?.join(',');
        return { data: res.rows.map((r) => project(taskView(r), fields)), nextCursor: res.nextCursor, total: res.total ?? 0 };
      },
    );

    app.get(
      '/tasks/mine',
      {
        schema: {
          tags,
          summary: "The caller's open tasks that are overdue, due today (in the workspace time zone) or upcoming, soonest first",
          querystring: myTasksQuery,
          response: { 200: myPage },
        },
      },
      async (request) => {
        const res = await readInWorkspace(deps.db, request, (ctx) => myTasks(ctx, request.query));
        return { data: res.rows.map(taskView), nextCursor: res.nextCursor };
      },
    );

    app.post(
      '/tasks',
      { schema: { tags, summary: 'Create a task', body: taskCreateSchema, response: { 201: taskSchema } } },
      async (request, reply) => {
        const row = await inWorkspace(deps.db, request, (ctx) => createTask(ctx, request.body));
        setEtag(reply, row.version);
        return reply.code(201).header('location', `/api/v1/tasks/${row.id}`).send(taskView(row));
      },
    );

    app.get(
      '/tasks/:id',
      { schema: { tags, summary: 'Get a task', params: idParams, querystring: recordGetQuery, response: { 200: taskSchema } } },
      async (request, reply) => {
        const row = await inWorkspace(deps.db, request, (ctx) => getTask(ctx, request.params.id));
        setEtag(reply, row.version);
        return project(taskView(row), request.query.fields);
      },
    );

    app.patch(
      '/tasks/:id',
      {
        schema: {
          tags,
          summary: 'Update a task; status open reopens it (send If-Match to refuse stale writes)',
          params: idParams,
          body: taskUpdateSchema,
          response: { 200: taskSchema },
        },
      },
      async (request, reply) => {
        const expectedVersion = ifMatchVersion(request);
        const row = await inWorkspace(deps.db, request, (ctx) =>
          updateTask(ctx, { id: request.params.id, patch: request.body, expectedVersion }),
        );
        setEtag(reply, row.version);
        return taskView(row);
      },
    );

    app.post(
      '/tasks/:id/complete',
      { schema: { tags, summary: "Complete a task (recorded on its record's timeline)", params: idParams, response: { 200: taskSchema } } },
      async (request, reply) => {
        const expectedVersion = ifMatchVersion(request);
        const row = await inWorkspace(deps.db, request, (ctx) => completeTask(ctx, { id: request.params.id, expectedVersion }));
        setEtag(reply, row.version);
        return taskView(row);
      },
    );

    app.delete(
      '/tasks/:id',
      { schema: { tags, summary: 'Move a task to the trash (restorable for 30 days)', params: idParams, response: { 204: z.null() } } },
      async (request, reply) => {
        const expectedVersion = ifMatchVersion(request);
        await inWorkspace(deps.db, request, (ctx) => deleteTask(ctx, { id: request.params.id, expectedVersion }));
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/tasks/:id/restore',
      { schema: { tags, summary: 'Restore a task from the trash', params: idParams, response: { 200: taskSchema } } },
      async (request, reply) => {
        const row = await inWorkspace(deps.db, request, (ctx) => restoreTask(ctx, request.params.id));
        setEtag(reply, row.version);
        return taskView(row);
      },
    );
  };
}
