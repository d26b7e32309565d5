import {
  advanceSchedule,
  type Database,
  deleteSchedule,
  findConnectedUser,
  findLatestWorkflowVersion,
  findWorkflow,
  insertExecution,
  listEnabledConfigurations,
  listLatestScheduleVersions,
  lockDueSchedules,
  syncSchedules,
  type WorkflowSchedule,
} from '@switchboard/db';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { nextScheduledRun, type ScheduleTrigger, timeZoneOf } from './nextScheduledRun';
import { prepareExecution } from './prepareExecution';

export interface WorkflowSchedulerDeps {
  db: Kysely<Database>;
  logger: FastifyBaseLogger;
  /** Told after executions were queued (wakes the worker). */
  onQueued?(): void;
  /** How often to sync the schedules and fire due ones. Default 1 s. */
  intervalMs?: number;
  now?: () => Date;
}

export interface WorkflowScheduler {
  start(): void;
  /** One sync and fire pass (tests drive it directly); returns how many executions it queued. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

const BATCH = 50;

const specOf = (trigger: ScheduleTrigger, timeZone: string) =>
  JSON.stringify({ cron: trigger.cron ?? null, everySeconds: trigger.everySeconds ?? null, timeZone });

/**
 * The Schedule trigger. Every pass: (1) sync — one `workflow_schedules` row per (Schedule workflow,
 * credential configuration that enabled it, VALID credential), its first instant computed from now;
 * (2) fire — in a transaction, lock due rows (`FOR UPDATE SKIP LOCKED`), queue an execution with
 * `{ scheduledAt }` (the scheduled instant) for each, and move `next_run_at` on (compare-and-set)
 * before committing. Any number of schedulers on one database queue at most one execution per
 * scheduled instant. Instants missed while no scheduler ran are not replayed: the overdue one runs
 * once and the next is the first one after now.
 */
export function createWorkflowScheduler(deps: WorkflowSchedulerDeps): WorkflowScheduler {
  const { db, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const intervalMs = deps.intervalMs ?? 1000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = true;

  async function sync(): Promise<void> {
    const wanted: Parameters<typeof syncSchedules>[1] = [];
    const at = now();
    for (const version of await listLatestScheduleVersions(db)) {
      const trigger = version.definition.trigger as ScheduleTrigger;
      const configurations = await listEnabledConfigurations(db, {
        projectId: version.projectId,
        integrationId: version.integrationId,
        workflowId: version.workflowId,
      });
      for (const c of configurations) {
        const timeZone = timeZoneOf(c.meta, trigger.timezone);
        const next = nextScheduledRun(trigger, { after: at, timeZone });
        if (!next) continue;
        wanted.push({
          workflowId: version.workflowId,
          credentialId: c.credentialId,
          configurationId: c.configurationId,
          projectId: version.projectId,
          connectedUserId: c.connectedUserId,
          spec: specOf(trigger, timeZone),
          nextRunAt: next,
        });
      }
    }
    await syncSchedules(db, wanted);
  }

  /** Fires one schedule inside `trx`; false when it no longer applies (the row is deleted). */
  async function fire(trx: Kysely<Database>, row: WorkflowSchedule, at: Date): Promise<boolean> {
    const [workflow, version, user] = await Promise.all([
      findWorkflow(trx, row.projectId, row.workflowId),
      findLatestWorkflowVersion(trx, row.workflowId),
      findConnectedUser(trx, row.connectedUserId),
    ]);
    const trigger = version?.definition.trigger as ({ type?: string } & ScheduleTrigger) | undefined;
    if (!workflow || !version || !user || trigger?.type !== 'schedule') {
      await deleteSchedule(trx, row);
      return false;
    }
    const prepared = await prepareExecution(trx, {
      user: { id: user.id, projectId: row.projectId, externalId: user.externalId },
      version,
      integrationId: workflow.integrationId,
      triggerKind: 'schedule',
      trigger: { scheduledAt: row.nextRunAt.toISOString() },
      selection: { credentialId: row.credentialId, configurationId: row.configurationId },
    });
    if (!prepared.ok) {
      logger.debug({ workflowId: row.workflowId, reason: prepared.reason }, 'schedule dropped');
      await deleteSchedule(trx, row);
      return false;
    }
    const next = nextScheduledRun(trigger, {
      after: at,
      previous: row.nextRunAt,
      timeZone: timeZoneOf(user.meta, trigger.timezone),
    });
    await insertExecution(trx, prepared.execution);
    if (!next) {
      await deleteSchedule(trx, row);
      return true;
    }
    if (!(await advanceSchedule(trx, row, row.nextRunAt, next)))
      throw new Error(`schedule of workflow ${row.workflowId} moved under its lock`);
    return true;
  }

  async function fireDue(): Promise<number> {
    let queued = 0;
    for (;;) {
      const at = now();
      const batch = await db.transaction().execute(async (trx) => {
        const due = await lockDueSchedules(trx, at, BATCH);
        let fired = 0;
        for (const row of due) if (await fire(trx, row, at)) fired += 1;
        return { due: due.length, fired };
      });
      queued += batch.fired;
      if (batch.due < BATCH) return queued;
    }
  }

  async function tick(): Promise<number> {
    await sync();
    const queued = await fireDue();
    if (queued > 0) deps.onQueued?.();
    return queued;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick()
        .catch((error: unknown) => logger.error({ err: error }, 'scheduler pass failed'))
        .finally(schedule);
    }, intervalMs);
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    tick,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
