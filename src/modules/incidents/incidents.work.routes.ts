import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, errors, IdParam, json, jsonBody, SECURITY } from '../../platform/http/openapi.ts';
import { actorOf, requirePermission } from '../auth/index.ts';
import { CommentSchema, CreateComment, CreateTask, TaskSchema, UpdateTask } from './incidents.schemas.ts';
import type { CommentRow, TaskRow } from './incidents.tables.ts';
import type { WorkService } from './incidents.work.ts';

const tags = ['incidents'];
const TaskParams = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }), taskId: z.uuid().openapi({ param: { name: 'taskId', in: 'path' } }) });
const r = {
  tasks: createRoute({ method: 'get', path: '/incidents/{id}/tasks', tags, summary: 'Tasks of an incident', security: SECURITY, request: { params: IdParam }, responses: { 200: json(z.object({ items: z.array(TaskSchema) }), 'Tasks'), ...errors(401, 403, 404) } }),
  addTask: createRoute({ method: 'post', path: '/incidents/{id}/tasks', tags, summary: 'Add a task', security: SECURITY, request: { params: IdParam, body: jsonBody(CreateTask) }, responses: { 201: json(TaskSchema, 'Added'), ...errors(400, 401, 403, 404) } }),
  updateTask: createRoute({ method: 'patch', path: '/incidents/{id}/tasks/{taskId}', tags, summary: 'Change a task', security: SECURITY, request: { params: TaskParams, body: jsonBody(UpdateTask) }, responses: { 200: json(TaskSchema, 'Changed'), ...errors(400, 401, 403, 404) } }),
  comments: createRoute({ method: 'get', path: '/incidents/{id}/comments', tags, summary: 'Comments on an incident', security: SECURITY, request: { params: IdParam }, responses: { 200: json(z.object({ items: z.array(CommentSchema) }), 'Comments'), ...errors(401, 403, 404) } }),
  addComment: createRoute({ method: 'post', path: '/incidents/{id}/comments', tags, summary: 'Comment', security: SECURITY, request: { params: IdParam, body: jsonBody(CreateComment) }, responses: { 201: json(CommentSchema, 'Added'), ...errors(400, 401, 403, 404) } }),
};

const task = (t: TaskRow) => ({ id: t.id, title: t.title, status: t.status, assigneeUserId: t.assignee_user_id, dueAt: t.due_at?.toISOString() ?? null, createdAt: t.created_at.toISOString() });
const comment = (k: CommentRow) => ({ id: k.id, authorId: k.author_id, authorLabel: k.author_label, body: k.body, createdAt: k.created_at.toISOString() });

export function incidentWorkRoutes(deps: { work: WorkService }) {
  const { work } = deps;
  const router = createRouter();
  router.openapi(r.tasks, async (c) => c.json({ items: (await work.listTasks(c.req.valid('param').id, requirePermission(c, 'incidents:read'))).map(task) }, 200));
  router.openapi(r.addTask, async (c) => c.json(task(await work.addTask(c.req.valid('param').id, c.req.valid('json'), requirePermission(c, 'incidents:write'), actorOf(c))), 201));
  router.openapi(r.updateTask, async (c) => {
    const { id, taskId } = c.req.valid('param');
    return c.json(task(await work.updateTask(id, taskId, c.req.valid('json'), requirePermission(c, 'incidents:write'), actorOf(c))), 200);
  });
  router.openapi(r.comments, async (c) => c.json({ items: (await work.listComments(c.req.valid('param').id, requirePermission(c, 'incidents:read'))).map(comment) }, 200));
  router.openapi(r.addComment, async (c) => c.json(comment(await work.addComment(c.req.valid('param').id, c.req.valid('json').body, requirePermission(c, 'incidents:write'), actorOf(c))), 201));
  return router;
}
