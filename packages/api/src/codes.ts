// Single-use QR codes: a token that names campaign, group and serial, signed so it is checked without a read.
//
// Layout (20 bytes → 27 base64url characters, so https://<typical domain>/b/<token> stays ≤ 60 characters):
//   4 bytes campaign id (8 hex) | 1 byte group index | 3 bytes serial | 12 bytes HMAC-SHA256 (96 bits)
// Serial 0 is the open link of an `open` group; codes of `token` and `paper` groups start at 1.
// 20 bytes fill 26 2/3 base64url characters: the last character carries 2 unused bits, so four spellings decode to
// the same bytes. Only the spelling we print (unused bits zero) is a code; the others are refused as forged, so a
// code, its ballot key and the open link's cookie path each have exactly one form.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TOKEN_LENGTH = 27;
const MAC_BYTES = 12;
export const MAX_SERIAL = 0xff_ff_ff;

export interface CodeClaims {
  campaign: string;
  groupIndex: number;
  serial: number;
}

function mac(secret: Buffer, payload: Buffer): Buffer {
  return createHmac('sha256', secret)
    .update('pingyi-code-v1')
    .update(payload)
    .digest()
    .subarray(0, MAC_BYTES);
}

export function signCode(secret: Buffer, claims: CodeClaims): string {
  if (!/^[0-9a-f]{8}$/.test(claims.campaign)) throw new Error('campaign id must be 8 hex characters');
  if (claims.groupIndex < 0 || claims.groupIndex > 0xff) throw new Error('group index out of range');
  if (claims.serial < 0 || claims.serial > MAX_SERIAL) throw new Error('serial out of range');
  const payload = Buffer.alloc(8);
  payload.write(claims.campaign, 0, 'hex');
  payload.writeUInt8(claims.groupIndex, 4);
  payload.writeUIntBE(claims.serial, 5, 3);
  return Buffer.concat([payload, mac(secret, payload)]).toString('base64url');
}

/** The claims of a genuine token; undefined for anything we did not sign. */
export function verifyCode(secret: Buffer, token: string): CodeClaims | undefined {
  if (token.length !== TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length !== 8 + MAC_BYTES || bytes.toString('base64url') !== token) return undefined;
  const payload = bytes.subarray(0, 8);
  if (!timingSafeEqual(bytes.subarray(8), mac(secret, payload))) return undefined;
  return {
    campaign: payload.toString('hex', 0, 4),
    groupIndex: payload.readUInt8(4),
    serial: payload.readUIntBE(5, 3),
  };
}
