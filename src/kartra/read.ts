import { constants, createReadStream } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import { ExportFileError } from '../errors.js';
import { TXT_IMPORT_COLUMNS } from './columns.js';
import { detectDialect, widthWithoutTrailingEmpties, type Dialect } from './dialect.js';
import { scanBytes, type ByteScan } from './encoding.js';
import { openTextStream } from './text-stream.js';

/** The longest record accepted. Kartra caps fields at 255 characters; a long note or bio is far below this. */
export const MAX_RECORD_BYTES = 8 * 1024 * 1024;
const SAMPLE_CHARS = 256 * 1024;

export interface ExportHead {
  path: string;
  /** What errors and reports call the file: its base name, or more of its path when names collide. */
  name: string;
  bytes: ByteScan;
  dialect: Dialect;
  /** Column names, trimmed; "(unnamed column N)" for an empty name; synthesised for header-less files. */
  header: string[];
}

export interface ExportRow {
  /** Physical line where the record starts; the header is line 1. */
  line: number;
  /** One cell per header column (missing cells are ''), NFC-normalised, untrimmed. */
  cells: string[];
  /** Cells beyond the header that are not empty. Non-empty means the row is ragged. */
  extra: string[];
  /** The record had fewer cells than the header names, or non-empty cells past the header. */
  ragged: boolean;
}

/**
 * Opens an export: checks it is a readable, non-empty text file, decides its encoding and dialect and reads its
 * header. Throws ExportFileError with what to do for every problem a person can fix. `name` is what errors and
 * reports call the file (its base name unless the caller needs to tell two same-named files apart).
 */
export async function openExport(path: string, name = basename(path)): Promise<ExportHead> {
  await checkReadableFile(path, name);
  const bytes = await scanBytes(path, name);
  const sample = await readTextSample(path, bytes);
  if (sample.trim() === '') {
    throw new ExportFileError(name, 'the file holds no text, only blank lines', 'Export it again from Kartra');
  }
  const dialect = detectDialect(sample);
  const head: ExportHead = { path, name, bytes, dialect, header: [] };
  const first = await readFirstRecord(head);
  head.header = dialect.hasHeader ? namedHeader(first) : syntheticHeader(first.length);
  if (dialect.hasHeader) rejectDuplicateHeaders(head);
  return head;
}

/** Streams the data rows of an opened export, with their line numbers, never dropping or shifting one. */
export async function* readRows(head: ExportHead): AsyncGenerator<ExportRow> {
  const width = head.header.length;
  const required = requiredWidth(head.header);
  let skipHeader = head.dialect.hasHeader;
  for await (const { record, line } of records(head)) {
    if (skipHeader) {
      skipHeader = false;
      continue;
    }
    const used = widthWithoutTrailingEmpties(record);
    const extra = used > width ? record.slice(width, used) : [];
    const cells = record.length === width ? record : padOrCut(record, width);
    // Empty cells past the header are a trailing delimiter, harmless. Missing cells are not: nothing says which
    // column lost its value, so the row is reported rather than guessed at.
    const ragged = record.length < required || extra.length > 0;
    yield { line, cells, extra, ragged };
  }
}

interface NumberedRecord {
  record: string[];
  line: number;
}

/** csv-parse over the decoded text, with each record's starting line and errors turned into user errors. */
async function* records(head: ExportHead): AsyncGenerator<NumberedRecord> {
  const parser = parse({
    delimiter: head.dialect.delimiter,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    relax_quotes: true,
    max_record_size: MAX_RECORD_BYTES,
    bom: true, // raw UTF-8 bytes may start with one; decoded text never does
  });
  const source = head.bytes.utf8Nfc ? createReadStream(head.path) : openTextStream(head.path, head.bytes.encoding);
  pipeline(source, parser, () => {
    // Errors surface through the parser's iterator below.
  });
  // Line numbers are counted here, not taken from csv-parse's info: it counts a CRLF inside a quoted cell as two
  // lines, and asking for info slows parsing down. Blank lines arrive as one empty cell and are skipped.
  let line = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      line++;
      // A blank line, or a line of delimiters only (",,,"): no data, not a row.
      const blank = record[0]!.trim() === '' && record.every((cell) => cell.trim() === '');
      if (!blank) yield { record, line };
      line += lineBreaksIn(record);
    }
  } catch (error) {
    throw parseErrorToUserError(error, head.name, line + 1);
  }
}

function lineBreaksIn(record: string[]): number {
  let count = 0;
  for (const cell of record) {
    if (cell.length === 0 || (!cell.includes('\n') && !cell.includes('\r'))) continue;
    count += cell.match(/\r\n|\r|\n/g)!.length;
  }
  return count;
}

function parseErrorToUserError(error: unknown, name: string, recordStartLine: number): unknown {
  if (!(error instanceof CsvError)) return error;
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new ExportFileError(
        name,
        'a quoted cell starting on this line is never closed, so the rest of the file would be read as one cell',
        'Open the file in a text editor, find the stray double quote (") on this line and remove or close it',
        recordStartLine,
      );
    case 'CSV_MAX_RECORD_SIZE':
      return new ExportFileError(
        name,
        `a record starting on this line is longer than ${MAX_RECORD_BYTES / 1024 / 1024} MB: an unclosed quote or not a CSV export`,
        'Check the line for a stray double quote ("), or export the file again from Kartra',
        recordStartLine,
      );
    default:
      return new ExportFileError(name, `the CSV cannot be read (${error.message})`, 'Export the file again from Kartra', recordStartLine);
  }
}

async function checkReadableFile(path: string, name: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw fileSystemError(error, name);
  }
  if (!info.isFile()) throw new ExportFileError(name, 'not a regular file', 'Give the path of a CSV export file');
  try {
    await access(path, constants.R_OK);
  } catch {
    throw new ExportFileError(name, 'permission denied: the file cannot be read', 'Give your user read access to the file');
  }
}

async function readTextSample(path: string, bytes: ByteScan): Promise<string> {
  let text = '';
  for await (const chunk of openTextStream(path, bytes.encoding)) {
    text += chunk as string;
    if (text.length >= SAMPLE_CHARS) break;
  }
  return text;
}

async function readFirstRecord(head: ExportHead): Promise<string[]> {
  for await (const { record } of records(head)) return record;
  throw new ExportFileError(head.name, 'the file holds no rows', 'Export it again from Kartra');
}

/**
 * A header cell with no name still heads a column: rows may hold data under it. It is named by its position, and
 * when it comes last (a trailing delimiter in the header) rows may leave it out without being ragged.
 */
function namedHeader(first: string[]): string[] {
  return first.map((h, i) => h.trim() || unnamedColumn(i));
}

const UNNAMED = /^\(unnamed column \d+\)$/;

function unnamedColumn(index: number): string {
  return `(unnamed column ${index + 1})`;
}

/** The cells a row must have: up to the last column the header names. */
function requiredWidth(header: string[]): number {
  let width = header.length;
  while (width > 1 && UNNAMED.test(header[width - 1]!)) width--;
  return width;
}

function syntheticHeader(width: number): string[] {
  if (width === TXT_IMPORT_COLUMNS.length) return [...TXT_IMPORT_COLUMNS];
  return Array.from({ length: width }, (_, i) => `column_${i + 1}`);
}

function rejectDuplicateHeaders(head: ExportHead): void {
  const seen = new Map<string, number>();
  head.header.forEach((h, i) => {
    if (h === '') return;
    const before = seen.get(h.toLowerCase());
    if (before !== undefined) {
      throw new ExportFileError(
        head.name,
        `the header names column "${h}" twice (columns ${before + 1} and ${i + 1}), so its values would be ambiguous`,
        'Rename one of the two columns in the header row',
        1,
      );
    }
    seen.set(h.toLowerCase(), i);
  });
}

function padOrCut(record: string[], width: number): string[] {
  if (record.length > width) return record.slice(0, width);
  const cells = record.slice();
  while (cells.length < width) cells.push('');
  return cells;
}

/** A file system error as a user error: what happened, in words, and what to do. */
export function fileSystemError(error: unknown, name: string): ExportFileError {
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
  switch (code) {
    case 'ENOENT':
      return new ExportFileError(name, 'no such file or folder', 'Check the path and the file name');
    case 'EACCES':
    case 'EPERM':
      return new ExportFileError(name, 'permission denied', 'Give your user read access to it');
    case 'ENOTDIR':
      return new ExportFileError(name, 'a part of this path is a file, not a folder', 'Check the path');
    case 'ELOOP':
      return new ExportFileError(name, 'this path loops through symbolic links', 'Give the path of the real file');
    case 'ENAMETOOLONG':
      return new ExportFileError(name, 'this path is too long', 'Move the export to a shorter path');
    default:
      return new ExportFileError(name, `the file cannot be opened (${code})`, 'Check that it exists and is readable');
  }
}
