// Password hashing with scrypt from node:crypto (memory-hard, no dependency). Each hash carries its own salt and
// parameters, so the cost can be raised later and old hashes still verify (and are re-hashed on sign-in).
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two */
  N: number;
  r: number;
  p: number;
}

/** 2^15 × 8 × 128 B = 32 MiB and ~0.1 s per hash on one core here: the cost OWASP lists for scrypt. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

const KEY_LENGTH = 32;
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFKC'),
      salt,
      KEY_LENGTH,
      { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

/** `scrypt$N=32768,r=8,p=1$<salt>$<hash>` (base64url): everything needed to verify, nothing to reverse. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return `scrypt$N=${params.N},r=${params.r},p=${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

function parse(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | undefined {
  const match = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([\w-]+)\$([\w-]+)$/.exec(stored);
  if (!match) return undefined;
  const [, N, r, p, salt, key] = match;
  return {
    params: { N: Number(N), r: Number(r), p: Number(p) },
    salt: Buffer.from(salt ?? '', 'base64url'),
    key: Buffer.from(key ?? '', 'base64url'),
  };
}

/** A fixed hash to verify against when the account does not exist, so both cases cost the same time. */
let decoy: Promise<string> | undefined;

/**
 * Checks a password against a stored hash in constant time. `rehash` says the hash was made with other
 * parameters than today's and should be replaced now that the password is known.
 */
export async function verifyPassword(
  password: string,
  stored: string | undefined,
  current: ScryptParams = DEFAULT_SCRYPT,
): Promise<{ ok: boolean; rehash: boolean }> {
  decoy ??= hashPassword('decoy password that matches nothing', current);
  const parsed = parse(stored ?? (await decoy));
  if (!parsed) return { ok: false, rehash: false };
  const key = await derive(password, parsed.salt, parsed.params);
  const ok = stored !== undefined && key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
  const p = parsed.params;
  return { ok, rehash: ok && (p.N !== current.N || p.r !== current.r || p.p !== current.p) };
}

/** What a new password must be; the message is shown next to the field. */
export function passwordProblem(password: string, account: string): string | undefined {
  if (password.length < PASSWORD_MIN) return `密码至少 ${PASSWORD_MIN} 个字符`;
  if (password.length > PASSWORD_MAX) return `密码最多 ${PASSWORD_MAX} 个字符`;
  if (password.toLowerCase().includes(account.toLowerCase())) return '密码不能包含用户名';
  if (new Set(password).size < 4) return '密码过于简单';
  return undefined;
}
