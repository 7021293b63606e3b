/**
 * A child process for the resume test: runs the full import of one set of exports into one Twenty, the way the CLI
 * would after an interruption (load the saved inspection and mapping, runImport), until it finishes or is killed.
 *
 * Usage: TWENTY_API_KEY=… node --import tsx test/migration/import-child.ts <url> <inspection.json> <mapping.json> <migration dir> <batch max>
 * The key comes through the environment, as in production, so it is never in a process listing. The exports'
 * inspection is read from a file the parent wrote (inspectExports' result as JSON): inspecting again in each of the
 * 25-odd runs would double the test's time, and the rows themselves are still read from the export files.
 * Prints "ready" once the import starts, "progress <phase> <rows>" after each batch of
 * a phase is journalled, and "done <json>" (the run's counts per phase) when runImport returns. Errors go to stderr
 * and exit 1.
 */
import { readFile } from 'node:fs/promises';
import type { Inspection } from '../../src/kartra/inspect.js';
import type { MappingDocument } from '../../src/mapping/document.js';
import { runImport } from '../../src/migration/engine.js';
import { createTwentyClient } from '../../src/twenty/client.js';

const [baseUrl, inspectionPath, mappingPath, dir, batchMax] = process.argv.slice(2);
const apiKey = process.env.TWENTY_API_KEY;
if (!baseUrl || !inspectionPath || !mappingPath || !dir || !batchMax || !apiKey) {
  process.stderr.write('usage: TWENTY_API_KEY=… import-child <url> <inspection.json> <mapping.json> <migration dir> <batch max>\n');
  process.exit(2);
}

/** Nobody should leave this running: the parent kills it or it finishes long before. */
setTimeout(() => process.exit(3), 60_000).unref();

// Pipes to the parent are written synchronously on Linux: once this returns, the parent will see the line.
const say = (line: string): void => void process.stdout.write(`${line}\n`);

try {
  const inspection = JSON.parse(await readFile(inspectionPath, 'utf8')) as Inspection;
  const mapping = JSON.parse(await readFile(mappingPath, 'utf8')) as MappingDocument;
  const client = createTwentyClient({
    baseUrl,
    apiKey,
    // The sandbox does not throttle in this test: the client must not pace itself either.
    rateLimit: { buckets: [{ limit: 100_000, windowMs: 1000 }], safetyMargin: 0 },
    batchMax: Number(batchMax),
  });
  say('ready');
  const result = await runImport({
    dir,
    inspection,
    mapping,
    client,
    policy: 'fill-empty',
    stage: 'full',
    onProgress: (p) => say(`progress ${p.phase} ${p.rows}`),
  });
  await client.close();
  say(`done ${JSON.stringify(result.counts)}`);
} catch (error) {
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
}
