import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { ifMatchVersion, inWorkspace, setEtag } from '../../http/route-kit.ts';
import { idParams } from '../../http/schemas.ts';
import { pipelineView, stageView } from './pipelines.presenter.ts';
import {
  addStageBody,
  createPipelineBody,
  moveToQuery,
  pipelineSchema,
  reorderStagesBody,
  stageParams,
  stageSchema,
  updatePipelineBody,
  updateStageBody,
} from './pipelines.schema.ts';
import {
  addStage,
  createPipeline,
  deletePipeline,
  getPipeline,
  listPipelines,
  type PipelineWithStages,
  removeStage,
  reorderStages,
  updatePipeline,
  updateStage,
} from './pipelines.service.ts';

const tags = ['Pipelines'];
const present = (p: PipelineWithStages) => pipelineView(p.pipeline, p.stages);

/** Pipelines and their stages: where deals move from first contact to won or lost. ETags are the pipeline's version. */
export function pipelineRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/pipelines',
      { schema: { tags, summary: 'List pipelines with their stages', response: { 200: z.object({ data: z.array(pipelineSchema) }) } } },
      async (request) => {
        const rows = await inWorkspace(deps.db, request, (ctx) => listPipelines(ctx));
        return { data: rows.map(present) };
      },
    );

    app.post(
      '/pipelines',
      {
        schema: {
          tags,
          summary: 'Create a pipeline with its stages (admins)',
          body: createPipelineBody,
          response: { 201: pipelineSchema },
        },
      },
      async (request, reply) => {
        const p = await inWorkspace(deps.db, request, (ctx) => createPipeline(ctx, request.body));
        setEtag(reply, p.pipeline.version);
        return reply.code(201).header('location', `/api/v1/pipelines/${p.pipeline.id}`).send(present(p));
      },
    );

    app.get(
      '/pipelines/:id',
      { schema: { tags, summary: 'Get a pipeline with its stages', params: idParams, response: { 200: pipelineSchema } } },
      async (request, reply) => {
        const p = await inWorkspace(deps.db, request, (ctx) => getPipeline(ctx, request.params.id));
        setEtag(reply, p.pipeline.version);
        return present(p);
      },
    );

    app.patch(
      '/pipelines/:id',
      {
        schema: {
          tags,
          summary: 'Rename a pipeline or make it the default (admins)',
          params: idParams,
          body: updatePipelineBody,
          response: { 200: pipelineSchema },
        },
      },
      async (request, reply) => {
        const expectedVersion = ifMatchVersion(request);
        const p = await inWorkspace(deps.db, request, (ctx) =>
          updatePipeline(ctx, { id: request.params.id, patch: request.body, expectedVersion }),
        );
        setEtag(reply, p.pipeline.version);
        return present(p);
      },
    );

    app.delete(
      '/pipelines/:id',
      {
        schema: {
          tags,
          summary: 'Delete a pipeline (admins); a pipeline with deals needs ?moveTo=<stage of another pipeline>',
          params: idParams,
          querystring: moveToQuery,
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        const expectedVersion = ifMatchVersion(request);
        await inWorkspace(deps.db, request, (ctx) =>
          deletePipeline(ctx, { id: request.params.id, moveTo: request.query.moveTo, expectedVersion }),
        );
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/pipelines/:id/stages',
      { schema: { tags, summary: 'Add a stage (admins)', params: idParams, body: addStageBody, response: { 201: stageSchema } } },
      async (request, reply) => {
        const expectedVersion = ifMatchVersion(request);
        const p = await inWorkspace(deps.db, request, (ctx) =>
          addStage(ctx, { pipelineId: request.params.id, stage: request.body, expectedVersion }),
        );
        setEtag(reply, p.pipeline.version);
        return reply.code(201).send(stageView(p.stage));
      },
    );

    app.patch(
      '/pipelines/:id/stages/:stageId',
      {
        schema: {
          tags,
          summary: 'Rename a stage or change its probability, rotten-after days or required fields (admins)',
          params: stageParams,
          body: updateStageBody,
          response: { 200: stageSchema },
        },
      },
      async (request, reply) => {
        const expectedVersion = ifMatchVersion(request);
        const p = await inWorkspace(deps.db, request, (ctx) =>
          updateStage(ctx, { pipelineId: request.params.id, stageId: request.params.stageId, patch: request.body, expectedVersion }),
        );
        setEtag(reply, p.pipeline.version);
        return stageView(p.stage);
      },
    );

    app.post(
      '/pipelines/:id/stages/reorder',
      {
        schema: {
          tags,
          summary: 'Put the stages in a new order (admins): the full list of stage ids',
          params: idParams,
          body: reorderStagesBody,
          response: { 200: pipelineSchema },
        },
      },
      async (request, reply) => {
        const expectedVersion = ifMatchVersion(request);
        const p = await inWorkspace(deps.db, request, (ctx) =>
          reorderStages(ctx, { pipelineId: request.params.id, stageIds: request.body.stageIds, expectedVersion }),
        );
        setEtag(reply, p.pipeline.version);
        return present(p);
      },
    );

    app.delete(
      '/pipelines/:id/stages/:stageId',
      {
        schema: {
          tags,
          summary: 'Remove a stage (admins); a stage with deals needs ?moveTo=<another stage>, and its deals move there',
          params: stageParams,
          querystring: moveToQuery,
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        const expectedVersion = ifMatchVersion(request);
        await inWorkspace(deps.db, request, (ctx) =>
          removeStage(ctx, {
            pipelineId: request.params.id,
            stageId: request.params.stageId,
            moveTo: request.query.moveTo,
            expectedVersion,
          }),
        );
        return reply.code(204).send(null);
      },
    );
  };
}
