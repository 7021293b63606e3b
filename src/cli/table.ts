/** A plain-text table, columns padded to their widest cell; control characters from exports are made visible. */
export function table(headers: string[], rows: string[][]): string {
  const clean = (s: string): string => s.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '⏎' : '�'));
  const all = [headers, ...rows].map((r) => r.map(clean));
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => `  ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}`;
  return [line(all[0]!), line(widths.map((w) => '-'.repeat(w))), ...all.slice(1).map(line)].join('\n');
}
