// QR codes as inline SVG, drawn on the server with the kept `qrcode` library: a printed sheet of a thousand slips
// is plain markup the browser lays out once, with no script per code.
import QRCode from 'qrcode';

/** The SVG of a QR code for a link, announced to screen readers as an image (the link stands next to it as text). */
export async function qrSvg(link: string): Promise<string> {
  // level M survives a creased or slightly smudged slip; a 4-module quiet zone is what scanners expect
  const svg = await QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
  return svg.replace('<svg ', '<svg role="img" aria-label="评议链接的二维码" ');
}

/** The QR codes of many links, in order. */
const qrSvgs = (links: string[]): Promise<string[]> => Promise.all(links.map(qrSvg));

/** Issued codes as printable slips: each with its QR code. */
export async function slipsOf<T extends { url: string }>(codes: T[]): Promise<(T & { svg: string })[]> {
  const svgs = await qrSvgs(codes.map((code) => code.url));
  return codes.map((code, i) => ({ ...code, svg: svgs[i] ?? '' }));
}
