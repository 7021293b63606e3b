import { describe, expect, it } from 'vitest';
import { parseKartraPhone } from '../../src/kartra/phone.js';

describe('parseKartraPhone', () => {
  it.each([
    ['2125550147', '+1', '+12125550147'],
    ['(212) 555-0147', '+1', '+12125550147'],
    ['212.555.0147', '1', '+12125550147'],
    ['2125550147', '', '+12125550147'], // empty calling code: Kartra's default +1
    ['+12125550147', '+1', '+12125550147'], // the full number pasted into phone: not "+1 +1 ..."
    ['12125550147', '+1', '+12125550147'],
    ['07911 123456', '+44', '+447911123456'],
    ['7911123456', '44', '+447911123456'],
    ['0044 7911 123456', '+1', '+447911123456'],
    ['412345678', '+61', '+61412345678'],
  ])('%j with code %j → %s', (phone, code, e164) => {
    expect(parseKartraPhone(phone, code)?.number).toBe(e164);
  });

  it.each([
    ['', '+1'],
    ['   ', '+1'],
    ['5.55123E+09', '+1'],
    ['12', '+1'],
    ['x12', '+1'],
    ['555-CALL', '+1'],
  ])('%j with code %j is not a number', (phone, code) => {
    expect(parseKartraPhone(phone, code)).toBeUndefined();
  });
});
