/**
 * Opens one export and prints what happened as one JSON line: {"ok":true,"header":[...]} or
 * {"ok":false,"name":"ExportFileError","message":"..."}. Used by tests that must run the reader as another user.
 * Usage: node --import tsx test/helpers/open-export-probe.ts <path>
 */
import { openExport, readRows } from '../../src/kartra/read.js';

const path = process.argv[2];
if (!path) throw new Error('usage: open-export-probe.ts <path>');
try {
  const head = await openExport(path);
  let rows = 0;
  for await (const _ of readRows(head)) rows++;
  process.stdout.write(`${JSON.stringify({ ok: true, header: head.header, rows })}\n`);
} catch (error) {
  const e = error as Error & { code?: string };
  process.stdout.write(`${JSON.stringify({ ok: false, name: e.name, message: e.message, code: e.code })}\n`);
}
