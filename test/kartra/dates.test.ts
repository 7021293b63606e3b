import { describe, expect, it } from 'vitest';
import { hasTime, matchDate, slashOrder, wallClockMillis } from '../../src/kartra/dates.js';

describe('matchDate', () => {
  it.each([
    ['2024-03-09', 'YYYY-MM-DD'],
    ['2024-03-09 14:05:00', 'YYYY-MM-DD HH:mm:ss'],
    ['2024-03-09T14:05:00Z', 'YYYY-MM-DD HH:mm:ss'],
    ['2024-03-09 14:05:00 EST', 'YYYY-MM-DD HH:mm:ss'],
    ['2024/03/09', 'YYYY/MM/DD'],
    ['3/9/2026', 'slash-date'],
    ['09/03/2026', 'slash-date'],
    ['3/9/2026 14:05', 'slash-datetime'],
    ['3/9/26 2:05 PM', 'slash-datetime'],
    ['03 Mar 2026', 'DD Mon YYYY'],
    ['09 Mar 2024 14:05:00', 'DD Mon YYYY HH:mm:ss'],
  ])('%j is %s', (v, shape) => {
    expect(matchDate(v)?.shape).toBe(shape);
  });

  it.each(['', 'someday', '2024-13-01', '2024-00-10', '13/13/2024', '0/5/2024', 'Mar 3 2026', '12345'])('%j is not a date', (v) => {
    expect(matchDate(v)).toBeUndefined();
  });

  it('gives the two numbers of a slashed date', () => {
    expect(matchDate('25/12/2024')).toEqual({ shape: 'slash-date', first: 25, second: 12 });
  });

  it('hasTime', () => {
    expect(hasTime('YYYY-MM-DD HH:mm:ss')).toBe(true);
    expect(hasTime('slash-datetime')).toBe(true);
    expect(hasTime('DD Mon YYYY')).toBe(false);
  });
});

describe('slashOrder', () => {
  it.each([
    [true, false, 'day-first'],
    [false, true, 'month-first'],
    [false, false, 'ambiguous'],
    [true, true, 'conflicting'],
  ] as const)('first>12 %s, second>12 %s → %s', (a, b, order) => {
    expect(slashOrder(a, b)).toBe(order);
  });
});

describe('wallClockMillis', () => {
  it.each([
    ['2024-03-09 14:05:00', Date.UTC(2024, 2, 9, 14, 5, 0)],
    ['2024-03-09', Date.UTC(2024, 2, 9)],
    ['2024/03/09', Date.UTC(2024, 2, 9)],
    ['09 Mar 2024 14:05:00', Date.UTC(2024, 2, 9, 14, 5, 0)],
    ['03 Mar 2026', Date.UTC(2026, 2, 3)],
  ])('%j', (v, ms) => {
    expect(wallClockMillis(v)).toBe(ms);
  });

  it('reads slashed dates in the column\'s order', () => {
    expect(wallClockMillis('03/04/2024', 'month-first')).toBe(Date.UTC(2024, 2, 4));
    expect(wallClockMillis('03/04/2024', 'day-first')).toBe(Date.UTC(2024, 3, 3));
    expect(wallClockMillis('03/04/2024')).toBe(Date.UTC(2024, 2, 4)); // US default when unproven
  });

  it('handles 12-hour clocks and two-digit years', () => {
    expect(wallClockMillis('3/9/26 2:05 PM', 'month-first')).toBe(Date.UTC(2026, 2, 9, 14, 5));
    expect(wallClockMillis('3/9/26 12:05 AM', 'month-first')).toBe(Date.UTC(2026, 2, 9, 0, 5));
  });

  it.each(['0000-00-00 00:00:00', 'someday'])('%j has no time', (v) => {
    expect(wallClockMillis(v)).toBeUndefined();
  });

  it('an impossible calendar date or clock time is not a date (not silently moved to another day)', () => {
    expect(matchDate('2024-02-30')).toBeUndefined();
    expect(wallClockMillis('2024-02-30 10:00:00')).toBeUndefined();
    expect(wallClockMillis('2024-03-09 25:00:00')).toBeUndefined();
  });

  it('orders dates chronologically', () => {
    const sorted = ['2024-05-01 09:00:00', '2019-07-01 00:00:00', '2021-03-01 10:00:00'].sort((a, b) => wallClockMillis(a)! - wallClockMillis(b)!);
    expect(sorted).toEqual(['2019-07-01 00:00:00', '2021-03-01 10:00:00', '2024-05-01 09:00:00']);
  });
});

describe('a slashed value that proves its own order', () => {
  it('25/03/2026 is the 25th of March even in a column with no evidence either way', () => {
    expect(wallClockMillis('25/03/2026', 'ambiguous')).toBe(Date.UTC(2026, 2, 25));
    expect(wallClockMillis('03/25/2026', 'day-first')).toBe(Date.UTC(2026, 2, 25));
    expect(wallClockMillis('13/13/2026', 'ambiguous')).toBeUndefined();
  });
});
