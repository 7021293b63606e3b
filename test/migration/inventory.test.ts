/**
 * The automation inventory: lead counts per tag, list and sequence over the people a migration keeps (checked
 * against the generator's own record in expected.json), the mapping's separators honoured, and a markdown document
 * whose sections say what moved, what did not and what to rebuild, with every name from the exports inert.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectExports, type Inspection } from '../../src/kartra/inspect.js';
import { buildMapping } from '../../src/mapping/build.js';
import type { MappingDocument } from '../../src/mapping/document.js';
import {
  automationInventory,
  markdownText,
  MAX_NAME_LENGTH,
  tagListSequenceCounts,
  type TagListSequenceCounts,
} from '../../src/migration/inventory.js';
import { ExpectedSchema, type Expected } from '../../src/samples/expected.js';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { createTwentyClient, type TwentyClient } from '../../src/twenty/index.js';
import type { TwentySchema } from '../../src/twenty/schema.js';

const NOW = new Date('2026-06-09T12:00:00Z');
const MESSY = 'fixtures/samples/messy';

let sandbox: SandboxHandle;
let client: TwentyClient;
let schema: TwentySchema;
let messy: Inspection;
let messyDoc: MappingDocument;
let messyCounts: TagListSequenceCounts;
let expected: Expected;
let tmp: string;

// No ';' in it: the file splits its tags by ';'.
const INJECTED = '**bold** | [x](http://evil.example) <script>alert(1)</script> #h _u_ `c` ~s~ \\';
const LONG = `Long ${'tag name '.repeat(40)}end`;

/**
 * A small leads export with a sequences column, a tag that is markdown and HTML, a very long tag, a rejected row, a
 * ragged row and a duplicate (by email, younger, so it loses) whose tags and lists must join its winner's.
 */
async function writeSmallLeads(dir: string): Promise<void> {
  const header = 'id,first_name,last_name,email,phone_country_code,phone,date_joined,tags,lists,sequences';
  const q = (cell: string): string => `"${cell.replaceAll('"', '""')}"`;
  const lines = [
    header,
    `1001,Ann,Lee,ann@example.com,+1,5125550101,2020-01-01 10:00:00,${q(`VIP;${INJECTED}`)},Main,Welcome Series;Black Friday Promo`,
    '1002,Bob,Kim,,+1,5125550102,2020-01-02 10:00:00,OnlyOnRejected,Main,Welcome Series',
    '1003,Cat,Park,ANN@Example.com,+1,5125550103,2020-01-03 10:00:00,vip;FromDuplicate,Other,Welcome Series',
    `1004,Dan,Ray,dan@example.com,+1,5125550104,2020-01-04 10:00:00,${q(`VIP;${LONG}`)},,Cart Abandon Flow;Mystery Thing`,
    '1005,Eve,Cho,eve@example.com,+1,5125550105,2020-01-05 10:00:00,RaggedTag,Main,Welcome Series,spilled over',
    '1006,Fay,Ito,fay@example.com,+1,5125550106,2020-01-06 10:00:00,Newsletter;VIP,Main;Other,',
    '1007,Gus,Obi,gus@example.com,+1,5125550107,2020-01-07 10:00:00,Newsletter,Main,Welcome Series',
  ];
  await writeFile(join(dir, 'contacts_kartra_09-06-2026_0123456789abc.csv'), `${lines.join('\n')}\n`);
}

beforeAll(async () => {
  sandbox = await startSandbox({ profile: 'v2', apiKey: 'sandbox-key-1', rateLimit: false });
  client = createTwentyClient({ baseUrl: sandbox.url, apiKey: 'sandbox-key-1' });
  schema = await client.schema();
  messy = await inspectExports([MESSY]);
  messyDoc = buildMapping({ migrationId: 'm-0123456789ab', inspection: messy, schema, mode: 'rehearsal', now: NOW });
  messyCounts = await tagListSequenceCounts(messy, messyDoc);
  expected = ExpectedSchema.parse(JSON.parse(await readFile(join(MESSY, 'expected.json'), 'utf8')));
  tmp = await mkdtemp(join(tmpdir(), 'kartra-inventory-'));
  await writeSmallLeads(tmp);
});

afterAll(async () => {
  await client?.close();
  await sandbox?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** People per item from expected.json's people_detail, keyed without case (as the migration compares items). */
function expectedCounts(field: 'tags' | 'lists'): Map<string, number> {
  const counts = new Map<string, number>();
  for (const person of expected.leads.people_detail!) {
    for (const item of person[field]) counts.set(item.toLowerCase(), (counts.get(item.toLowerCase()) ?? 0) + 1);
  }
  return counts;
}

const lowerKeys = (counts: Map<string, number>): Map<string, number> => new Map([...counts].map(([k, v]) => [k.toLowerCase(), v]));
const sorted = (counts: Map<string, number>): [string, number][] => [...counts].sort(([a], [b]) => (a < b ? -1 : 1));

async function small(): Promise<{ inspection: Inspection; doc: MappingDocument; counts: TagListSequenceCounts }> {
  const inspection = await inspectExports([tmp]);
  const doc = buildMapping({ migrationId: 'm-abcdefabcdef', inspection, schema, mode: 'rehearsal', now: NOW });
  return { inspection, doc, counts: await tagListSequenceCounts(inspection, doc) };
}

describe('tagListSequenceCounts on the messy samples', () => {
  it('counts each tag over the people a migration keeps, as expected.json records them', () => {
    expect(expected.leads.people_detail).toHaveLength(expected.leads.people);
    expect(sorted(lowerKeys(messyCounts.tags))).toEqual(sorted(expectedCounts('tags')));
  });

  it('counts each list the same way', () => {
    expect(sorted(lowerKeys(messyCounts.lists))).toEqual(sorted(expectedCounts('lists')));
  });

  it('finds no sequences where the export has no sequences column', () => {
    expect(messyCounts.sequences.size).toBe(0);
  });

  it('orders items by people, most first, and shows one spelling per item', () => {
    const values = [...messyCounts.tags.values()];
    expect(values).toEqual([...values].sort((a, b) => b - a));
    const keys = [...messyCounts.tags.keys()].map((k) => k.toLowerCase());
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("splits by the mapping's separator when it sets one, over the reader's per-file separator", async () => {
    const edited = structuredClone(messyDoc);
    const tags = edited.columns.find((c) => c.id === 'leads:tags')!;
    expect(tags.transforms.separator).toBeUndefined(); // the chunks disagree (';' and ','), so each file splits its own way
    tags.transforms.separator = ';';
    const counts = await tagListSequenceCounts(messy, edited);
    // The comma-separated chunk is no longer split: its cells become single, comma-joined items.
    const joined = [...counts.tags.keys()].filter((k) => k.includes(', ') && !messyCounts.tags.has(k));
    expect(joined.length).toBeGreaterThan(0);
    expect(lowerKeys(counts.tags)).not.toEqual(lowerKeys(messyCounts.tags));
  });

  it('passes given counts through as they are', () => {
    const counts: TagListSequenceCounts = { tags: new Map([['Given Tag', 7]]), lists: new Map(), sequences: new Map([['Given Sequence', 3]]) };
    const markdown = automationInventory({ migrationId: messyDoc.migrationId, inspection: messy, mapping: messyDoc, counts });
    expect(markdown).toContain('| Given Tag | 7 |');
    expect(markdown).toContain('| Given Sequence | 3 | not clear from the name: check it in Kartra |');
    expect(markdown).not.toContain('| Reactivated |');
  });
});

describe('tagListSequenceCounts on a small export', () => {
  it('leaves out rejected and ragged rows and unites a duplicate into its winner', async () => {
    const { inspection, counts } = await small();
    const leads = inspection.datasets.find((d) => d.kind === 'leads')!;
    expect(leads.rejectedRows).toBe(2);
    expect(leads.duplicates).toHaveLength(1);
    expect(Object.fromEntries(counts.tags)).toEqual({ VIP: 3, Newsletter: 2, [INJECTED]: 1, FromDuplicate: 1, [LONG]: 1 });
    expect(Object.fromEntries(counts.lists)).toEqual({ Main: 3, Other: 2 });
    expect(Object.fromEntries(counts.sequences)).toEqual({
      'Welcome Series': 2,
      'Black Friday Promo': 1,
      'Cart Abandon Flow': 1,
      'Mystery Thing': 1,
    });
  });
});

describe('markdownText', () => {
  it('escapes every character markdown or HTML would act on', () => {
    expect(markdownText('a|b*c_d`e[f]g<h>i#j~k\\l')).toBe('a\\|b\\*c\\_d\\`e\\[f\\]g\\<h\\>i\\#j\\~k\\\\l');
    expect(markdownText('&lt;b&gt; & Co')).toBe('\\&lt;b\\&gt; & Co');
  });

  it('puts everything on one line and cuts long names', () => {
    expect(markdownText('two\nlines\r\n\tand\u0000more')).toBe('two lines and more');
    const cut = markdownText('x'.repeat(200));
    expect([...cut]).toHaveLength(MAX_NAME_LENGTH);
    expect(cut.endsWith('…')).toBe(true);
    expect(markdownText('😀'.repeat(100), 10)).toBe(`${'😀'.repeat(9)}…`);
  });
});

describe('automationInventory', () => {
  it('has every section, in order', () => {
    const markdown = automationInventory({ migrationId: messyDoc.migrationId, inspection: messy, mapping: messyDoc, counts: messyCounts });
    const headings = markdown.split('\n').filter((l) => /^##? /.test(l));
    expect(headings).toEqual([
      '# Automation inventory',
      '## What was migrated where',
      '## Tags, lists and sequences',
      '## What Kartra never exported',
      '## What to rebuild as Twenty workflows',
    ]);
  });

  it('says what was migrated where: rows per export, the object they become, columns and custom fields', () => {
    const markdown = automationInventory({ migrationId: messyDoc.migrationId, inspection: messy, mapping: messyDoc, counts: messyCounts });
    const { leads, transactions, subscriptions } = expected;
    const repeatedIds = transactions.duplicateIds.reduce((n, d) => n + d.lines.length - 1, 0);
    const f = (n: number): string => n.toLocaleString('en-US');
    expect(markdown).toContain(`| leads | ${leads.chunks.length} | ${f(leads.rows)} | ${leads.rejects.length} | ${leads.duplicates.length} | People | ${f(leads.people)} |`);
    expect(markdown).toContain(`| transactions | 1 | ${f(transactions.rows)} | 0 | ${repeatedIds} | Opportunities | ${f(transactions.distinctRows)} |`);
    expect(markdown).toContain(`| subscriptions | 1 | ${f(subscriptions.rows)} | 0 | 0 | Opportunities | ${f(subscriptions.rows)} |`);
    expect(markdown).toContain('### leads → People');
    expect(markdown).toContain('| tags | `person.kartraTags` (new custom field) |');
    expect(markdown).toMatch(/\| lead\\_picture \| Kartra field \\`lead\\_picture\\`: /);
    expect(markdown).toMatch(/Custom fields this migration creates: .*Kartra tags \(`person\.kartraTags`, MULTI_SELECT, \d+ options\)/);
    expect(markdown).toContain('No import has run yet');
  });

  it('lists every tag and list with its people, and where they went', () => {
    const markdown = automationInventory({ migrationId: messyDoc.migrationId, inspection: messy, mapping: messyDoc, counts: messyCounts });
    for (const [tag, people] of messyCounts.tags) expect(markdown).toContain(`| ${markdownText(tag)} | ${people.toLocaleString('en-US')} |`);
    for (const [list, people] of messyCounts.lists) expect(markdown).toContain(`| ${markdownText(list)} | ${people.toLocaleString('en-US')} |`);
    expect(markdown).toContain(`### Tags (${messyCounts.tags.size})`);
    expect(markdown).toContain('Migrated to `person.kartraTags`');
    expect(markdown).toContain('Migrated to `person.kartraLists`');
    expect(markdown).toContain('The exports have no sequences column');
  });

  it('says what Kartra never exported and what to rebuild as workflows', () => {
    const markdown = automationInventory({ migrationId: messyDoc.migrationId, inspection: messy, mapping: messyDoc, counts: messyCounts });
    for (const thing of ['Email opens, clicks', 'Sequences: their steps', 'Automation rules', 'Funnels, pages, forms', 'Memberships and course progress', 'Calendars and bookings', 'Affiliates', 'Helpdesk tickets']) {
      expect(markdown).toContain(`| ${thing}`);
    }
    expect(markdown).toContain('*Record is Updated* watching `person.kartraTags`');
    expect(markdown).toContain('saved views of People filtered by `person.kartraLists`');
    expect(markdown).toContain('`person.gdprLeadStatus`');
    expect(markdown).toContain('`person.kartraScore`');
    expect(markdown).toContain('Turn workflows on after the import');
  });

  it('shows import results when an import ran', () => {
    const markdown = automationInventory({
      migrationId: messyDoc.migrationId,
      inspection: messy,
      mapping: messyDoc,
      counts: messyCounts,
      results: [
        { object: 'person', created: 280, updated: 2, unchanged: 1, skipped: 8, failed: 0 },
        { object: 'opportunity', created: 1200, updated: 0, unchanged: 0, skipped: 0, failed: 3 },
      ],
    });
    expect(markdown).toContain('### Import results');
    expect(markdown).toContain('| People | 280 | 2 | 1 | 8 | 0 |');
    expect(markdown).toContain('| Opportunities | 1,200 | 0 | 0 | 0 | 3 |');
    expect(markdown).not.toContain('No import has run yet');
  });

  it('lists sequences with their people and what they likely did, and keeps injected names inert', async () => {
    const { inspection, doc, counts } = await small();
    const markdown = automationInventory({ migrationId: doc.migrationId, inspection, mapping: doc, counts });
    expect(markdown).toContain('| Welcome Series | 2 | probably welcome or onboarding emails after sign-up |');
    expect(markdown).toContain('| Black Friday Promo | 1 | probably a launch or promotion |');
    expect(markdown).toContain('| Cart Abandon Flow | 1 | probably follow-up of an abandoned cart or checkout |');
    expect(markdown).toContain('| Mystery Thing | 1 | not clear from the name: check it in Kartra |');
    expect(markdown).toContain('Sequences cannot be migrated');

    // The injected tag is one escaped cell: no raw markup, and its row still has exactly two cells.
    expect(markdown).not.toContain('<script>');
    expect(markdown).not.toContain('**bold**');
    expect(markdown).not.toMatch(/(?<!\\)\]\(http/);
    const row = markdown.split('\n').find((l) => l.includes('bold') && l.startsWith('| '))!;
    expect(row).toBe(`| ${markdownText(INJECTED)} | 1 |`);
    expect(row.split(/(?<!\\)\|/).slice(1, -1)).toHaveLength(2);
    expect(row).toContain('\\*\\*bold\\*\\* \\| \\[x\\](http://evil.example) \\<script\\>alert(1)\\</script\\> \\#h \\_u\\_ \\`c\\` \\~s\\~ \\\\');

    // The long tag is cut.
    const long = markdown.split('\n').find((l) => l.startsWith('| Long tag name'))!;
    expect(long).toMatch(/…/);
    expect(long.length).toBeLessThan(MAX_NAME_LENGTH + 20);
  });
});
