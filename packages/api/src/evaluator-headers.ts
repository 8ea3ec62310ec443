// Security headers of the evaluator routes (/b/<code>): the code is in the path, so nothing may leak it.
import type { MiddlewareHandler } from 'hono';
import { stylesCspHash } from './assets/index.ts';

/**
 * No inline script at all (the one script is a same-origin file with SRI); the inline stylesheet is allowed by
 * its hash; no framing; forms and fetches go only to this origin; no base-URI tricks.
 */
export const evaluatorCsp = [
  "default-src 'none'",
  "script-src 'self'",
  `style-src ${stylesCspHash}`,
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const evaluatorHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  // the page is the voter's own: never cached by a proxy, never kept after the tab is gone
  c.header('Cache-Control', 'no-store');
  // the URL holds the code: no Referer header to anyone, ever
  c.header('Referrer-Policy', 'no-referrer');
  c.header('Content-Security-Policy', evaluatorCsp);
  c.header('X-Frame-Options', 'DENY');
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Cross-Origin-Opener-Policy', 'same-origin');
  c.header('Vary', 'Accept-Language, Accept-Encoding');
};
