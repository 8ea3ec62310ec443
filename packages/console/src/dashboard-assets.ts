// The live dashboard's script and its projector stylesheet. The script (a few lines, no library) fetches the board
// fragment every few seconds and swaps it in whole, so a count on the wall is always one results read, never a mix
// of two; when a read fails it keeps the last board and marks it stale. The stylesheet is allowed by its hash.
import { createHash } from 'node:crypto';

export const dashboardScript = `(function () {
  var box = document.getElementById('live');
  if (!box || !window.fetch) return;
  var src = box.getAttribute('data-src');
  var every = Number(box.getAttribute('data-every')) || 5000;
  function tick() {
    fetch(src, { credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.text(); })
      .then(function (html) { box.innerHTML = html; box.removeAttribute('data-stale'); })
      .catch(function () { box.setAttribute('data-stale', 'true'); })
      .then(function () { setTimeout(tick, every); });
  }
  setTimeout(tick, every);
})();
`;

/** Content-addressed: cached for a year, never stale. */
export const dashboardScriptPath = `/console/assets/dashboard.${createHash('sha256').update(dashboardScript).digest('hex').slice(0, 16)}.js`;
export const dashboardScriptIntegrity = `sha384-${createHash('sha384').update(dashboardScript, 'utf8').digest('base64')}`;

/** Large type for a projector across a meeting room: dark text on white, 1366×768 and up. */
export const projectorStyles = `
.rehearsal-mark{margin:0 0 .5rem;padding:.3rem .8rem;border:3px solid #8a4b00;background:#fff4d6;color:#3d2600;font-weight:700;font-size:1.2rem}
*{box-sizing:border-box}
html{font-size:20px}
body{margin:0;font-family:"Noto Sans SC","Noto Sans CJK SC","Microsoft YaHei","PingFang SC",system-ui,sans-serif;line-height:1.4;color:#111;background:#fff}
a{color:#0b4f8a}
a:focus-visible{outline:3px solid #e8a317;outline-offset:2px}
main{padding:1rem 1.5rem}
h1{font-size:1.8rem;margin:0 0 .5rem;color:#8f1b1b}
h2{font-size:1.3rem;margin:1rem 0 .4rem}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #c5c9d0;padding:.3rem .5rem;text-align:left}
th{background:#eef0f3}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.board-head{display:flex;gap:2rem;align-items:baseline;flex-wrap:wrap}
.big-count{font-size:1.5rem;margin:0}
.big-count strong{font-size:3rem;color:#8f1b1b;font-variant-numeric:tabular-nums}
.state{display:inline-block;padding:.1rem .7rem;border:2px solid;border-radius:999px;font-weight:700}
.state.final{color:#0d6b2f}
.state.live{color:#0b4f8a}
.state.pending{color:#6b3a0d}
.muted{color:#444}
.flag{color:#a11212;font-weight:700}
.kinds{display:grid;grid-template-columns:repeat(auto-fit,minmax(30rem,1fr));gap:1rem}
.chart{width:100%;height:auto;display:block;margin-top:.5rem}
.pace .chart{max-width:56rem}
#live[data-stale] .state::after{content:"（连接中断，显示上次数据）"}
.exit{position:fixed;right:1rem;bottom:.5rem;font-size:.8rem;background:#fff;padding:.2rem .5rem;border-radius:4px}
`;

export const projectorStylesCspHash = `'sha256-${createHash('sha256').update(projectorStyles, 'utf8').digest('base64')}'`;
