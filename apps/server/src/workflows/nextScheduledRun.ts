import { type CronSchedule, parseCron } from '@switchboard/engine';

/** A Schedule trigger: a cron expression (in the user's time zone) or a fixed interval. */
export interface ScheduleTrigger {
  cron?: string | undefined;
  everySeconds?: number | undefined;
  /** The workflow's default IANA time zone (a user's own one wins). */
  timezone?: string | undefined;
}

/**
 * The time zone a user's cron schedule runs in: the user's metadata `timeZone` (or `timezone`) when it
 * is a valid IANA name, else the trigger's `timezone`, else UTC.
 */
export function timeZoneOf(meta: Record<string, unknown> | null | undefined, fallback?: string): string {
  for (const value of [meta?.timeZone, meta?.timezone, fallback]) {
    if (typeof value !== 'string' || value === '') continue;
    try {
      return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
    } catch {
      // Not an IANA time zone: try the next one, else UTC.
    }
  }
  return 'UTC';
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at `instant`, in ms (wall clock − UTC). */
function offsetAt(instant: number, timeZone: string): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant of a wall-clock time (given as if it were UTC) in `timeZone`. A time repeated when the
 * clocks go back is its first occurrence; a time skipped when they go forward is shifted by the gap
 * (02:30 on a spring-forward night in New York is 03:30 EDT).
 */
export function instantOfWallTime(wall: number, timeZone: string): number {
  const before = offsetAt(wall - 12 * 3600_000, timeZone);
  const after = offsetAt(wall + 12 * 3600_000, timeZone);
  const candidates = [wall - before, wall - after].filter(
    (t, i) => offsetAt(t, timeZone) === [before, after][i],
  );
  return candidates.length > 0 ? Math.min(...candidates) : wall - before;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The first instant strictly after `after` that the cron schedule allows, in `timeZone`. */
export function nextCronRun(schedule: CronSchedule, after: Date, timeZone: string): Date | undefined {
  const afterMs = after.getTime();
  const startWall = afterMs + offsetAt(afterMs, timeZone);
  const startDay = Math.floor(startWall / DAY) * DAY - DAY;
  // Wall times well before `after` cannot be after it: no zone moves its clock by more than 3 hours.
  const lowest = startWall - 3 * HOUR;
  // Five years covers every satisfiable expression (29 February on a given weekday repeats within 28).
  for (let day = startDay; day < startDay + 5 * 366 * DAY; day += DAY) {
    const date = new Date(day);
    if (!schedule.months.includes(date.getUTCMonth() + 1)) continue;
    const dom = schedule.daysOfMonth.includes(date.getUTCDate());
    const dow = schedule.daysOfWeek.includes(date.getUTCDay());
    if (schedule.dayMatch === 'both' ? !(dom && dow) : !(dom || dow)) continue;
    for (const hour of schedule.hours) {
      const hourStart = day + hour * HOUR;
      if (hourStart + HOUR <= lowest) continue;
      for (const minute of schedule.minutes) {
        const minuteStart = hourStart + minute * 60_000;
        if (minuteStart + 60_000 <= lowest) continue;
        for (const second of schedule.seconds) {
          const wall = minuteStart + second * 1000;
          if (wall < lowest) continue;
          const instant = instantOfWallTime(wall, timeZone);
          if (instant > afterMs) return new Date(instant);
        }
      }
    }
  }
  return undefined;
}

/**
 * The next scheduled instant strictly after `after`. An interval counts from `previous` (the last
 * scheduled instant) in whole steps, so the cadence stays put; a cron expression is evaluated in the
 * user's time zone. Missed instants are not replayed: the next one is always after `after` (now).
 */
export function nextScheduledRun(
  trigger: ScheduleTrigger,
  input: { after: Date; previous?: Date | undefined; timeZone: string },
): Date | undefined {
  if (trigger.everySeconds !== undefined && trigger.everySeconds > 0) {
    const step = trigger.everySeconds * 1000;
    const from = input.previous?.getTime() ?? input.after.getTime();
    const steps = Math.max(1, Math.floor((input.after.getTime() - from) / step) + 1);
    return new Date(from + steps * step);
  }
  if (trigger.cron === undefined) return undefined;
  return nextCronRun(parseCron(trigger.cron), input.after, input.timeZone);
}
