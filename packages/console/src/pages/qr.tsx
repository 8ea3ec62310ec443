// QR codes inside console pages: a code's QR code in the issued-codes table, and the open link with its QR code,
// poster and link on the campaign page.
import { raw } from 'hono/html';

/** An issued code's QR code, small enough for a table row and large enough to scan from the screen. */
export const CodeQr = (props: { svg: string }) => <span class="qr-small">{raw(props.svg)}</span>;

/** An open-channel group's link, its QR code (served as an image) and its printable poster. */
export function OpenLinkCell(props: { campaignId: string; group: string; link: string }) {
  const base = `/console/campaigns/${props.campaignId}`;
  return (
    <div class="open-link">
      <img
        src={`${base}/open-qr.svg?group=${encodeURIComponent(props.group)}`}
        alt={`公开链接的二维码：${props.link}`}
        width="120"
        height="120"
      />
      <div>
        <div class="link-box">{props.link}</div>
        <a href={`${base}/poster?group=${encodeURIComponent(props.group)}`}>打印海报…</a>
      </div>
    </div>
  );
}
