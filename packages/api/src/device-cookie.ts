// One ballot per device on an open link: a signed cookie, set when the device's ballot is stored.
//
// Value: `<tag>.<mac>`. The tag is a keyed digest of the stored ballot's submission id (the client's, or the one the
// server made when the client sent none), so a retry of the same submission (its answer was lost) is recognised and
// answered with the original receipt, and nothing else is; the cookie does not hold the submission id itself. The
// mac binds the tag to the campaign and group, so a cookie cannot be forged or moved.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

export const DEVICE_COOKIE = 'pingyi_voted';
const BYTES = 12;
const MAX_AGE_CAP = 400 * 86_400; // what browsers keep at most
const AFTER_CLOSE = 30 * 86_400;

export interface OpenLink {
  campaign: string;
  group: string;
  /** the path of the open link, /b/<token>: the cookie is sent there and nowhere else */
  path: string;
  closesAt: string;
}

const mac = (secret: Buffer, ...parts: string[]) =>
  createHmac('sha256', secret)
    .update(['pingyi-device-v1', ...parts].join('|'))
    .digest()
    .subarray(0, BYTES);

const tagOf = (secret: Buffer, link: OpenLink, submissionId: string) =>
  mac(secret, 'submission', link.campaign, link.group, submissionId).toString('base64url');

const sealOf = (secret: Buffer, link: OpenLink, tag: string) =>
  mac(secret, 'device', link.campaign, link.group, tag).toString('base64url');

export function deviceMark(secret: Buffer, link: OpenLink, submissionId: string): string {
  const tag = tagOf(secret, link, submissionId);
  return `${tag}.${sealOf(secret, link, tag)}`;
}

const equal = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** What this device's cookie says about the link: nothing, or that it voted (and with which submission). */
export function readDeviceMark(secret: Buffer, link: OpenLink, c: Context): { tag: string } | undefined {
  const value = getCookie(c, DEVICE_COOKIE);
  const [tag, seal, ...rest] = (value ?? '').split('.');
  if (!tag || !seal || rest.length > 0) return undefined;
  return equal(seal, sealOf(secret, link, tag)) ? { tag } : undefined;
}

/** Whether a submit from a device that voted is that same ballot again (a retry), not a second one. */
export function isSameSubmission(
  secret: Buffer,
  link: OpenLink,
  mark: { tag: string },
  submissionId: unknown,
): boolean {
  return (
    typeof submissionId === 'string' &&
    submissionId !== '' &&
    equal(mark.tag, tagOf(secret, link, submissionId))
  );
}

export function setDeviceMark(secret: Buffer, link: OpenLink, c: Context, submissionId: string, now: Date) {
  const untilClose = Math.ceil((Date.parse(link.closesAt) - now.getTime()) / 1000);
  setCookie(c, DEVICE_COOKIE, deviceMark(secret, link, submissionId), {
    path: link.path,
    httpOnly: true,
    sameSite: 'Lax',
    secure: new URL(c.req.url).protocol === 'https:',
    maxAge: Math.min(MAX_AGE_CAP, Math.max(86_400, untilClose + AFTER_CLOSE)),
  });
}
