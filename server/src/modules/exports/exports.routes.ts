import { PassThrough, Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { attachment } from '../../http/content-disposition.ts';
import { inWorkspace, principalOf } from '../../http/route-kit.ts';
import { authorize } from '../../policies.ts';
import { RAPPORT_VERSION } from '../health/health.routes.ts';
import { findWorkspace } from '../workspaces/workspaces.repo.ts';
import { writeWorkspaceBackup } from './exports.backup.ts';
import { exportObjects } from './exports.columns.ts';
import { csvChunks } from './exports.csv.ts';
import { exportFileName, objectPlural, startListExport } from './exports.list.ts';
import { recordDataTransfer } from './exports.repo.ts';
import { restoreWorkspace } from './exports.restore.ts';
import { csvResponse, listExportBody, listExportQuery, restoreReportSchema, zipMediaTypes, zipResponse } from './exports.schema.ts';

/** The largest backup a restore accepts in one request. */
const RESTORE_BODY_LIMIT = 1024 * 1024 * 1024;

const tagOf = { contact: 'Contacts', company: 'Companies', deal: 'Deals', activity: 'Activities', task: 'Tasks' } as const;

/** List exports to CSV (one per record type) and the whole-workspace backup and restore. */
export function exportRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.addContentTypeParser(zipMediaTypes, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    for (const object of exportObjects) {
      const plural = objectPlural[object];
      app.post(
        `/${plural}/export`,
        {
          schema: {
            tags: [tagOf[object]],
            summary: `Export ${plural} to CSV: a list's filters, order and columns, or a saved view (?view=)`,
            description:
              'Streams every matching record, a page at a time, as CSV with the fields’ labels as headers. People appear by name and email, companies, stages and pipelines by name, money as a decimal beside its currency, dates in ISO 8601. Text that a spreadsheet would read as a formula is prefixed with a single quote.',
            querystring: listExportQuery,
            body: listExportBody,
            response: { 200: csvResponse },
          },
        },
        async (request, reply) => {
          const p = principalOf(request);
          const { view } = request.query;
          const scope = { workspaceId: p.workspaceId, actor: p.actor, role: p.role, requestId: String(request.id) };
          const started = await startListExport(deps.db, scope, object, { ...request.body, ...(view ? { viewId: view } : {}) });
          const body = Readable.from(csvChunks(started.rows));
          body.on('error', (err) => request.log.error({ err }, 'list export failed while streaming'));
          return reply.type('text/csv; charset=utf-8').header('content-disposition', attachment(started.fileName)).send(body);
        },
      );
    }

    app.get(
      '/workspace/export',
      {
        schema: {
          tags: ['Workspace'],
          summary: 'Download the whole workspace as a zip (owners and admins): CSV per record type, JSON Lines per table, manifest',
          description:
            'For backups and for leaving: every record (trash included), custom fields and their values, links, stage and consent history, activities, tasks, timeline, pipelines, saved views, forms with their consent texts and submissions, webhook subscriptions (without signing secrets), the audit log and settings. Never credentials (webhook secrets, API keys, calendar feed links); manifest.json and README.txt list what is left out and why. Read from one snapshot and streamed as it is written. Restore it with POST /workspace/import.',
          response: { 200: zipResponse },
        },
      },
      async (request, reply) => {
        const p = principalOf(request);
        const scope = { workspaceId: p.workspaceId, actor: p.actor, role: p.role, requestId: String(request.id) };
        const name = await inWorkspace(deps.db, request, async (ctx) => {
          authorize(ctx, 'workspace.export');
          await recordDataTransfer(ctx, { recordType: 'workspace', action: 'export', details: { format: 'zip' } });
          return (await findWorkspace(ctx.tx, ctx.workspaceId))?.name ?? 'workspace';
        });
        const out = new PassThrough();
        deps.db
          .transaction(async (tx) => {
            // One snapshot for every file, so links never name a record the backup lacks.
            await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
            await writeWorkspaceBackup({ ...scope, tx }, out, RAPPORT_VERSION);
          })
          .catch((err: Error) => {
            request.log.error({ err }, 'workspace export failed while streaming');
            out.destroy(err);
          });
        const fileName = exportFileName(`${name} backup`).replace(/\.csv$/, '.zip');
        return reply.type('application/zip').header('content-disposition', attachment(fileName)).send(out);
      },
    );

    app.post(
      '/workspace/import',
      {
        bodyLimit: RESTORE_BODY_LIMIT,
        schema: {
          tags: ['Workspace'],
          summary: 'Restore a workspace backup (the zip of GET /workspace/export) into this empty workspace (owners and admins)',
          description:
            'Send the zip as the body with Content-Type application/zip. Refused with 409 when the workspace already has records, custom fields, forms or webhooks. Records keep their ids; people are matched to members by email, others leave their records without an owner (listed in the report). Webhook subscriptions come back disabled with a new secret; forms keep their public id unless another form on this server has it (then they get a new one, listed). All or nothing: a bad file changes nothing.',
          consumes: zipMediaTypes,
          body: z.any().describe('The backup zip'),
          response: { 200: restoreReportSchema },
        },
      },
      async (request) => {
        const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        return inWorkspace(deps.db, request, (ctx) => restoreWorkspace(ctx, bytes));
      },
    );
  };
}
