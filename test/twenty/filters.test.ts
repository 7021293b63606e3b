import { describe, expect, it } from 'vitest';
import { TwentyConfigError, and, compare, eq, isIn, isNull, not, or, where } from '../../src/twenty/index.js';

describe('filters', () => {
  it('builds Twenty filter strings', () => {
    expect(eq('emails.primaryEmail', 'ada@example.com')).toBe('emails.primaryEmail[eq]:"ada@example.com"');
    expect(compare('employees', 'gte', 10)).toBe('employees[gte]:10');
    expect(isIn('kartraLeadId', ['1', '2'])).toBe('kartraLeadId[in]:["1","2"]');
    expect(isNull('deletedAt')).toBe('deletedAt[is]:NULL');
    expect(isNull('deletedAt', true)).toBe('deletedAt[is]:NOT_NULL');
    expect(or(eq('a', 'x'), not(eq('b', 'y')))).toBe('or(a[eq]:"x",not(b[eq]:"y"))');
    expect(and(eq('a', true))).toBe('and(a[eq]:true)');
  });

  it('always wraps in and(), so values with parentheses parse', () => {
    expect(where(eq('name', 'Acme (US)'))).toBe('and(name[eq]:"Acme (US)")');
  });

  it('refuses what Twenty would misread', () => {
    expect(() => isIn('name', ['Acme, Inc.'])).toThrow(TwentyConfigError);
    expect(() => isIn('name', [])).toThrow(TwentyConfigError);
    expect(() => eq('name', 'say "hi"')).toThrow(TwentyConfigError);
    expect(() => eq('name[eq]:x', 'a')).toThrow(TwentyConfigError);
  });
});
