import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import DecimalModule from 'decimal.js';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINDING_CODES, type FindingCode } from '../src/kartra/findings.js';
import { LEGAL_FORMS, companyKey } from '../src/samples/companies.js';
import { csvRecord } from '../src/samples/csvSink.js';
import { ExpectedSchema, type Expected } from '../src/samples/expected.js';
import { countCellFindings, emptyCounts, rolesFor } from '../src/samples/findings.js';
import { generateSamples } from '../src/samples/generate.js';
import { LEAD_DATE_KEYS, leadKeys } from '../src/samples/leads.js';
import { companyVariants } from '../src/samples/messy.js';
import { makePerson } from '../src/samples/people.js';
import { expectedE164 } from '../src/samples/phone.js';
import { COMPANIES } from '../src/samples/vocab.js';

/**
 * The sample generator. The files are checked as text and through csv-parse (never through the project's own
 * reader), and expected.json is recomputed here from the files with an independent implementation of the stated
 * rules: if the two disagree, the ground truth is wrong.
 */

const Decimal = DecimalModule as unknown as typeof DecimalModule.Decimal;

const TRANSACTIONS_HEADER_57 =
  'ID,Transaction_Type,Date,Product,Price_point,Quantity,Seller_username,Buyer_Username,Buyer_Name,Buyer_Company,Sales_Tax_ID,' +
  'Buyer_Email,Buyer_Country,Buyer_State,Buyer_City,Buyer_ZIP,Buyer_Address,Buyer_Phone_Country,Buyer_Phone,Buyer_IP,' +
  'Amount (USD),Base_Price (USD),Sales_tax (USD),Shipping_cost (USD),Coupon_code,Coupon_discount (USD),Revenue (USD),' +
  'Affiliate_Username,Affiliate_Name,Affiliate_Email,Affiliate_Revenue (USD),JV_Username,JV_Name,JV_Email,JV_Revenue (USD),' +
  'Your_Net_Profit (USD),Tracking_link,TrackingID1,TrackingID2,Landing_page,Processor,Processor_transaction_id,' +
  'Processor_subscription_id,subscription_id,lead_id,affiliate_id,jv_id,Shipping_Name,Shipping_Address,Shipping_City,' +
  'Shipping_ZIP,Shipping_Country,Shipping_State,Trial,Automatic_Cancellation,Subscription_payment_number,Rebill_reattempt';
const NINE_TYPES = ['Sale', 'Rebill', 'Failed', 'Cancellation', 'Request Can.', 'Revert Can.', 'Refund', 'Partial refund', 'Chargeback'];

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'samples-test-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface SampleSet {
  dir: string;
  expected: Expected;
  files: string[];
}

async function generate(options: { leads: number; seed: number; messy: boolean; customFields?: number }): Promise<SampleSet> {
  const dir = tempDir();
  const { expected, files } = await generateSamples({ outDir: dir, ...options });
  return { dir, expected, files };
}

function bytes(set: SampleSet, name: string): Buffer {
  return readFileSync(join(set.dir, name));
}

function leadText(set: SampleSet, name: string): string {
  const chunk = set.expected.leads.chunks.find((c) => c.file === name)!;
  const raw = bytes(set, name);
  const text = chunk.encoding === 'windows-1252' ? iconv.decode(raw, 'win1252') : raw.toString('utf8');
  return text.replace(/^\uFEFF/, '');
}

interface Row {
  file: string;
  fileOrder: number;
  line: number;
  cells: string[];
}

function parseRows(text: string, file: string, fileOrder: number): { header: string[]; rows: Row[] } {
  // Both line endings end a record, as in most readers: an unquoted line break inside a cell would show here.
  const parsed = parse(text, { info: true, relax_column_count: true, skip_empty_lines: true, record_delimiter: ['\r\n', '\n'] }) as unknown as { record: string[]; info: { lines: number } }[];
  const [head, ...rest] = parsed;
  const rows = rest.map(({ record, info }) => ({
    file,
    fileOrder,
    line: info.lines - record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0),
    cells: record,
  }));
  return { header: head!.record, rows };
}

function leadRows(set: SampleSet): { header: string[]; rows: Row[] } {
  let header: string[] = [];
  const rows: Row[] = [];
  set.expected.files.leads.forEach((name, order) => {
    const part = parseRows(leadText(set, name), name, order);
    header = part.header;
    rows.push(...part.rows);
  });
  return { header, rows };
}

function csvRows(set: SampleSet, name: string): { header: string[]; rows: Row[] } {
  return parseRows(bytes(set, name).toString('utf8'), name, 0);
}

const col = (header: string[], name: string): number => {
  const i = header.indexOf(name);
  if (i < 0) throw new Error(`no column ${name}`);
  return i;
};

// ---- an independent reading of the stated rules ----

const PLACEHOLDERS = ['N/A', 'n/a', '#N/A', 'NULL', 'null'];
const validEmail = (v: string): boolean => /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/.test(v.trim());
const missingEmail = (v: string): boolean => v.trim() === '' || PLACEHOLDERS.includes(v.trim());

/** date_joined as a sort key: ISO, or the M/D/YYYY HH:MM a spreadsheet writes; anything else sorts last. */
function joinedKey(value: string): number {
  const iso = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(value.trim());
  if (iso && iso[1] !== '0000') return Date.UTC(+iso[1]!, +iso[2]! - 1, +iso[3]!, +iso[4]!, +iso[5]!, +iso[6]!);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{2}):(\d{2})$/.exec(value.trim());
  if (us) return Date.UTC(+us[3]!, +us[1]! - 1, +us[2]!, +us[4]!, +us[5]!);
  return Number.POSITIVE_INFINITY;
}

function splitCell(cell: string, sep: string, into: string[] = []): string[] {
  for (const part of cell.split(sep)) {
    const v = part.trim();
    if (v && !into.some((x) => x.toLowerCase() === v.toLowerCase())) into.push(v);
  }
  return into;
}

/** The documented company rule, written again character by character (the generator's uses regular expressions). */
const FORMS = ['inc', 'incorporated', 'llc', 'ltd', 'limited', 'gmbh', 'sarl', 'sas', 'sa', 'bv', 'co', 'corp', 'corporation', 'plc', 'pty', 'ag'];
function normaliseCompany(name: string): string {
  let text = '';
  for (const ch of name.normalize('NFKD').toLowerCase()) {
    if (ch === '&') text += ' and ';
    else if (/\s/.test(ch)) text += ' ';
    else if (/[\p{L}\p{N}]/u.test(ch)) text += ch;
  }
  const words = text.split(' ').filter(Boolean);
  if (words.length >= 2 && FORMS.includes(words[words.length - 1]!)) words.length -= 1;
  return words.length === 0 ? name.trim() : words.join(' ');
}

/** Distinct companies of the kept rows, first spelling in file then line order. */
function recomputeCompanies(people: Row[], companyAt: number): { count: number; names: string[] } {
  const ordered = [...people].sort((a, b) => a.fileOrder - b.fileOrder || a.line - b.line);
  const first = new Map<string, string>();
  for (const row of ordered) {
    const name = row.cells[companyAt]!.trim();
    if (name !== '' && !first.has(normaliseCompany(name))) first.set(normaliseCompany(name), name);
  }
  return { count: first.size, names: [...first.values()] };
}

interface Recomputed {
  rows: number;
  rejects: string[];
  duplicates: string[];
  people: Row[];
  tags: Map<Row, string[]>;
  lists: Map<Row, string[]>;
  findings: Record<FindingCode, number>;
  companies: { count: number; names: string[] };
  companyAt: number;
}

function recomputeLeads(set: SampleSet): Recomputed {
  const { header, rows } = leadRows(set);
  const separatorOf = new Map(set.expected.leads.chunks.map((c) => [c.file, c.separator]));
  const at = { id: col(header, 'id'), email: col(header, 'email'), date: col(header, 'date_joined'), tags: col(header, 'tags'), lists: col(header, 'lists') };
  const findings = emptyCounts();
  const keys = leadKeys(set.expected.customFields);
  const roles = rolesFor(keys, LEAD_DATE_KEYS, 'zip', 'country');
  const rejects: string[] = [];
  const candidates: Row[] = [];
  for (const row of rows) {
    countCellFindings(row.cells, roles, findings);
    const cells = [...row.cells];
    while (cells.length > header.length && cells.at(-1) === '') cells.pop();
    const email = row.cells[at.email] ?? '';
    const phone = row.cells[col(header, 'phone')] ?? '';
    if (row.cells[col(header, 'blacklisted')] === '1') findings.blacklisted++;
    if (validEmail(email) && email.trim().toLowerCase().endsWith('@kartra.com')) findings.test_mode_email++;
    if (phone.trim() !== '' && expectedE164(phone, row.cells[col(header, 'phone_country_code')] ?? '') === null) findings.unparseable_phone++;
    const ref = `${row.file}:${row.line}`;
    if (cells.length !== header.length) {
      rejects.push(`${ref}:ragged_row`);
      findings.ragged_row++;
    } else if (missingEmail(email)) {
      rejects.push(`${ref}:missing_email`);
      findings.missing_email++;
    } else if (!validEmail(email)) {
      rejects.push(`${ref}:invalid_email`);
      findings.invalid_email++;
    } else candidates.push(row);
  }
  const order = [...candidates].sort(
    (a, b) => joinedKey(a.cells[at.date]!) - joinedKey(b.cells[at.date]!) || a.fileOrder - b.fileOrder || a.line - b.line,
  );
  const byId = new Map<string, Row>();
  const byEmail = new Map<string, Row>();
  const duplicates: string[] = [];
  const people: Row[] = [];
  const tags = new Map<Row, string[]>();
  const lists = new Map<Row, string[]>();
  for (const row of order) {
    const id = row.cells[at.id]!.trim();
    const email = row.cells[at.email]!.trim().toLowerCase();
    const sep = separatorOf.get(row.file)!;
    const winner = (id && byId.get(id)) || byEmail.get(email);
    if (winner) {
      const key = id && byId.get(id) ? 'id' : 'email';
      duplicates.push(`${row.file}:${row.line}->${winner.file}:${winner.line}:${key}`);
      findings[key === 'id' ? 'duplicate_id' : 'duplicate_email']++;
      splitCell(row.cells[at.tags]!, sep, tags.get(winner));
      splitCell(row.cells[at.lists]!, sep, lists.get(winner));
      continue;
    }
    if (id) byId.set(id, row);
    byEmail.set(email, row);
    people.push(row);
    tags.set(row, splitCell(row.cells[at.tags]!, sep));
    lists.set(row, splitCell(row.cells[at.lists]!, sep));
  }
  const companyAt = col(header, 'company');
  const companies = recomputeCompanies(people, companyAt);
  return { rows: rows.length, rejects: rejects.sort(), duplicates: duplicates.sort(), people, tags, lists, findings, companies, companyAt };
}

// ---- the sets under test ----

let clean: SampleSet;
let messy: SampleSet;
beforeAll(async () => {
  clean = await generate({ leads: 500, seed: 1, messy: false });
  messy = await generate({ leads: 500, seed: 1, messy: true });
});

describe('determinism', () => {
  it('gives byte-identical files for the same options, and different files for another seed', async () => {
    const a = await generate({ leads: 300, seed: 3, messy: true });
    const b = await generate({ leads: 300, seed: 3, messy: true });
    const c = await generate({ leads: 300, seed: 4, messy: true });
    const names = readdirSync(a.dir).sort();
    expect(readdirSync(b.dir).sort()).toEqual(names);
    for (const name of names) expect(bytes(b, name).equals(bytes(a, name)), name).toBe(true);
    for (const [i, name] of a.expected.files.leads.entries()) {
      expect(bytes(c, c.expected.files.leads[i]!).equals(bytes(a, name))).toBe(false);
    }
    expect(bytes(c, c.expected.files.transactions[0]!).equals(bytes(a, a.expected.files.transactions[0]!))).toBe(false);
  });

  it('names files the Kartra way and returns absolute paths, expected.json last', () => {
    for (const set of [clean, messy]) {
      expect(set.files.at(-1)).toBe(join(set.dir, 'expected.json'));
      for (const f of set.files) expect(f.startsWith(set.dir)).toBe(true);
      for (const name of set.expected.files.leads) expect(name).toMatch(/^contacts_kartra_09-06-2026_[0-9a-f]{13}\.csv$/);
      expect(set.expected.files.transactions[0]).toMatch(/^report_all_transactions_09-06-2026_[0-9a-f]{13}\.csv$/);
      expect(set.expected.files.subscriptions[0]).toMatch(/^subscriptions_09-06-2026_[0-9a-f]{13}\.csv$/);
    }
    expect(new Set(messy.expected.files.leads).size).toBe(3);
  });
});

describe('expected.json', () => {
  it('validates against the schema, on disk too', () => {
    for (const set of [clean, messy]) {
      const onDisk = JSON.parse(readFileSync(join(set.dir, 'expected.json'), 'utf8')) as unknown;
      expect(ExpectedSchema.parse(onDisk)).toEqual(set.expected);
      for (const part of [set.expected.leads, set.expected.transactions, set.expected.subscriptions]) {
        expect(Object.keys(part.findings).sort()).toEqual(Object.keys(FINDING_CODES).sort());
      }
    }
  });

  it.each([
    ['clean', () => clean],
    ['messy', () => messy],
  ])('%s: leads figures match an independent reading of the files', (_, get) => {
    const set = get();
    const e = set.expected.leads;
    const r = recomputeLeads(set);
    expect(r.rows).toBe(e.rows);
    expect(r.rejects).toEqual(e.rejects.map((x) => `${x.file}:${x.line}:${x.reason}`).sort());
    expect(r.duplicates).toEqual(e.duplicates.map((d) => `${d.file}:${d.line}->${d.duplicateOf.file}:${d.duplicateOf.line}:${d.key}`).sort());
    expect(r.people.length).toBe(e.people);
    expect(e.people).toBe(e.rows - e.rejects.length - e.duplicates.length);
    expect(r.findings).toEqual(e.findings);

    const detail = e.people_detail!;
    expect(detail.length).toBe(e.people);
    const byRef = new Map(detail.map((p) => [`${p.file}:${p.line}`, p]));
    for (const row of r.people) {
      const p = byRef.get(`${row.file}:${row.line}`)!;
      expect(p, `${row.file}:${row.line}`).toBeDefined();
      expect(p.tags).toEqual(r.tags.get(row));
      expect(p.lists).toEqual(r.lists.get(row));
      expect(p.company).toBe(row.cells[r.companyAt]!.trim() || null);
    }
    expect(set.expected.companies).toEqual(r.companies);
  });

  it('opportunities are the distinct transactions and the subscriptions', () => {
    for (const set of [clean, messy]) {
      expect(set.expected.opportunities).toEqual({ fromTransactions: set.expected.transactions.distinctRows, fromSubscriptions: set.expected.subscriptions.rows });
      expect(set.expected.opportunities.fromTransactions).toBeGreaterThan(0);
      expect(set.expected.opportunities.fromSubscriptions).toBeGreaterThan(0);
    }
  });

  it('people_detail: lowercased emails, E.164 phones, Eastern offsets', () => {
    const detail = messy.expected.leads.people_detail!;
    for (const p of detail) {
      expect(p.email).toBe(p.email.trim().toLowerCase());
      if (p.phoneE164 !== null) expect(parsePhoneNumberFromString(p.phoneE164)?.isValid()).toBe(true);
      if (p.createdAt !== null) expect(p.createdAt).toMatch(/^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d-0[45]:00$/);
    }
    expect(detail.some((p) => p.createdAt === null)).toBe(true);
    expect(detail.some((p) => p.phoneE164 === null)).toBe(true);
    const mixed = detail.find((p) => p.tags.includes('VIP') && !p.tags.includes('vip'));
    expect(mixed).toBeDefined();
  });

  it('leaves people_detail out above 5,000 leads', async () => {
    const big = await generate({ leads: 5001, seed: 2, messy: false });
    expect(big.expected.leads.people_detail).toBeUndefined();
    expect(big.expected.leads.people).toBe(5001);
    // Companies are still counted, first spellings in file order: a clean set writes each company one way.
    expect(new Set(big.expected.companies.names)).toEqual(new Set(COMPANIES));
    expect(big.expected.companies.count).toBe(COMPANIES.length);
    expect(big.expected.opportunities.fromTransactions).toBe(big.expected.transactions.distinctRows);
  });
});

describe('companies', () => {
  it.each([
    ['Acme, Inc.', 'acme'],
    ['ACME Inc', 'acme'],
    ['Acme Incorporated', 'acme'],
    ['Müller & Söhne GmbH', 'muller and sohne'],
    ['Muller and Sohne G.m.b.H.', 'muller and sohne'],
    ['Smith & Co.', 'smith and'],
    ['Smith&Jones', 'smith and jones'],
    ['Soluciones Rivera S.A. de C.V.', 'soluciones rivera sa de cv'],
    ['Société Générale SA', 'societe generale'],
    ['Koala Kids Learning Pty Ltd', 'koala kids learning pty'],
    ['Inc.', 'inc'],
    ['  Café \t  Olé  ', 'cafe ole'],
    ['ＡＣＭＥ　Ｌｔｄ', 'acme'],
    ['Co-op Foods', 'coop foods'],
    ['🙂', '🙂'],
  ])('companyKey(%j) is %j', (name, key) => {
    expect(companyKey(name)).toBe(key);
  });

  it('follows the documented rule on any mix of words, forms, accents and punctuation', () => {
    expect([...LEGAL_FORMS].sort()).toEqual([...FORMS].sort());
    const piece = fc.constantFrom('Acme', 'café', 'Söhne', 'ß', '&', ',', '.', ' ', '  ', '\t', '-', "'", 'Inc', 'inc.', 'LLC', 'S.A.', 'Co', 'Pty', 'Ltd', 'ＡＢ', '🙂', 'İ', '2');
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 8 }).map((parts) => parts.join('')),
        (name) => {
          expect(companyKey(name), JSON.stringify(name)).toBe(normaliseCompany(name));
        },
      ),
    );
  });

  it('keeps the generator\'s companies apart, and every variant it writes on its company', () => {
    expect(new Set(COMPANIES.map(companyKey)).size).toBe(COMPANIES.length);
    for (const company of COMPANIES) {
      for (const kind of ['spelling', 'legal_form'] as const) {
        const variants = companyVariants(company, kind);
        expect(variants.length, `${kind} ${company}`).toBeGreaterThan(0);
        for (const v of variants) {
          expect(v).not.toBe(company);
          expect(normaliseCompany(v), `${v} for ${company}`).toBe(normaliseCompany(company));
        }
      }
    }
    expect(companyVariants('Acme, Inc.', 'spelling')).toContain('ACME Inc');
    expect(companyVariants('Acme, Inc.', 'legal_form')).toEqual(expect.arrayContaining(['Acme', 'Acme, Incorporated']));
  });

  it.each([
    ['clean', () => clean],
    ['messy', () => messy],
  ])('%s: people_detail companies and the companies section', (name, get) => {
    const { companies, leads } = get().expected;
    const detail = leads.people_detail!;
    const spellings = new Map<string, Set<string>>();
    for (const p of detail) {
      if (p.company === null) continue;
      expect(p.company).toBe(p.company.trim());
      expect(p.company).not.toBe('');
      spellings.set(normaliseCompany(p.company), (spellings.get(normaliseCompany(p.company)) ?? new Set()).add(p.company));
    }
    expect(detail.some((p) => p.company === null)).toBe(true);
    expect(companies.count).toBe(spellings.size);
    const varied = [...spellings.values()].filter((s) => s.size > 1);
    if (name === 'clean') {
      expect(varied).toEqual([]);
      for (const n of companies.names) expect(COMPANIES).toContain(n);
      return;
    }
    // Messy: the same company typed differently by different leads, counted once.
    expect(varied.length).toBeGreaterThanOrEqual(2);
    const all = [...spellings.values()].flatMap((s) => [...s]);
    expect(all.some((n) => !COMPANIES.includes(n) && COMPANIES.some((c) => c.toLowerCase() === n.toLowerCase()))).toBe(true);
    expect(all.some((n) => !COMPANIES.includes(n) && /(Incorporated|L\.L\.C\.|Limited|G\.m\.b\.H\.|, LLC| Inc| Ltd\.)$/.test(n))).toBe(true);
  });
});

describe('clean mode', () => {
  it('writes one plain UTF-8 leads file with no messy artefacts', () => {
    expect(clean.expected.files.leads).toHaveLength(1);
    const raw = bytes(clean, clean.expected.files.leads[0]!);
    expect(raw.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    const text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    expect(text).not.toContain('\r');
    expect(text.endsWith('\n') && !text.endsWith('\n\n')).toBe(true);
    for (const artefact of ['Ã', 'â€', '0000-00-00', '=HYPERLINK', 'E+0', '@kartra.com', 'N/A', ' @', '""']) expect(text).not.toContain(artefact);
    const { header, rows } = leadRows(clean);
    expect(rows.every((r) => r.cells.length === header.length)).toBe(true);
    expect(rows.some((r) => r.cells.some((c) => c.includes('\n')))).toBe(false);
    const joined = col(header, 'date_joined');
    expect(rows.every((r) => /^20(1[7-9]|2[0-6])-\d\d-\d\d \d\d:\d\d:\d\d$/.test(r.cells[joined]!))).toBe(true);
    expect(rows.some((r) => r.cells[col(header, 'company')] === 'Acme, Inc.')).toBe(true);
  });

  it('has no finding of severity error or warning', () => {
    for (const part of [clean.expected.leads, clean.expected.transactions, clean.expected.subscriptions]) {
      for (const [code, count] of Object.entries(part.findings)) {
        if (FINDING_CODES[code as FindingCode].severity !== 'info') expect(count, code).toBe(0);
      }
    }
    expect(clean.expected.leads.findings.blacklisted).toBeGreaterThan(0);
    expect(clean.expected.leads.rejects).toEqual([]);
    expect(clean.expected.leads.duplicates).toEqual([]);
    expect(clean.expected.transactions.duplicateIds).toEqual([]);
    expect(clean.expected.transactions.leadIdsMissingFromLeads).toEqual([]);
    expect(clean.expected.subscriptions.idMismatches).toEqual([]);
  });

  it('follows the baseline: +1 for most phones, valid numbers, enums and ranges', () => {
    const { header, rows } = leadRows(clean);
    const codes = rows.map((r) => r.cells[col(header, 'phone_country_code')]).filter(Boolean);
    const share = codes.filter((c) => c === '+1').length / codes.length;
    expect(share).toBeGreaterThan(0.6);
    expect(share).toBeLessThan(0.8);
    expect(new Set(codes)).toEqual(new Set(['+1', '+44', '+61', '+49', '+52']));
    for (const r of rows) {
      const phone = r.cells[col(header, 'phone')]!;
      if (phone) expect(expectedE164(phone, r.cells[col(header, 'phone_country_code')]!), phone).not.toBeNull();
      expect(['single-optin', 'double-optin', 'helpdesk', 'affiliate-signup', 'checkout', 'import', 'api', 'manual']).toContain(r.cells[col(header, 'source')]);
      const score = Number(r.cells[col(header, 'score')]);
      expect(score >= 0 && score <= 500).toBe(true);
      expect(r.cells[col(header, 'gdpr_lead_status')]).toMatch(/^[0-5]$/);
      const gdprDate = r.cells[col(header, 'gdpr_lead_status_date')]!;
      if (gdprDate) expect(gdprDate).toMatch(/^\d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d$/);
      expect(['United States', 'United Kingdom', 'Australia', 'Germany', 'Mexico']).toContain(r.cells[col(header, 'country')]);
      expect(r.cells[col(header, 'tags')]!.split(';').filter(Boolean).length).toBeLessThanOrEqual(8);
      expect(r.cells[col(header, 'lists')]!.split(';').filter(Boolean).length).toBeLessThanOrEqual(4);
    }
  });

  it('generates clean phone numbers that libphonenumber-js accepts', () => {
    for (let i = 0; i < 5000; i++) {
      const p = makePerson(9, i, 5000);
      if (p.phoneNational) expect(expectedE164(p.phoneNational, p.country.callingCode), p.phoneNational).not.toBeNull();
    }
  });
});

describe('messy mode', () => {
  const chunk = (i: number) => messy.expected.leads.chunks[i]!;

  it('splits the leads into a BOM+CRLF chunk, a comma-separator chunk and a Windows-1252 chunk', () => {
    const a = bytes(messy, chunk(0).file);
    expect(a.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
    // Records end in CRLF; a line break inside a quoted cell stays a bare LF, as spreadsheets write it.
    expect(a.toString('utf8').match(/\r\n/g)).toHaveLength(chunk(0).rows + 1);
    expect(a.toString('utf8').endsWith('\r\n')).toBe(true);

    const b = bytes(messy, chunk(1).file);
    expect(b[0]).not.toBe(0xef);
    expect(b.includes('\r')).toBe(false);
    const { header, rows } = parseRows(b.toString('utf8'), chunk(1).file, 1);
    const tags = rows.map((r) => r.cells[col(header, 'tags')]!);
    expect(tags.some((t) => /^[^;]+,[^;]+$/.test(t))).toBe(true);
    expect(tags.some((t) => t.includes(';'))).toBe(false);
    expect(rows.map((r) => r.cells[col(header, 'interests')]!).some((t) => t.includes(','))).toBe(true);

    const c = bytes(messy, chunk(2).file);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(c)).toThrow();
    const text = iconv.decode(c, 'win1252');
    expect(iconv.encode(text, 'win1252').equals(c)).toBe(true);
    expect(text).toMatch(/[éüöñçëïáíóú]/);
    expect(text).not.toMatch(/[\p{Script=Cyrillic}\p{Script=Han}\p{Script=Hangul}\p{Script=Arabic}\p{Extended_Pictographic}]/u);
    expect(text.endsWith('\r\n\r\n')).toBe(true);
  });

  it('puts names in several scripts, emoji included, in the UTF-8 chunks', () => {
    const text = leadText(messy, chunk(0).file) + leadText(messy, chunk(1).file);
    for (const re of [/\p{Script=Cyrillic}/u, /\p{Script=Han}|\p{Script=Hangul}/u, /\p{Script=Arabic}/u, /\p{Extended_Pictographic}/u]) expect(text).toMatch(re);
  });

  it('has every CSV and text artefact at least once', () => {
    const { header, rows } = leadRows(messy);
    const cells = (name: string): string[] => rows.map((r) => r.cells[col(header, name)] ?? '');
    const all = rows.flatMap((r) => r.cells);
    expect(all.some((c) => /Ã[\u0080-\u00BF]/.test(c))).toBe(true);
    expect(cells('bio').some((c) => c.includes('\n'))).toBe(true);
    expect(cells('address').some((c) => c.includes('\n'))).toBe(true);
    expect(all.some((c) => /"[A-Za-z ]+"/.test(c))).toBe(true);
    expect(leadText(messy, chunk(0).file) + leadText(messy, chunk(1).file) + leadText(messy, chunk(2).file)).toMatch(/""[A-Za-z ]+""/);
    expect(cells('company')).toContain('Acme, Inc.');
    expect(rows.some((r) => r.cells.length === header.length + 1 && r.cells.at(-1) !== '')).toBe(true);
    expect(rows.some((r) => r.cells.length === header.length - 1)).toBe(true);
    expect(rows.some((r) => r.cells.length > header.length && r.cells.at(-1) === '')).toBe(true);
    expect(messy.expected.leads.rejects.filter((r) => r.reason === 'ragged_row')).toHaveLength(2);
  });

  it('has every email artefact at least once', () => {
    const { header, rows } = leadRows(messy);
    const emails = rows.map((r) => r.cells[col(header, 'email')]!);
    expect(emails.some((e) => /[A-Z]/.test(e) && validEmail(e))).toBe(true);
    expect(emails.some((e) => e !== e.trim() && validEmail(e))).toBe(true);
    expect(emails.some((e) => /^[a-z]+@$/.test(e))).toBe(true);
    expect(emails).toContain('N/A');
    expect(emails).toContain('');
    expect(emails.some((e) => e.endsWith('@kartra.com'))).toBe(true);
    const dups = messy.expected.leads.duplicates;
    expect(dups.some((d) => d.key === 'email')).toBe(true);
    expect(dups.some((d) => d.key === 'id')).toBe(true);
    expect(dups.some((d) => d.file !== d.duplicateOf.file)).toBe(true);
    expect(messy.expected.leads.rejects.map((r) => r.reason)).toEqual(expect.arrayContaining(['missing_email', 'invalid_email', 'ragged_row']));
  });

  it('has every phone, address and date artefact at least once', () => {
    const { header, rows } = leadRows(messy);
    const pairs = rows.map((r) => [r.cells[col(header, 'phone_country_code')]!, r.cells[col(header, 'phone')]!] as const);
    expect(pairs.some(([, p]) => /^\(\d{3}\) \d{3}-\d{4}$/.test(p))).toBe(true);
    expect(pairs.some(([, p]) => /^\d{3}\.\d{3}\.\d{4}$/.test(p))).toBe(true);
    expect(pairs.some(([c, p]) => c === '+1' && /^\+1\d{10}$/.test(p))).toBe(true);
    expect(pairs.some(([c, p]) => c === '1' && p !== '')).toBe(true);
    expect(pairs.some(([c, p]) => c === '' && /^\d{10}$/.test(p))).toBe(true);
    expect(pairs.some(([c, p]) => c === '+44' && /^0\d{4} \d{6}$/.test(p))).toBe(true);
    expect(pairs.some(([, p]) => /^\d\.\d+E\+\d+$/.test(p))).toBe(true);
    expect(pairs.some(([, p]) => /^\d{5}$/.test(p))).toBe(true);
    expect(pairs.some(([, p]) => /^x\d+$/.test(p))).toBe(true);

    const place = rows.map((r) => ({ zip: r.cells[col(header, 'zip')]!, country: r.cells[col(header, 'country')]!, state: r.cells[col(header, 'state')]! }));
    expect(place.some((p) => /^\d{4}$/.test(p.zip) && ['United States', 'US', 'USA', 'United States of America'].includes(p.country))).toBe(true);
    expect(place.some((p) => /^\d{5}-\d{4}$/.test(p.zip))).toBe(true);
    expect(place.some((p) => /^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$/.test(p.zip))).toBe(true);
    for (const variant of ['US', 'USA', 'United States of America']) expect(place.some((p) => p.country === variant)).toBe(true);
    expect(place.some((p) => /^[A-Z]{2}$/.test(p.state))).toBe(true);
    expect(place.some((p) => p.state === 'New York' || p.state === 'California' || p.state === 'Massachusetts')).toBe(true);

    const joined = rows.map((r) => r.cells[col(header, 'date_joined')]!);
    expect(joined.some((d) => /^\d{1,2}\/\d{1,2}\/\d{4} \d\d:\d\d$/.test(d))).toBe(true);
    expect(joined).toContain('0000-00-00 00:00:00');
    expect(joined).toContain('');
    const birthdays = rows.map((r) => r.cells[col(header, 'birthday')]!).filter(Boolean);
    const formats = [/^\d{4}-\d\d-\d\d$/, /^\d\d\/\d\d\/\d{4}$/, /^\d\d [A-Z][a-z]{2} \d{4}$/, /^\d{4}\/\d\d\/\d\d$/];
    for (const f of formats) expect(birthdays.some((b) => f.test(b)), String(f)).toBe(true);
    expect(messy.expected.leads.findings.unparseable_date).toBeGreaterThan(0);
  });

  it('has every tag and enum artefact at least once', () => {
    const { header, rows } = leadRows(messy);
    const semicolonTags = rows.filter((r) => r.file !== chunk(1).file).map((r) => r.cells[col(header, 'tags')]!);
    expect(semicolonTags.some((t) => t.split(';').some((tag) => tag.includes(',')))).toBe(true);
    const tags = rows.map((r) => r.cells[col(header, 'tags')]!);
    expect(tags.some((t) => t.includes('&'))).toBe(true);
    expect(tags.some((t) => /(^|[;,])VIP[;,].*vip$/.test(t))).toBe(true);
    expect(tags.some((t) => / [;,]| $/.test(t))).toBe(true);
    expect(tags.some((t) => [...t].length > 255)).toBe(true);
    expect(rows.some((r) => r.cells[col(header, 'source')] === '0')).toBe(true);
    expect(rows.some((r) => /^-\d+$/.test(r.cells[col(header, 'score')]!))).toBe(true);
    const first = rows.map((r) => r.cells[col(header, 'first_name')]!);
    expect(first).toContain('=HYPERLINK("http://x","y")');
    expect(first.some((f) => /^'[A-Z]/.test(f))).toBe(true);
    expect(rows.some((r) => r.cells[col(header, 'instagram')]!.startsWith('@'))).toBe(true);
  });

  it('has the ledger artefacts: repeated ID, changed buyer email, deleted buyers, paused past due, PayPal id', () => {
    const e = messy.expected;
    const tx = csvRows(messy, e.files.transactions[0]!);
    const ids = tx.rows.map((r) => r.cells[0]!);
    const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(repeated).toEqual(e.transactions.duplicateIds.map((d) => d.id));
    expect(repeated).toHaveLength(1);

    const change = e.transactions.buyerEmailChanges[0]!;
    const chain = tx.rows.filter((r) => r.cells[col(tx.header, 'subscription_id')] === change.subscriptionId);
    const emails = chain.map((r) => r.cells[col(tx.header, 'Buyer_Email')]);
    expect(emails[0]).toBe(change.saleEmail);
    expect(emails).toContain(change.laterEmail);

    const leadIds = new Set(leadRows(messy).rows.map((r) => r.cells[0]!.trim()));
    const missing = new Set(tx.rows.map((r) => r.cells[col(tx.header, 'lead_id')]!).filter((id) => !leadIds.has(id)));
    expect([...missing].sort()).toEqual(e.transactions.leadIdsMissingFromLeads);
    expect(missing.size).toBeGreaterThan(0);

    const subs = csvRows(messy, e.files.subscriptions[0]!);
    const exportDay = Date.UTC(2026, 5, 9);
    const paused = subs.rows.filter((r) => r.cells[col(subs.header, 'Status')] === 'Paused');
    expect(paused.some((r) => Date.parse(`${r.cells[col(subs.header, 'Next payment date')]} UTC`) < exportDay)).toBe(true);
    const mismatch = e.subscriptions.idMismatches[0]!;
    expect(mismatch.subscriptionId).toMatch(/^I-[A-Z0-9]{12}$/);
    expect(subs.rows.find((r) => r.line === mismatch.line)!.cells[0]).toBe(mismatch.subscriptionId);
    expect(ids.length).toBeGreaterThan(0);
    expect(tx.rows.some((r) => r.cells[col(tx.header, 'subscription_id')] === mismatch.subscriptionId)).toBe(false);
    expect(tx.rows.some((r) => r.cells[col(tx.header, 'Processor_subscription_id')] === mismatch.subscriptionId)).toBe(true);
  });
});

describe('transactions export', () => {
  it.each([
    ['clean', () => clean],
    ['messy', () => messy],
  ])('%s: exact 57-column header, nine types, consistent money, N/A on one-time rows', (_, get) => {
    const set = get();
    const name = set.expected.files.transactions[0]!;
    expect(bytes(set, name).toString('utf8').split('\n')[0]).toBe(TRANSACTIONS_HEADER_57);
    const { header, rows } = csvRows(set, name);
    expect(header).toHaveLength(57);
    const c = (n: string): number => col(header, n);
    const types = new Set(rows.map((r) => r.cells[c('Transaction_Type')]));
    expect([...types].sort()).toEqual([...NINE_TYPES].sort());

    const seen = new Set<string>();
    const byType: Record<string, number> = {};
    let net = new Decimal(0);
    for (const r of rows) {
      expect(r.cells).toHaveLength(57);
      const v = (n: string) => new Decimal(r.cells[c(n)]!);
      const type = r.cells[c('Transaction_Type')]!;
      expect(v('Amount (USD)').eq(v('Base_Price (USD)').plus(v('Sales_tax (USD)')).plus(v('Shipping_cost (USD)')).minus(v('Coupon_discount (USD)')))).toBe(true);
      expect(v('Your_Net_Profit (USD)').eq(v('Revenue (USD)').minus(v('Affiliate_Revenue (USD)')).minus(v('JV_Revenue (USD)')))).toBe(true);
      if (['Refund', 'Partial refund', 'Chargeback'].includes(type)) expect(v('Amount (USD)').isNegative()).toBe(true);
      else expect(v('Amount (USD)').isNegative()).toBe(false);
      expect(r.cells[c('Date')]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      expect(['Yes', 'No']).toContain(r.cells[c('Trial')]);
      expect(['Yes', 'No']).toContain(r.cells[c('Automatic_Cancellation')]);
      expect(['1', '0']).toContain(r.cells[c('Rebill_reattempt')]);
      expect(['Stripe', 'PayPal', 'Authorize.net', 'Braintree', 'Square']).toContain(r.cells[c('Processor')]);
      expect(r.cells[c('Price_point')]).toMatch(/^\d+$/);
      expect(r.cells[c('Amount (USD)')]).toMatch(/^-?\d+\.\d\d$/);
      const sub = r.cells[c('subscription_id')]!;
      const psub = r.cells[c('Processor_subscription_id')]!;
      if (sub === 'N/A') expect(psub).toBe('');
      else {
        expect(sub).toMatch(/^\d+$/);
        if (r.cells[c('Processor')] === 'PayPal') expect(psub).toMatch(/^I-[A-Z0-9]{12}$/);
      }
      if (type === 'Cancellation' && r.cells[c('Automatic_Cancellation')] === 'Yes') expect(sub).not.toBe('N/A');
      if (seen.has(r.cells[0]!)) continue;
      seen.add(r.cells[0]!);
      byType[type] = (byType[type] ?? 0) + 1;
      net = net.plus(v('Revenue (USD)'));
    }
    const oneTime = rows.filter((r) => r.cells[c('subscription_id')] === 'N/A');
    expect(oneTime.length).toBeGreaterThan(0);
    expect(oneTime.every((r) => r.cells[c('Subscription_payment_number')] === '0')).toBe(true);
    expect(rows.some((r) => r.cells[c('Amount (USD)')] === '0.00' && r.cells[c('Transaction_Type')] === 'Sale')).toBe(true);
    expect(rows.some((r) => r.cells[c('Transaction_Type')] === 'Failed' && r.cells[c('Rebill_reattempt')] === '1')).toBe(true);
    expect(rows.some((r) => r.cells[c('Transaction_Type')] === 'Cancellation' && r.cells[c('Automatic_Cancellation')] === 'Yes')).toBe(true);
    const payments = rows.filter((r) => r.cells[c('Product')] === 'Pro Membership' && ['Sale', 'Rebill'].includes(r.cells[c('Transaction_Type')]!));
    const bands = new Set(payments.map((r) => r.cells[c('Base_Price (USD)')]).filter((p) => p !== '1.00'));
    expect(bands.size).toBeGreaterThanOrEqual(3);

    const e = set.expected.transactions;
    expect(rows.length).toBe(e.rows);
    expect(seen.size).toBe(e.distinctRows);
    expect(byType).toEqual(e.byType);
    expect(net.toFixed(2)).toBe(e.netRevenue);
    const findings = emptyCounts();
    const roles = rolesFor(header, ['Date'], 'Buyer_ZIP', 'Buyer_Country');
    for (const r of rows) countCellFindings(r.cells, roles, findings);
    findings.duplicate_id = rows.length - seen.size;
    expect(findings).toEqual(e.findings);
    expect(findings.placeholder).toBe(oneTime.length);
  });

  it('joins buyers to leads by lead_id and Buyer_Email', () => {
    const { header, rows } = leadRows(clean);
    const emailById = new Map(rows.map((r) => [r.cells[col(header, 'id')]!, r.cells[col(header, 'email')]!]));
    const tx = csvRows(clean, clean.expected.files.transactions[0]!);
    for (const r of tx.rows) expect(emailById.get(r.cells[col(tx.header, 'lead_id')]!)).toBe(r.cells[col(tx.header, 'Buyer_Email')]);
  });
});

describe('subscriptions export', () => {
  const HEADER = 'Subscription ID,Lead ID,Buyer Name,Buyer Email,Product,Price point,Status,Recurrence_Term,Start date,Next payment date,Next payment amount,Payments made,Payments left,Processor';
  const STATUS_FOR_LAST: Record<string, string[]> = {
    Sale: ['Active', 'Paused'],
    Rebill: ['Active', 'Paused'],
    'Revert Can.': ['Active'],
    'Request Can.': ['Pending Cancellation'],
    Cancellation: ['Cancelled', 'Terminated'],
  };

  it.each([
    ['clean', () => clean],
    ['messy', () => messy],
  ])('%s: each status agrees with the last lifecycle event of its transactions', (_, get) => {
    const set = get();
    const subsName = set.expected.files.subscriptions[0]!;
    expect(bytes(set, subsName).toString('utf8').split('\n')[0]).toBe(HEADER);
    const subs = csvRows(set, subsName);
    const tx = csvRows(set, set.expected.files.transactions[0]!);
    const c = (n: string): number => col(tx.header, n);
    const s = (n: string): number => col(subs.header, n);
    const lastEvent = new Map<string, { type: string; at: string }>();
    for (const r of tx.rows) {
      const type = r.cells[c('Transaction_Type')]!;
      if (!(type in STATUS_FOR_LAST)) continue;
      const key = r.cells[c('subscription_id')]!;
      const prev = lastEvent.get(key);
      if (!prev || r.cells[c('Date')]! >= prev.at) lastEvent.set(key, { type, at: r.cells[c('Date')]! });
    }
    const mismatched = new Map(set.expected.subscriptions.idMismatches.map((m) => [m.subscriptionId, m.transactionsSubscriptionId]));
    const byStatus: Record<string, number> = {};
    let activeByLast = 0;
    for (const r of subs.rows) {
      const id = mismatched.get(r.cells[0]!) ?? r.cells[0]!;
      const last = lastEvent.get(id);
      expect(last, id).toBeDefined();
      const status = r.cells[s('Status')]!;
      expect(STATUS_FOR_LAST[last!.type], `${id} ${last!.type}`).toContain(status);
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      if (last!.type !== 'Cancellation') activeByLast++;
      const next = r.cells[s('Next payment date')]!;
      if (['Cancelled', 'Terminated', 'Pending Cancellation'].includes(status)) expect(next).toBe('');
      else expect(next).toMatch(/^\d\d [A-Z][a-z]{2} \d{4}$/);
      if (status === 'Active') expect(Date.parse(`${next} UTC`)).toBeGreaterThan(Date.UTC(2026, 5, 9));
      expect(r.cells[s('Start date')]).toMatch(/^\d\d [A-Z][a-z]{2} \d{4}$/);
      expect(['Monthly', 'Quarterly', 'Yearly']).toContain(r.cells[s('Recurrence_Term')]);
    }
    const e = set.expected.subscriptions;
    for (const status of ['Active', 'Pending Cancellation', 'Cancelled', 'Terminated', 'Paused']) expect(byStatus[status], status).toBeGreaterThan(0);
    expect(byStatus).toEqual(e.byStatus);
    expect(e.active).toBe(byStatus.Active! + byStatus['Pending Cancellation']!);
    expect(e.activeByLastEvent).toBe(activeByLast);
    expect(e.activeByLastEvent).toBe(e.active + byStatus.Paused!);
    expect(subs.rows.length).toBe(e.rows);
  });
});

describe('options', () => {
  it('writes labelled headers and K = 30 custom fields (more than 55 columns)', async () => {
    const dir = tempDir();
    const { expected } = await generateSamples({ outDir: dir, leads: 40, seed: 2, customFields: 30, headerStyle: 'label' });
    const header = readFileSync(join(dir, expected.files.leads[0]!), 'utf8').split('\n')[0]!.split(',');
    expect(header).toHaveLength(35 + 2 + 30);
    expect(header.slice(0, 8)).toEqual(['ID', 'First Name', 'Middle Name', 'Last Name', 'Last Name 2', 'Email', 'Phone Country Code', 'Phone']);
    expect(header).toEqual(expect.arrayContaining(['Date Joined', 'Tags', 'Lists', 'Business Type', 'Birthday']));
  });

  it('mixes API names and labels in the mixed style', async () => {
    const dir = tempDir();
    const { expected } = await generateSamples({ outDir: dir, leads: 10, seed: 2, headerStyle: 'mixed' });
    const header = readFileSync(join(dir, expected.files.leads[0]!), 'utf8').split('\n')[0]!.split(',');
    expect(header).toEqual(expect.arrayContaining(['first_name', 'phone_country_code', 'Tags', 'How Heard']));
  });

  it('scales the ledger with the number of leads', async () => {
    const small = await generate({ leads: 40, seed: 5, messy: false });
    expect(small.expected.subscriptions.rows).toBe(12);
    for (const type of NINE_TYPES) expect(small.expected.transactions.byType[type as keyof Expected['transactions']['byType']], type).toBeGreaterThan(0);
  });
});

describe('CSV writing', () => {
  it('writes exactly what csv-stringify writes', () => {
    const cell = fc.oneof(fc.string(), fc.constantFrom('', 'a,b', 'say "hi"', 'x\ny', 'r\r\n', ' N/A ', 'Acme, Inc.'));
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 12 }), fc.constantFrom('\n' as const, '\r\n' as const), (cells, eol) => {
        expect(csvRecord(cells, eol)).toBe(stringify([cells], { record_delimiter: eol, quote_record_delimiter: true }));
      }),
    );
  });

  it('quotes every line break, whatever the record delimiter', () => {
    expect(csvRecord(['a\nb', 'c'], '\r\n')).toBe('"a\nb",c\r\n');
    expect(csvRecord(['a\r\nb', 'c'], '\n')).toBe('"a\r\nb",c\n');
    expect(csvRecord(['a\rb'], '\r\n')).toBe('"a\rb"\r\n');
  });
});

describe('committed fixtures', () => {
  it.each([
    ['clean', { leads: 60, seed: 7, messy: false }],
    ['messy', { leads: 300, seed: 11, messy: true }],
  ] as const)('fixtures/samples/%s is what the generator writes today', async (name, options) => {
    const fresh = await generate(options);
    const committed = join(import.meta.dirname, '..', 'fixtures', 'samples', name);
    const names = readdirSync(committed).sort();
    expect(names).toEqual(readdirSync(fresh.dir).sort());
    for (const file of names) expect(readFileSync(join(committed, file)).equals(bytes(fresh, file)), file).toBe(true);
  });
});
