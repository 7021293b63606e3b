import { parentPort } from 'node:worker_threads';
import type { PhoneBatch } from './phone-check.js';
import { parseKartraPhone } from './phone.js';

// The worker side of phone-check.ts: answers each batch with its invalid lines; a null message means "done".
parentPort?.on('message', (batch: PhoneBatch | null) => {
  if (batch === null) {
    parentPort?.close();
    return;
  }
  const invalid: number[] = [];
  for (let i = 0; i < batch.lines.length; i++) {
    if (!parseKartraPhone(batch.phones[i]!, batch.codes[i]!)) invalid.push(batch.lines[i]!);
  }
  parentPort?.postMessage(invalid);
});
