import { join } from 'node:path';
import { CompanyTally, type CompaniesExpected } from './companies.js';
import { DAY, EXPORT_AT, easternIso, floorMinute, isoDateTime } from './dates.js';
import type { Expected, LeadChunk, PersonDetail } from './expected.js';
import { countCellFindings, emptyCounts, isMissingEmail, isValidEmail, rolesFor, type ColumnRoles, type FindingCounts } from './findings.js';
import { CsvSink, type Encoding, type Eol } from './csvSink.js';
import { LEAD_DATE_KEYS, leadHeader, leadKeys, leadRecord, recordCells, splitValues, type HeaderStyle, type Separator } from './leads.js';
import { MINUTE_DATE_CASES, PHONE_CASES, REJECT_OR_DUPLICATE_CASES, caseSpec, type ChunkKey, type LeadCase } from './messy.js';
import { fitsCp1252, leadId, makePerson, timeOfDay } from './people.js';
import { expectedE164 } from './phone.js';
import type { LeadCasePlan } from './plan.js';
import { Rng, STREAM } from './random.js';
import { LISTS, TAGS } from './vocab.js';

/** Writes the contacts export (one file, or three chunks when messy) and records what a reader must find in it. */

export interface LeadsOptions {
  outDir: string;
  seed: number;
  leads: number;
  messy: boolean;
  customFields: number;
  headerStyle: HeaderStyle;
  plan: LeadCasePlan;
  /** File names: one, or one per chunk when messy. */
  names: readonly string[];
}

interface ChunkFile {
  key: ChunkKey | 'single';
  name: string;
  sink: CsvSink;
  separator: Separator;
  blankFinalLine: boolean;
  order: number;
}

interface ChunkSetup {
  key: ChunkKey | 'single';
  encoding: Encoding;
  bom: boolean;
  eol: Eol;
  separator: Separator;
  blankFinalLine: boolean;
}

/** The export split in chunks (fixture spec F1 "Encoding" and "CSV"): each chunk shows different damage. */
const MESSY_CHUNKS: readonly ChunkSetup[] = [
  { key: 'A', encoding: 'utf-8', bom: true, eol: '\r\n', separator: ';', blankFinalLine: false },
  { key: 'B', encoding: 'utf-8', bom: false, eol: '\n', separator: ',', blankFinalLine: false },
  { key: 'C', encoding: 'windows-1252', bom: false, eol: '\r\n', separator: ';', blankFinalLine: true },
];
const CLEAN_CHUNK: ChunkSetup = { key: 'single', encoding: 'utf-8', bom: false, eol: '\n', separator: ';', blankFinalLine: false };
const CHUNK_WEIGHTS: Record<ChunkKey, number> = { A: 40, B: 35, C: 25 };

export function leadFileCount(messy: boolean): number {
  return messy ? MESSY_CHUNKS.length : 1;
}

/** people_detail is left out above this many leads: it would dwarf the files it describes. */
export const DETAIL_LIMIT = 5000;

/** An earlier clean row that a later row may duplicate. */
interface Original {
  index: number;
  id: string;
  email: string;
  joinedAt: number;
  chunk: ChunkFile;
  line: number;
}

/**
 * Candidates for duplication, bounded so memory stays flat on a million rows. Each original is used once, so
 * every duplicate group is one winner and one loser and the union order of their tags is never in doubt.
 */
class Originals {
  private readonly items: Original[] = [];
  private static readonly MAX = 4096;

  add(item: Original, rng: Rng): void {
    if (this.items.length < Originals.MAX) this.items.push(item);
    else this.items[rng.int(0, Originals.MAX - 1)] = item;
  }

  take(rng: Rng): Original | undefined {
    if (this.items.length === 0) return undefined;
    const i = rng.int(0, this.items.length - 1);
    const item = this.items[i]!;
    this.items[i] = this.items[this.items.length - 1]!;
    this.items.pop();
    return item;
  }
}

export type LeadsExpected = Expected['leads'];

export async function writeLeads(opts: LeadsOptions): Promise<{ files: string[]; expected: LeadsExpected; companies: CompaniesExpected }> {
  const { seed, leads, plan } = opts;
  const keys = leadKeys(opts.customFields);
  const header = leadHeader(keys, opts.headerStyle);
  const roles: ColumnRoles = rolesFor(keys, LEAD_DATE_KEYS, 'zip', 'country');
  const col = (key: string): number => keys.indexOf(key);
  const at = { id: col('id'), email: col('email'), first: col('first_name'), last: col('last_name'), company: col('company'), phone: col('phone'), code: col('phone_country_code'), tags: col('tags'), lists: col('lists') };

  const setups = opts.messy ? MESSY_CHUNKS : [CLEAN_CHUNK];
  const chunks: ChunkFile[] = [];
  for (const [order, setup] of setups.entries()) {
    const name = opts.names[order];
    if (name === undefined) throw new Error(`sample generator bug: no file name for lead chunk ${order + 1}`);
    const sink = await CsvSink.open({ path: join(opts.outDir, name), encoding: setup.encoding, bom: setup.bom, eol: setup.eol });
    sink.writeHeader(header);
    chunks.push({ key: setup.key, name, sink, separator: setup.separator, blankFinalLine: setup.blankFinalLine, order });
  }
  const chunkByKey = new Map(chunks.map((c) => [c.key, c]));

  const counts: FindingCounts = emptyCounts();
  const rejects: (LeadsExpected['rejects'][number] & { order: number })[] = [];
  const duplicates: (LeadsExpected['duplicates'][number] & { order: number })[] = [];
  const withDetail = leads <= DETAIL_LIMIT;
  const details = new Map<number, PersonDetail & { order: number }>();
  const originals = new Originals();
  const companies = new CompanyTally();
  let people = 0;

  for (let index = 0; index < leads; index++) {
    const rng = new Rng(seed, STREAM.leadRow, index);
    let leadCase: LeadCase = plan.caseOf(index);
    let spec = caseSpec(leadCase);
    if (spec?.column !== undefined && !keys.includes(spec.column)) {
      leadCase = 'none';
      spec = undefined;
    }
    const original = spec?.duplicate ? originals.take(rng) : undefined;
    if (spec?.duplicate && !original) {
      leadCase = 'none';
      spec = undefined;
    }
    const person = original ? makePerson(seed, original.index, leads) : makePerson(seed, index, leads, spec?.needs);

    // Chunk: Windows-1252 only for rows it can encode; a duplicate usually lands in another chunk than its original.
    let chunk = chunks[0]!;
    if (opts.messy) {
      let allowed = (person.cp1252 ? ['A', 'B', 'C'] : ['A', 'B']) as ChunkKey[];
      if (spec?.chunks) allowed = allowed.filter((k) => spec.chunks!.includes(k));
      if (original && (plan.isForced(index) || rng.chance(0.75))) {
        const other = allowed.filter((k) => k !== original.chunk.key);
        if (other.length > 0) allowed = other;
      }
      const key = allowed.length === 0 ? 'A' : rng.weighted(allowed.map((k) => [k, CHUNK_WEIGHTS[k]] as const));
      chunk = chunkByKey.get(key)!;
    }

    const record = leadRecord(seed, person, chunk.separator, keys);
    let joinedAt: number | null = person.joinedAt;
    if (original && spec?.duplicate) {
      // Same person exported again: later join date (so the original wins), its own tags and lists to unite.
      const laterDay = Math.min(Math.floor(original.joinedAt / DAY) + rng.int(1, 300), Math.floor(EXPORT_AT / DAY) - 1);
      joinedAt = laterDay * DAY + timeOfDay(rng);
      record.date_joined = isoDateTime(joinedAt);
      record.id = spec.duplicate === 'email' ? String(leadId(seed, index)) : original.id;
      record.email =
        spec.duplicate === 'id-new-email'
          ? `${original.email.split('@')[0]}.alt@${rng.pick(['gmail.com', 'outlook.com', 'icloud.com'])}`
          : spec.duplicate === 'id' && rng.chance(0.5)
            ? original.email
            : original.email.charAt(0).toUpperCase() + original.email.slice(1).replace(/@(.)/, (_, c: string) => `@${c.toUpperCase()}`);
      record.tags = rng.sample(TAGS, rng.int(1, 4)).join(chunk.separator);
      record.lists = rng.sample(LISTS, rng.int(0, 2)).join(chunk.separator);
    } else {
      spec?.damage?.({ record, person, rng, separator: chunk.separator });
    }
    if (REJECT_OR_DUPLICATE_CASES.has(leadCase)) record.blacklisted = '0';
    if (leadCase === 'date_zero' || leadCase === 'date_empty') joinedAt = null;
    else if (MINUTE_DATE_CASES.has(leadCase)) joinedAt = floorMinute(person.joinedAt);

    const cells = recordCells(record, keys);
    spec?.cells?.(cells, rng);
    if (chunk.sink.options.encoding === 'windows-1252' && !cells.every(fitsCp1252)) {
      throw new Error(`sample generator bug: lead ${index} cannot be written in Windows-1252`);
    }
    const line = chunk.sink.writeRow(cells);
    if (chunk.sink.full) await chunk.sink.flush();
    countCellFindings(cells, roles, counts, chunk.sink.lastRecord);

    const email = cells[at.email] ?? '';
    const phone = cells[at.phone] ?? '';
    // Only damaged phones need libphonenumber: clean ones are valid by construction (a test checks it), and a
    // million parses would double the run time.
    const e164 = withDetail || PHONE_CASES.has(leadCase) ? expectedE164(phone, cells[at.code] ?? '') : undefined;
    if (record.blacklisted === '1') counts.blacklisted++;
    if (isValidEmail(email) && email.trim().toLowerCase().endsWith('@kartra.com')) counts.test_mode_email++;
    if (phone.trim() !== '' && e164 === null) counts.unparseable_phone++;

    const ref = { file: chunk.name, line, order: chunk.order };
    if (leadCase === 'ragged_extra' || leadCase === 'ragged_missing') {
      rejects.push({ ...ref, reason: 'ragged_row' });
      counts.ragged_row++;
    } else if (isMissingEmail(email)) {
      rejects.push({ ...ref, reason: 'missing_email' });
      counts.missing_email++;
    } else if (!isValidEmail(email)) {
      rejects.push({ ...ref, reason: 'invalid_email' });
      counts.invalid_email++;
    } else if (original && spec?.duplicate) {
      const key = spec.duplicate === 'email' ? 'email' : 'id';
      duplicates.push({ ...ref, duplicateOf: { file: original.chunk.name, line: original.line }, key });
      counts[key === 'id' ? 'duplicate_id' : 'duplicate_email']++;
      const winner = details.get(original.index);
      if (winner) {
        splitValues(cells[at.tags] ?? '', chunk.separator, winner.tags);
        splitValues(cells[at.lists] ?? '', chunk.separator, winner.lists);
      }
    } else {
      people++;
      const company = (cells[at.company] ?? '').trim();
      companies.add(company, chunk.order, line);
      if (withDetail) {
        details.set(index, {
          file: chunk.name,
          line,
          order: chunk.order,
          kartraLeadId: (cells[at.id] ?? '').trim(),
          email: email.trim().toLowerCase(),
          firstName: (cells[at.first] ?? '').trim(),
          lastName: (cells[at.last] ?? '').trim(),
          company: company === '' ? null : company,
          tags: splitValues(cells[at.tags] ?? '', chunk.separator),
          lists: splitValues(cells[at.lists] ?? '', chunk.separator),
          phoneE164: e164 ?? null,
          createdAt: joinedAt === null ? null : easternIso(joinedAt),
        });
      }
      if (leadCase === 'none' && record.blacklisted === '0') {
        originals.add({ index, id: record.id!, email: person.email, joinedAt: person.joinedAt, chunk, line }, rng);
      }
    }
  }

  const chunkInfo: LeadChunk[] = [];
  for (const [i, chunk] of chunks.entries()) {
    await chunk.sink.close(chunk.blankFinalLine);
    const setup = setups[i]!;
    chunkInfo.push({
      file: chunk.name,
      encoding: setup.encoding,
      bom: setup.bom,
      eol: setup.eol === '\r\n' ? 'crlf' : 'lf',
      separator: setup.separator,
      rows: chunk.sink.rows,
      blankFinalLine: setup.blankFinalLine,
    });
  }

  const byPosition = (a: { order: number; line: number }, b: { order: number; line: number }): number => a.order - b.order || a.line - b.line;
  const strip = <T extends { order: number }>({ order: _order, ...rest }: T): Omit<T, 'order'> => rest;
  const expected: LeadsExpected = {
    chunks: chunkInfo,
    rows: chunks.reduce((sum, c) => sum + c.sink.rows, 0),
    people,
    rejects: rejects.sort(byPosition).map(strip),
    duplicates: duplicates.sort(byPosition).map(strip),
    findings: counts,
  };
  if (withDetail) expected.people_detail = [...details.values()].sort(byPosition).map(strip);
  return { files: chunks.map((c) => join(opts.outDir, c.name)), expected, companies: companies.result() };
}
