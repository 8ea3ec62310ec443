import type { Context } from 'hono';
import { describe, expect, it } from 'vitest';
import {
  DEVICE_COOKIE,
  deviceMark,
  isSameSubmission,
  type OpenLink,
  readDeviceMark,
} from './device-cookie.ts';

const secret = Buffer.from('device-cookie-test-secret-0123456789');
const link: OpenLink = {
  campaign: '0a1b2c3d',
  group: 'public',
  path: '/b/x',
  closesAt: '2026-12-30T18:00:00+08:00',
};
const withCookie = (value: string) =>
  ({
    req: { raw: new Request('http://localhost/b/x', { headers: { cookie: `${DEVICE_COOKIE}=${value}` } }) },
  }) as unknown as Context;

describe('device cookie of an open link', () => {
  it('reads back a mark it signed, and recognises the same submission', () => {
    const mark = readDeviceMark(secret, link, withCookie(deviceMark(secret, link, 'submission-aaaaaaaa')));
    expect(mark).toBeDefined();
    expect(isSameSubmission(secret, link, mark as { tag: string }, 'submission-aaaaaaaa')).toBe(true);
    expect(isSameSubmission(secret, link, mark as { tag: string }, 'submission-bbbbbbbb')).toBe(false);
    expect(isSameSubmission(secret, link, mark as { tag: string }, undefined)).toBe(false);
  });

  it('does not hold the submission id in the clear', () => {
    expect(deviceMark(secret, link, 'submission-aaaaaaaa')).not.toContain('submission');
  });

  it('ignores a forged, truncated, or foreign mark', () => {
    const genuine = deviceMark(secret, link, 'submission-aaaaaaaa');
    const [tag] = genuine.split('.');
    expect(readDeviceMark(secret, link, withCookie(`${tag}.AAAAAAAAAAAAAAAA`))).toBeUndefined();
    expect(readDeviceMark(secret, link, withCookie(tag ?? ''))).toBeUndefined();
    expect(readDeviceMark(secret, link, withCookie(`${genuine}.x`))).toBeUndefined();
    const otherCampaign = { ...link, campaign: '0a1b2c3e' };
    expect(readDeviceMark(secret, otherCampaign, withCookie(genuine))).toBeUndefined();
    const otherSecret = Buffer.from('another-secret-another-secret-000000');
    expect(readDeviceMark(otherSecret, link, withCookie(genuine))).toBeUndefined();
  });
});
