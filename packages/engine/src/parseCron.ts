/** The times a cron expression allows, field by field (sorted, unique). */
export type CronSchedule = {
  seconds: number[];
  minutes: number[];
  hours: number[];
  daysOfMonth: number[];
  months: number[];
  /** 0 = Sunday … 6 = Saturday (7 is read as 0). */
  daysOfWeek: number[];
  /**
   * Classic cron rule: when both day fields are restricted (not `*`), a day matches if either does;
   * when one is `*`, only the other one counts.
   */
  dayMatch: 'both' | 'either';
};

type Field = { name: string; min: number; max: number; names?: readonly string[] };

const monthNames = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
] as const;
const dayNames = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
const fields: readonly Field[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: monthNames },
  { name: 'day of week', min: 0, max: 7, names: dayNames },
];

function value(text: string, field: Field): number {
  const upper = text.toUpperCase();
  const named = field.names?.indexOf(upper) ?? -1;
  if (named >= 0) return named + (field.name === 'month' ? 1 : 0);
  if (!/^\d+$/.test(text)) {
    throw new Error(
      `"${text}" in the ${field.name} field is not a number${field.names ? ` or a name (${field.names.join(', ')})` : ''}`,
    );
  }
  const number = Number(text);
  if (number < field.min || number > field.max) {
    throw new Error(`${number} is outside the ${field.name} field's range ${field.min}-${field.max}`);
  }
  return number;
}

function parseField(text: string, field: Field): { values: number[]; any: boolean } {
  const values = new Set<number>();
  let any = false;
  for (const item of text.split(',')) {
    const [rangeText = '', stepText, extra] = item.split('/');
    if (extra !== undefined || rangeText === '')
      throw new Error(`"${item}" in the ${field.name} field is not valid`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1 || (stepText !== undefined && !/^\d+$/.test(stepText))) {
      throw new Error(`the step "/${stepText}" in the ${field.name} field must be a positive whole number`);
    }
    let from: number;
    let to: number;
    if (rangeText === '*' || rangeText === '?') {
      if (rangeText === '?' && field.name !== 'day of month' && field.name !== 'day of week') {
        throw new Error(`"?" is only allowed in the day fields`);
      }
      [from, to] = [field.min, field.max];
      if (stepText === undefined) any = true;
    } else if (rangeText.includes('-')) {
      const [startText = '', endText = ''] = rangeText.split('-');
      [from, to] = [value(startText, field), value(endText, field)];
      if (from > to) throw new Error(`the range ${rangeText} in the ${field.name} field runs backwards`);
    } else {
      from = value(rangeText, field);
      to = stepText === undefined ? from : field.max;
    }
    for (let n = from; n <= to; n += step) values.add(field.name === 'day of week' && n === 7 ? 0 : n);
  }
  return { values: [...values].sort((a, b) => a - b), any };
}

/**
 * Parses a cron expression: 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds
 * first. Each field: `*`, a number or name (JAN, MON), a range `1-5`, a step `*\/15` or `10-50/5`, or a
 * comma list of those; `?` means `*` in the day fields. Throws an Error saying what to fix. Computing
 * the next run in a time zone is the scheduler's job.
 */
export function parseCron(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) {
    throw new Error(
      `a cron expression has 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first); "${expression}" has ${parts.length}`,
    );
  }
  const texts = parts.length === 5 ? ['0', ...parts] : parts;
  const parsed = fields.map((field, position) => parseField(texts[position] ?? '', field));
  const [seconds, minutes, hours, daysOfMonth, months, daysOfWeek] = parsed as [
    ReturnType<typeof parseField>,
    ReturnType<typeof parseField>,
    ReturnType<typeof parseField>,
    ReturnType<typeof parseField>,
    ReturnType<typeof parseField>,
    ReturnType<typeof parseField>,
  ];
  return {
    seconds: seconds.values,
    minutes: minutes.values,
    hours: hours.values,
    daysOfMonth: daysOfMonth.values,
    months: months.values,
    daysOfWeek: daysOfWeek.values,
    dayMatch: daysOfMonth.any || daysOfWeek.any ? 'both' : 'either',
  };
}
