import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildAssets } from './build.ts';
import { script, styles } from './embedded.ts';
import { assetRoutes, scriptIntegrity, scriptPath, stylesCspHash } from './index.ts';

describe('evaluator assets', () => {
  it('embeds the current ballot.js and ballot.css (else run: npx tsx packages/api/src/assets/build.ts)', () => {
    expect({ script, styles }).toEqual(buildAssets());
  });

  it('names the script by its content and publishes its digests for SRI and CSP', () => {
    const hex = createHash('sha256').update(script).digest('hex');
    expect(scriptPath).toBe(`/assets/ballot.${hex.slice(0, 16)}.js`);
    expect(scriptIntegrity).toBe(`sha384-${createHash('sha384').update(script).digest('base64')}`);
    expect(stylesCspHash).toBe(`'sha256-${createHash('sha256').update(styles).digest('base64')}'`);
  });

  it('serves the script for a year, immutable, and nothing under another name', async () => {
    const app = assetRoutes();
    const response = await app.request(scriptPath);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('content-type')).toContain('javascript');
    expect(await response.text()).toBe(script);
    expect((await app.request('/assets/ballot.0000000000000000.js')).status).toBe(404);
  });

  it('serves the same script gzipped to a browser that accepts it, and plain to one that refuses gzip', async () => {
    const app = assetRoutes();
    for (let i = 0; i < 2; i++) {
      const response = await app.request(scriptPath, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
      expect(response.headers.get('content-encoding')).toBe('gzip');
      expect(response.headers.get('vary')).toContain('Accept-Encoding');
      expect(gunzipSync(Buffer.from(await response.arrayBuffer())).toString('utf8')).toBe(script);
    }
    const refused = await app.request(scriptPath, { headers: { 'accept-encoding': 'gzip;q=0, deflate' } });
    expect(refused.headers.get('content-encoding')).toBeNull();
    expect(await refused.text()).toBe(script);
  });

  it('ships no syntax newer than ES2017 to old phone browsers', () => {
    expect(script).not.toMatch(/\?\.[\w[(]|\?\?|catch\{/);
  });
});
