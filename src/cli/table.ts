/**
 * Text from an export made safe for a terminal: control characters (C0, C1, which can drive the terminal) and
 * bidirectional overrides (which can make text read backwards) are shown as visible marks.
 */
export function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => (c === '\n' ? '⏎' : '�'));
}

/** A plain-text table, columns padded to their widest cell, every cell made terminal-safe. */
export function table(headers: string[], rows: string[][]): string {
  const all = [headers, ...rows].map((r) => r.map(terminalSafe));
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => `  ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}`;
  return [line(all[0]!), line(widths.map((w) => '-'.repeat(w))), ...all.slice(1).map(line)].join('\n');
}
