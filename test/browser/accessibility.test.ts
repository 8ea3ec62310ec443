// Accessibility of the evaluator pages, measured in Chromium: labels, 44 px targets, AA contrast, 200 % zoom.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { launchChromium, phone, rateAll, serveApp } from './harness.ts';

// The callbacks given to page.evaluate run in the browser; the project compiles without the DOM library.
// biome-ignore lint/suspicious/noExplicitAny: browser globals, typed only where they run
declare const document: any;
// biome-ignore lint/suspicious/noExplicitAny: as above
declare const window: any;
// biome-ignore lint/suspicious/noExplicitAny: as above
declare function getComputedStyle(element: unknown): any;
declare const Node: { TEXT_NODE: number };
// biome-ignore lint/suspicious/noExplicitAny: a DOM node inside the page
type Dom = any;

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

async function ballotPage(options: Parameters<typeof phone>[1] = {}) {
  const { tokens } = await stack.openExample({ party: 1 });
  const context = await phone(browser, options);
  const page = await context.newPage();
  await page.goto(`${server.origin}/b/${tokens.party?.[0]}`);
  return { context, page, token: tokens.party?.[0] ?? '' };
}

/** WCAG 2 contrast of every visible text against the background it is drawn on; the failures, if any. */
async function lowContrast(page: Page) {
  const { checked, failures } = await page.evaluate(() => {
    const parse = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r = 0, g = 0, b = 0]: number[]) => {
      const [R, G, B] = [r, g, b].map((v) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * (R ?? 0) + 0.7152 * (G ?? 0) + 0.0722 * (B ?? 0);
    };
    // biome-ignore lint/suspicious/noExplicitAny: a DOM element
    const background = (el: any): number[] => {
      for (let node = el; node; node = node.parentElement) {
        const rgba = parse(getComputedStyle(node).backgroundColor);
        if ((rgba[3] ?? 1) > 0) return rgba;
      }
      return [255, 255, 255];
    };
    const failures: string[] = [];
    let checked = 0;
    for (const el of Array.from<Dom>(document.querySelectorAll('body *'))) {
      const text = Array.from<Dom>(el.childNodes)
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent?.trim())
        .join('');
      if (!text || el.getClientRects().length === 0) continue;
      if (el.closest('[hidden], template') || el.disabled) continue;
      if (el.closest('label')?.querySelector('input:disabled')) continue; // disabled controls are exempt
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden') continue;
      const fg = luminance(parse(style.color));
      const bg = luminance(background(el));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      checked++;
      const size = Number.parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) failures.push(`${text.slice(0, 20)}: ${ratio.toFixed(2)}`);
    }
    return { checked, failures };
  });
  expect(checked).toBeGreaterThanOrEqual(4);
  return failures;
}

describe('accessibility', () => {
  it('ties a label to every control and a legend to every group of options', async () => {
    const { context, page } = await ballotPage();
    const unlabeled = await page.evaluate(() =>
      Array.from<Dom>(document.querySelectorAll('input:not([type=hidden]), textarea'))
        .filter((el) => !Array.from<Dom>(el.labels ?? []).some((l) => (l.textContent ?? '').trim() !== ''))
        .map((el) => el.name),
    );
    expect(unlabeled).toEqual([]);
    const ungrouped = await page.evaluate(
      () =>
        Array.from<Dom>(document.querySelectorAll('input[type=radio], input[type=checkbox]')).filter(
          (el) => !el.closest('fieldset')?.querySelector(':scope > legend')?.textContent?.trim(),
        ).length,
    );
    expect(ungrouped).toBe(0);
    await context.close();
  });

  it('makes every tap target at least 44 × 44 px on the phone', async () => {
    const { context, page } = await ballotPage();
    for (const summary of await page.locator('summary').all()) await summary.click();
    await page.locator('button[type=submit]').click(); // brings up the list of links to missing answers
    await page.locator('#issues li').first().waitFor();
    const small = await page.evaluate(() =>
      Array.from<Dom>(
        document.querySelectorAll('label.opt, summary, button, .issues a, textarea, input[type=text]'),
      )
        .map((el) => ({ el, box: el.getBoundingClientRect() }))
        .filter(({ box }) => box.height < 44 || box.width < 44)
        .map(({ el, box }) => `${el.textContent?.trim().slice(0, 12)} ${box.width}×${box.height}`),
    );
    expect(small).toEqual([]);
    expect(await page.locator('label.opt').count()).toBeGreaterThan(100);
    await context.close();
  });

  it('meets AA contrast on the ballot (with its list of missing answers), the success and the used page', async () => {
    const { context, page, token } = await ballotPage();
    await rateAll(page, {}, ['m-li']);
    await page.locator('#s-org-edu summary').click();
    await page.locator('#matters input[name=best]').first().check();
    await page.locator('#matters input[name=best]').nth(1).check(); // the others are now disabled
    await page.locator('button[type=submit]').click();
    await page.locator('#issues li').first().waitFor();
    expect(await lowContrast(page)).toEqual([]);
    await page.locator('#s-m-li .overall input[value="S"]').check();
    await page.locator('button[type=submit]').click();
    await page.locator('main .receipt').filter({ hasText: /-/ }).waitFor();
    expect(await lowContrast(page)).toEqual([]);
    const stranger = await phone(browser);
    const used = await stranger.newPage();
    await used.goto(`${server.origin}/b/${token}`);
    expect(await lowContrast(used)).toEqual([]);
    await Promise.all([context.close(), stranger.close()]);
  });

  it('stays readable at 200 % zoom: nothing wider than the screen, options reflow', async () => {
    // 200 % zoom on a 390 px phone leaves 195 CSS px of width
    const { context, page } = await ballotPage({
      viewport: { width: 195, height: 422 },
      deviceScaleFactor: 4,
    });
    for (const summary of await page.locator('summary').all()) await summary.click();
    const overflow = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth - window.innerWidth,
      cut: Array.from<Dom>(document.querySelectorAll('label.opt, legend, h1, h2, button, textarea'))
        .map((el) => el.getBoundingClientRect() as { left: number; right: number })
        .filter((box) => box.left < 0 || box.right > window.innerWidth).length,
    }));
    expect(overflow).toEqual({ page: 0, cut: 0 });
    const fontSize = await page.locator('#s-org-edu h2').evaluate((el) => getComputedStyle(el).fontSize);
    expect(Number.parseFloat(fontSize)).toBeGreaterThanOrEqual(18);
    await context.close();
  });
});
