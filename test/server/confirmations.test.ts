import { describe, expect, it } from 'vitest';
import { ConfirmationError, Confirmations, planHash, TOKEN_TTL_MS } from '../../src/server/confirmations.js';

describe('plan hashes', () => {
  it('do not depend on key order, and change with any value', () => {
    expect(planHash({ a: 1, b: [1, { c: 'x', d: null }] })).toBe(planHash({ b: [1, { d: null, c: 'x' }], a: 1 }));
    expect(planHash({ a: 1, b: [1, { c: 'x' }] })).not.toBe(planHash({ a: 1, b: [1, { c: 'y' }] }));
    expect(planHash({ stage: 'sample' })).not.toBe(planHash({ stage: 'full' }));
  });
});

describe('confirmation tokens', () => {
  const setup = () => {
    let now = 1_000_000;
    const c = new Confirmations(() => now);
    return { c, advance: (ms: number) => (now += ms) };
  };

  it('confirm the plan they were issued for, once', () => {
    const { c } = setup();
    const { token } = c.issue('start_import', 'm-000000000001', 'plan-a');
    expect(() => c.consume('start_import', 'm-000000000001', token, 'plan-a')).not.toThrow();
    expect(() => c.consume('start_import', 'm-000000000001', token, 'plan-a')).toThrow(/used already/);
  });

  it('are refused for a changed plan, another tool, another migration, unknown or expired, each with the reason and what to do', () => {
    const { c, advance } = setup();
    const t = () => c.issue('start_import', 'm-000000000001', 'plan-a').token;
    const refusal = (f: () => void): string => {
      try {
        f();
      } catch (error) {
        expect(error).toBeInstanceOf(ConfirmationError);
        return (error as Error).message;
      }
      throw new Error('not refused');
    };
    expect(refusal(() => c.consume('start_import', 'm-000000000001', t(), 'plan-b'))).toMatch(/plan changed since its preview.*preview_import again/);
    expect(refusal(() => c.consume('rollback_import', 'm-000000000001', t(), 'plan-a'))).toMatch(/for start_import, not rollback_import/);
    expect(refusal(() => c.consume('start_import', 'm-000000000002', t(), 'plan-a'))).toMatch(/for migration m-000000000001/);
    expect(refusal(() => c.consume('apply_schema_changes', 'm-000000000001', 'ct_made-up', 'plan-a'))).toMatch(/not one preview_schema_changes gave/);
    const late = t();
    advance(TOKEN_TTL_MS + 1);
    expect(refusal(() => c.consume('start_import', 'm-000000000001', late, 'plan-a'))).toMatch(/expired/);
  });

  it('a refused token stays usable for its own plan (a refusal changes nothing)', () => {
    const { c } = setup();
    const { token } = c.issue('start_import', 'm-000000000001', 'plan-a');
    expect(() => c.consume('start_import', 'm-000000000001', token, 'plan-b')).toThrow();
    expect(() => c.consume('start_import', 'm-000000000001', token, 'plan-a')).not.toThrow();
  });
});
