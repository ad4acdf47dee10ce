import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { DB } from '../../platform/db/schema.ts';
import { forbidden, notFound } from '../../platform/errors.ts';
import type { Principal } from '../../platform/http/context.ts';
import type { Actor, AuditService } from '../audit/index.ts';
import type { IncidentsRepository } from './incidents.repository.ts';
import type { CommentRow, TaskRow } from './incidents.tables.ts';
import { canWork } from './incidents.visibility.ts';

export type WorkService = ReturnType<typeof createWorkService>;

/** Tasks and comments on a case; each change also lands on the case's timeline. */
export function createWorkService(deps: { db: Kysely<DB>; repo: IncidentsRepository; audit: AuditService; clock: Clock }) {
  const { db, repo, audit, clock } = deps;

  async function inCase<T>(id: string, p: Principal, actor: Actor, fn: (tx: Kysely<DB>, now: Date) => Promise<{ result: T; kind: string; data: unknown }>): Promise<T> {
    if (!canWork(p)) throw forbidden('Your role cannot change incidents');
    return db.transaction().execute(async (tx) => {
      if (!(await repo.findVisible(tx, id, p))) throw notFound('incident.not_found', 'Incident not found');
      await repo.findForUpdate(tx, id);
      const now = clock.now();
      const { result, kind, data } = await fn(tx, now);
      await tx.updateTable('incidents').set({ updated_at: now }).where('id', '=', id).execute();
      await repo.appendTimeline(tx, { incident_id: id, at: now, actor_id: actor.userId, actor_label: actor.label, kind, data });
      await audit.append(tx, actor, { action: `incident.${kind}`, entityType: 'incident', entityId: id, after: data });
      return result;
    });
  }

  return {
    async listTasks(id: string, p: Principal): Promise<TaskRow[]> {
      if (!(await repo.findVisible(db, id, p))) throw notFound('incident.not_found', 'Incident not found');
      return db.selectFrom('incident_tasks').selectAll().where('incident_id', '=', id).orderBy('created_at').execute();
    },
    addTask: (id: string, input: { title: string; assigneeUserId?: string | null; dueAt?: string | null }, p: Principal, actor: Actor) =>
      inCase(id, p, actor, async (tx, now) => {
        const row: TaskRow = { id: randomUUID(), incident_id: id, title: input.title, status: 'open', assignee_user_id: input.assigneeUserId ?? null, due_at: input.dueAt ? new Date(input.dueAt) : null, created_at: now, updated_at: now };
        await tx.insertInto('incident_tasks').values(row).execute();
        return { result: row, kind: 'task_added', data: { task: row } };
      }),
    updateTask: (id: string, taskId: string, input: { title?: string; status?: 'open' | 'done'; assigneeUserId?: string | null; dueAt?: string | null }, p: Principal, actor: Actor) =>
      inCase(id, p, actor, async (tx, now) => {
        const before = await tx.selectFrom('incident_tasks').selectAll().where('id', '=', taskId).where('incident_id', '=', id).executeTakeFirst();
        if (!before) throw notFound('task.not_found', 'Task not found');
        const after = await tx
          .updateTable('incident_tasks')
          .set({
            ...(input.title !== undefined ? { title: input.title } : {}),
            ...(input.status !== undefined ? { status: input.status } : {}),
            ...(input.assigneeUserId !== undefined ? { assignee_user_id: input.assigneeUserId } : {}),
            ...(input.dueAt !== undefined ? { due_at: input.dueAt ? new Date(input.dueAt) : null } : {}),
            updated_at: now,
          })
          .where('id', '=', taskId)
          .returningAll()
          .executeTakeFirstOrThrow();
        return { result: after, kind: 'task_updated', data: { before, after } };
      }),
    async listComments(id: string, p: Principal): Promise<CommentRow[]> {
      if (!(await repo.findVisible(db, id, p))) throw notFound('incident.not_found', 'Incident not found');
      return db.selectFrom('incident_comments').selectAll().where('incident_id', '=', id).orderBy('created_at').execute();
    },
    addComment: (id: string, body: string, p: Principal, actor: Actor) =>
      inCase(id, p, actor, async (tx, now) => {
        const row: CommentRow = { id: randomUUID(), incident_id: id, author_id: actor.userId, author_label: actor.label, body, created_at: now };
        await tx.insertInto('incident_comments').values(row).execute();
        return { result: row, kind: 'commented', data: { commentId: row.id, body } };
      }),
  };
}
