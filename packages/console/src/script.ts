// The console's one script (a few lines, no library): while an export runs, the reports page looks again every
// 2 s and shows the files once they are listed. Without it, the page says to reload, and a reload shows the same.
// A form marked data-upload (the subject list) is sent with its progress shown (upload, then the server's check),
// and the answer's page content replaces this one; without the script it is a plain form post.
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
(function () {
  if (!window.FormData || !window.XMLHttpRequest || !window.DOMParser) return;
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute('data-upload')) return;
    var status = document.getElementById(form.getAttribute('data-upload'));
    if (!status) return;
    event.preventDefault();
    var bar = status.querySelector('progress');
    var text = status.querySelector('span');
    var button = form.querySelector('button[type=submit]');
    function show(message, percent) {
      status.hidden = false;
      text.textContent = message;
      if (percent === null) bar.removeAttribute('value'); else bar.value = percent;
    }
    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) show('正在上传文件… ' + Math.round((e.loaded / e.total) * 100) + '%', Math.round((e.loaded / e.total) * 100));
    };
    xhr.upload.onload = function () { show('文件已上传，正在逐行检查并导入…', null); };
    xhr.onload = function () {
      var next = new DOMParser().parseFromString(xhr.responseText, 'text/html').getElementById('main');
      var main = document.getElementById('main');
      if (!next || !main) { location.reload(); return; }
      main.replaceWith(next);
      history.replaceState(null, '', xhr.responseURL);
      var focus = next.querySelector('[role=alert], [role=status]');
      if (focus) { focus.setAttribute('tabindex', '-1'); focus.focus(); }
    };
    xhr.onerror = function () {
      show('上传失败：网络中断，未导入任何评议对象。请检查网络后重试。', 0);
      if (button) button.disabled = false;
    };
    if (button) button.disabled = true;
    show('正在上传文件… 0%', 0);
    xhr.send(new FormData(form));
  });
})();
`;

/** Content-addressed: cached for a year, never stale. */
export const scriptPath = `/console/assets/console.${createHash('sha256').update(script).digest('hex').slice(0, 16)}.js`;
export const scriptIntegrity = `sha384-${createHash('sha384').update(script, 'utf8').digest('base64')}`;
