import { isSlashedDate, wallClockMillis } from './dates.js';

export type JoinOrderKind = 'ascending' | 'unordered' | 'no-dates';

/**
 * Watches the join dates go by. Slashed dates count as unordered: their day/month order is decided only at the end
 * of the file, so ascending cannot be proven while reading.
 */
export class JoinOrder {
  private last = Number.NEGATIVE_INFINITY;
  private ordered = true;
  private dated = false;

  /** `column`: the join date's index in the header, -1 when the file has none. */
  constructor(private readonly column: number) {}

  /** Sees every row, ragged ones too: the dataset reader orders all rows by the same cell. */
  see(cells: string[]): void {
    if (!this.ordered || this.column === -1) return;
    const joined = cells[this.column]!.trim();
    if (joined !== '') this.dated = true;
    if (isSlashedDate(joined)) this.ordered = false;
    const at = joined === '' || !this.ordered ? undefined : wallClockMillis(joined);
    // Rows without a date sort after all dated rows, so one followed by a dated row breaks the order.
    const key = at ?? Number.POSITIVE_INFINITY;
    if (key < this.last) this.ordered = false;
    this.last = key;
  }

  result(): JoinOrderKind {
    if (!this.dated) return 'no-dates';
    return this.ordered ? 'ascending' : 'unordered';
  }
}
