import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { ifMatchVersion, inWorkspace, setEtag } from '../../http/route-kit.ts';
import { idParams, pageQuery } from '../../http/schemas.ts';
import { decodeCursor, toPage } from '../../lib/cursor.ts';
import { AppError } from '../../lib/errors.ts';
import { isUuid } from '../../lib/ids.ts';
import { formView, submissionView } from './forms.presenter.ts';
import type { FormRow } from './forms.repo.ts';
import { formCreateSchema, formListQuery, formPropertySchema, formSchema, formSubmissionSchema, formUpdateSchema } from './forms.schema.ts';
import {
  changeForm,
  createForm,
  formPropertiesFor,
  getForm,
  listFormSubmissions,
  listWorkspaceForms,
  propertiesOf,
  removeForm,
} from './forms.service.ts';

const tags = ['Forms'];

/** The id a forms or submissions cursor carries; a tampered one is a 400. */
function cursorId(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const [id] = decodeCursor(cursor, 1);
  if (typeof id === 'string' && isUuid(id)) return id;
  throw new AppError('validation_failed', 'The cursor is not valid for this list', [
    { field: 'cursor', message: 'Use the nextCursor value returned by the previous page' },
  ]);
}

/** Lead-capture forms: their definitions and the submissions they received. */
export function formRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const present = async (rows: FormRow[], ctx: Parameters<typeof propertiesOf>[0]) => {
      const properties = await propertiesOf(ctx);
      return rows.map((r) => formView(r, properties, deps.config.publicUrl));
    };
    const presentOne = async (row: FormRow, ctx: Parameters<typeof propertiesOf>[0]) =>
      formView(row, await propertiesOf(ctx), deps.config.publicUrl);

    app.get(
      '/forms',
      {
        schema: {
          tags,
          summary: 'Forms, newest first',
          querystring: formListQuery,
          response: { 200: z.object({ data: z.array(formSchema), nextCursor: z.string().nullable() }).meta({ id: 'FormPage' }) },
        },
      },
      async (request) => {
        const q = request.query;
        const before = cursorId(q.cursor);
        return inWorkspace(deps.db, request, async (ctx) => {
          const page = toPage(await listWorkspaceForms(ctx, { status: q.status, limit: q.limit + 1, before }), q.limit, (r) => [r.id]);
          return { data: await present(page.data, ctx), nextCursor: page.nextCursor };
        });
      },
    );

    app.get(
      '/forms/properties',
      {
        schema: {
          tags,
          summary: 'The contact properties a form field can fill, and how each may be shown',
          response: { 200: z.object({ data: z.array(formPropertySchema) }).meta({ id: 'FormPropertyList' }) },
        },
      },
      async (request) => inWorkspace(deps.db, request, async (ctx) => ({ data: [...(await formPropertiesFor(ctx)).values()] })),
    );

    app.post(
      '/forms',
      { schema: { tags, summary: 'Create a form', body: formCreateSchema, response: { 201: formSchema } } },
      async (request, reply) => {
        const view = await inWorkspace(deps.db, request, async (ctx) => {
          const row = await createForm(ctx, request.body);
          setEtag(reply, row.version);
          return presentOne(row, ctx);
        });
        return reply.code(201).header('location', `/api/v1/forms/${view.id}`).send(view);
      },
    );

    app.get(
      '/forms/:id',
      { schema: { tags, summary: 'Get a form', params: idParams, response: { 200: formSchema } } },
      async (request, reply) =>
        inWorkspace(deps.db, request, async (ctx) => {
          const row = await getForm(ctx, request.params.id);
          setEtag(reply, row.version);
          // The ETag is the version (for If-Match), but the view and submission counts change without
          // one: a browser must not keep the answer and revalidate it into a stale 304.
          reply.header('cache-control', 'no-store');
          return presentOne(row, ctx);
        }),
    );

    app.patch(
      '/forms/:id',
      {
        schema: {
          tags,
          summary: 'Change a form (send If-Match to refuse a stale write)',
          params: idParams,
          body: formUpdateSchema,
          response: { 200: formSchema },
        },
      },
      async (request, reply) => {
        const expectedVersion = ifMatchVersion(request);
        return inWorkspace(deps.db, request, async (ctx) => {
          const row = await changeForm(ctx, { id: request.params.id, patch: request.body, expectedVersion });
          setEtag(reply, row.version);
          return presentOne(row, ctx);
        });
      },
    );

    app.delete(
      '/forms/:id',
      {
        schema: {
          tags,
          summary: 'Delete a form and its submissions list (contacts keep their timeline entries)',
          params: idParams,
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        const expectedVersion = ifMatchVersion(request);
        await inWorkspace(deps.db, request, (ctx) => removeForm(ctx, { id: request.params.id, expectedVersion }));
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/forms/:id/submissions',
      {
        schema: {
          tags,
          summary: "A form's submissions, newest first",
          params: idParams,
          querystring: pageQuery,
          response: {
            200: z.object({ data: z.array(formSubmissionSchema), nextCursor: z.string().nullable() }).meta({ id: 'FormSubmissionPage' }),
          },
        },
      },
      async (request) => {
        const q = request.query;
        const before = cursorId(q.cursor);
        const rows = await inWorkspace(deps.db, request, (ctx) =>
          listFormSubmissions(ctx, { formId: request.params.id, limit: q.limit + 1, before }),
        );
        const page = toPage(rows, q.limit, (r) => [r.id]);
        return { data: page.data.map(submissionView), nextCursor: page.nextCursor };
      },
    );
  };
}
