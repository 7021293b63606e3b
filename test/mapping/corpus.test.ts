import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TWENTY_2X_FIELDS } from '../../src/mapping/baseline-twenty-matcher.js';
import { CorpusError, loadCorpus, parseCorpusFile } from '../../src/mapping/corpus.js';
import { unknownStandardLabels } from './corpus-checks.js';

describe('mapping corpus', () => {
  const corpus = loadCorpus();

  it('loads and validates every file', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(10);
    const total = corpus.reduce((n, f) => n + f.columns.length, 0);
    expect(total).toBeGreaterThanOrEqual(150);
    for (const f of corpus) for (const c of f.columns) expect(c.samples.length).toBeLessThanOrEqual(5);
  });

  it('labels only Twenty 2.x standard fields (those the importer offers, plus createdAt) of the file\'s object', () => {
    expect(unknownStandardLabels(corpus)).toEqual([]);
  });

  it('has the 57 Kartra transaction columns', () => {
    const tx = corpus.find((f) => f.file === 'kartra-transactions.json');
    expect(tx?.columns).toHaveLength(57);
    expect(tx?.object).toBe('opportunity');
  });

  it('labels the Kartra decisions of issue 4', () => {
    const api = corpus.find((f) => f.file === 'kartra-leads-api.json');
    const byHeader = new Map(api?.columns.map((c) => [c.header, c.expected]));
    expect(byHeader.get('phone_country_code')).toEqual({ kind: 'field', object: 'person', field: 'phones', subfield: 'primaryPhoneCallingCode' });
    expect(byHeader.get('tags')).toEqual({ kind: 'custom', type: 'MULTI_SELECT', name: 'kartraTags' });
    expect(byHeader.get('lists')).toEqual({ kind: 'custom', type: 'MULTI_SELECT', name: 'kartraLists' });
    expect(byHeader.get('gdpr_lead_status')).toEqual({ kind: 'custom', type: 'SELECT' });
    expect(byHeader.get('score')).toEqual({ kind: 'custom', type: 'NUMBER' });
    expect(byHeader.get('source')).toEqual({ kind: 'custom', type: 'SELECT' });
    expect(byHeader.get('blacklisted')).toEqual({ kind: 'custom', type: 'BOOLEAN' });
    expect(byHeader.get('date_joined')).toEqual({ kind: 'field', object: 'person', field: 'createdAt' });
    expect(byHeader.get('id')).toEqual({ kind: 'custom', type: 'TEXT', name: 'kartraLeadId' });
  });

  it('names the file and the column of a broken entry', () => {
    const bad = JSON.stringify({
      name: 'x',
      description: 'y',
      object: 'person',
      columns: [
        { header: 'Email', samples: [], expected: { kind: 'skip' } },
        { header: 'Phone', samples: [], expected: { kind: 'field', object: 'persn', field: 'phones' } },
      ],
    });
    expect(() => parseCorpusFile('broken.json', bad)).toThrow(CorpusError);
    expect(() => parseCorpusFile('broken.json', bad)).toThrow(/^broken\.json: column 1 "Phone" \(expected\.object\)/);
  });

  it('rejects bad JSON, too many samples and duplicate headers, and an empty directory', () => {
    expect(() => parseCorpusFile('a.json', '{')).toThrow(/^a\.json: not valid JSON/);
    const many = { name: 'x', description: 'y', object: 'person', columns: [{ header: 'A', samples: ['1', '2', '3', '4', '5', '6'], expected: { kind: 'skip' } }] };
    expect(() => parseCorpusFile('b.json', JSON.stringify(many))).toThrow(/b\.json: column 0 "A" \(samples\)/);
    const dup = { ...many, columns: [many.columns[0], many.columns[0]].map((c) => ({ ...c!, samples: [] })) };
    expect(() => parseCorpusFile('c.json', JSON.stringify(dup))).toThrow(/duplicate header "A"/);
    const dir = mkdtempSync(join(tmpdir(), 'corpus-'));
    expect(() => loadCorpus(dir)).toThrow(/no corpus files/);
    writeFileSync(join(dir, 'd.json'), JSON.stringify({ ...many, columns: [] }));
    expect(() => loadCorpus(dir)).toThrow(/^d\.json: columns/);
  });
});
