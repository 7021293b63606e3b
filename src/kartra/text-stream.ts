import { createReadStream } from 'node:fs';
import { Transform, pipeline, type Readable, type TransformCallback } from 'node:stream';
import iconv from 'iconv-lite';
import type { TextEncoding } from './encoding.js';

/**
 * The file's text, decoded (byte-order mark removed) and normalised to NFC, as a stream of strings. Built with
 * pipeline, not pipe: a reader that stops early (a sample, a header) destroys the last stream, and pipeline then
 * closes the file too. With pipe the file handle would stay open, and a long-running server would run out of them.
 */
export function openTextStream(path: string, encoding: TextEncoding): Readable {
  const text = new NfcAtSafeBoundaries();
  pipeline(createReadStream(path), iconv.decodeStream(encoding, { stripBOM: true }), text, () => {
    // Errors reach whoever reads `text`: pipeline destroys it with the error.
  });
  return text;
}

/**
 * Normalises text to NFC without letting a chunk boundary split "e" from a combining accent that follows it: each
 * chunk is cut at a safe boundary (see nfcSafeCut) and the rest waits for the next chunk.
 */
class NfcAtSafeBoundaries extends Transform {
  private pending = '';

  constructor() {
    super({ decodeStrings: false, encoding: 'utf8' });
  }

  override _transform(chunk: string, _encoding: BufferEncoding, done: TransformCallback): void {
    const text = this.pending + chunk;
    const cut = nfcSafeCut(text);
    this.pending = text.slice(cut);
    if (cut > 0) this.push(text.slice(0, cut).normalize('NFC'));
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.pending) this.push(this.pending.normalize('NFC'));
    done();
  }
}

/** How far back a safe boundary is looked for: no real combining sequence is this long. */
const MAX_LOOKBACK = 64;
/** Characters that may compose with what precedes them: combining marks, and Hangul vowel and final jamo. */
const COMPOSES_BACKWARDS = /[\p{M}\u1161-\u11ff\ud7b0-\ud7ff]/u;

/**
 * Where `text` can be cut so that both parts normalise (NFC) the same as the whole: just before a character that
 * never composes with what precedes it. Looks back at most MAX_LOOKBACK code units, so a long run of accented
 * letters with no ASCII (a 100 MB line of "é") still moves along in bounded memory.
 */
export function nfcSafeCut(text: string): number {
  const stop = Math.max(0, text.length - MAX_LOOKBACK);
  for (let cut = text.length - 1; cut > stop; cut--) {
    const code = text.charCodeAt(cut);
    if (code < 0x80) return cut;
    if (code >= 0xdc00 && code <= 0xdfff) continue; // the second half of a surrogate pair
    if (!COMPOSES_BACKWARDS.test(String.fromCodePoint(text.codePointAt(cut)!))) return cut;
  }
  return stop;
}
