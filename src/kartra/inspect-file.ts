import { ExportFileError } from '../errors.js';
import { ANY_CELL_FINDING, CELL_FINDINGS, classifyCell } from './cell-class.js';
import { isKartraDateColumn, leadFieldOf, normalizeHeader, transactionColumnKey, type LeadField } from './columns.js';
import { countryCode } from './countries.js';
import type { DuplicateFinder } from './dedupe.js';
import type { Dialect } from './dialect.js';
import type { TextEncoding } from './encoding.js';
import { FindingCollector, type Finding } from './findings.js';
import { JoinOrder, type JoinOrderKind } from './join-order.js';
import { detectKind, type KindDetection } from './kind.js';
import { createPhoneCheck, type PhoneCheck } from './phone-check.js';
import { ColumnProfiler, type ColumnProfile } from './profile.js';
import { openExport, readRows, type ExportHead } from './read.js';
import { emailAsImported, isEmail, isPlaceholder } from './values.js';

export interface InspectedFile {
  path: string;
  name: string;
  sizeBytes: number;
  sha256: string;
  encoding: TextEncoding;
  bom: boolean;
  /** chardet's guess for a file that was not UTF-8. */
  encodingGuess?: string;
  dialect: Dialect;
  kind: KindDetection;
  /** Whether the rows come oldest first by join date, so a dataset can be read in that order without sorting. */
  joinOrder: JoinOrderKind;
  header: string[];
  /** Data rows (blank lines and the header not counted). */
  rows: number;
  /** Rows a migration must not import: ragged rows, and for leads rows without a valid email. */
  rejectedRows: number;
  columns: ColumnProfile[];
  findings: Finding[];
}

const TRUE_WORDS = new Set(['1', 'yes', 'true', 'y']);

/**
 * Reads one export once: profiles every column, counts findings, and hands each lead's identity to the dataset's
 * duplicate finder (duplicates are a property of the whole dataset, not of one file).
 */
export async function inspectFile(path: string, duplicates?: DuplicateFinder, name?: string): Promise<InspectedFile> {
  const head = await openExport(path, name);
  const kind = detectKind(path, head.header, head.dialect.hasHeader);
  const findings = new FindingCollector(head.name);
  const profilers = head.header.map((name, i) => new ColumnProfiler(name, i));
  const phones = createPhoneCheck(head.bytes.sizeBytes);
  const rowCheck = rowChecksFor(kind.kind, head, findings, phones);
  const order = new JoinOrder(head.header.findIndex((h) => leadFieldOf(h) === 'date_joined'));
  let rows = 0;
  let rejectedRows = 0;
  try {
    for await (const row of readRows(head)) {
      rows++;
      const { cells, line } = row;
      order.see(cells);
      for (let i = 0; i < cells.length; i++) {
        const cell = cells[i]!;
        const v = cell.length === 0 ? cell : cell.trim();
        const bits = profilers[i]!.add(v, line);
        if (bits & ANY_CELL_FINDING) reportCell(bits, line, head.header[i]!, findings);
      }
      for (const cell of row.extra) {
        if (cell.trim()) reportCell(classifyCell(cell.trim()), line, '(beyond the header)', findings);
      }
      if (row.ragged) {
        findings.add('ragged_row', line);
        rejectedRows++;
        continue;
      }
      const identity = rowCheck(cells, line);
      if (identity === 'rejected') rejectedRows++;
      else if (identity) {
        duplicates?.add(head.name, line, identity.id, identity.email, identity.joined);
      }
    }
    if (rows === 0) {
      throw new ExportFileError(head.name, 'the file has a header but no data rows', 'Export it again from Kartra');
    }
    for (const line of await phones.invalidLines()) findings.add('unparseable_phone', line);
  } finally {
    phones.stop();
  }
  const columns = profilers.map((p) => p.result());
  for (const [i, column] of columns.entries()) {
    if (column.type === 'date' || column.type === 'datetime') {
      findings.addCounted('unparseable_date', column.nonConforming, column.nonConformingLines, column.name);
    } else if (isKartraDateColumn(column.name)) {
      const { count, lines } = profilers[i]!.nonDates();
      findings.addCounted('unparseable_date', count, lines, column.name);
    }
  }
  const joinedColumn = columns.find((c) => leadFieldOf(c.name) === 'date_joined');
  if (joinedColumn?.dateOrder) duplicates?.setSlashOrder(head.name, joinedColumn.dateOrder);
  return {
    path,
    name: head.name,
    sizeBytes: head.bytes.sizeBytes,
    sha256: head.bytes.sha256,
    encoding: head.bytes.encoding,
    bom: head.bytes.bom,
    ...(head.bytes.guessed ? { encodingGuess: head.bytes.guessed } : {}),
    dialect: head.dialect,
    kind,
    joinOrder: order.result(),
    header: head.header,
    rows,
    rejectedRows,
    columns,
    findings: findings.list(),
  };
}

/** Findings about one cell alone, from its classification. */
function reportCell(bits: number, line: number, column: string, findings: FindingCollector): void {
  for (const [bit, code] of CELL_FINDINGS) if (bits & bit) findings.add(code, line, column);
}

/** What a row contributes to duplicate detection. */
interface Identity {
  id?: string;
  email?: string;
  joined?: string;
}

type RowCheck = (cells: string[], line: number) => Identity | 'rejected' | undefined;

function rowChecksFor(kind: KindDetection['kind'], head: ExportHead, findings: FindingCollector, phones: PhoneCheck): RowCheck {
  if (kind === 'leads' || kind === 'contact-list') return leadRowChecks(head, findings, phones);
  if (kind === 'transactions') return idOnly(head.header.findIndex((h) => transactionColumnKey(h) === 'id'));
  if (kind === 'subscriptions') return idOnly(head.header.findIndex((h) => normalizeHeader(h) === 'subscription_id'));
  return () => undefined;
}

function idOnly(idColumn: number): RowCheck {
  if (idColumn === -1) return () => undefined;
  return (cells) => {
    const id = cells[idColumn]!.trim();
    return id && !isPlaceholder(id) ? { id } : undefined;
  };
}

function leadRowChecks(head: ExportHead, findings: FindingCollector, phones: PhoneCheck): RowCheck {
  const column = (field: LeadField): number => head.header.findIndex((h) => leadFieldOf(h) === field);
  const [id, email, phone, callingCode, zip, country, blacklisted, joined] = (
    ['id', 'email', 'phone', 'phone_country_code', 'zip', 'country', 'blacklisted', 'date_joined'] as const
  ).map(column);
  const cell = (cells: string[], index: number | undefined): string =>
    index === undefined || index === -1 ? '' : cells[index]!.trim();

  return (cells, line) => {
    if (TRUE_WORDS.has(cell(cells, blacklisted).toLowerCase())) findings.add('blacklisted', line);
    const number = cell(cells, phone);
    if (number !== '' && !isPlaceholder(number)) phones.check(line, number, cell(cells, callingCode));
    if (/^\d{4}$/.test(cell(cells, zip)) && countryCode(cell(cells, country)) === 'US') {
      findings.add('zip_lost_zero', line, head.header[zip!]);
    }
    const address = emailAsImported(cell(cells, email));
    if (address === '' || isPlaceholder(address)) {
      findings.add('missing_email', line);
      return 'rejected';
    }
    if (!isEmail(address)) {
      findings.add('invalid_email', line);
      return 'rejected';
    }
    if (address.toLowerCase().endsWith('@kartra.com')) findings.add('test_mode_email', line);
    const kartraId = cell(cells, id);
    const usableId = kartraId !== '' && !isPlaceholder(kartraId);
    return { email: address, joined: cell(cells, joined) || undefined, ...(usableId ? { id: kartraId } : {}) };
  };
}

