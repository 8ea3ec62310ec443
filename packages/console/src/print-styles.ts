// The stylesheet of the print pages (slips and posters), allowed by its own hash in the CSP: A4 sheets laid out in
// millimetres with @page, so the browser prints exactly the sheets the screen shows, with its own fonts.
import { createHash } from 'node:crypto';

export const printStyles = `
@page{size:A4 portrait;margin:8mm}
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0;font-family:"Noto Sans SC","Noto Sans CJK SC","Microsoft YaHei","PingFang SC",system-ui,sans-serif;color:#000;background:#fff;line-height:1.35}
a{color:#0b4f8a}
a:focus-visible{outline:3px solid #e8a317;outline-offset:2px}
.screen-only{max-width:194mm;margin:1rem auto;padding:.75rem 1rem;background:#e9f1f9;border-left:5px solid #0b4f8a;font-size:16px}
.screen-only h1{font-size:1.25rem;margin:0 0 .25rem}
.screen-only p{margin:.25rem 0}
.sheet{width:194mm;height:280mm;margin:0 auto;display:grid;grid-template-columns:repeat(3,1fr);grid-template-rows:repeat(4,1fr);break-after:page;page-break-after:always;overflow:hidden}
.sheet:last-child{break-after:auto;page-break-after:auto}
.slip{border:.3mm dashed #666;padding:2.5mm 3mm;display:flex;flex-direction:column;align-items:center;justify-content:center;text-align:center;overflow:hidden}
.slip svg{width:40mm;height:40mm;display:block}
.slip .link{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:6.5pt;word-break:break-all;margin:.5mm 0 1mm}
.slip .title{font-size:8.5pt;font-weight:700;margin:0}
.slip .meta{font-size:8pt;margin:.5mm 0}
.slip .how{font-size:8.5pt;font-weight:700;margin:.5mm 0 0}
.poster{width:194mm;height:280mm;margin:0 auto;display:flex;flex-direction:column;align-items:center;justify-content:center;text-align:center;gap:6mm}
.poster h1{font-size:26pt;margin:0 10mm}
.poster .group{font-size:16pt;margin:0}
.poster svg{width:150mm;height:150mm;display:block}
.poster .how{font-size:20pt;font-weight:700;margin:0}
.poster .link{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:10pt;word-break:break-all;margin:0}
@media screen{body{background:#d9dce1}.sheet,.poster{background:#fff;margin:0 auto 1rem;box-shadow:0 1px 4px rgba(0,0,0,.25)}}
@media print{.screen-only{display:none}}
`;

export const printStylesCspHash = `'sha256-${createHash('sha256').update(printStyles, 'utf8').digest('base64')}'`;
