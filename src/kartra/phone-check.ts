import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { parseKartraPhone } from './phone.js';

/**
 * Finds the lines whose phone cannot be read. libphonenumber-js takes about 7 µs a number, as long as csv-parse
 * takes for a whole row, so for a large export the check runs on the other core, in a worker thread, in batches.
 * Small files (and the TypeScript sources under test, where no compiled worker exists) check in this thread.
 */
export interface PhoneCheck {
  check(line: number, phone: string, callingCode: string): void;
  /** The lines with an unparseable phone, ascending. Ends the check. */
  invalidLines(): Promise<number[]>;
  /** Releases the worker, if any, whether or not the check finished (a read can fail halfway). */
  stop(): void;
}

const WORKER_FILE = fileURLToPath(new URL('./phone-worker.js', import.meta.url));
const BATCH = 4_096;
/** Below this a worker costs more to start than it saves. */
const WORKER_MIN_BYTES = 4 * 1024 * 1024;

export function createPhoneCheck(fileBytes: number): PhoneCheck {
  if (fileBytes >= WORKER_MIN_BYTES && existsSync(WORKER_FILE)) return new WorkerPhoneCheck();
  return new InlinePhoneCheck();
}

class InlinePhoneCheck implements PhoneCheck {
  private readonly invalid: number[] = [];

  check(line: number, phone: string, callingCode: string): void {
    if (!parseKartraPhone(phone, callingCode)) this.invalid.push(line);
  }

  async invalidLines(): Promise<number[]> {
    return this.invalid;
  }

  stop(): void {}
}

/** A batch sent to the worker: parallel arrays, cheap to copy between threads. */
export interface PhoneBatch {
  lines: number[];
  phones: string[];
  codes: string[];
}

/**
 * When the worker falls behind (the other core is busy), batches would pile up in memory; past a few in flight the
 * main thread checks the batch itself instead. Either way every phone is checked exactly once.
 */
const MAX_IN_FLIGHT = 4;

class WorkerPhoneCheck implements PhoneCheck {
  /** Started on the first phone: a transactions report of a gigabyte has none to check. */
  private worker: Worker | undefined;
  private failure: unknown;
  private exited: Promise<void> = Promise.resolve();
  private readonly invalid: number[] = [];
  private readonly inline = new InlinePhoneCheck();
  private inFlight = 0;
  private batch: PhoneBatch = { lines: [], phones: [], codes: [] };

  check(line: number, phone: string, callingCode: string): void {
    this.batch.lines.push(line);
    this.batch.phones.push(phone);
    this.batch.codes.push(callingCode);
    if (this.batch.lines.length >= BATCH) this.flush();
  }

  async invalidLines(): Promise<number[]> {
    this.flush();
    this.worker?.postMessage(null); // no more batches: the worker answers the last one and exits
    await this.exited;
    // A worker that failed is reported here, as the read's error, never as an unhandled rejection.
    if (this.failure !== undefined) throw this.failure;
    return [...this.invalid, ...(await this.inline.invalidLines())].sort((a, b) => a - b);
  }

  stop(): void {
    void this.worker?.terminate();
  }

  private start(): Worker {
    const worker = new Worker(WORKER_FILE);
    worker.on('message', (lines: number[]) => {
      this.inFlight--;
      this.invalid.push(...lines);
    });
    worker.on('error', (error) => {
      this.failure ??= error;
    });
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    return worker;
  }

  private flush(): void {
    const { lines, phones, codes } = this.batch;
    if (lines.length === 0) return;
    if (this.inFlight >= MAX_IN_FLIGHT || this.failure !== undefined) {
      for (let i = 0; i < lines.length; i++) this.inline.check(lines[i]!, phones[i]!, codes[i]!);
    } else {
      this.worker ??= this.start();
      this.inFlight++;
      this.worker.postMessage(this.batch);
    }
    this.batch = { lines: [], phones: [], codes: [] };
  }
}
