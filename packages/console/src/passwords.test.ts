import { describe, expect, it } from 'vitest';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.ts';

const cheap = { N: 2 ** 10, r: 8, p: 1 };

describe('password hashes', () => {
  it('verify the right password and refuse a wrong one', async () => {
    const stored = await hashPassword('correct horse battery', cheap);
    expect(stored).toMatch(/^scrypt\$N=1024,r=8,p=1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('correct horse battery', stored, cheap)).toEqual({ ok: true, rehash: false });
    expect((await verifyPassword('correct horse batterz', stored, cheap)).ok).toBe(false);
  });

  it('salt every hash, so the same password never stores the same text', async () => {
    expect(await hashPassword('same password here', cheap)).not.toBe(
      await hashPassword('same password here', cheap),
    );
  });

  it('verify a hash made with older parameters and ask for a new one', async () => {
    const old = await hashPassword('kept from last year', { N: 2 ** 9, r: 8, p: 1 });
    expect(await verifyPassword('kept from last year', old, cheap)).toEqual({ ok: true, rehash: true });
  });

  it('refuse an account without a password and a damaged hash', async () => {
    expect((await verifyPassword('anything at all', undefined, cheap)).ok).toBe(false);
    expect((await verifyPassword('anything at all', 'scrypt$garbage', cheap)).ok).toBe(false);
  });

  it('say what is wrong with a weak password', () => {
    expect(passwordProblem('short', 'zhang')).toContain('至少');
    expect(passwordProblem('zhang-2026-pass', 'zhang')).toContain('用户名');
    expect(passwordProblem('aaaaaaaaaaaa', 'zhang')).toContain('简单');
    expect(passwordProblem('a fine pass phrase', 'zhang')).toBeUndefined();
  });
});
