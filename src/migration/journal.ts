/**
 * A migration's journal: an append-only file of JSON lines, one entry per line. An append resolves only after its
 * line is on disk (fdatasync), so whatever the engine was told is done survives `kill -9` or a power cut. A kill in
 * the middle of a write can leave only the last line cut short; readers drop it and `Journal.open` cuts it off before
 * appending, so the next entry starts on a line of its own.
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';

/** `t` says what the entry records; `at` is when (ISO time, filled by `append` when absent). */
export type JournalEntry = { t: string; at?: string; [key: string]: unknown };

export type JournalRead = {
  entries: JournalEntry[];
  /** The last line was cut short (or damaged) by an interrupted write and was left out. */
  cutTail: boolean;
  /** Lines in the file, the cut one included. */
  lines: number;
};

/**
 * No entry the engine writes comes near this; a longer line is damage, and refusing it keeps a reader from buffering
 * an unbounded run of bytes that never reaches a newline.
 */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

const NEWLINE = 0x0a;

export class Journal {
  /** Appends run one after another in call order; each link waits for the one before it. */
  private tail: Promise<void> = Promise.resolve();
  /**
   * After a failed write or flush the file may end in a partial line and the disk's state is unknown: later appends
   * are refused rather than written after it. Reopening repairs the file.
   */
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /** Opens (creating it and its folder when missing) for appending, after cutting off a line a kill left unfinished. */
  static async open(path: string): Promise<Journal> {
    try {
      await mkdir(dirname(path), { recursive: true });
      await repairJournal(path);
      return new Journal(path, await open(path, 'a', 0o600));
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw ioError(path, 'cannot be opened', error);
    }
  }

  /** Resolves once the entry's line is written and flushed to disk. */
  append(entry: JournalEntry): Promise<void> {
    return this.appendMany([entry]);
  }

  /** Several entries with one write and one flush: they reach the disk together or, after a kill, as a prefix. */
  appendMany(entries: readonly JournalEntry[]): Promise<void> {
    let bytes: Buffer;
    try {
      if (this.closing) throw new Error(`journal ${this.path} is closed`);
      bytes = Buffer.from(entries.map(encodeLine).join(''), 'utf8');
    } catch (error) {
      return Promise.reject(error);
    }
    const done = this.tail.then(() => this.write(bytes));
    this.tail = done.catch(() => undefined);
    return done;
  }

  /** Waits for the appends already asked for, then closes the file. */
  close(): Promise<void> {
    this.closing ??= this.tail.then(() => this.handle.close());
    return this.closing;
  }

  private async write(bytes: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    if (bytes.length === 0) return;
    try {
      let offset = 0;
      while (offset < bytes.length) {
        const { bytesWritten } = await this.handle.write(bytes, offset, bytes.length - offset);
        offset += bytesWritten;
      }
      await this.handle.datasync();
    } catch (error) {
      this.failure = ioError(this.path, 'cannot be written', error);
      throw this.failure;
    }
  }
}

function encodeLine(entry: JournalEntry): string {
  if (typeof entry?.t !== 'string' || entry.t === '') throw new TypeError('a journal entry needs a type (t)');
  const { t, at, ...rest } = entry;
  // JSON.stringify escapes every line break inside strings, so one entry is always exactly one line.
  const line = `${JSON.stringify({ t, at: at ?? new Date().toISOString(), ...rest })}\n`;
  if (Buffer.byteLength(line, 'utf8') > MAX_LINE_BYTES) throw new RangeError(`a journal entry of type ${t} is over ${MAX_LINE_BYTES} bytes`);
  return line;
}

function ioError(path: string, what: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException)?.code ?? (error as Error)?.message ?? 'unknown error';
  const advice =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? `Free some disk space (the disk holding ${dirname(path)} is full), then run again: the migration resumes from its journal.`
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? `This user may not ${what === 'cannot be read' ? 'read' : 'write'} there: make ${dirname(path)} (and MIGRATION_HOME) ${what === 'cannot be read' ? 'readable' : 'writable'} for this user, then run again: the migration resumes from its journal.`
        : "Check the folder's permissions and the disk, then run again: the migration resumes from its journal.";
  return new UserError(`${path}: the migration journal ${what} (${code}). ${advice}`, { cause: error });
}

function damaged(path: string, line: number): UserError {
  return new UserError(
    `${path}:${line}: this line of the migration journal is damaged (not a journal entry), so what the migration ` +
      'did after it cannot be trusted. Restore the file from a backup, or remove that line if you know it was ' +
      'edited in by hand, then run again.',
  );
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function parseLine(bytes: Buffer): JournalEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const t = (value as { t?: unknown }).t;
  return typeof t === 'string' && t !== '' ? (value as JournalEntry) : undefined;
}

export type JournalScan = Omit<JournalRead, 'entries'>;

/**
 * Streams a journal's entries to `visit` in order, holding one line at a time, for journals too big to keep whole.
 * Same rules as `readJournal`; a missing file has no entries. It reads the bytes the file held when the read began
 * (its size then): an append made meanwhile is the next reader's, and a path that is no regular file (a device such
 * as /dev/full, which never ends) cannot keep a reader going forever.
 */
export async function scanJournal(path: string, visit: (entry: JournalEntry, line: number) => void): Promise<JournalScan> {
  let lines = 0;
  // A damaged line is only an error once a line follows it: the last one may be a write cut short by a kill.
  let damagedLine: number | undefined;
  let parts: Buffer[] = [];
  let partBytes = 0;
  let oversized = false;

  // What the visitor throws is its own business, not a read error to reword.
  let visitorError: { error: unknown } | undefined;
  const finishLine = (bytes: Buffer | undefined): void => {
    lines += 1;
    if (damagedLine !== undefined) throw damaged(path, damagedLine);
    const entry = bytes === undefined ? undefined : parseLine(bytes);
    if (entry === undefined) damagedLine = lines;
    else {
      try {
        visit(entry, lines);
      } catch (error) {
        visitorError = { error };
        throw error;
      }
    }
  };

  let handle: FileHandle;
  let size: number;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { cutTail: false, lines: 0 };
    throw ioError(path, 'cannot be read', error);
  }
  try {
    size = (await handle.stat()).size;
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw ioError(path, 'cannot be read', error);
  }
  try {
    const chunks = size === 0 ? [] : (handle.createReadStream({ start: 0, end: size - 1, highWaterMark: 1024 * 1024, autoClose: false }) as AsyncIterable<Buffer>);
    for await (const chunk of chunks) {
      let start = 0;
      for (let end = chunk.indexOf(NEWLINE, start); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
        const piece = chunk.subarray(start, end);
        start = end + 1;
        if (oversized || partBytes + piece.length > MAX_LINE_BYTES) finishLine(undefined);
        else finishLine(parts.length === 0 ? piece : Buffer.concat([...parts, piece]));
        parts = [];
        partBytes = 0;
        oversized = false;
      }
      if (start < chunk.length && !oversized) {
        const rest = chunk.subarray(start);
        partBytes += rest.length;
        // Past the limit the bytes are not kept: the line is damaged (or cut) whatever follows.
        if (partBytes > MAX_LINE_BYTES) {
          oversized = true;
          parts = [];
        } else parts.push(Buffer.from(rest)); // a copy: the stream may reuse the chunk's memory
      }
    }
  } catch (error) {
    if (error instanceof UserError || visitorError?.error === error) throw error;
    throw ioError(path, 'cannot be read', error);
  } finally {
    await handle.close().catch(() => undefined);
  }

  // Bytes after the last newline are a write that never finished: its append was never acknowledged.
  if (partBytes > 0 || oversized) {
    lines += 1;
    if (damagedLine !== undefined) throw damaged(path, damagedLine);
    return { cutTail: true, lines };
  }
  return { cutTail: damagedLine !== undefined, lines };
}

/**
 * Every whole entry of a journal, in order. A missing file has none. The last line, when a kill cut it short (no
 * newline, or not an entry), is left out and `cutTail` is set; a damaged line before the last is a `UserError`
 * naming the file and line. The file is streamed; only the entries are kept.
 */
export async function readJournal(path: string): Promise<JournalRead> {
  const entries: JournalEntry[] = [];
  const { cutTail, lines } = await scanJournal(path, (entry) => entries.push(entry));
  return { entries, cutTail, lines };
}

/**
 * Cuts off a last line left unfinished (or damaged) by an interrupted write, so the next append starts on a fresh
 * line instead of gluing itself to the fragment, which would make a damaged line in the middle. Returns whether it
 * cut anything. Reads only the end of the file.
 */
export async function repairJournal(path: string): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw ioError(path, 'cannot be opened', error);
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const last = await lastLine(handle, size);
    const whole = last.terminated && last.bytes !== undefined && parseLine(last.bytes) !== undefined;
    if (whole) return false;
    await handle.truncate(last.start);
    // The cut must be on disk before anything is appended after it.
    await handle.sync();
    return true;
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw ioError(path, 'cannot be repaired', error);
  } finally {
    await handle.close();
  }
}

/** Where the file's last line starts, whether a newline ends it, and its bytes when short enough to keep. */
async function lastLine(handle: FileHandle, size: number): Promise<{ start: number; terminated: boolean; bytes?: Buffer }> {
  const one = Buffer.alloc(1);
  await handle.read(one, 0, 1, size - 1);
  const terminated = one[0] === NEWLINE;
  const end = terminated ? size - 1 : size;
  const block = Buffer.alloc(64 * 1024);
  let start = 0;
  // Backwards, one block at a time, to the newline before the last line.
  for (let position = end; position > 0; ) {
    const from = Math.max(0, position - block.length);
    const { bytesRead } = await handle.read(block, 0, position - from, from);
    const at = block.subarray(0, bytesRead).lastIndexOf(NEWLINE);
    if (at !== -1) {
      start = from + at + 1;
      break;
    }
    position = from;
  }
  if (!terminated || end - start > MAX_LINE_BYTES) return { start, terminated };
  const bytes = Buffer.alloc(end - start);
  await handle.read(bytes, 0, bytes.length, start);
  return { start, terminated, bytes };
}
