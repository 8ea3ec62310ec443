// The console's one script (a few lines, no library): while an export runs, the reports page looks again every
// 2 s and shows the files once they are listed. Without it, the page says to reload, and a reload shows the same.
import { createHash } from 'node:crypto';

export const script = `(function () {
  var box = document.getElementById('export-progress');
  if (!box || !window.fetch || !window.DOMParser) return;
  var tries = 0;
  function poll() {
    tries += 1;
    fetch(location.href, { credentials: 'same-origin' })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, 'text/html').getElementById('main');
        var main = document.getElementById('main');
        if (next && main && !next.querySelector('#export-progress')) { main.replaceWith(next); return; }
        if (tries < 90) setTimeout(poll, 2000);
      })
      .catch(function () { if (tries < 90) setTimeout(poll, 4000); });
  }
  setTimeout(poll, 2000);
})();
`;

/** Content-addressed: cached for a year, never stale. */
export const scriptPath = `/console/assets/console.${createHash('sha256').update(script).digest('hex').slice(0, 16)}.js`;
export const scriptIntegrity = `sha384-${createHash('sha384').update(script, 'utf8').digest('base64')}`;
