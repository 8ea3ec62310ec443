// The stylesheet of the public pages (公示, receipts) and the feedback page, on top of the evaluator pages' own:
// tables that become one card per subject on a phone and stay tables on A4 paper, and the CSP that allows both.
import { createHash } from 'node:crypto';
import { stylesCspHash } from '../assets/index.ts';

export const publicStyles = `
.lead{margin:1rem 0 .5rem}.meta{color:#545a64;font-size:.9rem;margin:.2rem 0}
h2.kind{font-size:1.15rem;margin:1.4rem 0 .5rem;border-left:4px solid #9f1c1c;padding-left:.5rem}
h3{font-size:1rem;margin:1rem 0 .4rem}
table.res{width:100%;border-collapse:collapse;background:#fff;font-size:.95rem}
table.res th,table.res td{border:1px solid #c4c8ce;padding:.35rem .5rem;text-align:left;vertical-align:top}
table.res th{background:#eceef1}table.res td.num{text-align:right;white-space:nowrap}
.note{color:#545a64}.bad{color:#8a1212;font-weight:600}.ok{color:#1d5e2a}
.tag{display:inline-block;padding:0 .4rem;border-radius:.25rem;font-size:.85rem;border:1px solid currentColor}
.box{background:#fff;border:1px solid #d5d8dd;border-radius:.5rem;padding:.8rem 1rem;margin:.8rem 0}
.hint{font-size:.85rem;color:#545a64}
.receipts{display:grid;grid-template-columns:repeat(auto-fill,minmax(8.5rem,1fr));gap:.2rem 1rem;font-family:ui-monospace,Menlo,Consolas,monospace;padding:0;list-style:none}
.found{font-size:1.1rem}
form.inline{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:.5rem 0}
label.field{display:block;margin:.4rem 0}label.field span{display:block;font-size:.9rem;color:#33373d}
input[type=text],input[type=date],input[type=search],select,textarea{font:inherit;padding:.5rem;border:1px solid #8a9099;border-radius:.35rem;width:100%;min-height:44px;background:#fff}
textarea{min-height:5rem}
.comments li{margin:.3rem 0;white-space:pre-wrap}
.flash{background:#e7f3ea;border:1px solid #8cc49a;padding:.6rem .8rem;border-radius:.4rem}
.errors{background:#fdecec;border:1px solid #e0a3a3;padding:.6rem .8rem;border-radius:.4rem}
footer.sign{text-align:right;margin:1.5rem 0 2rem}
.printonly{display:none}
@media (max-width:40rem){
table.res.cards thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
table.res.cards,table.res.cards tbody,table.res.cards tr,table.res.cards td{display:block;border:0}
table.res.cards tr{background:#fff;border:1px solid #c4c8ce;border-radius:.4rem;margin:.5rem 0;padding:.3rem .6rem}
table.res.cards td{padding:.15rem 0;text-align:left}
table.res.cards td.num{text-align:left}
table.res.cards td[data-label]::before{content:attr(data-label) "：";color:#545a64}
table.res.cards td.name{font-weight:600;font-size:1.05rem}
}
@page{size:A4;margin:16mm 14mm}
@media print{
body{background:#fff;font-size:11pt;color:#000}.top{background:none;color:#000;border-bottom:2px solid #9f1c1c;padding:0 0 .4rem}
.wrap{max-width:none;padding:0}.noprint{display:none}table.res{font-size:10pt}
table.res th,table.res td{border-color:#555}tr,.box{break-inside:avoid}h2.kind{break-after:avoid}
a{color:#000;text-decoration:none}.printonly{display:inline}
}
`;

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64');
export const publicStylesCspHash = `'sha256-${digest(publicStyles)}'`;

/** No script at all on these pages; both inline stylesheets by hash; forms only to this origin. */
export const publicCsp = [
  "default-src 'none'",
  `style-src ${stylesCspHash} ${publicStylesCspHash}`,
  "img-src 'self' data:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
