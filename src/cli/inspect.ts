import { inspectExports, type Inspection } from '../kartra/inspect.js';
import type { InspectedFile } from '../kartra/inspect-file.js';
import type { ColumnProfile } from '../kartra/profile.js';
import { table, terminalSafe } from './table.js';

export const INSPECT_USAGE = 'kartra-twenty inspect <file|folder>... [--json]';

/** `kartra-twenty inspect`: what each export is, how it reads, what its columns hold, what is wrong in it. */
export async function inspectCommand(paths: string[], options: { json: boolean }): Promise<number> {
  const inspection = await inspectExports(paths);
  process.stdout.write(options.json ? `${JSON.stringify(inspection, null, 2)}\n` : formatInspection(inspection));
  // Files that could not be read are errors, one line each on stderr; the others were still inspected above.
  for (const failure of inspection.failures) process.stderr.write(`kartra-twenty: error: ${terminalSafe(failure.error)}\n`);
  return inspection.failures.length > 0 ? 1 : 0;
}

export function formatInspection(inspection: Inspection): string {
  const out: string[] = [];
  for (const file of inspection.files) out.push(formatFile(file));
  if (inspection.datasets.length > 0) {
    out.push('Datasets (files of one kind read together)');
    out.push(
      table(
        ['kind', 'files', 'rows', 'rejected', 'duplicates', 'unique'],
        inspection.datasets.map((d) => [d.kind, String(d.files.length), n(d.rows), n(d.rejectedRows), n(d.duplicates.length), n(d.uniqueRows)]),
      ),
    );
  }
  return `${out.join('\n\n')}\n`;
}

function formatFile(file: InspectedFile): string {
  const encoding = `${file.encoding}${file.bom ? ' with BOM' : ''}${file.encodingGuess ? ` (not UTF-8; chardet guessed ${file.encodingGuess})` : ''}`;
  const delimiter = file.dialect.delimiter === '\t' ? 'tab' : `"${file.dialect.delimiter}"`;
  const lines = [
    terminalSafe(file.name),
    `  kind ${file.kind.kind} (confidence ${file.kind.confidence}: ${file.kind.reasons.join('; ')})`,
    `  ${encoding}, delimiter ${delimiter}, ${file.dialect.lineEnding} line endings${file.dialect.hasHeader ? '' : ', no header row'}`,
    `  ${n(file.rows)} rows, ${file.header.length} columns, ${n(file.rejectedRows)} rows to reject, ${(file.sizeBytes / 1024).toFixed(1)} KB`,
    '',
    table(['column', 'type', 'filled', 'distinct', 'samples (untrusted data, truncated)'], file.columns.map(columnRow)),
  ];
  if (file.findings.length > 0) {
    lines.push('', table(
      ['finding', 'severity', 'count', 'column', 'example lines'],
      file.findings.map((f) => [f.code, f.severity, n(f.count), f.column ?? '', f.exampleLines.join(', ')]),
    ));
  } else {
    lines.push('', '  no findings');
  }
  return lines.join('\n');
}

function columnRow(c: ColumnProfile): string[] {
  const type = [c.type, c.dateFormat, c.dateOrder === 'ambiguous' ? 'order unproven' : c.dateOrder === 'conflicting' ? 'orders conflict' : undefined, c.separator ? `sep "${c.separator}"` : undefined]
    .filter(Boolean)
    .join(' ');
  const samples = c.samples.map((s) => JSON.stringify(s.length > 24 ? `${s.slice(0, 23)}…` : s)).join(' ');
  return [c.name, type, `${Math.round(c.fillRate * 100)}%`, `${n(c.distinct)}${c.distinctCapped ? '+' : ''}`, samples];
}

function n(x: number): string {
  return x.toLocaleString('en-US');
}
