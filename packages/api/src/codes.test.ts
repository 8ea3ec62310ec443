import { describe, expect, it } from 'vitest';
import { signCode, TOKEN_LENGTH, verifyCode } from './codes.ts';

const secret = Buffer.from('a-test-secret-that-is-long-enough-0123456789');

describe('QR codes', () => {
  it('round-trips campaign, group and serial through a 27-character token', () => {
    const token = signCode(secret, { campaign: '0a1b2c3d', groupIndex: 2, serial: 123_456 });
    expect(token).toHaveLength(TOKEN_LENGTH);
    expect(verifyCode(secret, token)).toEqual({ campaign: '0a1b2c3d', groupIndex: 2, serial: 123_456 });
  });

  it('keeps a printed link within 60 characters for a typical county domain', () => {
    const token = signCode(secret, { campaign: 'ffffffff', groupIndex: 255, serial: 16_777_215 });
    expect(`https://py.example.gov.cn/b/${token}`.length).toBeLessThanOrEqual(60);
  });

  it('rejects a token with one character changed, a token signed with another secret, and junk', () => {
    const token = signCode(secret, { campaign: '0a1b2c3d', groupIndex: 0, serial: 1 });
    const flipped = `${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`;
    expect(verifyCode(secret, flipped)).toBeUndefined();
    expect(verifyCode(Buffer.from('another-secret-another-secret-another'), token)).toBeUndefined();
    expect(verifyCode(secret, 'x')).toBeUndefined();
    expect(verifyCode(secret, '!'.repeat(TOKEN_LENGTH))).toBeUndefined();
  });
});

describe('one spelling per code', () => {
  /** The four tokens that differ only in the 2 unused bits of the last character (the printed one first). */
  const spellings = (token: string) => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(token.at(-1) ?? '');
    return [0, 1, 2, 3].map((bits) => `${token.slice(0, -1)}${alphabet[(last & ~3) | bits]}`);
  };

  it('accepts the printed spelling only, not the three that decode to the same bytes', () => {
    const token = signCode(secret, { campaign: '0a1b2c3d', groupIndex: 1, serial: 42 });
    const all = spellings(token);
    expect(all).toContain(token);
    expect(new Set(all.map((t) => Buffer.from(t, 'base64url').toString('hex'))).size).toBe(1);
    expect(all.filter((t) => verifyCode(secret, t) !== undefined)).toEqual([token]);
  });
});
