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
 * Normalises text to NFC without letting a chunk boundary split "e" from a combining accent that follows it.
 * Text cut just before an ASCII character normalises the same in pieces as whole: ASCII characters are starters that
 * never compose with what precedes them. Cutting there (not at line breaks) keeps memory flat on a 100 MB line.
 */
class NfcAtSafeBoundaries extends Transform {
  private pending = '';

  constructor() {
    super({ decodeStrings: false, encoding: 'utf8' });
  }

  override _transform(chunk: string, _encoding: BufferEncoding, done: TransformCallback): void {
    const text = this.pending + chunk;
    let cut = text.length - 1;
    while (cut > 0 && text.charCodeAt(cut) >= 0x80) cut--;
    this.pending = text.slice(cut);
    if (cut > 0) this.push(text.slice(0, cut).normalize('NFC'));
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.pending) this.push(this.pending.normalize('NFC'));
    done();
  }
}
