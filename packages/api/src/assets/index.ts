// The evaluator pages' script and stylesheet: content-addressed names and digests for the page, CSP and SRI.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { accepts } from 'hono/accepts';
import { script, styles } from './embedded.ts';

const digest = (text: string, algorithm: 'sha256' | 'sha384') =>
  createHash(algorithm).update(text, 'utf8').digest('base64');

/** The script's URL changes with its content, so it can be cached for a year and never go stale. */
export const scriptPath = `/assets/ballot.${createHash('sha256').update(script).digest('hex').slice(0, 16)}.js`;
/** Subresource integrity of the script: a tampered copy (a meddling proxy) is refused, not run. */
export const scriptIntegrity = `sha384-${digest(script, 'sha384')}`;

/** Inlined into each page (no extra round trip before first paint on a weak signal), allowed by this hash. */
export { styles };
export const stylesCspHash = `'sha256-${digest(styles, 'sha256')}'`;

export function assetRoutes() {
  const app = new Hono();
  // Compressed once per process, not per request: a meeting's evaluators all fetch it within a minute.
  let gzipped: Uint8Array<ArrayBuffer> | undefined;
  app.get(scriptPath, (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Vary', 'Accept-Encoding');
    if (accepts(c, { header: 'Accept-Encoding', supports: ['gzip'], default: 'identity' }) === 'gzip') {
      gzipped ??= new Uint8Array(gzipSync(script));
      c.header('Content-Encoding', 'gzip');
      return c.body(gzipped);
    }
    return c.body(script);
  });
  return app;
}
