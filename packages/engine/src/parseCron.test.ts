import { describe, expect, test } from 'vitest';
import { parseCron } from './parseCron';

describe('parseCron', () => {
  test('five fields run at second 0; names, ranges, steps and lists', () => {
    expect(parseCron('*/15 9-17 * JAN,jul MON-FRI')).toEqual({
      seconds: [0],
      minutes: [0, 15, 30, 45],
      hours: [9, 10, 11, 12, 13, 14, 15, 16, 17],
      daysOfMonth: Array.from({ length: 31 }, (_, i) => i + 1),
      months: [1, 7],
      daysOfWeek: [1, 2, 3, 4, 5],
      dayMatch: 'both',
    });
  });

  test('six fields start with seconds; 7 is Sunday; restricted day fields match either', () => {
    expect(parseCron('30 0 12 1,15 * 7')).toMatchObject({
      seconds: [30],
      minutes: [0],
      hours: [12],
      daysOfMonth: [1, 15],
      daysOfWeek: [0],
      dayMatch: 'either',
    });
    expect(parseCron('0 10-50/20 * * * ?').minutes).toEqual([10, 30, 50]);
    expect(parseCron('5/30 * * * *').minutes).toEqual([5, 35]);
  });

  test.each([
    ['* * * *', /has 5 fields .* has 4/],
    ['60 * * * *', /60 is outside the minute field's range 0-59/],
    ['* * 0 * *', /0 is outside the day of month field's range 1-31/],
    ['* * * FOO *', /"FOO" in the month field is not a number or a name \(JAN/],
    ['*/0 * * * *', /must be a positive whole number/],
    ['5-1 * * * *', /runs backwards/],
    ['? * * * *', /only allowed in the day fields/],
    ['* * L * *', /"L" in the day of month field is not a number/],
    ['1,,2 * * * *', /"" in the minute field is not valid/],
  ])('rejects %j', (expression, message) => {
    expect(() => parseCron(expression)).toThrow(message);
  });
});
