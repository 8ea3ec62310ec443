// The browser the tests drive: the one npm installed unless one is named, drawing only with the fonts npm installed.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { CHROMIUM_ENV, chromiumSetup } from './chromium.ts';
import { launchChromium, phone, serveApp } from './harness.ts';

let stack: TestStack;
let server: Awaited<ReturnType<typeof serveApp>>;
let browser: Browser;
beforeAll(async () => {
  stack = await startTestStack();
  server = await serveApp(stack.app.fetch);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await stack?.stop();
});

describe('which Chromium', () => {
  const chosen = process.env[CHROMIUM_ENV];
  afterEach(() => {
    if (chosen === undefined) delete process.env[CHROMIUM_ENV];
    else process.env[CHROMIUM_ENV] = chosen;
  });

  it('is the pinned @sparticuz/chromium, unpacked under node_modules, unless one is named', async () => {
    delete process.env[CHROMIUM_ENV];
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      // the package has no build for this machine: it says so and names the way out, never picks another browser
      await expect(chromiumSetup()).rejects.toThrow(`${CHROMIUM_ENV}=/path/to/chromium`);
      return;
    }
    const setup = await chromiumSetup();
    expect(setup.source).toMatch(/^@sparticuz\/chromium \d+\.\d+\.\d+$/);
    expect(setup.executablePath).toMatch(
      /node_modules\/\.cache\/pingyi-browser\/sparticuz-[\d.]+-x64\/chromium$/,
    );
    expect(setup.env.LD_LIBRARY_PATH).toMatch(/sparticuz-[\d.]+-x64\/lib$/);
  });

  it('takes the browser named by PINGYI_CHROMIUM, and refuses a name that is not a program', async () => {
    const script = join(tmpdir(), `not-a-browser-${process.pid}`);
    writeFileSync(script, '', { mode: 0o644 });
    process.env[CHROMIUM_ENV] = script;
    await expect(chromiumSetup()).rejects.toThrow(`${CHROMIUM_ENV}=${script} is not an executable file`);
    process.env[CHROMIUM_ENV] = process.execPath; // any executable: the choice is taken as given
    const setup = await chromiumSetup();
    expect(setup).toMatchObject({ executablePath: process.execPath, source: CHROMIUM_ENV });
    expect(setup.env.LD_LIBRARY_PATH).toBe(process.env.LD_LIBRARY_PATH);
  });
});

describe('fonts', () => {
  it('draws every text of the ballot page with the Noto Sans SC from npm, regular and bold, never a system font', async () => {
    const { tokens } = await stack.openExample({ party: 1 });
    const context = await phone(browser);
    const page = await context.newPage();
    await page.goto(`${server.origin}/b/${tokens.party?.[0]}`);
    const cdp = await context.newCDPSession(page);
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const { nodeIds } = await cdp.send('DOM.querySelectorAll', {
      nodeId: root.nodeId,
      selector: 'h1, h2, legend, label, p, button, summary',
    });
    const used = new Set<string>();
    let glyphs = 0;
    for (const nodeId of nodeIds) {
      const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
      for (const font of fonts) {
        used.add(`${font.familyName} ${font.postScriptName ?? ''}`);
        glyphs += font.glyphCount;
      }
    }
    expect([...used].sort()).toEqual(['Noto Sans SC NotoSansSC-Bold', 'Noto Sans SC NotoSansSC-Regular']);
    expect(glyphs).toBeGreaterThan(500);
    await context.close();
  });
});
