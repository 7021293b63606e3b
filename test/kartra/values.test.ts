import { describe, expect, it } from 'vitest';
import {
  characterCount,
  hasMojibake,
  isBooleanWord,
  isEmail,
  isExcelScientific,
  isFormulaLike,
  isMoney,
  isNumber,
  isPhoneShaped,
  isPlaceholder,
  isUrl,
  isZeroDate,
} from '../../src/kartra/values.js';

describe('value tests', () => {
  it.each([
    ['ann@example.com', true],
    ['Ann.Lee+tag@sub.example.co.uk', true],
    ['john@', false],
    ['@example.com', false],
    ['ann@example', false],
    ['ann lee@example.com', false],
    ['N/A', false],
  ])('isEmail(%j) = %s', (v, expected) => expect(isEmail(v)).toBe(expected));

  it.each([
    ['N/A', true],
    ['n/a', true],
    ['#N/A', true],
    ['NULL', true],
    ['NA', false],
    ['none', false],
    ['', false],
  ])('isPlaceholder(%j) = %s', (v, expected) => expect(isPlaceholder(v)).toBe(expected));

  it.each([
    ['5.55123E+09', true],
    ['5E+9', true],
    ['1.2e+10', true],
    ['5551234567', false],
    ['E+09', false],
  ])('isExcelScientific(%j) = %s', (v, expected) => expect(isExcelScientific(v)).toBe(expected));

  it.each([
    ['0000-00-00 00:00:00', true],
    ['0000-00-00', true],
    ['2024-01-01', false],
  ])('isZeroDate(%j) = %s', (v, expected) => expect(isZeroDate(v)).toBe(expected));

  it.each([
    ['JosÃ©', true],
    ['Oâ€™Brien', true],
    ['José', false],
    ['Ã', false],
  ])('hasMojibake(%j) = %s', (v, expected) => expect(hasMojibake(v)).toBe(expected));

  it.each([
    ['=HYPERLINK("http://x")', true],
    ['@handle', true],
    ['+cmd|stuff', true],
    ['-2+3', true],
    ['-49.00', false],
    ['+1', false],
    ['+1 (212) 555-0147', false],
    ['Ann', false],
  ])('isFormulaLike(%j) = %s', (v, expected) => expect(isFormulaLike(v)).toBe(expected));

  it.each([
    ['https://example.com/a', true],
    ['http://example.org', true],
    ['www.example.net', true],
    ['example.com', false],
    ['https://', false],
  ])('isUrl(%j) = %s', (v, expected) => expect(isUrl(v)).toBe(expected));

  it.each([
    ['42', true, true],
    ['-12.50', true, true],
    ['$1,234.00', false, true],
    ['1,234.50', false, true],
    ['-€12', false, true],
    ['£0.99', false, true],
    ['12,34', false, false],
    ['abc', false, false],
  ])('%j: number %s, money %s', (v, number, money) => {
    expect(isNumber(v)).toBe(number);
    expect(isMoney(v)).toBe(money);
  });

  it.each(['yes', 'No', 'TRUE', 'false', 'Y', 'n'])('isBooleanWord(%j)', (v) => expect(isBooleanWord(v)).toBe(true));
  it.each(['0', '1', 'maybe'])('isBooleanWord(%j) is false (digits are handled by the profiler)', (v) => expect(isBooleanWord(v)).toBe(false));

  it.each([
    ['(212) 555-0147', true],
    ['212.555.0147', true],
    ['+44 7700 900123', true],
    ['555-0147 x12', true],
    ['12', false],
    ['555-CALL-NOW', false],
  ])('isPhoneShaped(%j) = %s', (v, expected) => expect(isPhoneShaped(v)).toBe(expected));

  it('characterCount counts an emoji as one character, also beyond 255 UTF-16 units', () => {
    expect(characterCount('😀')).toBe(2); // short path: UTF-16 units, an upper bound
    const long = '😀'.repeat(200); // 400 UTF-16 units, 200 characters
    expect(characterCount(long)).toBe(200);
  });
});
