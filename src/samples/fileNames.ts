import { EXPORT_AT, fileNameDate } from './dates.js';
import { Rng, STREAM } from './random.js';

/**
 * Kartra names exports `<prefix>_<DD-MM-YYYY>_<uniqid>.csv`, where uniqid is PHP's 13 hex digits: 8 for the Unix
 * seconds, 5 for the microseconds (kartra-exports.md §1.1). The files of one set are "exported" seconds apart.
 */

/** EXPORT_AT is Eastern daylight time in June: UTC is four hours later. */
const EXPORT_UNIX = EXPORT_AT + 4 * 3600;

export function uniqid(unixSeconds: number, micros: number): string {
  return unixSeconds.toString(16).padStart(8, '0') + micros.toString(16).padStart(5, '0');
}

export class FileNamer {
  private readonly rng: Rng;
  private at = EXPORT_UNIX;

  constructor(seed: number) {
    this.rng = new Rng(seed, STREAM.fileIds);
  }

  next(prefix: string): string {
    this.at += this.rng.int(3, 90);
    return `${prefix}_${fileNameDate(EXPORT_AT)}_${uniqid(this.at, this.rng.int(0, 0xfffff))}.csv`;
  }
}
