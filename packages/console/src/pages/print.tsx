// The print pages: A4 sheets of numbered slips (12 a sheet) and the open link's poster. Whole documents of their
// own, without the console's frame, so what the screen shows is what the printer gets; every QR code is SVG drawn
// on the server, so a thousand slips are markup the browser lays out once.
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { printStyles } from '../print-styles.ts';

export const SLIPS_PER_SHEET = 12;
export const SLIP_INSTRUCTION = '微信扫码参加评议，每码限用一次';

export interface Slip {
  serial: number;
  url: string;
  /** the QR code of url, as SVG markup from qrSvg() */
  svg: string;
}

/** A page without the console's frame (print pages, the projector): its own stylesheet, optionally a script. */
export function StandaloneDocument(props: {
  title: string;
  styles: string;
  script?: Child;
  children: Child;
}) {
  return (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{`${props.title} · 评议管理`}</title>
        <link rel="icon" href="data:," />
        <style dangerouslySetInnerHTML={{ __html: props.styles }} />
        {props.script ?? null}
      </head>
      <body>{props.children}</body>
    </html>
  );
}

const PrintDocument = (props: { title: string; children: Child }) => (
  <StandaloneDocument title={props.title} styles={printStyles}>
    {props.children}
  </StandaloneDocument>
);

/** Sheets of slips; the header on screen says what to do and is not printed. */
export function SlipsPage(props: {
  campaignId: string;
  campaignTitle: string;
  groupLabel: string;
  slips: Slip[];
  /** the serial a reissued slip replaces (voided just before), said in the heading */
  replaces?: number | undefined;
}) {
  const sheets: Slip[][] = [];
  for (let i = 0; i < props.slips.length; i += SLIPS_PER_SHEET)
    sheets.push(props.slips.slice(i, i + SLIPS_PER_SHEET));
  const first = props.slips[0]?.serial ?? 0;
  const last = props.slips.at(-1)?.serial ?? 0;
  return (
    <PrintDocument title={`评议码打印 · ${props.groupLabel}`}>
      <header class="screen-only">
        {props.replaces === undefined ? (
          <h1>
            已为“{props.groupLabel}”生成 {props.slips.length} 个评议码（序号 {first}–{last}），共{' '}
            {sheets.length} 页 A4
          </h1>
        ) : (
          <h1>
            “{props.groupLabel}”序号 {props.replaces} 已作废，补发序号 {first}
          </h1>
        )}
        <p>请按 Ctrl+P（Mac：⌘+P）打印：纸张 A4、纵向、缩放 100%。剪开后随机发放，不要记录谁拿到哪个序号。</p>
        <p>此页面离开后不再显示这些评议码；遗失的评议码可在活动页面作废。</p>
        <p>
          <a href={`/console/campaigns/${props.campaignId}`}>返回活动</a>
        </p>
      </header>
      <main>
        {sheets.map((sheet, i) => (
          <section class="sheet" aria-label={`第 ${i + 1} 页`}>
            {sheet.map((slip) => (
              <div class="slip" data-serial={slip.serial}>
                {raw(slip.svg)}
                <p class="link">{slip.url}</p>
                <p class="title">{props.campaignTitle}</p>
                <p class="meta">
                  {props.groupLabel} · 序号 {slip.serial}
                </p>
                <p class="how">{SLIP_INSTRUCTION}</p>
              </div>
            ))}
          </section>
        ))}
      </main>
    </PrintDocument>
  );
}

/** One large QR code of an open link, for a notice board. */
export function PosterPage(props: {
  campaignId: string;
  campaignTitle: string;
  groupLabel: string;
  url: string;
  svg: string;
}) {
  return (
    <PrintDocument title={`评议海报 · ${props.groupLabel}`}>
      <header class="screen-only">
        <p>请按 Ctrl+P（Mac：⌘+P）打印：纸张 A4、纵向、缩放 100%。</p>
        <p>
          <a href={`/console/campaigns/${props.campaignId}`}>返回活动</a>
        </p>
      </header>
      <main class="poster">
        <h1>{props.campaignTitle}</h1>
        <p class="group">{props.groupLabel}</p>
        {raw(props.svg)}
        <p class="how">微信扫一扫，参加评议</p>
        <p class="link">{props.url}</p>
      </main>
    </PrintDocument>
  );
}
