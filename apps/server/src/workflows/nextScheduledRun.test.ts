import { parseCron } from '@switchboard/engine';
import { describe, expect, test } from 'vitest';
import { instantOfWallTime, nextCronRun, nextScheduledRun, timeZoneOf } from './nextScheduledRun';

const iso = (d: Date | undefined) => d?.toISOString();

describe('nextScheduledRun', () => {
  test('"0 9 * * *" in America/New_York stays at 09:00 local across the spring-forward change', () => {
    const nine = parseCron('0 9 * * *');
    // Saturday 7 March 2026, 10:00 EST: next is Sunday 8 March 09:00 EDT (13:00Z), after the change.
    const sunday = nextCronRun(nine, new Date('2026-03-07T15:00:00Z'), 'America/New_York');
    expect(iso(sunday)).toBe('2026-03-08T13:00:00.000Z');
    // The day before the change it was 14:00Z (EST).
    expect(iso(nextCronRun(nine, new Date('2026-03-06T15:00:00Z'), 'America/New_York'))).toBe(
      '2026-03-07T14:00:00.000Z',
    );
    // And back in November: 09:00 EST is 14:00Z again.
    expect(iso(nextCronRun(nine, new Date('2026-11-01T00:00:00Z'), 'America/New_York'))).toBe(
      '2026-11-01T14:00:00.000Z',
    );
  });

  test('a skipped wall time is shifted by the gap; a repeated one runs once (its first occurrence)', () => {
    const twoThirty = parseCron('30 2 * * *');
    // 8 March 2026 02:30 does not exist in New York: 03:30 EDT = 07:30Z.
    expect(iso(nextCronRun(twoThirty, new Date('2026-03-08T05:00:00Z'), 'America/New_York'))).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    const oneThirty = parseCron('30 1 * * *');
    // 1 November 2026 01:30 happens twice: 05:30Z (EDT) runs, 06:30Z (EST) does not.
    const first = nextCronRun(oneThirty, new Date('2026-11-01T04:00:00Z'), 'America/New_York');
    expect(iso(first)).toBe('2026-11-01T05:30:00.000Z');
    expect(iso(nextCronRun(oneThirty, first as Date, 'America/New_York'))).toBe('2026-11-02T06:30:00.000Z');
    expect(instantOfWallTime(Date.UTC(2026, 0, 15, 12), 'Asia/Tokyo')).toBe(Date.UTC(2026, 0, 15, 3));
  });

  test('day fields, seconds, and UTC by default', () => {
    // Weekdays at 08:15 UTC; from Friday 16:00 the next is Monday.
    expect(
      iso(
        nextScheduledRun(
          { cron: '15 8 * * MON-FRI' },
          { after: new Date('2026-01-02T16:00:00Z'), timeZone: 'UTC' },
        ),
      ),
    ).toBe('2026-01-05T08:15:00.000Z');
    expect(
      iso(
        nextScheduledRun(
          { cron: '*/10 * * * * *' },
          { after: new Date('2026-01-02T16:00:03Z'), timeZone: 'UTC' },
        ),
      ),
    ).toBe('2026-01-02T16:00:10.000Z');
    expect(nextCronRun(parseCron('0 0 30 2 *'), new Date('2026-01-01T00:00:00Z'), 'UTC')).toBeUndefined();
  });

  test('an interval keeps its cadence and skips missed instants (one catch-up run, not a burst)', () => {
    const previous = new Date('2026-01-01T00:00:00Z');
    expect(iso(nextScheduledRun({ everySeconds: 60 }, { after: previous, previous, timeZone: 'UTC' }))).toBe(
      '2026-01-01T00:01:00.000Z',
    );
    // Down for 10.5 minutes: the next instant is the first one after now.
    const now = new Date('2026-01-01T00:10:30Z');
    expect(iso(nextScheduledRun({ everySeconds: 60 }, { after: now, previous, timeZone: 'UTC' }))).toBe(
      '2026-01-01T00:11:00.000Z',
    );
  });

  test('the time zone comes from metadata timeZone or timezone when valid, else UTC', () => {
    expect(timeZoneOf({ timeZone: 'Europe/Paris' })).toBe('Europe/Paris');
    expect(timeZoneOf({ timezone: 'America/New_York' })).toBe('America/New_York');
    expect(timeZoneOf({ timeZone: 'Mars/Olympus', timezone: 'Asia/Tokyo' })).toBe('Asia/Tokyo');
    expect(timeZoneOf({ timeZone: 'nowhere' })).toBe('UTC');
    expect(timeZoneOf(undefined)).toBe('UTC');
    expect(timeZoneOf({}, 'Europe/Berlin')).toBe('Europe/Berlin');
    expect(timeZoneOf({ timezone: 'Asia/Tokyo' }, 'Europe/Berlin')).toBe('Asia/Tokyo');
  });
});
