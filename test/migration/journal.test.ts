/**
 * The migration journal: appends flushed before they resolve and kept in call order, a line cut short by `kill -9`
 * dropped on reading and cut off before the next append, damage anywhere else reported with its line, and a journal
 * of half a million lines streamed.
 */
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { mkdtemp, open, readFile, rm, stat, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { UserError } from '../../src/errors.js';
import { Journal, MAX_LINE_BYTES, readJournal, repairJournal, scanJournal, type JournalEntry } from '../../src/migration/journal.js';
import { mulberry32 } from '../../src/seeded-random.js';
import { REPO_ROOT } from '../helpers/edge.js';

let home: string;
let counter = 0;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kartra-journal-'));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** A fresh journal path in a folder that does not exist yet. */
function freshPath(): string {
  counter += 1;
  return join(home, `m-${counter}`, 'journal.jsonl');
}

/** The FileHandle class is not exported; its prototype is reached through an open handle. */
async function fileHandlePrototype(): Promise<{ datasync: () => Promise<void>; write: (...args: unknown[]) => Promise<unknown> }> {
  const handle = await open(join(home, 'probe'), 'a');
  await handle.close();
  return Object.getPrototypeOf(handle) as { datasync: () => Promise<void>; write: (...args: unknown[]) => Promise<unknown> };
}

const lines = (...texts: string[]): string => texts.map((t) => `${t}\n`).join('');
const entryLine = (n: number): string => JSON.stringify({ t: 'row', at: '2026-06-09T10:00:00.000Z', n });

describe('Journal', () => {
  it('creates the file and its folder, writes one JSON line per entry and fills in the time', async () => {
    const path = freshPath();
    const journal = await Journal.open(path);
    expect(journal.path).toBe(path);
    const before = Date.now();
    await journal.append({ t: 'start', stage: 'sample' });
    await journal.append({ t: 'row', at: '2020-01-01T00:00:00.000Z', key: 'lead-1', note: 'two\nlines' });
    await journal.close();

    const text = await readFile(path, 'utf8');
    expect(text.split('\n')).toHaveLength(3);
    expect(text.endsWith('\n')).toBe(true);
    const { entries, cutTail, lines: count } = await readJournal(path);
    expect(cutTail).toBe(false);
    expect(count).toBe(2);
    expect(entries[0]).toMatchObject({ t: 'start', stage: 'sample' });
    expect(Date.parse(entries[0]!.at!)).toBeGreaterThanOrEqual(before - 1000);
    expect(entries[1]).toEqual({ t: 'row', at: '2020-01-01T00:00:00.000Z', key: 'lead-1', note: 'two\nlines' });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('appends after what an earlier run wrote', async () => {
    const path = freshPath();
    const first = await Journal.open(path);
    await first.append({ t: 'row', n: 0 });
    await first.close();
    const second = await Journal.open(path);
    await second.appendMany([{ t: 'row', n: 1 }, { t: 'row', n: 2 }]);
    await second.close();
    expect((await readJournal(path)).entries.map((e) => e.n)).toEqual([0, 1, 2]);
  });

  it('keeps concurrent appends in call order, big and small mixed', async () => {
    const path = freshPath();
    const journal = await Journal.open(path);
    const resolved: number[] = [];
    // A big entry before small ones: unserialised, the small writes would finish (and land) first.
    await Promise.all(
      Array.from({ length: 120 }, (_, n) =>
        journal.append({ t: 'row', n, p: 'x'.repeat(n % 10 === 0 ? 300_000 : 10) }).then(() => resolved.push(n)),
      ),
    );
    await journal.close();
    const { entries } = await readJournal(path);
    expect(entries.map((e) => e.n)).toEqual(Array.from({ length: 120 }, (_, n) => n));
    expect(resolved).toEqual(Array.from({ length: 120 }, (_, n) => n));
  });

  it('resolves an append only after its line is flushed to disk', async () => {
    const proto = await fileHandlePrototype();
    const original = proto.datasync;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const datasync = vi.spyOn(proto, 'datasync').mockImplementation(async function (this: unknown) {
      await gate;
      return original.call(this);
    });
    const journal = await Journal.open(freshPath());
    let done = false;
    const append = journal.append({ t: 'row', n: 1 }).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(datasync).toHaveBeenCalledTimes(1);
    expect(done).toBe(false);
    release();
    await append;
    expect(done).toBe(true);
    await journal.close();
  });

  it('writes appendMany with one write and one flush', async () => {
    const proto = await fileHandlePrototype();
    const path = freshPath();
    const journal = await Journal.open(path);
    const datasync = vi.spyOn(proto, 'datasync');
    const write = vi.spyOn(proto, 'write');
    await journal.appendMany(Array.from({ length: 50 }, (_, n) => ({ t: 'row', n })));
    expect(datasync).toHaveBeenCalledTimes(1);
    expect(write).toHaveBeenCalledTimes(1);
    await journal.append({ t: 'row', n: 50 });
    await journal.append({ t: 'row', n: 51 });
    expect(datasync).toHaveBeenCalledTimes(3);
    await journal.appendMany([]);
    expect(datasync).toHaveBeenCalledTimes(3);
    await journal.close();
    expect((await readJournal(path)).entries).toHaveLength(52);
  });

  it('rejects an entry without a type or that JSON cannot hold, and keeps going', async () => {
    const path = freshPath();
    const journal = await Journal.open(path);
    await expect(journal.append({ t: '' })).rejects.toThrow(/type/);
    await expect(journal.append({ t: 'row', big: 1n })).rejects.toThrow(TypeError);
    await journal.append({ t: 'row', n: 1 });
    await journal.close();
    await expect(journal.append({ t: 'row', n: 2 })).rejects.toThrow(/closed/);
    expect((await readJournal(path)).entries.map((e) => e.n)).toEqual([1]);
  });

  it('refuses further appends after a failed write instead of writing after a partial line', async () => {
    const proto = await fileHandlePrototype();
    const path = freshPath();
    const journal = await Journal.open(path);
    await journal.append({ t: 'row', n: 0 });
    vi.spyOn(proto, 'datasync').mockRejectedValueOnce(Object.assign(new Error('no space'), { code: 'ENOSPC' }));
    const failed = journal.append({ t: 'row', n: 1 });
    await expect(failed).rejects.toThrow(UserError);
    await expect(failed).rejects.toThrow(`${path}: the migration journal cannot be written (ENOSPC). Free some disk space`);
    await expect(journal.append({ t: 'row', n: 2 })).rejects.toThrow(/ENOSPC/);
    await journal.close();
  });
});

describe('readJournal', () => {
  it('reads a missing file as an empty journal', async () => {
    expect(await readJournal(join(home, 'nowhere', 'journal.jsonl'))).toEqual({ entries: [], cutTail: false, lines: 0 });
  });

  it('drops a last line without its newline, even one that parses', async () => {
    for (const tail of ['{"t":"row","at":"2026-06-09T10:00:00.000Z","n":2', entryLine(2)]) {
      const path = freshPath();
      await Journal.open(path).then((j) => j.close());
      await writeFile(path, lines(entryLine(0), entryLine(1)) + tail);
      const read = await readJournal(path);
      expect(read.entries.map((e) => e.n)).toEqual([0, 1]);
      expect(read.cutTail).toBe(true);
      expect(read.lines).toBe(3);
    }
  });

  it('drops a damaged last line that has its newline (a crash can leave zeros)', async () => {
    const path = freshPath();
    await Journal.open(path).then((j) => j.close());
    await writeFile(path, lines(entryLine(0), '\0\0\0\0'));
    expect(await readJournal(path)).toMatchObject({ cutTail: true, lines: 2 });
    expect((await readJournal(path)).entries).toHaveLength(1);
  });

  it.each([
    ['garbage', 'not json at all'],
    ['a cut line glued to the next', `{"t":"row","n":2,"p":"xx${entryLine(3)}`],
    ['JSON that is not an entry', '[1,2,3]'],
    ['an entry without a type', '{"n":2}'],
    ['an empty line', ''],
  ])('reports %s before the last line as a UserError with its line number', async (_, bad) => {
    const path = freshPath();
    await Journal.open(path).then((j) => j.close());
    await writeFile(path, lines(entryLine(0), entryLine(1), bad, entryLine(4)));
    const read = readJournal(path);
    await expect(read).rejects.toThrow(UserError);
    await expect(read).rejects.toThrow(`${path}:3: this line of the migration journal is damaged`);
    await expect(read).rejects.toThrow(/Restore the file from a backup/);
  });

  it('reports bytes that are not UTF-8 in a middle line', async () => {
    const path = freshPath();
    await Journal.open(path).then((j) => j.close());
    await writeFile(path, Buffer.concat([Buffer.from(lines(entryLine(0))), Buffer.from('{"t":"row","v":"\xff"}\n', 'latin1'), Buffer.from(lines(entryLine(2)))]));
    await expect(readJournal(path)).rejects.toThrow(`${path}:2:`);
  });

  it('reports a damaged line followed only by a cut one', async () => {
    const path = freshPath();
    await Journal.open(path).then((j) => j.close());
    await writeFile(path, `${lines(entryLine(0), 'garbage')}{"t":"ro`);
    await expect(readJournal(path)).rejects.toThrow(`${path}:2:`);
  });

  it('reports a line over the size limit without keeping it', async () => {
    const path = freshPath();
    await Journal.open(path).then((j) => j.close());
    const handle = await open(path, 'a');
    await handle.write(lines(entryLine(0)));
    await handle.write(Buffer.alloc(MAX_LINE_BYTES + 10, 0x61));
    await handle.write(`\n${lines(entryLine(2))}`);
    await handle.close();
    await expect(readJournal(path)).rejects.toThrow(`${path}:2:`);
  });

  it('reads half a million lines streaming, in a few seconds and bounded memory', async () => {
    const path = freshPath();
    const journal = await Journal.open(path);
    const total = 500_000;
    const chunk = 25_000;
    for (let from = 0; from < total; from += chunk) {
      await journal.appendMany(
        Array.from({ length: chunk }, (_, i) => ({ t: 'row', at: '2026-06-09T10:00:00.000Z', n: from + i, key: `lead-${from + i}`, hash: 'f00dfeedbeef0123', id: '9b2f4e3a-7c1d-4e5f-8a6b-0c1d2e3f4a5b' })),
      );
    }
    await journal.close();
    const size = (await stat(path)).size;
    expect(size).toBeGreaterThan(60_000_000);

    // Streaming without keeping the entries: the heap must not grow with the file.
    const baseline = process.memoryUsage();
    let peak = 0;
    let seen = 0;
    let ordered = true;
    const scan = await scanJournal(path, (entry) => {
      if (entry.n !== seen) ordered = false;
      seen += 1;
      if (seen % 10_000 === 0) {
        const now = process.memoryUsage();
        peak = Math.max(peak, now.heapUsed - baseline.heapUsed + (now.external - baseline.external));
      }
    });
    expect(scan).toEqual({ cutTail: false, lines: total });
    expect(seen).toBe(total);
    expect(ordered).toBe(true);
    // Reading the file into one string (or one buffer) would add its whole size at least.
    expect(peak).toBeLessThan(size / 2);

    const started = Date.now();
    const read = await readJournal(path);
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(read.entries).toHaveLength(total);
    expect(read.entries[total - 1]).toMatchObject({ n: total - 1, key: `lead-${total - 1}` });
    await rm(path);
  });

  it('passes on what the visitor throws unchanged', async () => {
    const path = freshPath();
    const journal = await Journal.open(path);
    await journal.append({ t: 'row' });
    await journal.close();
    const mine = new Error('stop here');
    await expect(
      scanJournal(path, () => {
        throw mine;
      }),
    ).rejects.toBe(mine);
  });
});

describe('repairJournal', () => {
  it('cuts a cut last line so the next append starts a line of its own', async () => {
    const path = freshPath();
    await Journal.open(path).then((j) => j.close());
    const whole = lines(entryLine(0), entryLine(1));
    await writeFile(path, `${whole}{"t":"row","n":2,"p":"${'x'.repeat(200_000)}`);
    expect(await repairJournal(path)).toBe(true);
    expect(await readFile(path, 'utf8')).toBe(whole);
    expect(await repairJournal(path)).toBe(false);
  });

  it('cuts a damaged last line that has its newline', async () => {
    const path = freshPath();
    await Journal.open(path).then((j) => j.close());
    await writeFile(path, lines(entryLine(0), '{"t":"ro'));
    expect(await repairJournal(path)).toBe(true);
    expect(await readFile(path, 'utf8')).toBe(lines(entryLine(0)));
  });

  it('cuts a file that is one cut line down to nothing', async () => {
    const path = freshPath();
    await Journal.open(path).then((j) => j.close());
    await writeFile(path, '{"t":"ro');
    expect(await repairJournal(path)).toBe(true);
    expect((await stat(path)).size).toBe(0);
  });

  it('leaves a whole journal, an empty one and a missing one alone', async () => {
    const path = freshPath();
    expect(await repairJournal(path)).toBe(false);
    await Journal.open(path).then((j) => j.close());
    expect(await repairJournal(path)).toBe(false);
    // A last line longer than the backwards-reading block.
    const big = JSON.stringify({ t: 'row', p: 'y'.repeat(200_000) });
    await writeFile(path, lines(entryLine(0), big));
    expect(await repairJournal(path)).toBe(false);
    expect(await readFile(path, 'utf8')).toBe(lines(entryLine(0), big));
  });

  it('is run by Journal.open: appending after a kill reads back cleanly', async () => {
    const path = freshPath();
    await Journal.open(path).then((j) => j.close());
    await writeFile(path, `${lines(entryLine(0))}{"t":"row","n":1,"p":"abc`);
    const journal = await Journal.open(path);
    await journal.append({ t: 'row', n: 1 });
    await journal.close();
    expect(await readJournal(path)).toMatchObject({ cutTail: false, lines: 2 });
    expect((await readJournal(path)).entries.map((e) => e.n)).toEqual([0, 1]);
  });

  it('without it, a line appended after the cut one would damage the journal (why open repairs)', async () => {
    const path = freshPath();
    await Journal.open(path).then((j) => j.close());
    await writeFile(path, `${lines(entryLine(0))}{"t":"row","n":1,"p":"abc`);
    await appendFile(path, lines(entryLine(1), entryLine(2)));
    await expect(readJournal(path)).rejects.toThrow(`${path}:2:`);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// kill -9 at random moments

const WRITER = join(REPO_ROOT, 'test', 'migration', 'journal-writer.ts');

interface KilledRun {
  /** Numbers the child printed: each was appended and acknowledged before it was killed. */
  acknowledged: number[];
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Waits (blocking, to react within microseconds) until the journal does not end with a newline, i.e. a write is
 * under way, or until `limitMs` passed. A kill at that moment is the one that cuts a line; left to chance, most kills
 * land between writes or during the flush.
 */
function waitForWriteInProgress(path: string, limitMs: number): void {
  const fd = openSync(path, 'r');
  const last = Buffer.alloc(1);
  const until = Date.now() + limitMs;
  try {
    while (Date.now() < until) {
      const { size } = fstatSync(fd);
      if (size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a) return;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Starts the writer at `first`, kills it `delayMs` after it reports the journal open (then, with `midWrite`, as soon
 * as a write is seen under way), and collects what it printed.
 */
function runUntilKilled(path: string, first: number, seed: number, delayMs: number, midWrite: boolean): Promise<KilledRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, path, String(first), String(seed)], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let armed = false;
    const safety = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the writer never reported ready; stderr: ${stderr}`));
    }, 10_000);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!armed && stdout.startsWith('ready\n')) {
        armed = true;
        setTimeout(() => {
          if (midWrite) waitForWriteInProgress(path, 150);
          child.kill('SIGKILL');
        }, delayMs);
      }
    });
    // 'close' waits for the pipes to drain: every number printed before the kill is in stdout by then.
    child.on('close', (_code, signal) => {
      clearTimeout(safety);
      const acknowledged = stdout
        .split('\n')
        .slice(1)
        .filter((l) => l !== '')
        .map(Number);
      resolve({ acknowledged, signal, stderr });
    });
  });
}

/** An entry as the writer makes it: p is `len` copies of the n-th letter, so lines mixed together cannot pass. */
function checkRows(entries: readonly JournalEntry[], context: string): void {
  entries.forEach((entry, i) => {
    if (entry.t !== 'row' || entry.n !== i) throw new Error(`${context}: entry ${i} is ${JSON.stringify(entry).slice(0, 80)}`);
    const letter = String.fromCharCode(97 + (i % 26));
    if (typeof entry.p !== 'string' || entry.p.length !== entry.len || entry.p !== letter.repeat(entry.len as number)) {
      throw new Error(`${context}: entry ${i} has a payload that is not ${String(entry.len)} × "${letter}"`);
    }
  });
}

describe('a journal killed with SIGKILL at random moments', () => {
  it('keeps every acknowledged entry, in order, with at most the last line cut, and resumes cleanly', async () => {
    const seed = Date.now() % 1_000_000;
    const random = mulberry32(seed);
    const lanes = 4;
    const runsPerLane = 6;
    let kills = 0;
    let cutTails = 0;
    let acknowledgedTotal = 0;

    // Lanes run side by side to keep the test short; within one, each run resumes the journal the last one left.
    const lane = async (index: number): Promise<void> => {
      const path = join(home, `killed-${index}`, 'journal.jsonl');
      let next = 0;
      for (let run = 0; run < runsPerLane; run++) {
        const context = `seed ${seed}, lane ${index}, run ${run}`;
        const delay = random() < 0.5 ? Math.floor(random() * 40) : Math.floor(random() * 250);
        const killed = await runUntilKilled(path, next, Math.floor(random() * 2 ** 31), delay, run % 2 === 1);
        expect(killed.signal, `${context}: ${killed.stderr}`).toBe('SIGKILL');
        kills += 1;

        const read = await readJournal(path);
        checkRows(read.entries, context);
        const count = read.entries.length;
        expect(count, context).toBeGreaterThanOrEqual(next);
        for (const n of killed.acknowledged) expect(n, `${context}: acknowledged ${n} is missing`).toBeLessThan(count);
        expect(read.lines, context).toBe(count + (read.cutTail ? 1 : 0));
        if (read.cutTail) cutTails += 1;
        acknowledgedTotal += killed.acknowledged.length;

        // Resume here too: repair cuts exactly what reading dropped (or, left to Journal.open, does it there), and an
        // append after it reads back whole.
        if (random() < 0.5) expect(await repairJournal(path), context).toBe(read.cutTail);
        const journal = await Journal.open(path);
        const len = count % 2 === 0 ? 150_000 : 3;
        await journal.append({ t: 'row', n: count, len, p: String.fromCharCode(97 + (count % 26)).repeat(len) });
        await journal.close();
        const again = await readJournal(path);
        expect(again.cutTail, context).toBe(false);
        expect(again.entries, context).toHaveLength(count + 1);
        checkRows(again.entries, context);
        next = count + 1;
      }
    };
    await Promise.all(Array.from({ length: lanes }, (_, i) => lane(i)));

    expect(kills).toBeGreaterThanOrEqual(20);
    // The children did real work before being killed: this is not 24 kills of idle processes.
    expect(acknowledgedTotal).toBeGreaterThan(kills);
    console.info(`journal kill test: seed ${seed}, ${kills} kills, ${acknowledgedTotal} acknowledged appends, ${cutTails} cut last lines`);
  }, 30_000);
});
