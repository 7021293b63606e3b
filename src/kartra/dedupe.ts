import { wallClockMillis, type SlashOrder } from './dates.js';

/**
 * Duplicates across the files of one dataset, decided the way Kartra decides within one import: the first lead
 * wins, and "first" means oldest by join date (kartra-exports.md §1.5), wherever the rows sit in the files.
 * Keys are the Kartra id and the email, lowercased.
 *
 * Memory is the constraint here: a million leads must fit in the reader's budget, and a JavaScript Map of a million
 * strings costs several times the strings themselves. So rows are parallel arrays, numeric ids stay numbers, and
 * "was this key taken by an older row" is an open-addressing table of row numbers that compares the real keys:
 * exact, never a probabilistic guess.
 */

export interface RowRef {
  file: string;
  line: number;
}

export interface Duplicate extends RowRef {
  duplicateOf: RowRef;
  key: 'id' | 'email';
}

export class DuplicateFinder {
  private readonly files: string[] = [];
  private readonly fileOf: number[] = [];
  private readonly lines: number[] = [];
  /** Kartra ids are integers: kept as numbers (NaN when absent); any other id as text in `textIds`. */
  private readonly ids: number[] = [];
  private readonly textIds = new Map<number, string>();
  private readonly emails: (string | undefined)[] = [];
  private readonly joined: number[] = [];
  /** Slashed join dates wait for their file's day/month order, known only once the whole column has been seen. */
  private readonly slashed = new Map<number, string>();
  private readonly slashOrders = new Map<number, SlashOrder>();

  /** Registers a row. Rows without a usable join date come after every dated row; rows without keys are ignored. */
  add(file: string, line: number, id: string | undefined, email: string | undefined, joined: string | undefined): void {
    if (!id && !email) return;
    const row = this.push(file, line, joined ? (wallClockMillis(joined) ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY);
    const numeric = id && /^\d{1,15}$/.test(id) ? Number(id) : Number.NaN;
    this.ids.push(numeric);
    if (id && Number.isNaN(numeric)) this.textIds.set(row, id);
    this.emails.push(email?.toLowerCase() || undefined);
    if (joined?.includes('/')) this.slashed.set(row, joined);
  }

  /** How the file's slashed join dates read (day-first or month-first), from its column profile. */
  setSlashOrder(file: string, order: SlashOrder): void {
    const index = this.files.indexOf(file);
    if (index !== -1) this.slashOrders.set(index, order);
  }

  /** Takes over another finder's rows (a file's, once its kind is known). */
  absorb(other: DuplicateFinder): void {
    const offset = this.lines.length;
    for (let row = 0; row < other.lines.length; row++) {
      this.push(other.files[other.fileOf[row]!]!, other.lines[row]!, other.joined[row]!);
      this.ids.push(other.ids[row]!);
      this.emails.push(other.emails[row]);
    }
    for (const [row, id] of other.textIds) this.textIds.set(row + offset, id);
    for (const [row, raw] of other.slashed) this.slashed.set(row + offset, raw);
    for (const [index, order] of other.slashOrders) this.slashOrders.set(this.files.indexOf(other.files[index]!), order);
  }

  /** Every row that loses to an older row sharing its id (checked first) or its email. */
  duplicates(): Duplicate[] {
    for (const [row, raw] of this.slashed) {
      this.joined[row] = wallClockMillis(raw, this.slashOrders.get(this.fileOf[row]!)) ?? Number.POSITIVE_INFINITY;
    }
    const order = Array.from(this.lines.keys()).sort(
      // Infinity − Infinity is NaN, which is falsy: undated rows fall through to file order, as intended.
      (a, b) => this.joined[a]! - this.joined[b]! || this.fileOf[a]! - this.fileOf[b]! || this.lines[a]! - this.lines[b]!,
    );
    const byId = new KeyIndex(this.lines.length, (row) => this.idOf(row));
    const byEmail = new KeyIndex(this.lines.length, (row) => this.emails[row]);
    const found: Duplicate[] = [];
    for (const row of order) {
      const idWinner = byId.find(row);
      const winner = idWinner ?? byEmail.find(row);
      if (winner !== undefined) {
        found.push({ ...this.ref(row), duplicateOf: this.ref(winner), key: idWinner !== undefined ? 'id' : 'email' });
        continue;
      }
      byId.claim(row);
      byEmail.claim(row);
    }
    return found.sort((a, b) => this.files.indexOf(a.file) - this.files.indexOf(b.file) || a.line - b.line);
  }

  private push(file: string, line: number, joined: number): number {
    if (this.files.at(-1) !== file) this.files.push(file);
    this.fileOf.push(this.files.length - 1);
    this.lines.push(line);
    this.joined.push(joined);
    return this.lines.length - 1;
  }

  private idOf(row: number): number | string | undefined {
    const id = this.ids[row]!;
    return Number.isNaN(id) ? this.textIds.get(row) : id;
  }

  private ref(row: number): RowRef {
    return { file: this.files[this.fileOf[row]!]!, line: this.lines[row]! };
  }
}

/** The rows that claimed each key, in an open-addressing table of row numbers (−1 = free slot). */
class KeyIndex {
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(
    rows: number,
    private readonly keyOf: (row: number) => number | string | undefined,
  ) {
    let size = 16;
    while (size < rows * 2) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
  }

  /** The row that claimed `row`'s key, if any. */
  find(row: number): number | undefined {
    const key = this.keyOf(row);
    if (key === undefined) return undefined;
    for (let slot = hash(key) & this.mask; ; slot = (slot + 1) & this.mask) {
      const owner = this.slots[slot]!;
      if (owner === -1) return undefined;
      if (this.keyOf(owner) === key) return owner;
    }
  }

  /** Records `row` as the owner of its key; call only after `find` returned nothing. */
  claim(row: number): void {
    const key = this.keyOf(row);
    if (key === undefined) return;
    let slot = hash(key) & this.mask;
    while (this.slots[slot] !== -1) slot = (slot + 1) & this.mask;
    this.slots[slot] = row;
  }
}

/** FNV-1a over the key's characters (or the number's digits), then mixed so sequential ids spread evenly. */
function hash(key: number | string): number {
  const text = typeof key === 'number' ? String(key) : key;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  return Math.imul(h, 0x45d9f3b) >>> 0;
}
