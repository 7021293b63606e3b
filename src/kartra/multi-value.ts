export type MultiValueSeparator = ';' | ',';

/**
 * Splits a tags / lists / checkbox cell: items trimmed, empties dropped, and duplicates that differ only in case
 * removed, keeping the first spelling ("VIP;vip; Gold " → ["VIP", "Gold"]).
 */
export function splitMultiValue(cell: string, separator: MultiValueSeparator): string[] {
  return uniqueItems(cell.split(separator));
}

/** Unites item lists with the same rule: earlier spellings win ("a lead's tags, then its duplicate's"). */
export function uniteMultiValues(...lists: string[][]): string[] {
  return uniqueItems(lists.flat());
}

function uniqueItems(parts: Iterable<string>): string[] {
  const items: string[] = [];
  const seen = new Set<string>();
  for (const part of parts) {
    const item = part.trim();
    const key = item.toLowerCase();
    if (item === '' || seen.has(key)) continue;
    seen.add(key);
    items.push(item);
  }
  return items;
}
