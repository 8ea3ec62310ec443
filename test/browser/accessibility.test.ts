// Accessibility of the evaluator pages in Chromium: axe (WCAG 2.x A/AA and its best practices) on every page state,
// and what axe cannot judge: a legend for every group, 44 px targets, 200 % zoom, the jump to a missing card, and
// a progress bar that appears without moving the page.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DURING_WINDOW, startTestStack, type TestStack } from '../support/stack.ts';
import { expectNoAxeViolations, WCAG_A_AA } from './axe.ts';
import { launchChromium, phone, rateAll, serveApp, WECHAT_UA } from './harness.ts';

// The callbacks given to page.evaluate run in the browser; the project compiles without the DOM library.
// biome-ignore lint/suspicious/noExplicitAny: browser globals, typed only where they run
declare const document: any;
// biome-ignore lint/suspicious/noExplicitAny: as above
declare const window: any;
// biome-ignore lint/suspicious/noExplicitAny: as above
declare function getComputedStyle(element: unknown): any;
// biome-ignore lint/suspicious/noExplicitAny: as above
declare const PerformanceObserver: any;
// biome-ignore lint/suspicious/noExplicitAny: a DOM node inside the page
type Dom = any;

let stack: TestStack;
let server: Awaited<ReturnType<typeof serveApp>>;
let browser: Browser;
const contexts: BrowserContext[] = [];
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

/** A fresh phone, closed with the others at the end of the test that opened it. */
async function newPhone(options: Parameters<typeof phone>[1] = {}) {
  const context = await phone(browser, options);
  contexts.push(context);
  return context.newPage();
}
async function closePhones() {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
}

async function partyCode() {
  const { tokens } = await stack.openExample({ party: 1 });
  return `${server.origin}/b/${tokens.party?.[0]}`;
}

/** axe's WCAG rules and its best practices (content in landmarks, heading order) on the page as it is now. */
const axe = (page: Page) => expectNoAxeViolations(page, { tags: [...WCAG_A_AA, 'best-practice'] });
const submit = (page: Page) => page.locator('button[type=submit]').click();
const receipt = (page: Page) => page.locator('main .receipt').filter({ hasText: /-/ }).waitFor();

/** Submits a ballot with answers missing (axe on the list), then complete (axe on the success page). */
async function checkListThenSuccess(page: Page) {
  await submit(page);
  await page.locator('#issues li').first().waitFor();
  await axe(page);
  await rateAll(page, {});
  await submit(page);
  await receipt(page);
  await axe(page);
}

describe('axe on every state of the evaluator pages', () => {
  it('with the script: the ballot, its list of missing answers, the success page, the used pages', async () => {
    const url = await partyCode();
    const page = await newPhone({ userAgent: WECHAT_UA });
    await page.goto(url);
    await page.locator('#progress.live').waitFor();
    await axe(page);

    await rateAll(page, {}, ['m-li', 'c-zhao']);
    for (const summary of await page.locator('summary').all()) await summary.click();
    await page.locator('#matters input[name=best]').first().check();
    await page.locator('#matters input[name=best]').nth(1).check(); // the other options are now disabled
    await checkListThenSuccess(page);

    // this phone comes back: the used page shows its own receipt
    await page.goto(url);
    await page.locator('#mine .receipt').filter({ hasText: /-/ }).waitFor();
    await axe(page);
    // another phone with the same code
    const other = await newPhone();
    await other.goto(url);
    await other.locator('#used-page').waitFor();
    await axe(other);
    await closePhones();
  });

  it('without the script: the plain form, the list the server sends back, and the success page', async () => {
    // The page's script never arrives (axe itself needs JavaScript, so the phone keeps it on): what is left is
    // exactly what a phone without JavaScript gets, and the form posts as a plain form.
    const page = await newPhone({ userAgent: WECHAT_UA });
    await page.route('**/assets/**', (route) => route.abort('timedout'));
    await page.goto(await partyCode());
    await axe(page);
    await rateAll(page, {}, ['org-school']);
    await checkListThenSuccess(page);
    await closePhones();
  });

  it('the open link, its page for a device that voted, the English ballot, and the pages of a bad or closed code', async () => {
    const { openTokens, tokens } = await stack.openExample({ party: 1 });
    const open = `${server.origin}/b/${openTokens.public}`;
    const page = await newPhone({ userAgent: WECHAT_UA });
    await page.goto(open);
    await axe(page);
    await rateAll(page, {});
    await submit(page);
    await receipt(page);
    await page.goto(open);
    await page.locator('#used-page').waitFor();
    await axe(page);

    const english = await newPhone({ locale: 'en-US' });
    await english.goto(`${server.origin}/b/${tokens.party?.[0]}`);
    await axe(english);
    await english.goto(`${server.origin}/b/not-a-valid-code`);
    expect(await english.locator('main h1').count()).toBe(1);
    await axe(english);

    stack.clock.now = new Date('2027-01-05T10:00:00+08:00');
    try {
      const closed = await newPhone();
      const response = await closed.goto(`${server.origin}/b/${tokens.party?.[0]}`);
      expect(response?.status()).toBe(410);
      await axe(closed);
    } finally {
      stack.clock.now = DURING_WINDOW;
    }
    await closePhones();
  });
});

describe('the list of missing answers', () => {
  /** Where the heading of a card is against the sticky bar and the screen, and what has focus. */
  const placeOf = (page: Page, subject: string) =>
    page.evaluate((id: string) => {
      const heading = document.querySelector(`#s-${id} h2`).getBoundingClientRect();
      const bar = document.getElementById('progress');
      const barShown = getComputedStyle(bar).visibility === 'visible';
      return {
        headingTop: heading.top,
        headingBottom: heading.bottom,
        barBottom: barShown ? bar.getBoundingClientRect().bottom : 0,
        viewport: window.innerHeight,
        focused: document.activeElement?.id,
      };
    }, subject);

  for (const script of [true, false]) {
    it(`jumps to a missing card with its name in view below the sticky bar, and moves focus to it (${script ? 'with' : 'without'} the script)`, async () => {
      const page = await newPhone({ javaScriptEnabled: script });
      await page.goto(await partyCode());
      await rateAll(page, {}, ['org-school', 'c-zhao']);
      await submit(page);
      await page.locator('#issues li').first().waitFor();
      if (script) await page.locator('#progress.live').waitFor();

      // missing answers are marked for assistive technology too, and nothing else is
      const invalid = () =>
        page.evaluate(() =>
          Array.from<Dom>(document.querySelectorAll('[aria-invalid="true"]')).map(
            (el) =>
              `${el.name} → ${document.getElementById(el.getAttribute('aria-describedby'))?.textContent}`,
          ),
        );
      const marked = await invalid();
      expect(marked).toHaveLength(8); // four options each
      expect(new Set(marked)).toEqual(
        new Set(['a.org-school → 请选择一项总体评价', 'a.c-zhao → 请选择一项总体评价']),
      );

      for (const [index, subject] of [
        [1, 'c-zhao'],
        [0, 'org-school'],
      ] as const) {
        await page.locator('#issues a').nth(index).click();
        await expect.poll(async () => (await placeOf(page, subject)).focused).toBe(`s-${subject}`);
        const place = await placeOf(page, subject);
        expect(place.headingTop, `${subject}: heading below the bar`).toBeGreaterThanOrEqual(place.barBottom);
        expect(place.headingBottom, `${subject}: heading on the screen`).toBeLessThanOrEqual(place.viewport);
        if (script) expect(place.barBottom).toBeGreaterThan(40); // the bar is there, stuck at the top
      }

      if (script) {
        await page.locator('#s-c-zhao .overall input[value="S"]').check();
        expect(await invalid()).toEqual(Array(4).fill('a.org-school → 请选择一项总体评价'));
      }
      await closePhones();
    });
  }
});

describe('what axe cannot judge', () => {
  it('gives every group of options a legend that names it', async () => {
    const page = await newPhone();
    await page.goto(await partyCode());
    const ungrouped = await page.evaluate(
      () =>
        Array.from<Dom>(document.querySelectorAll('input[type=radio], input[type=checkbox]')).filter(
          (el) => !el.closest('fieldset')?.querySelector(':scope > legend')?.textContent?.trim(),
        ).length,
    );
    expect(ungrouped).toBe(0);
    expect(await page.locator('fieldset').count()).toBeGreaterThan(20);
    await closePhones();
  });

  it('makes every tap target at least 44 × 44 px on the phone', async () => {
    const page = await newPhone();
    await page.goto(await partyCode());
    for (const summary of await page.locator('summary').all()) await summary.click();
    await submit(page); // brings up the list of links to missing answers
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
    await closePhones();
  });

  it('stays readable at 200 % zoom: nothing wider than the screen, options reflow', async () => {
    // 200 % zoom on a 390 px phone leaves 195 CSS px of width
    const page = await newPhone({ viewport: { width: 195, height: 422 }, deviceScaleFactor: 4 });
    await page.goto(await partyCode());
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
    await closePhones();
  });

  it('shows the progress bar when the script arrives without moving anything on the page', async () => {
    const page = await newPhone({ userAgent: WECHAT_UA });
    await page.addInitScript(() => {
      const shifts: number[] = [];
      (window as { shifts?: number[] }).shifts = shifts;
      new PerformanceObserver((list: { getEntries(): { value: number }[] }) => {
        for (const entry of list.getEntries()) shifts.push(entry.value);
      }).observe({ type: 'layout-shift', buffered: true });
    });
    // the script is held back until the page has painted without it, as on a slow network
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/assets/**', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(await partyCode(), { waitUntil: 'commit' });
    await page.locator('#s-org-edu h2').waitFor();
    const before = await page.locator('.intro').boundingBox();
    expect(await page.locator('#progress').isVisible()).toBe(false);
    release();
    await page.locator('#progress.live').waitFor();
    expect(await page.locator('.intro').boundingBox()).toEqual(before);
    const shifts = await page.evaluate(() => (window as { shifts: number[] }).shifts);
    expect(shifts).toEqual([]);
    await closePhones();
  });
});
