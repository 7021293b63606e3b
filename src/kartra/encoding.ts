import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import chardet from 'chardet';
import { nfcSafeCut } from './text-stream.js';
import { ExportFileError } from '../errors.js';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface EncodingInfo {
  encoding: TextEncoding;
  bom: boolean;
  /** chardet's guess when the bytes were not valid UTF-8 (we read them as Windows-1252 either way). */
  guessed?: string;
}

export interface ByteScan extends EncodingInfo {
  sizeBytes: number;
  /** Hash of the file's bytes: a plan made from this file is only valid while the file is unchanged. */
  sha256: string;
  /**
   * UTF-8 text already in NFC (nearly every export): it can go to the CSV parser as raw bytes, skipping a decode and
   * a normalisation pass. False when unsure.
   */
  utf8Nfc: boolean;
}

const SNIFF_BYTES = 64 * 1024;

/**
 * One pass over the raw bytes: hash, byte-order mark, UTF-8 validity and a binary check. Kartra writes UTF-8, but a
 * file re-saved by Excel on Windows arrives as Windows-1252, and the two cannot be told apart from the first
 * kilobytes alone, so the whole file is validated before a single row is read.
 */
export async function scanBytes(path: string, displayName: string): Promise<ByteScan> {
  const hash = createHash('sha256');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const nfc = new NfcWatch();
  let head: Buffer | undefined;
  let sizeBytes = 0;
  let validUtf8 = true;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    if (head === undefined || head.length < SNIFF_BYTES) {
      head = head === undefined ? chunk.subarray(0, SNIFF_BYTES) : Buffer.concat([head, chunk]).subarray(0, SNIFF_BYTES);
    }
    if (validUtf8) {
      try {
        nfc.see(utf8.decode(chunk, { stream: true }));
      } catch {
        validUtf8 = false;
      }
    }
    sizeBytes += chunk.length;
  }
  if (validUtf8) {
    try {
      nfc.see(utf8.decode());
    } catch {
      validUtf8 = false; // the file ends in the middle of a multi-byte character
    }
  }
  const sha256 = hash.digest('hex');
  if (head === undefined || sizeBytes === 0) {
    throw new ExportFileError(displayName, 'the file is empty', 'Export it again from Kartra; the download may have been interrupted');
  }
  const bomEncoding = encodingFromBom(head);
  if (bomEncoding) return { ...bomEncoding, sizeBytes, sha256, utf8Nfc: bomEncoding.encoding === 'utf-8' && validUtf8 && nfc.ok() };
  rejectBinary(head, displayName);
  if (validUtf8) return { encoding: 'utf-8', bom: false, sizeBytes, sha256, utf8Nfc: nfc.ok() };
  rejectControlBytes(head, displayName);
  // One stray byte in a UTF-8 file must not turn every "José" into "JosÃ©": a file that is mostly valid UTF-8 is
  // read as UTF-8, its bad bytes become U+FFFD and are reported (finding invalid_utf8). Windows-1252 text, by
  // contrast, hardly ever forms a valid UTF-8 sequence.
  const { valid, invalid } = await utf8Evidence(path);
  if (valid >= 10 * invalid) return { encoding: 'utf-8', bom: false, sizeBytes, sha256, utf8Nfc: false };
  const guessed = chardet.detect(head) ?? undefined;
  return { encoding: 'windows-1252', bom: false, guessed, sizeBytes, sha256, utf8Nfc: false };
}

/** Counts valid multi-byte characters and invalid sequences when the file is read as UTF-8. */
async function utf8Evidence(path: string): Promise<{ valid: number; invalid: number }> {
  const decoder = new TextDecoder('utf-8');
  let valid = 0;
  let invalid = 0;
  const count = (text: string): void => {
    invalid += text.match(/\uFFFD/g)?.length ?? 0;
    valid += text.match(/[^\u0000-\u007f\uFFFD]/g)?.length ?? 0;
  };
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) count(decoder.decode(chunk, { stream: true }));
  count(decoder.decode());
  return { valid, invalid };
}

/** Watches decoded text go by and tells whether all of it was already NFC, chunk boundaries included. */
class NfcWatch {
  private normalized = true;
  private carry = ''; // the text after the last safe boundary, checked together with the next chunk

  see(text: string): void {
    if (!this.normalized) return;
    const all = this.carry + text;
    const cut = nfcSafeCut(all);
    const settled = all.slice(0, cut);
    if (settled.normalize('NFC') !== settled) this.normalized = false;
    this.carry = all.slice(cut);
  }

  ok(): boolean {
    return this.normalized && this.carry.normalize('NFC') === this.carry;
  }
}

function encodingFromBom(head: Buffer): EncodingInfo | undefined {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: true };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: true };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: true };
  return undefined;
}

/**
 * Bytes that are not UTF-8 and hold no NUL are read as Windows-1252, where every byte is some character: a compressed
 * or encrypted blob would come out as a page of garbage "rows". Text, in any single-byte encoding, holds almost no
 * control bytes besides tab, line feed, form feed and carriage return; a blob holds one in nine.
 */
function rejectControlBytes(head: Buffer, displayName: string): void {
  let controls = 0;
  for (const byte of head) if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d) controls++;
  if (controls >= 8 && controls > head.length * 0.05) {
    throw new ExportFileError(
      displayName,
      `this is a binary file, not a CSV export (${controls} control bytes in its first ${head.length.toLocaleString('en-US')} bytes, which no text holds)`,
      'Use the CSV file downloaded from Kartra',
    );
  }
}

/** Text exports never contain NUL bytes (UTF-16 with a BOM was handled before); workbooks and images do. */
function rejectBinary(head: Buffer, displayName: string): void {
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    throw new ExportFileError(
      displayName,
      'this is a zip archive or an Excel workbook (.xlsx), not a CSV export',
      'Open it in Excel and save it as "CSV UTF-8", or unzip it and use the CSV files inside',
    );
  }
  const nul = head.indexOf(0);
  if (nul !== -1) {
    const looksUtf16 = head.length >= 4 && (head[1] === 0 || head[0] === 0) && head.indexOf(0, nul + 2) !== -1;
    throw new ExportFileError(
      displayName,
      looksUtf16
        ? 'this looks like UTF-16 text without a byte-order mark, which cannot be read safely'
        : `this is a binary file, not a CSV export (byte 0x00 at offset ${nul})`,
      looksUtf16 ? 'Save it again as "CSV UTF-8"' : 'Use the CSV file downloaded from Kartra',
    );
  }
}
