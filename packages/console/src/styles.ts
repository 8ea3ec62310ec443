// The console's one stylesheet, inlined into every page and allowed by its hash in the CSP. Sized for a 1366×768
// office screen and legible on a projector: 16 px body, 1.5 line height, strong contrast, no colour-only meaning.
import { createHash } from 'node:crypto';

export const styles = `
*{box-sizing:border-box}
html{font-size:16px;-webkit-text-size-adjust:100%}
body{margin:0;font-family:"Noto Sans SC","Noto Sans CJK SC","Microsoft YaHei","PingFang SC",system-ui,sans-serif;line-height:1.5;color:#1b1b1b;background:#f4f5f7}
a{color:#0b4f8a}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible{outline:3px solid #e8a317;outline-offset:2px}
.bar{background:#8f1b1b;color:#fff}
.bar .wrap{display:flex;align-items:center;gap:1.5rem;min-height:3.25rem;flex-wrap:wrap}
.bar a{color:#fff;text-decoration:none;padding:.5rem .25rem}
.bar a[aria-current=page]{border-bottom:3px solid #fff}
.bar .brand{font-weight:700;font-size:1.125rem;margin-right:1rem}
.bar .who{margin-left:auto;display:flex;gap:1rem;align-items:center}
.bar form{margin:0}
.bar button{background:transparent;border:1px solid #fff;color:#fff;padding:.3rem .8rem;border-radius:4px;font:inherit;cursor:pointer}
.wrap{max-width:1300px;margin:0 auto;padding:0 1.25rem}
main.wrap{padding-top:1.25rem;padding-bottom:3rem}
h1{font-size:1.6rem;margin:.25rem 0 1rem}
h2{font-size:1.25rem;margin:1.75rem 0 .75rem}
h3{font-size:1.05rem;margin:1.25rem 0 .5rem}
.panel{background:#fff;border:1px solid #d6d9de;border-radius:6px;padding:1rem 1.25rem;margin-bottom:1rem}
.narrow{max-width:28rem;margin:3rem auto}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid #d6d9de;padding:.45rem .6rem;text-align:left;vertical-align:top}
th{background:#eef0f3;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.table-scroll{overflow-x:auto}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input[type=text],input[type=password],input[type=number],input[type=datetime-local],input[type=date],select,textarea{font:inherit;padding:.5rem .6rem;border:1px solid #8a9099;border-radius:4px;width:100%;max-width:28rem;background:#fff}
input[type=file]{font:inherit}
.hint{color:#4a5059;font-size:.9rem;margin:.25rem 0}
.error-text{color:#a11212;font-weight:600}
button,.button{display:inline-block;font:inherit;font-weight:600;padding:.55rem 1.1rem;border-radius:4px;border:1px solid #0b4f8a;background:#0b4f8a;color:#fff;cursor:pointer;text-decoration:none;min-height:2.75rem}
button.secondary,.button.secondary{background:#fff;color:#0b4f8a}
button:disabled{background:#5c6670;border-color:#5c6670;cursor:progress}
fieldset:disabled input,fieldset:disabled select,fieldset:disabled textarea{background:#eceef1;color:#333;border-style:dashed;cursor:not-allowed}
button.danger{background:#a11212;border-color:#a11212}
button.danger:disabled{background:#5c6670;border-color:#5c6670;cursor:not-allowed}
.actions{display:flex;gap:.75rem;flex-wrap:wrap;align-items:center;margin-top:1rem}
.inline{display:inline}
.nowrap{white-space:nowrap}
a.url{word-break:break-all;font-family:ui-monospace,monospace;font-size:.9rem}
label.check{font-weight:400;margin:.35rem 0}
fieldset{border:1px solid #d6d9de;border-radius:4px;margin:.75rem 0;padding:.5rem 1rem}
legend{font-weight:600}
.inline-form{display:flex;gap:.5rem;align-items:flex-end;flex-wrap:wrap}
.inline-form label{margin:0 0 .25rem}
.inline-form input,.inline-form select{width:auto}
.status{display:inline-block;padding:.1rem .6rem;border-radius:999px;font-size:.9rem;font-weight:600;border:1px solid}
.status.draft{color:#4a5059;border-color:#8a9099}
.status.open{color:#0d6b2f;border-color:#0d6b2f;background:#eaf6ee}
.status.rehearsal{color:#7a4b00;border-color:#7a4b00;background:#fff4d6;margin-left:.35rem}
.rehearsal-mark{margin:0 0 .5rem;padding:.3rem .8rem;border:2px solid #8a4b00;background:#fff4d6;color:#3d2600;font-weight:700}
.notice.rehearsal{border-color:#b36b00;background:#fff4d6;font-weight:600}
.status.closed{color:#6b3a0d;border-color:#6b3a0d;background:#f8efe6}
.notice{padding:.75rem 1rem;border-left:5px solid #0b4f8a;background:#e9f1f9;margin-bottom:1rem}
.notice.bad{border-color:#a11212;background:#fbeaea}
.notice.ok{border-color:#0d6b2f;background:#eaf6ee}
.tabs{display:flex;gap:.25rem;border-bottom:2px solid #d6d9de;margin-bottom:1rem;flex-wrap:wrap}
.tabs a{padding:.5rem 1rem;text-decoration:none;border:1px solid transparent;border-bottom:none;border-radius:4px 4px 0 0}
.tabs a[aria-current=page]{background:#fff;border-color:#d6d9de;font-weight:700;margin-bottom:-2px;border-bottom:2px solid #fff}
.meta{color:#4a5059}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;margin:0}
dl.facts dt{font-weight:600;color:#4a5059}
dl.facts dd{margin:0}
.link-box{font-family:ui-monospace,monospace;word-break:break-all;background:#f4f5f7;border:1px dashed #8a9099;padding:.5rem;user-select:all}
.codes td:last-child{font-family:ui-monospace,monospace;font-size:.9rem;word-break:break-all}
.flag{color:#a11212;font-weight:600;border-left:4px solid #a11212;padding-left:.4rem}
.muted{color:#4a5059}
.page-head{margin:0 0 1rem}
.page-head h1{margin:0}
.push{margin-left:auto}
.flush{margin:0}
.big{font-size:1.5rem}
.nowrap{white-space:nowrap}
label.check{font-weight:400}
.panel>h2:first-child,.panel>h3:first-child{margin-top:0}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
fieldset{border:1px solid #d6d9de;border-radius:4px}
.qr-small svg{width:7rem;height:7rem;display:block}
.open-link{display:flex;gap:.75rem;align-items:flex-start}
.paper-top{display:flex;gap:1.5rem;align-items:flex-end;margin-bottom:.5rem}
.paper-top #serial{width:8rem;font-size:1.25rem}
.paper-top .hint{max-width:none}
.paper-grid{display:flex;flex-direction:column;gap:.35rem}
.paper-subject{display:flex;flex-wrap:wrap;gap:.25rem .75rem;align-items:flex-end;padding:.3rem .6rem;margin:0;background:#fff}
.paper-subject legend{font-weight:700;padding:0 .25rem}
.pf{display:inline-flex;flex-direction:column;align-items:flex-start;min-width:6.5rem;max-width:11rem}
.pf label{margin:0;font-weight:400;font-size:.85rem;line-height:1.25}
.pf.overall label{font-weight:700}
.pf input.key{font:inherit;font-size:1.2rem;width:2.5rem;text-align:center;padding:.15rem;border:1px solid #8a9099;border-radius:4px}
.pf input[aria-invalid=true],#serial[aria-invalid=true]{border:2px solid #a11212}
.pf output{font-size:.85rem;color:#0d6b2f;min-height:1.2em}
.mismatch h3{color:#a11212}
@media (min-width:1900px){html{font-size:20px}}
@media print{.bar,.tabs,.actions,form{display:none}}
`;

export const stylesCspHash = `'sha256-${createHash('sha256').update(styles, 'utf8').digest('base64')}'`;
