// One measurement in its own process, so its peak memory is its own. Plain JavaScript over the built reader (dist/),
// so no TypeScript loader sits in the measured process. `bare` streams the file through csv-parse and counts
// records; `reader` runs the full inspection (encoding scan, dialect, profiles, findings, duplicates).
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { inspectExports } from '../dist/kartra/inspect.js';

const [mode, file] = process.argv.slice(2);
if (!file || (mode !== 'bare' && mode !== 'reader')) throw new Error('usage: read-one.mjs bare|reader FILE');

const started = process.hrtime.bigint();
let rows = 0;
if (mode === 'bare') {
  for await (const _record of createReadStream(file).pipe(parse({ bom: true, relax_column_count: true }))) rows++;
  rows -= 1; // the header
} else {
  const inspection = await inspectExports([file]);
  rows = inspection.files[0]?.rows ?? 0;
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const peakRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ mode, rows, seconds, rowsPerSecond: rows / seconds, peakRssMb })}\n`);
