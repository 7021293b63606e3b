import { describe, expect, it } from 'vitest';
import { splitMultiValue, uniteMultiValues } from '../../src/kartra/multi-value.js';
import { edge, readExport } from '../helpers/edge.js';

describe('splitMultiValue', () => {
  it.each([
    ['VIP;vip; Gold ', ';', ['VIP', 'Gold']],
    ['VIP,vip, Gold ', ',', ['VIP', 'Gold']],
    ['', ';', []],
    [' ; ;; ', ';', []],
    ['Gold', ';', ['Gold']],
    ['Webinar 2024;webinar 2024;WEBINAR 2024', ';', ['Webinar 2024']],
    ['Rock & Roll;Rock & roll', ';', ['Rock & Roll']],
    ['a,b;c', ';', ['a,b', 'c']], // only the given separator splits
    ['Émile;émile', ';', ['Émile']],
  ] as const)('%j split by %j → %j', (cell, separator, items) => {
    expect(splitMultiValue(cell, separator)).toEqual(items);
  });
});

describe('uniteMultiValues', () => {
  it('keeps the earlier spelling and order', () => {
    expect(uniteMultiValues(['VIP', 'Gold'], ['gold', 'Newsletter', 'vip'])).toEqual(['VIP', 'Gold', 'Newsletter']);
  });
  it('trims and drops empties', () => {
    expect(uniteMultiValues([' a ', ''], ['A', ' b'])).toEqual(['a', 'b']);
  });
});

describe('tag columns in the fixtures', () => {
  it.each([
    ['tags/tags-semicolon.csv', ';'],
    ['tags/tags-comma.csv', ','],
  ] as const)('%s splits into the same tag sets', async (fixture, separator) => {
    const { rows } = await readExport(edge(fixture));
    expect(rows.map((r) => splitMultiValue(r.cells[2]!, separator))).toEqual([['VIP', 'Gold'], ['Gold', 'Newsletter'], ['Newsletter'], []]);
  });
});
