// Slips, posters and voided codes through the console on DynamoDB Local: a print page holds one SVG QR code per
// issued code, a voided code's link answers with a page that says so and its ballot is refused, a used code cannot be
// voided, the ledger adds up, and the void is audited with the account that did it.
import { listAudit } from '@pingyi/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountWithPassword, type ConsoleClient } from '../support/console.ts';
import { exampleCampaign, startTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let org: ConsoleClient;

beforeAll(async () => {
  stack = await startTestStack();
  org = await accountWithPassword(stack, 'org', 'organizer');
});
afterAll(async () => {
  await stack?.stop();
});

/** Every subject rated 满意: a valid ballot for the example's party members. */
const ballot = () => ({
  answers: Object.fromEntries(
    (exampleCampaign.subjects as { id: string }[]).map((s) => [s.id, { overall: 'S' }]),
  ),
});

const cells = (html: string, group: string) =>
  Object.fromEntries(
    [
      ...(new RegExp(`<tr data-group="${group}">([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? '').matchAll(
        /data-cell="(\w+)">(\d+)</g,
      ),
    ].map((m) => [m[1], Number(m[2])]),
  );

describe('slips, posters and voided codes', () => {
  it('prints slips with QR codes, voids a lost one, refuses its ballot, and keeps the ledger adding up', async () => {
    await org.get('/console/campaigns/new');
    const created = await org.post('/console/campaigns', {
      source: 'template',
      template: 'education-bureau',
      title: '二维码测试活动',
      opensAt: '2026-12-01T08:00',
      closesAt: '2026-12-20T18:00',
    });
    const id = /campaigns\/([0-9a-f]{8})/.exec(created.location ?? '')?.[1] ?? '';
    expect((await org.submit(`/console/campaigns/${id}`, `/console/campaigns/${id}/open`)).status).toBe(303);

    const slips = await org.submit(
      `/console/campaigns/${id}/slips?group=party`,
      `/console/campaigns/${id}/slips`,
      {
        group: 'party',
        count: '13',
      },
    );
    expect(slips.status).toBe(201);
    expect(slips.headers.get('content-security-policy')).toContain('style-src');
    expect(slips.text.match(/<div class="slip"/g)).toHaveLength(13);
    expect(slips.text.match(/<svg /g)).toHaveLength(13);
    expect(slips.text.match(/<section class="sheet"/g)).toHaveLength(2);
    expect(slips.text).toContain('微信扫码参加评议，每码限用一次');
    expect(slips.text).toContain('党员 · 序号 13');
    const links = [...slips.text.matchAll(/<p class="link">([^<]+)<\/p>/g)].map((m) => m[1] ?? '');
    expect(links).toHaveLength(13);
    const tokenOf = (serial: number) => new URL(links[serial - 1] ?? '').pathname.slice('/b/'.length);

    // the open link's poster and its QR image
    const poster = await org.get(`/console/campaigns/${id}/poster?group=public`);
    expect(poster.status).toBe(200);
    expect(poster.text.match(/<svg /g)).toHaveLength(1);
    const qr = await org.get(`/console/campaigns/${id}/open-qr.svg?group=public`);
    expect(qr.headers.get('content-type')).toContain('image/svg+xml');
    expect((await org.get(`/console/campaigns/${id}/poster?group=party`)).status).toBe(404);

    // serial 1 votes; serial 3 is lost and voided
    expect((await stack.call('POST', `/b/${tokenOf(1)}`, ballot())).status).toBe(201);
    const voided = await org.submit(
      `/console/campaigns/${id}/ledger`,
      `/console/campaigns/${id}/ledger/void`,
      {
        group: 'party',
        serial: '3',
      },
    );
    expect(voided.status).toBe(303);
    const page = await stack.call('GET', `/b/${tokenOf(3)}`);
    expect(page.status).toBe(410);
    expect(page.text).toContain('评议码已作废');
    const refused = await stack.call('POST', `/b/${tokenOf(3)}`, ballot());
    expect(refused.status).toBe(410);
    expect(refused.json.error.code).toBe('code_void');

    // a used code, or one never issued, cannot be voided; voiding twice changes nothing
    const used = await org.submit(`/console/campaigns/${id}/ledger`, `/console/campaigns/${id}/ledger/void`, {
      group: 'party',
      serial: '1',
    });
    expect(used.status).toBe(400);
    expect(used.text).toContain('已经投过票，不能作废');
    const unknown = await org.post(`/console/campaigns/${id}/ledger/void`, { group: 'party', serial: '14' });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('尚未发放');
    expect(
      (await org.post(`/console/campaigns/${id}/ledger/void`, { group: 'party', serial: '3' })).status,
    ).toBe(303);

    await stack.poller.idle();
    const ledger = await org.get(`/console/campaigns/${id}/ledger`);
    expect(cells(ledger.text, 'party')).toEqual({ issued: 13, used: 1, void: 1, unused: 11 });
    expect(cells(ledger.text, 'staff')).toEqual({ issued: 0, used: 0, void: 0, unused: 0 });

    // the dashboard, its projector view and the fragment the projector fetches: one consistent count
    for (const path of ['dashboard', 'dashboard/projector', 'dashboard/live']) {
      const board = await org.get(`/console/campaigns/${id}/${path}`);
      expect(board.status, path).toBe(200);
      expect(board.text).toContain('<strong id="ballots">1</strong>');
      expect(board.text).toContain('<td class="num" data-turnout="party">1</td>');
    }

    const voids = (await listAudit(stack.db, id)).filter((e) => e.action === 'codes-void');
    expect(voids).toHaveLength(1);
    expect(voids[0]?.actor).toEqual({ type: 'account', name: 'org' });
    expect(voids[0]?.detail).toEqual({ group: 'party', serial: 3 });
  });
});
