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

const headers = Object.entries({
  // the page is the voter's own: never cached by a proxy, never kept after the tab is gone
  'Cache-Control': 'no-store',
  // the URL holds the code: no Referer header to anyone, ever
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': evaluatorCsp,
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  Vary: 'Accept-Language, Accept-Encoding',
});

/**
 * Set before the route runs, so every answer made through the context carries them (error pages too). Setting
 * them on a finished answer instead makes hono rebuild it as a web Response, once per header (about 0.3 ms of CPU
 * per ballot, `npm run profile`); that is done only for an answer that came without them.
 */
export const evaluatorHeaders: MiddlewareHandler = async (c, next) => {
  for (const [name, value] of headers) c.header(name, value);
  await next();
  if (c.res.headers.get('Content-Security-Policy') === evaluatorCsp) return;
  for (const [name, value] of headers) c.header(name, value);
};
