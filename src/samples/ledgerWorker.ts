import { parentPort, workerData } from 'node:worker_threads';
import { writeLedger, type LedgerOptions } from './ledgerWriter.js';

/**
 * Worker-thread entry: writes the transactions and subscriptions exports while the main thread writes the leads.
 * The two halves share nothing but their options, so running them in parallel changes no byte of the output.
 */
if (parentPort) {
  const port = parentPort;
  writeLedger(workerData as LedgerOptions).then(
    (result) => port.postMessage({ ok: true, result }),
    (error: unknown) => port.postMessage({ ok: false, message: error instanceof Error ? error.stack ?? error.message : String(error) }),
  );
}
