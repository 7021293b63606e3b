import { isSlashedDate, wallClockMillis, type SlashOrder } from './dates.js';

/**
 * Duplicates across the files of one dataset, decided the way Kartra decides within one import: the first lead
 * wins, and "first" means oldest by join date (kartra-exports.md §1.5), wherever the rows sit in the files.
 * Keys are the Kartra id and the email, lowercased.
 *
 * Memory is the constraint here: a million leads must fit in the reader's budget, and a million email strings in a
 * JavaScript Map cost several times the strings themselves. So rows are parallel arrays of numbers: numeric ids stay
 * numbers, and an email is kept as a 64-bit hash (cyrb53's two 32-bit lanes, mixed into each other: the chance
 * that two different emails of a million-row export collide is about 3 in 100 million). "Was this key taken by an
 * older row" is an open-addressing table of row numbers.
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
  private rows = 0;
  private fileOf = new Uint16Array(1024);
  private lines = new Uint32Array(1024);
  /** Kartra ids are integers: kept as numbers (NaN when absent); any other id as text in `textIds`. */
  private ids = new Float64Array(1024);
  private readonly textIds = new Map<number, string>();
  /** The lowercased email's two hashes; hash B is 0 when the row has no email. */
  private emailHashA = new Int32Array(1024);
  private emailHashB = new Int32Array(1024);
  private joined = new Float64Array(1024);
  /** Slashed join dates wait for their file's day/month order, known only once the whole column has been seen. */
  private readonly slashed = new Map<number, string>();
  private readonly slashOrders = new Map<number, SlashOrder>();

  /** Registers a row. Rows without a usable join date come after every dated row; rows without keys are ignored. */
  add(file: string, line: number, id: string | undefined, email: string | undefined, joined: string | undefined): void {
    if (!id && !email) return;
    const numeric = id && /^\d{1,15}$/.test(id) ? Number(id) : Number.NaN;
    const key = email?.toLowerCase() ?? '';
    if (key) hash64(key);
    const row = this.push(
      file,
      line,
      joined ? (wallClockMillis(joined) ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY,
      numeric,
      key ? HASH[0]! : 0,
      key ? HASH[1]! | 1 : 0, // never 0 for an email, so 0 means "no email"
    );
    if (id && Number.isNaN(numeric)) this.textIds.set(row, id);
    if (joined !== undefined && isSlashedDate(joined)) this.slashed.set(row, joined);
  }

  /** How the file's slashed join dates read (day-first or month-first), from its column profile. */
  setSlashOrder(file: string, order: SlashOrder): void {
    const index = this.files.indexOf(file);
    if (index !== -1) this.slashOrders.set(index, order);
  }

  /** Takes over another finder's rows (a file's, once its kind is known). */
  absorb(other: DuplicateFinder): void {
    const offset = this.rows;
    for (let row = 0; row < other.rows; row++) {
      const file = other.files[other.fileOf[row]!]!;
      this.push(file, other.lines[row]!, other.joined[row]!, other.ids[row]!, other.emailHashA[row]!, other.emailHashB[row]!);
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
    const byId = new KeyIndex(this.rows, {
      has: (row) => this.idOf(row) !== undefined,
      hash: (row) => hashKey(this.idOf(row)!),
      same: (a, b) => this.idOf(a) === this.idOf(b),
    });
    const byEmail = new KeyIndex(this.rows, {
      has: (row) => this.emailHashB[row] !== 0,
      hash: (row) => this.emailHashA[row]!,
      same: (a, b) => this.emailHashA[a] === this.emailHashA[b] && this.emailHashB[a] === this.emailHashB[b],
    });
    const found: Duplicate[] = [];
    for (const row of this.oldestFirst()) {
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

  /** Row numbers oldest first; rows usually arrive in that order already, and then no sort is needed. */
  private oldestFirst(): Iterable<number> {
    const rows = this.rows;
    // Infinity − Infinity is NaN, which is falsy: undated rows fall through to file order, as intended.
    const compare = (a: number, b: number): number =>
      this.joined[a]! - this.joined[b]! || this.fileOf[a]! - this.fileOf[b]! || this.lines[a]! - this.lines[b]!;
    let sorted = true;
    for (let row = 1; row < rows && sorted; row++) sorted = compare(row - 1, row) <= 0;
    const order = Array.from({ length: rows }, (_, row) => row);
    return sorted ? order : order.sort(compare);
  }

  private push(file: string, line: number, joined: number, id: number, hashA: number, hashB: number): number {
    if (this.files.at(-1) !== file) this.files.push(file);
    if (this.rows === this.lines.length) this.grow();
    const row = this.rows++;
    this.fileOf[row] = this.files.length - 1;
    this.lines[row] = line;
    this.joined[row] = joined;
    this.ids[row] = id;
    this.emailHashA[row] = hashA;
    this.emailHashB[row] = hashB;
    return row;
  }

  /** Typed arrays hold 30 bytes a row; they double when full, off the JavaScript heap. */
  private grow(): void {
    const size = this.lines.length * 2;
    const grown = <T extends Uint16Array | Uint32Array | Int32Array | Float64Array>(from: T, make: (n: number) => T): T => {
      const to = make(size);
      to.set(from);
      return to;
    };
    this.fileOf = grown(this.fileOf, (n) => new Uint16Array(n));
    this.lines = grown(this.lines, (n) => new Uint32Array(n));
    this.ids = grown(this.ids, (n) => new Float64Array(n));
    this.emailHashA = grown(this.emailHashA, (n) => new Int32Array(n));
    this.emailHashB = grown(this.emailHashB, (n) => new Int32Array(n));
    this.joined = grown(this.joined, (n) => new Float64Array(n));
  }

  private idOf(row: number): number | string | undefined {
    const id = this.ids[row]!;
    return Number.isNaN(id) ? this.textIds.get(row) : id;
  }

  private ref(row: number): RowRef {
    return { file: this.files[this.fileOf[row]!]!, line: this.lines[row]! };
  }
}

/** How a KeyIndex sees a row's key without holding it: whether there is one, a 32-bit hash, and equality. */
interface RowKeys {
  has(row: number): boolean;
  hash(row: number): number;
  same(a: number, b: number): boolean;
}

/** The rows that claimed each key, in an open-addressing table of row numbers (−1 = free slot). */
class KeyIndex {
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(
    rows: number,
    private readonly keys: RowKeys,
  ) {
    let size = 16;
    while (size < rows * 2) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
  }

  /** The row that claimed `row`'s key, if any. */
  find(row: number): number | undefined {
    if (!this.keys.has(row)) return undefined;
    for (let slot = mix(this.keys.hash(row)) & this.mask; ; slot = (slot + 1) & this.mask) {
      const owner = this.slots[slot]!;
      if (owner === -1) return undefined;
      if (this.keys.same(owner, row)) return owner;
    }
  }

  /** Records `row` as the owner of its key; call only after `find` returned nothing. */
  claim(row: number): void {
    if (!this.keys.has(row)) return;
    let slot = mix(this.keys.hash(row)) & this.mask;
    while (this.slots[slot] !== -1) slot = (slot + 1) & this.mask;
    this.slots[slot] = row;
  }
}

/** Where hash64 leaves its two 32-bit halves; reused, so hashing a million emails allocates nothing. */
const HASH = new Int32Array(2);

/** cyrb53 (bryc, public domain) kept at its full 64 bits of state: two lanes with different multipliers, then mixed. */
function hash64(text: string): void {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  HASH[0] = h1;
  HASH[1] = h2;
}

function hashKey(key: number | string): number {
  hash64(typeof key === 'number' ? String(key) : key);
  return HASH[0]!;
}

/** Spreads a hash over the table's low bits, so sequential ids do not cluster. */
function mix(h: number): number {
  h ^= h >>> 16;
  return Math.imul(h, 0x45d9f3b) >>> 0;
}
