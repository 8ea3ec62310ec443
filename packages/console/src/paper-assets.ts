// The paper entry form's script (a few lines, no library) and its stylesheet. One key per answer: a valid key fills
// the field, shows its option and moves on; Backspace clears the field, or, on an empty one, goes back and clears
// that; Enter on the serial goes to the first answer, on an answer saves once every required answer is there (else
// goes to the first missing one). Without the script the form still works with Tab and the submit button.
import { createHash } from 'node:crypto';

export const paperScript = `(function () {
  var form = document.getElementById('paper-entry');
  if (!form) return;
  var keys = Array.prototype.slice.call(form.querySelectorAll('input.key'));
  var serial = document.getElementById('serial');
  var submit = document.getElementById('paper-save');
  function show(input) {
    var out = document.getElementById(input.id + '-shown');
    if (!out) return;
    var v = input.value;
    out.textContent = v === '' ? '' : (input.getAttribute('data-label-' + v) || '');
  }
  function firstMissing() {
    for (var i = 0; i < keys.length; i++) {
      if (keys[i].value === '' && keys[i].hasAttribute('data-required')) return keys[i];
    }
    return null;
  }
  function go(i) {
    if (i < 0) { serial.focus(); serial.select(); return; }
    if (i >= keys.length) { submit.focus(); return; }
    keys[i].focus();
    keys[i].select();
  }
  serial.addEventListener('keydown', function (e) {
    if (e.key === 'Enter') { e.preventDefault(); if (serial.value !== '') go(0); }
  });
  keys.forEach(function (input, i) {
    show(input);
    input.addEventListener('keydown', function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey || e.key === 'Tab') return;
      var allowed = input.getAttribute('data-keys') || '';
      if (e.key === 'Enter') {
        e.preventDefault();
        var missing = firstMissing();
        if (missing) { missing.focus(); return; }
        if (form.requestSubmit) form.requestSubmit(submit); else form.submit();
        return;
      }
      if (e.key === 'Backspace') {
        e.preventDefault();
        if (input.value !== '') { input.value = ''; show(input); return; }
        if (i > 0) { keys[i - 1].value = ''; show(keys[i - 1]); }
        go(i - 1);
        return;
      }
      if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') { e.preventDefault(); go(i - 1); return; }
      if (e.key === 'ArrowRight' || e.key === 'ArrowDown') { e.preventDefault(); go(i + 1); return; }
      if (e.key.length !== 1) return;
      e.preventDefault();
      if (allowed.indexOf(e.key) < 0) {
        input.setAttribute('aria-invalid', 'true');
        return;
      }
      input.removeAttribute('aria-invalid');
      input.value = e.key;
      show(input);
      go(i + 1);
    });
  });
})();
`;

/** Content-addressed: cached for a year, never stale. */
export const paperScriptPath = `/console/assets/paper.${createHash('sha256').update(paperScript).digest('hex').slice(0, 16)}.js`;
export const paperScriptIntegrity = `sha384-${createHash('sha384').update(paperScript, 'utf8').digest('base64')}`;
