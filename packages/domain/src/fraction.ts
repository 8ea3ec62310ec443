// Exact fractions for rule thresholds ("1/3"): compared with integers, never floats.
import * as z from 'zod';

const FRACTION = /^\d{1,6}\/\d{1,6}$/;

export const Fraction = z
  .string()
  .regex(FRACTION, '必须是形如 "1/3" 的分数')
  .refine((text) => {
    // zod runs this even after the regex failed: only judge well-formed text here.
    if (!FRACTION.test(text)) return true;
    const [n, d] = parseFraction(text);
    return d > 0n && n <= d;
  }, '分母必须大于 0，且分数不大于 1');

export function parseFraction(text: string): [numerator: bigint, denominator: bigint] {
  const [n = '', d = ''] = text.split('/');
  return [BigInt(n), BigInt(d)];
}

/** part / whole > n / d, decided as d·part > n·whole. */
export function exceeds(part: number, whole: number, fraction: string): boolean {
  const [n, d] = parseFraction(fraction);
  return d * BigInt(part) > n * BigInt(whole);
}

/** part / whole < n / d, decided as d·part < n·whole. */
export function fallsBelow(part: number, whole: number, fraction: string): boolean {
  const [n, d] = parseFraction(fraction);
  return d * BigInt(part) < n * BigInt(whole);
}
