// QR codes as inline SVG, drawn on the server with the kept `qrcode` library: a printed sheet of a thousand slips
// is plain markup the browser lays out once, with no script per code.
import QRCode from 'qrcode';

const escapeAttribute = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The SVG of a QR code for a link, announced to screen readers as an image with the link as its name. */
export async function qrSvg(link: string): Promise<string> {
  // level M survives a creased or slightly smudged slip; a 4-module quiet zone is what scanners expect
  const svg = await QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
  return svg.replace('<svg ', `<svg role="img" aria-label="二维码：${escapeAttribute(link)}" `);
}

/** The QR codes of many links, in order. */
export const qrSvgs = (links: string[]): Promise<string[]> => Promise.all(links.map(qrSvg));
