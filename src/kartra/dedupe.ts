/**
 * Duplicates across the files of one dataset, decided the way Kartra decides within one import: the first lead
 * wins, and "first" means oldest by join date (kartra-exports.md §1.5), wherever the rows sit in the files.
 * Keys are the Kartra id and the email, lowercased. Rows are kept as compact parallel arrays, not objects, so a
 * million leads stay within the reader's memory budget.
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
  private readonly ids: (string | undefined)[] = [];
  private readonly emails: (string | undefined)[] = [];
  private readonly joined: number[] = [];

  /**
   * Registers a row. `joinedAt` is a sort key (milliseconds), undefined for rows without a usable join date: they
   * come after every dated row. Rows with neither key cannot duplicate anything and are not kept.
   */
  add(file: string, line: number, id: string | undefined, email: string | undefined, joinedAt: number | undefined): void {
    if (!id && !email) return;
    if (this.files.at(-1) !== file) this.files.push(file);
    this.fileOf.push(this.files.length - 1);
    this.lines.push(line);
    this.ids.push(id || undefined);
    this.emails.push(email?.toLowerCase() || undefined);
    this.joined.push(joinedAt === undefined || !Number.isFinite(joinedAt) ? Number.POSITIVE_INFINITY : joinedAt);
  }

  /** Takes over another finder's rows (a file's, once its kind is known). */
  absorb(other: DuplicateFinder): void {
    for (let row = 0; row < other.lines.length; row++) {
      const file = other.files[other.fileOf[row]!]!;
      this.add(file, other.lines[row]!, other.ids[row], other.emails[row], other.joined[row]);
    }
  }

  /** Every row that loses to an older row sharing its id (checked first) or its email. */
  duplicates(): Duplicate[] {
    const order = Array.from(this.lines.keys()).sort(
      (a, b) => this.joined[a]! - this.joined[b]! || this.fileOf[a]! - this.fileOf[b]! || this.lines[a]! - this.lines[b]!,
    );
    const winnerById = new Map<string, number>();
    const winnerByEmail = new Map<string, number>();
    const found: Duplicate[] = [];
    for (const row of order) {
      const id = this.ids[row];
      const email = this.emails[row];
      const byId = id === undefined ? undefined : winnerById.get(id);
      const byEmail = email === undefined ? undefined : winnerByEmail.get(email);
      const winner = byId ?? byEmail;
      if (winner !== undefined) {
        found.push({ ...this.ref(row), duplicateOf: this.ref(winner), key: byId !== undefined ? 'id' : 'email' });
        continue;
      }
      if (id !== undefined) winnerById.set(id, row);
      if (email !== undefined) winnerByEmail.set(email, row);
    }
    return found.sort((a, b) => this.files.indexOf(a.file) - this.files.indexOf(b.file) || a.line - b.line);
  }

  private ref(row: number): RowRef {
    return { file: this.files[this.fileOf[row]!]!, line: this.lines[row]! };
  }
}
